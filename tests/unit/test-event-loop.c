// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop on the caller's thread (event_loop_run, what a run's
 * main thread does until the guest stops) and on its own: handlers run,
 * a wake returns run() whenever it came, and leaves the thread serving.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "event-loop.h"
#include "unit.h"

struct probe {
	int fd;
	int calls;
	pthread_t where;
	struct event_loop *loop;
	bool wake;		/* wake the loop from the handler */
};

static void on_readable(void *arg, uint32_t events)
{
	struct probe *p = arg;
	char c;

	ck_assert_int_eq(read(p->fd, &c, 1), 1);
	p->calls++;
	p->where = pthread_self();
	if (p->wake)
		event_loop_wake(p->loop);
}

/* A wake that came before run() is not lost: run() returns at once. */
START_TEST(wake_before_run)
{
	struct event_loop *loop = event_loop_create();

	ck_assert_ptr_nonnull(loop);
	event_loop_wake(loop);
	event_loop_wake(loop);
	ck_assert_int_eq(event_loop_run(loop), 0);
	event_loop_destroy(loop);
}
END_TEST

/* Handlers run on the caller's thread until one of them wakes the loop. */
START_TEST(handlers_on_caller)
{
	struct event_loop *loop = event_loop_create();
	struct probe p = { 0 };
	int fds[2];

	ck_assert_ptr_nonnull(loop);
	ck_assert_int_eq(pipe(fds), 0);
	p.fd = fds[0];
	p.loop = loop;
	p.wake = true;
	ck_assert_int_eq(event_loop_add(loop, fds[0], EPOLLIN, on_readable,
					&p), 0);
	ck_assert_int_eq(write(fds[1], "a", 1), 1);
	ck_assert_int_eq(event_loop_run(loop), 0);
	ck_assert_int_eq(p.calls, 1);
	ck_assert(pthread_equal(p.where, pthread_self()));
	/* The wake was taken: the next run waits for the next byte. */
	ck_assert_int_eq(write(fds[1], "b", 1), 1);
	ck_assert_int_eq(event_loop_run(loop), 0);
	ck_assert_int_eq(p.calls, 2);
	event_loop_destroy(loop);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/* On its own thread a wake is nothing: the thread serves on. */
START_TEST(thread_ignores_wake)
{
	struct event_loop *loop = event_loop_create();
	struct probe p = { 0 };
	int fds[2], i;

	ck_assert_ptr_nonnull(loop);
	ck_assert_int_eq(pipe(fds), 0);
	p.fd = fds[0];
	p.loop = loop;
	ck_assert_int_eq(event_loop_add(loop, fds[0], EPOLLIN, on_readable,
					&p), 0);
	ck_assert_int_eq(event_loop_start(loop), 0);
	event_loop_wake(loop);
	ck_assert_int_eq(write(fds[1], "a", 1), 1);
	for (i = 0; i < 500 && !__atomic_load_n(&p.calls, __ATOMIC_ACQUIRE);
	     i++)
		usleep(10000);
	event_loop_stop(loop);
	ck_assert_int_eq(p.calls, 1);
	ck_assert(!pthread_equal(p.where, pthread_self()));
	event_loop_destroy(loop);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static Suite *event_loop_suite(void)
{
	Suite *s = suite_create("event-loop");
	TCase *tc = tcase_create("run");

	tcase_add_test(tc, wake_before_run);
	tcase_add_test(tc, handlers_on_caller);
	tcase_add_test(tc, thread_ignores_wake);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(event_loop_suite)
