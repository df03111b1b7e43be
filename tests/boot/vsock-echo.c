// SPDX-License-Identifier: GPL-2.0
/*
 * The vsock case's peer (busybox has no AF_VSOCK), for L1 and guests:
 *   vsock-echo serve PORT COUNT   answer COUNT connections with
 *                                 "echo:" + what each sent
 *   vsock-echo call CID PORT MSG  send MSG, print the answer
 * "serve" prints "vsock-echo: listening" once it listens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
/* after sys/socket.h: it needs struct sockaddr */
#include <linux/vm_sockets.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "vsock-echo: %s: %s\n", what, strerror(errno));
	return 1;
}

static unsigned int number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*s < '0' || *s > '9' || *end || v > 0xffffffffUL) {
		fprintf(stderr, "vsock-echo: '%s' is not a number\n", s);
		exit(2);
	}
	return v;
}

/* Read until EOF or the buffer is full; the byte count. */
static ssize_t read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		got += n;
	}
	return got;
}

static int serve(unsigned int port, unsigned int count)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK,
		.svm_cid = VMADDR_CID_ANY,
		.svm_port = port,
	};
	char buf[256], out[270];
	int s, c, len;
	ssize_t n;

	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0)
		return die("socket");
	if (bind(s, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(s, 4))
		return die("bind/listen");
	printf("vsock-echo: listening\n");
	fflush(stdout);
	while (count--) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			return die("accept");
		n = read_all(c, buf, sizeof(buf) - 1);
		if (n < 0)
			return die("read");
		len = snprintf(out, sizeof(out), "echo:%.*s", (int)n, buf);
		if (write(c, out, len) != len)
			return die("write");
		close(c);
	}
	close(s);
	return 0;
}

static int call(unsigned int cid, unsigned int port, const char *msg)
{
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK,
		.svm_cid = cid,
		.svm_port = port,
	};
	char buf[300];
	ssize_t n;
	int s;

	s = socket(AF_VSOCK, SOCK_STREAM, 0);
	if (s < 0)
		return die("socket");
	if (connect(s, (struct sockaddr *)&addr, sizeof(addr)))
		return die("connect");
	if (write(s, msg, strlen(msg)) != (ssize_t)strlen(msg) ||
	    shutdown(s, SHUT_WR))
		return die("write");
	n = read_all(s, buf, sizeof(buf) - 1);
	if (n < 0)
		return die("read");
	buf[n] = '\0';
	printf("%s\n", buf);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(number(argv[2]), number(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "call"))
		return call(number(argv[2]), number(argv[3]), argv[4]);
	fprintf(stderr, "usage: vsock-echo serve PORT COUNT | "
		"call CID PORT MSG\n");
	return 2;
}
