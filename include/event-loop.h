/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_EVENT_LOOP_H
#define POCVM_EVENT_LOOP_H

#include <stdint.h>

/*
 * One thread waits on every fd pocvm cares about (console input, signals,
 * disks and the control socket) and calls the owner's handler: a thread
 * of its own (event_loop_start), or the caller's (event_loop_run).
 */
struct event_loop;

typedef void (*event_fn)(void *arg, uint32_t events);

struct event_loop *event_loop_create(void);
void event_loop_destroy(struct event_loop *loop);
int event_loop_add(struct event_loop *loop, int fd, uint32_t events,
		   event_fn fn, void *arg);
/* Change what fd waits for (0: pause it). Safe from any thread. */
int event_loop_mod(struct event_loop *loop, int fd, uint32_t events);
void event_loop_del(struct event_loop *loop, int fd);
int event_loop_start(struct event_loop *loop);
/* Ask the thread to return and join it. */
void event_loop_stop(struct event_loop *loop);
/*
 * Serve the fds on the calling thread until event_loop_wake() (from any
 * thread, also before the call: a wake is never lost). 0, or -errno if
 * waiting failed.
 */
int event_loop_run(struct event_loop *loop);
void event_loop_wake(struct event_loop *loop);

#endif
