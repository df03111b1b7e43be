// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket as a second pocvm, a careless user and a hostile
 * client meet it: through control_listen() on a real event loop and
 * control_request(), in a private $XDG_RUNTIME_DIR. Linked against the
 * real VM objects (only "status" is asked, which needs no VCPU).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "event-loop.h"
#include "log.h"
#include "unit.h"
#include "vm.h"

/* Bounds for waits that only end early when the code under test is wrong. */
#define WAIT_MS		30000

static char tmp[40], dir[80], sock[100], status[128];
static struct vm vm;

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	snprintf(tmp, sizeof(tmp), "/tmp/pocvm-unit-control-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(dir, sizeof(dir), "%s/pocvm", tmp);
	snprintf(sock, sizeof(sock), "%s/t1.sock", dir);
	setenv("XDG_RUNTIME_DIR", tmp, 1);
	memset(&vm, 0, sizeof(vm));
	vm.name = "t1";
	vm.loop = event_loop_create();
	ck_assert_ptr_nonnull(vm.loop);
	snprintf(status, sizeof(status), "t1 %d running\n", (int)getpid());
	err_clear();
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void teardown(void)
{
	event_loop_destroy(vm.loop);
	control_close(&vm);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void assert_refused(int ret, const char *what)
{
	ck_assert_int_lt(ret, 0);
	ck_assert_msg(strstr(err_message(ret), dir),
		      "message '%s' lacks the path", err_message(ret));
	ck_assert_msg(strstr(err_message(ret), what),
		      "message '%s' lacks '%s'", err_message(ret), what);
}

/* A listening socket of type at path (SOCK_STREAM: never accepting). */
static int listener(const char *path, int type, int backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, backlog), 0);
	return fd;
}

static int dial_to(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int dial(int flags)
{
	return dial_to(sock, SOCK_STREAM | flags);
}

static uint64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static ino_t inode(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_ino;
}

/* What the guest sends until it closes; false if it did not within WAIT_MS. */
static bool read_reply(int fd, char *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;

	buf[0] = '\0';
	while (poll(&p, 1, WAIT_MS) == 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n <= 0)
			return n == 0;
		len += n;
		buf[len] = '\0';
		if (len == size - 1)
			return false;
	}
	return false;
}

/*
 * The guest still holds fd, connected at since (ms), and sent nothing:
 * unless its deadline has passed, when it may have dropped it.
 */
static void assert_still_waiting(int fd, uint64_t since)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 0) == 0)
		return;
	ck_assert_msg(ms_now() - since >= CONTROL_DEADLINE_MS,
		      "the guest gave up on a client %llu ms after it "
		      "connected, before its deadline",
		      (unsigned long long)(ms_now() - since));
}

static void ask_status(void)
{
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	ck_assert_int_eq(control_request("t1", "status", out), 0);
	fclose(out);
	ck_assert_str_eq(text, status);
	free(text);
}

static void start(void)
{
	ck_assert_int_eq(control_listen(&vm), 0);
	ck_assert_int_eq(event_loop_start(vm.loop), 0);
}

/* a. The directory: made 0700 when missing, refused unless ours alone. */
START_TEST(dir_made_private)
{
	struct stat st;

	umask(0);
	start();
	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(stat(sock, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ask_status();
}
END_TEST

START_TEST(dir_open_to_others_refused)
{
	char *text = NULL;
	size_t len;
	FILE *out;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(chmod(dir, 0770), 0);
	assert_refused(control_listen(&vm), "mode 0770");
	ck_assert_int_ne(access(sock, F_OK), 0);
	/* Nor does a client talk to whatever sits in there. */
	out = open_memstream(&text, &len);
	assert_refused(control_request("t1", "status", out), "mode 0770");
	fclose(out);
	free(text);
	ck_assert_int_ne(control_for_each(NULL, NULL), 0);
}
END_TEST

START_TEST(dir_of_another_user_refused)
{
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	if (geteuid()) {
		/* Only root can give a directory away. */
		fprintf(stderr, "dir_of_another_user_refused: not root, "
			"nothing to check\n");
		return;
	}
	ck_assert_int_eq(chown(dir, 65534, 65534), 0);
	assert_refused(control_listen(&vm), "owned by uid 65534");
	ck_assert_int_ne(access(sock, F_OK), 0);
}
END_TEST

START_TEST(dir_symlink_or_file_refused)
{
	char real[80];

	snprintf(real, sizeof(real), "%s/real", tmp);
	ck_assert_int_eq(mkdir(real, 0700), 0);
	ck_assert_int_eq(symlink(real, dir), 0);
	assert_refused(control_listen(&vm), "symlink");
	ck_assert_int_eq(unlink(dir), 0);

	ck_assert_int_eq(close(open(dir, O_CREAT | O_WRONLY, 0600)), 0);
	assert_refused(control_listen(&vm), "not a directory");
}
END_TEST

/* b. Only a socket nobody listens on is taken over. */
START_TEST(stale_socket_replaced)
{
	int fd;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	fd = listener(sock, SOCK_STREAM, 1);
	close(fd);	/* its pocvm died: connect() is refused */
	start();
	ask_status();
}
END_TEST

START_TEST(live_socket_of_other_type_kept)
{
	ino_t ino;
	int fd, c;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	/* connect() fails with EPROTOTYPE: alive, but not a pocvm. */
	fd = listener(sock, SOCK_SEQPACKET, 1);
	ino = inode(sock);
	assert_refused(control_listen(&vm), "not replacing");
	ck_assert_uint_eq(inode(sock), ino);
	c = dial_to(sock, SOCK_SEQPACKET);
	ck_assert_int_ge(c, 0);
	close(c);
	close(fd);
}
END_TEST

START_TEST(busy_socket_kept)
{
	ino_t ino;
	int fd, i, c;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	/* A live guest whose backlog is full: connect() says EAGAIN. */
	fd = listener(sock, SOCK_STREAM, 0);
	for (i = 0; i < 64; i++) {
		c = dial(SOCK_NONBLOCK);
		if (c == -EAGAIN)
			break;
		ck_assert_int_ge(c, 0);
	}
	ck_assert_int_eq(c, -EAGAIN);
	ino = inode(sock);
	assert_refused(control_listen(&vm), "not replacing");
	ck_assert_uint_eq(inode(sock), ino);
	close(fd);
}
END_TEST

/* c. Slow or silent clients cost the loop nothing. */
START_TEST(silent_client_does_not_stall)
{
	uint64_t since;
	char buf[64];
	int quiet;

	start();
	since = ms_now();
	quiet = dial(0);
	ck_assert_int_ge(quiet, 0);
	ask_status();
	assert_still_waiting(quiet, since);
	ask_status();
	/* Its deadline passes: dropped, with no answer. */
	ck_assert(read_reply(quiet, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "");
	close(quiet);
	ask_status();
}
END_TEST

START_TEST(dribbled_line_answered)
{
	static const char *const parts[] = { "st", "a", "tu", "s\r\n" };
	char buf[128];
	unsigned int i;
	int slow;

	start();
	slow = dial(0);
	ck_assert_int_ge(slow, 0);
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(send(slow, parts[i], strlen(parts[i]),
				      MSG_NOSIGNAL), strlen(parts[i]));
		/* Another client is served while this line is partial. */
		if (i < 3)
			ask_status();
	}
	ck_assert(read_reply(slow, buf, sizeof(buf)));
	ck_assert_str_eq(buf, status);
	close(slow);
}
END_TEST

START_TEST(long_line_refused)
{
	char line[4 * CONTROL_LINE_MAX], buf[256];
	int fd;

	start();
	fd = dial(0);
	ck_assert_int_ge(fd, 0);
	memset(line, 'a', sizeof(line));
	ck_assert_int_eq(send(fd, line, sizeof(line), MSG_NOSIGNAL),
			 sizeof(line));
	ck_assert(read_reply(fd, buf, sizeof(buf)));
	ck_assert_msg(strstr(buf, "error: command longer than"),
		      "answer '%s'", buf);
	close(fd);
	ask_status();
}
END_TEST

START_TEST(too_many_clients_turned_away)
{
	int quiet[CONTROL_MAX_CLIENTS], i, fd;
	char buf[128], *text = NULL;
	uint64_t since;
	size_t len;
	FILE *out;

	start();
	since = ms_now();
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		quiet[i] = dial(0);
		ck_assert_int_ge(quiet[i], 0);
	}
	fd = dial(0);
	ck_assert_int_ge(fd, 0);
	ck_assert(read_reply(fd, buf, sizeof(buf)));
	ck_assert_msg(strstr(buf, "error: too many control clients"),
		      "answer '%s'", buf);
	close(fd);
	/* What `pocvm status` prints then, whichever of send and close won. */
	out = open_memstream(&text, &len);
	ck_assert_int_eq(control_request("t1", "status", out), 0);
	fclose(out);
	ck_assert_msg(strstr(text, "error: too many control clients"),
		      "answer '%s'", text);
	free(text);
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		assert_still_waiting(quiet[i], since);
		close(quiet[i]);
	}
}
END_TEST

/* An "error: ..." answer is the caller's error, named after the guest. */
START_TEST(error_answer_is_an_error)
{
	char *reply = (char *)1;

	start();
	ck_assert_int_eq(control_ask_ok("t1", "status", &reply), 0);
	ck_assert_str_eq(reply, status);
	free(reply);
	ck_assert_int_eq(control_ask_ok("t1", "frobnicate", &reply), -ENODEV);
	ck_assert_ptr_null(reply);
	ck_assert_msg(!strncmp(err_message(-ENODEV),
			       "t1: unknown command 'frobnicate'", 32),
		      "message '%s'", err_message(-ENODEV));
	ck_assert_ptr_null(strchr(err_message(-ENODEV), '\n'));
}
END_TEST

static Suite *control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *dir_tc = tcase_create("directory");
	TCase *name_tc = tcase_create("stale-socket");
	TCase *client_tc = tcase_create("clients");

	tcase_add_checked_fixture(dir_tc, setup, teardown);
	tcase_add_test(dir_tc, dir_made_private);
	tcase_add_test(dir_tc, dir_open_to_others_refused);
	tcase_add_test(dir_tc, dir_of_another_user_refused);
	tcase_add_test(dir_tc, dir_symlink_or_file_refused);
	suite_add_tcase(s, dir_tc);

	tcase_add_checked_fixture(name_tc, setup, teardown);
	/* Generous: a blocking connect() would hang until then. */
	tcase_set_timeout(name_tc, 20);
	tcase_add_test(name_tc, stale_socket_replaced);
	tcase_add_test(name_tc, live_socket_of_other_type_kept);
	tcase_add_test(name_tc, busy_socket_kept);
	suite_add_tcase(s, name_tc);

	tcase_add_checked_fixture(client_tc, setup, teardown);
	/* A deadline of CONTROL_DEADLINE_MS passes in some of these. */
	tcase_set_timeout(client_tc, 60);
	tcase_add_test(client_tc, silent_client_does_not_stall);
	tcase_add_test(client_tc, dribbled_line_answered);
	tcase_add_test(client_tc, long_line_refused);
	tcase_add_test(client_tc, too_many_clients_turned_away);
	tcase_add_test(client_tc, error_answer_is_an_error);
	suite_add_tcase(s, client_tc);
	return s;
}

UNIT_SUITE(control_suite)
