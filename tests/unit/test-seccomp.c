// SPDX-License-Identifier: GPL-2.0
/*
 * The run-time allow-list, installed for real in a child process: what
 * pocvm needs still works, and what an escaped guest would want next
 * (a process, a socket, a foreign ioctl) is refused with EPERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "seccomp.h"
#include "unit.h"

static void *thread_body(void *arg)
{
	return arg;
}

/* Each failed check sets one bit of the child's exit status. */
static int locked_down_child(void)
{
	char *const argv[] = { "true", NULL };
	struct termios tio;
	int fds[2], bad = 0, val = 0;
	pthread_t t;
	void *res;
	char c = 'x';

	if (pipe(fds) || seccomp_lock_down())
		return 0x80;
	/* allowed: I/O on what is open, threads */
	if (write(fds[1], &c, 1) != 1 || read(fds[0], &c, 1) != 1)
		bad |= 0x01;
	if (pthread_create(&t, NULL, thread_body, &val) ||
	    pthread_join(t, &res) || res != &val)
		bad |= 0x02;
	/* a 'T' ioctl reaches the kernel, which says a pipe is no tty */
	if (ioctl(fds[0], TCGETS, &tio) != -1 || errno != ENOTTY)
		bad |= 0x04;
	/* refused */
	if (socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EPERM)
		bad |= 0x08;
	if (execv("/bin/true", argv) != -1 || errno != EPERM)
		bad |= 0x10;
	if (fork() != -1 || errno != EPERM)
		bad |= 0x20;
	/* files may be opened, not created */
	val = open("/proc/self/statm", O_RDONLY);
	if (val < 0)
		bad |= 0x40;
	else
		close(val);
	if (open("/tmp/pocvm-seccomp-test", O_WRONLY | O_CREAT, 0600) != -1 ||
	    errno != EPERM)
		bad |= 0x40;
	val = 0;
	/* SIOCGIFFLAGS: type 0x89, not KVM's, vhost's or the tty's */
	if (ioctl(fds[0], 0x8913, &val) != -1 || errno != EPERM)
		bad |= 0x40;
	return bad;
}

START_TEST(test_seccomp_allow_list)
{
	int status;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid)
		_exit(locked_down_child());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "child killed by signal %d",
		      WTERMSIG(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "failed checks: 0x%x",
		      WEXITSTATUS(status));
}
END_TEST

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("allow-list");

	tcase_add_test(tc, test_seccomp_allow_list);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(seccomp_suite)
