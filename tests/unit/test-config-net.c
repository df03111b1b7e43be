// SPDX-License-Identifier: GPL-2.0
/*
 * The network options: -n mode=user with hostfwd=, --passt, --vsock,
 * and passt's command line, lookup and messages (vmm/passt.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "passt.h"
#include "config-parse.h"
#include "unit.h"

START_TEST(user_mode)
{
	const struct net_config *n = &cfg.nets[0];

	ck_assert_int_eq(PARSE("-k", "K", "-n", "mode=user"), 0);
	ck_assert_uint_eq(cfg.nr_nets, 1);
	ck_assert_int_eq(n->mode, NET_USER);
	ck_assert_uint_eq(n->nr_fwds, 0);
	ck_assert_ptr_null(cfg.passt);
	ck_assert_int_eq(PARSE("-k", "K", "-n", "mode=user,guest_mac="
			       "02:aa:bb:cc:dd:ee,hostfwd=tcp:8080:80,"
			       "hostfwd=udp:5353:53,hostfwd=tcp:2222:22",
			       "--passt", "/opt/passt"), 0);
	ck_assert_uint_eq(n->guest_mac[0], 0x02);
	ck_assert_uint_eq(n->guest_mac[5], 0xee);
	ck_assert_uint_eq(n->nr_fwds, 3);
	ck_assert(!n->fwds[0].udp && n->fwds[1].udp && !n->fwds[2].udp);
	ck_assert_uint_eq(n->fwds[0].host_port, 8080);
	ck_assert_uint_eq(n->fwds[0].guest_port, 80);
	ck_assert_uint_eq(n->fwds[1].host_port, 5353);
	ck_assert_uint_eq(n->fwds[2].guest_port, 22);
	ck_assert_str_eq(cfg.passt, "/opt/passt");
	/* The same host port over TCP and over UDP are two forwards. */
	ck_assert_int_eq(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp:53:53,"
			       "hostfwd=udp:53:53"), 0);
}
END_TEST

START_TEST(user_mode_errors)
{
	assert_error(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp:8080"),
		     "hostfwd 'tcp:8080' is not tcp|udp:HOSTPORT:GUESTPORT");
	assert_error(PARSE("-k", "K", "-n", "mode=user,hostfwd=sctp:1:2"),
		     "hostfwd 'sctp:1:2'");
	assert_error(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp:0:80"),
		     "hostfwd");
	assert_error(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp:65536:80"),
		     "hostfwd");
	assert_error(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp:80:-1"),
		     "hostfwd");
	assert_error(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp:80:80x"),
		     "hostfwd");
	assert_error(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp::80"),
		     "hostfwd");
	assert_error(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp:80:80,"
			   "hostfwd=tcp:80:81"), "tcp port 80 is forwarded "
		     "twice");
	assert_error(PARSE("-k", "K", "-n", "mode=user,tapif=tap0"),
		     "mode=user has no tap");
	assert_error(PARSE("-k", "K", "-n", "mode=user,vhost=1"),
		     "mode=user has no tap");
	assert_error(PARSE("-k", "K", "-n", "mode=tap,hostfwd=tcp:1:2"),
		     "hostfwd= is mode=user's");
	assert_error(PARSE("-k", "K", "-n", "mode=user,guest_mac=03:00:00:"
			   "00:00:01"), "guest_mac");
	assert_error(PARSE("-k", "K", "-n", "mode=none", "--passt",
			   "/usr/bin/passt"),
		     "--passt: only -n mode=user starts passt");
	/* No -n: a host-rootfs guest's default network may use it. */
	ck_assert_int_eq(PARSE("-k", "K", "--passt", "/usr/bin/passt"), 0);
	ck_assert(!cfg.net_given);
	ck_assert_int_eq(PARSE("-k", "K", "-n", "mode=none"), 0);
	ck_assert(cfg.net_given);
	ck_assert_uint_eq(cfg.nr_nets, 0);
	assert_error(PARSE("-k", "K", "-n", "mode=user", "--passt", ""),
		     "--passt: empty path");
}
END_TEST

/* More forwards than fit: refused, not cut short. */
START_TEST(user_mode_many)
{
	char arg[1024] = "mode=user";
	unsigned int i;

	for (i = 0; i < CONFIG_MAX_FWDS; i++)
		sprintf(arg + strlen(arg), ",hostfwd=tcp:%u:%u", 1000 + i,
			i + 1);
	ck_assert_int_eq(PARSE("-k", "K", "-n", arg), 0);
	ck_assert_uint_eq(cfg.nets[0].nr_fwds, CONFIG_MAX_FWDS);
	strcat(arg, ",hostfwd=udp:1:1");
	assert_error(PARSE("-k", "K", "-n", arg), "at most 16 hostfwd=");
}
END_TEST

START_TEST(vsock)
{
	ck_assert_int_eq(PARSE("-k", "K"), 0);
	ck_assert_uint_eq(cfg.vsock_cid, 0);
	ck_assert_int_eq(PARSE("-k", "K", "--vsock", "3"), 0);
	ck_assert_uint_eq(cfg.vsock_cid, 3);
	ck_assert_int_eq(PARSE("-k", "K", "--vsock", "4294967294"), 0);
	ck_assert_uint_eq(cfg.vsock_cid, 0xfffffffeU);
	assert_error(PARSE("-k", "K", "--vsock", "2"),
		     "--vsock: '2' is not a guest CID (3 to 4294967294)");
	assert_error(PARSE("-k", "K", "--vsock", "0"), "--vsock: '0'");
	assert_error(PARSE("-k", "K", "--vsock", "4294967295"), "--vsock");
	assert_error(PARSE("-k", "K", "--vsock", "99999999999"), "--vsock");
	assert_error(PARSE("-k", "K", "--vsock", "-5"), "--vsock");
	assert_error(PARSE("-k", "K", "--vsock", "5x"), "--vsock");
	assert_error(PARSE("-k", "K", "--vsock", ""), "--vsock");
}
END_TEST

static unsigned int count_args(const struct passt_cmd *cmd)
{
	unsigned int n = 0;

	while (cmd->argv[n])
		n++;
	return n;
}

/* cmd's words from argv[from] on are the NULL-ended list given. */
static void assert_args(const struct passt_cmd *cmd, unsigned int from, ...)
{
	const char *want;
	va_list ap;

	va_start(ap, from);
	while ((want = va_arg(ap, const char *)))
		ck_assert_str_eq(cmd->argv[from++], want);
	va_end(ap);
}

START_TEST(passt_command)
{
	struct passt_cmd cmd;

	ck_assert_int_eq(PARSE("-k", "K", "-n", "mode=user"), 0);
	ck_assert_int_eq(passt_build_cmd(&cmd, "/usr/bin/passt", &cfg,
					 &cfg.nets[0]), 0);
	ck_assert_uint_eq(count_args(&cmd), 7);
	/* no UDP forwards unless asked, whatever -t says */
	assert_args(&cmd, 0, "/usr/bin/passt", "-f", "-q", "-F", "3", "-u",
		    "none", NULL);

	ck_assert_int_eq(PARSE("-k", "K", "--user", "0", "--group", "0", "-n",
			       "mode=user,hostfwd=tcp:8080:80,hostfwd=udp:"
			       "5353:53,hostfwd=tcp:2222:22"), 0);
	ck_assert_int_eq(passt_build_cmd(&cmd, "passt", &cfg, &cfg.nets[0]),
			 0);
	ck_assert_uint_eq(count_args(&cmd), 11);
	assert_args(&cmd, 5, "--runas", "0:0", "-t", "8080:80,2222:22", "-u",
		    "5353:53", NULL);

	/* A host-rootfs guest's: the addresses guest-init sets up. */
	ck_assert_int_eq(PARSE("-k", "K", "-n", "mode=user,hostfwd=tcp:1:2"),
			 0);
	cfg.nets[0].guest_static = true;
	ck_assert_int_eq(passt_build_cmd(&cmd, "passt", &cfg, &cfg.nets[0]),
			 0);
	ck_assert_uint_eq(count_args(&cmd), 15);
	assert_args(&cmd, 5, "-a", "10.0.2.15", "-n", "24", "-g", "10.0.2.2",
		    "-t", "1:2", NULL);
}
END_TEST

START_TEST(passt_lookup)
{
	char dir[] = "/tmp/pocvm-passt-XXXXXX", path[256], out[4096];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/passt", dir);
	/* Not there, then there but not executable, then found. */
	err_clear();
	ck_assert_int_eq(passt_find(NULL, dir, out, sizeof(out)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err_message(-ENOENT), "not on PATH"));
	fd = creat(path, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(passt_find(NULL, dir, out, sizeof(out)), -ENOENT);
	ck_assert_int_eq(passt_find(path, NULL, out, sizeof(out)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err_message(-ENOENT), "--passt: "));
	chmod(path, 0755);
	ck_assert_int_eq(passt_find(NULL, "/nonexistent::", out, sizeof(out)),
			 -ENOENT);
	ck_assert_int_eq(passt_find(NULL, "/nonexistent:", out, sizeof(out)),
			 -ENOENT);
	strcpy(out, "/nonexistent:");
	strcat(out, dir);
	ck_assert_int_eq(passt_find(NULL, strdup(out), out, sizeof(out)), 0);
	ck_assert_str_eq(out, path);
	ck_assert_int_eq(passt_find(path, NULL, out, sizeof(out)), 0);
	ck_assert_str_eq(out, path);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* What fn logs to stderr while it runs, in out (NUL-terminated). */
static void logged(void (*fn)(void *), void *arg, char *out, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
	fn(arg);
	ck_assert_int_eq(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

struct relay_case {
	int pipe[2];
	struct passt_log lg;
	int first, second;	/* passt_relay() before and after EOF */
};

static void relay_twice(void *arg)
{
	struct relay_case *c = arg;

	c->first = passt_relay(c->pipe[0], &c->lg, LOG_WARN);
	close(c->pipe[1]);
	c->second = passt_relay(c->pipe[0], &c->lg, LOG_WARN);
}

/*
 * passt's output, cut into pocvm's lines: blank ones dropped, syslog's
 * absence at debug, a line longer than the buffer in pieces, a last
 * line without its newline once passt is gone.
 */
START_TEST(passt_messages)
{
	static const char said[] = "Don't run as root.\n\nFailed to send "
				   "47 bytes to syslog\nNo external "
				   "routable interface\nlast words";
	struct relay_case c = { .lg.len = 0 };
	char longline[600], out[4096], want[4096];
	enum log_level was = log_threshold;

	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\n';
	ck_assert_int_eq(pipe2(c.pipe, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(write(c.pipe[1], longline, sizeof(longline)),
			 (ssize_t)sizeof(longline));
	ck_assert_int_eq(write(c.pipe[1], said, sizeof(said) - 1),
			 (ssize_t)sizeof(said) - 1);
	log_threshold = LOG_WARN;
	logged(relay_twice, &c, out, sizeof(out));
	log_threshold = was;
	close(c.pipe[0]);
	ck_assert_int_eq(c.first, 0);
	ck_assert_int_eq(c.second, -EPIPE);
	/* 599 x: pieces of 255, 255 and 89. */
	snprintf(want, sizeof(want),
		 "pocvm: warning: passt: %.255s\n"
		 "pocvm: warning: passt: %.255s\n"
		 "pocvm: warning: passt: %.89s\n"
		 "pocvm: warning: passt: Don't run as root.\n"
		 "pocvm: warning: passt: No external routable interface\n"
		 "pocvm: warning: passt: last words\n",
		 longline, longline, longline);
	ck_assert_str_eq(out, want);
}
END_TEST

static void relay_info(void *arg)
{
	struct relay_case *c = arg;

	c->first = passt_relay(c->pipe[0], &c->lg, LOG_INFO);
}

/* The default network's passt speaks at info: not shown by default. */
START_TEST(passt_messages_quiet)
{
	struct relay_case c = { .lg.len = 0 };
	enum log_level was = log_threshold;
	char out[256];

	ck_assert_int_eq(pipe2(c.pipe, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(write(c.pipe[1], "noise\n", 6), 6);
	log_threshold = LOG_WARN;
	logged(relay_info, &c, out, sizeof(out));
	ck_assert_int_eq(c.first, 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(write(c.pipe[1], "said\n", 5), 5);
	log_threshold = LOG_INFO;
	logged(relay_info, &c, out, sizeof(out));
	log_threshold = was;
	ck_assert_str_eq(out, "pocvm: info: passt: said\n");
	close(c.pipe[0]);
	close(c.pipe[1]);
}
END_TEST

static Suite *config_net_suite(void)
{
	Suite *s = suite_create("config-net");
	TCase *tc = tcase_create("network options");

	tcase_add_test(tc, user_mode);
	tcase_add_test(tc, user_mode_errors);
	tcase_add_test(tc, user_mode_many);
	tcase_add_test(tc, vsock);
	tcase_add_test(tc, passt_command);
	tcase_add_test(tc, passt_lookup);
	tcase_add_test(tc, passt_messages);
	tcase_add_test(tc, passt_messages_quiet);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(config_net_suite)
