// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "event-loop.h"
#include "log.h"

#define MAX_WATCHES 64

struct watch {
	int fd;
	event_fn fn;
	void *arg;
};

struct event_loop {
	int epfd;
	int quit_fd;
	int wake_fd;			/* event_loop_run() returns */
	pthread_t thread;
	bool running;
	pthread_mutex_t lock;
	struct watch watches[MAX_WATCHES];
};

struct event_loop *event_loop_create(void)
{
	struct event_loop *loop = calloc(1, sizeof(*loop));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	/* The quit fd only for a thread of its own: event_loop_start(). */
	loop->quit_fd = -1;
	loop->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->epfd < 0 || loop->wake_fd < 0)
		goto fail;
	ev.data.ptr = &loop->wake_fd;	/* the wake fd has no watch */
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wake_fd, &ev) < 0)
		goto fail;
	pthread_mutex_init(&loop->lock, NULL);
	return loop;
fail:
	if (loop->epfd >= 0)
		close(loop->epfd);
	if (loop->quit_fd >= 0)
		close(loop->quit_fd);
	if (loop->wake_fd >= 0)
		close(loop->wake_fd);
	free(loop);
	return NULL;
}

void event_loop_destroy(struct event_loop *loop)
{
	if (!loop)
		return;
	event_loop_stop(loop);
	close(loop->epfd);
	if (loop->quit_fd >= 0)
		close(loop->quit_fd);
	close(loop->wake_fd);
	free(loop);
}

int event_loop_add(struct event_loop *loop, int fd, uint32_t events,
		   event_fn fn, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct watch *w = NULL;
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&loop->lock);
	for (i = 0; i < MAX_WATCHES; i++) {
		if (!loop->watches[i].fn) {
			w = &loop->watches[i];
			break;
		}
	}
	if (!w) {
		ret = -ENOSPC;
		goto out;
	}
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	ev.data.ptr = w;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		ret = -errno;
		w->fn = NULL;
	}
out:
	pthread_mutex_unlock(&loop->lock);
	return ret;
}

static struct watch *find_watch(struct event_loop *loop, int fd)
{
	unsigned int i;

	for (i = 0; i < MAX_WATCHES; i++)
		if (loop->watches[i].fn && loop->watches[i].fd == fd)
			return &loop->watches[i];
	return NULL;
}

int event_loop_mod(struct event_loop *loop, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	int ret = -ENOENT;

	pthread_mutex_lock(&loop->lock);
	ev.data.ptr = find_watch(loop, fd);
	if (ev.data.ptr)
		ret = epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
	pthread_mutex_unlock(&loop->lock);
	return ret;
}

void event_loop_del(struct event_loop *loop, int fd)
{
	struct watch *w;

	pthread_mutex_lock(&loop->lock);
	w = find_watch(loop, fd);
	if (w) {
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
		w->fn = NULL;
	}
	pthread_mutex_unlock(&loop->lock);
}

/*
 * Handlers until the quit fd fires, or (when woken says so) the wake fd:
 * 0, or -errno if waiting failed. A wake is taken (read) either way.
 */
static int serve(struct event_loop *loop, bool until_woken)
{
	struct epoll_event evs[16];
	uint64_t wakes;
	int i, n;

	for (;;) {
		n = epoll_wait(loop->epfd, evs, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			pr_err("event loop: epoll_wait: %d", -errno);
			return -errno;
		}
		for (i = 0; i < n; i++) {
			struct watch *w = evs[i].data.ptr;

			if (!w)
				return 0;	/* quit_fd */
			if (w == (void *)&loop->wake_fd) {
				if (read(loop->wake_fd, &wakes,
					 sizeof(wakes)) < 0 && errno != EAGAIN)
					return -errno;
				if (until_woken)
					return 0;
				continue;
			}
			/* Handlers run without the lock: they may call mod/del. */
			if (w->fn)
				w->fn(w->arg, evs[i].events);
		}
	}
}

static void *event_loop_thread(void *arg)
{
	serve(arg, false);
	return NULL;
}

int event_loop_run(struct event_loop *loop)
{
	return serve(loop, true);
}

void event_loop_wake(struct event_loop *loop)
{
	uint64_t one = 1;

	if (write(loop->wake_fd, &one, sizeof(one)) < 0)
		pr_warn("event loop: cannot wake: %d", -errno);
}

int event_loop_start(struct event_loop *loop)
{
	struct epoll_event ev = { .events = EPOLLIN };	/* ptr NULL: quit */
	int ret;

	if (loop->quit_fd < 0) {
		loop->quit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (loop->quit_fd < 0)
			return -errno;
		if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->quit_fd,
			      &ev) < 0) {
			ret = -errno;
			close(loop->quit_fd);
			loop->quit_fd = -1;
			return ret;
		}
	}
	ret = pthread_create(&loop->thread, NULL, event_loop_thread, loop);
	if (ret)
		return -ret;
	loop->running = true;
	return 0;
}

void event_loop_stop(struct event_loop *loop)
{
	uint64_t one = 1;

	if (!loop->running)
		return;
	if (write(loop->quit_fd, &one, sizeof(one)) < 0)
		pr_warn("event loop: cannot wake: %d", -errno);
	pthread_join(loop->thread, NULL);
	loop->running = false;
}
