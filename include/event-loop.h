/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_EVENT_LOOP_H
#define POCVM_EVENT_LOOP_H

#include <stdint.h>

/*
 * One thread waits on every fd pocvm cares about (console input, signals,
 * later disks and the control socket) and calls the owner's handler.
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

#endif
