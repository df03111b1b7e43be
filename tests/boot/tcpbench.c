// SPDX-License-Identifier: GPL-2.0
/*
 * TCP figures for the net benchmark (busybox's nc cannot half-close):
 *   tcpbench sink PORT            read each connection to its end
 *   tcpbench source PORT MIB      write MIB MiB to each connection
 *   tcpbench send HOST PORT MIB   write MIB MiB, print MiB/s
 *   tcpbench recv HOST PORT       read to the end, print MiB/s
 *   tcpbench connect HOST PORT N  N connections in a row, print per second
 * and a bulk copy for the user-mode network test:
 *   tcpbench save PORT FILE       one connection's bytes into FILE
 *   tcpbench put HOST PORT FILE   FILE to HOST, all of it acknowledged
 * The servers (but save) run until killed. Figures only, no verdict.
 *
 * sink and save greet each connection with one byte before reading it.
 * Debian 12's passt (0.0~git20230309) waits for the guest to acknowledge
 * its SYN-ACK as if it were data, and resets a connection from the guest
 * about 24 s later (10 s, then 7 retries 2 s apart) unless it has sent
 * the guest data since: a long upload to a silent server always ends
 * so (passt commit 4e73e9bd, "tcp: Don't special case the handling of
 * the ack of a syn", fixed it upstream in March 2023).
 *
 * connect reads the greeting before it half-closes. The same passt never
 * sends its FIN on a connection the guest half-closed while data from
 * the server was still unacknowledged: once it has the guest's FIN it
 * stops dequeuing what the guest acknowledges, so the greeting stays in
 * its socket and its FIN never goes out, and when the server closes it
 * drops the connection with no FIN at all. The guest then waits in
 * FIN_WAIT2 for ever. A FIN that acknowledges the greeting avoids that.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(64 * 1024)

static char buf[CHUNK];

static int die(const char *what)
{
	fprintf(stderr, "tcpbench: %s: %s\n", what, strerror(errno));
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int listener(int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 64))
		return -1;
	return s;
}

static int dial(const char *host, int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int s;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return -1;
	if (connect(s, (struct sockaddr *)&a, sizeof(a))) {
		close(s);
		return -1;
	}
	return s;
}

static long long drain(int s)
{
	long long total = 0;
	ssize_t n;

	while ((n = read(s, buf, sizeof(buf))) > 0)
		total += n;
	return n < 0 ? -1 : total;
}

/* All of len bytes of p to s. */
static int fill_from(int s, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(s, p, len);
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int fill(int s, long long bytes)
{
	ssize_t n;

	while (bytes > 0) {
		n = write(s, buf, bytes < CHUNK ? bytes : CHUNK);
		if (n < 0)
			return -1;
		bytes -= n;
	}
	return 0;
}

static int serve(int port, long long bytes)
{
	int s = listener(port), c;

	if (s < 0)
		return die("listen");
	printf("tcpbench: listening on %d\n", port);
	fflush(stdout);
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		if (bytes) {
			fill(c, bytes);
		} else if (write(c, "!", 1) == 1) {	/* the greeting */
			drain(c);
		}
		close(c);
	}
}

/* One connection, greeted, its bytes into path; 0 once all are there. */
static int save(int port, const char *path)
{
	int s = listener(port), c, out;
	ssize_t n;

	if (s < 0)
		return die("listen");
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		return die(path);
	printf("tcpbench: listening on %d\n", port);
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0 || write(c, "!", 1) != 1)
		return die("accept");
	while ((n = read(c, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			return die(path);
	if (n < 0)
		return die("read");
	return close(out) ? die(path) : 0;
}

/* path to host:port, then half-close and wait for the server's close. */
static int put(const char *host, int port, const char *path)
{
	int s, in = open(path, O_RDONLY);
	ssize_t n;

	if (in < 0)
		return die(path);
	s = dial(host, port);
	if (s < 0)
		return die("connect");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (fill_from(s, buf, n))
			return die("write");
	if (n < 0)
		return die(path);
	if (shutdown(s, SHUT_WR) || drain(s) < 0)
		return die("put");
	return 0;
}

int main(int argc, char **argv)
{
	double t0, secs;
	long long mib, got;
	int s, i, n;

	signal(SIGPIPE, SIG_IGN);
	memset(buf, 0x5a, sizeof(buf));
	if (argc == 3 && !strcmp(argv[1], "sink"))
		return serve(atoi(argv[2]), 0);
	if (argc == 4 && !strcmp(argv[1], "source"))
		return serve(atoi(argv[2]), atoll(argv[3]) << 20);
	if (argc == 4 && !strcmp(argv[1], "save"))
		return save(atoi(argv[2]), argv[3]);
	if (argc == 5 && !strcmp(argv[1], "put"))
		return put(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 5 && !strcmp(argv[1], "send")) {
		mib = atoll(argv[4]);
		t0 = now();
		s = dial(argv[2], atoi(argv[3]));
		if (s < 0 || fill(s, mib << 20) || shutdown(s, SHUT_WR))
			return die("send");
		drain(s);	/* the sink has all of it once it closes */
		secs = now() - t0;
		printf("%.1f MiB/s (%lld MiB in %.2f s)\n", mib / secs, mib,
		       secs);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "recv")) {
		t0 = now();
		s = dial(argv[2], atoi(argv[3]));
		if (s < 0)
			return die("connect");
		got = drain(s);
		if (got < 0)
			return die("read");
		secs = now() - t0;
		printf("%.1f MiB/s (%lld MiB in %.2f s)\n",
		       got / 1048576.0 / secs, got >> 20, secs);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "connect")) {
		n = atoi(argv[4]);
		t0 = now();
		for (i = 0; i < n; i++) {
			s = dial(argv[2], atoi(argv[3]));
			if (s < 0)
				return die("connect");
			/* The greeting before the half-close: see above. */
			if (read(s, buf, 1) != 1 || shutdown(s, SHUT_WR) ||
			    drain(s) < 0)
				return die("connect: exchange");
			close(s);
		}
		secs = now() - t0;
		printf("%.0f connections/s (%d in %.2f s)\n", n / secs, n,
		       secs);
		return 0;
	}
	fprintf(stderr, "usage: see tests/boot/tcpbench.c\n");
	return 2;
}
