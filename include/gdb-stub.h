/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_GDB_STUB_H
#define POCVM_GDB_STUB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch-gdb.h"
#include "gdb.h"

/*
 * What vmm/gdb.c (the connection: socket, thread, VCPU stops) and
 * vmm/gdb-proto.c (the packets and commands) share. The protocol half
 * reads g->in and answers on g->fd, and needs no socket of its own, so a
 * fuzzer feeds it packets directly.
 */
#define PACKET_MAX	0x4000
#define MAX_SW_BPS	64

struct sw_bp {
	uint64_t addr;		/* as gdb gave it (virtual) */
	uint64_t gpa;		/* where the instruction was replaced */
	uint8_t saved[4];
	bool used;
};

struct gdb {
	struct vm *vm;
	int listen_fd;
	int fd;			/* the debugger, -1 if none */
	int wake_fd;		/* a VCPU stopped, or the VM is ending */
	pthread_t thread;
	bool thread_started;

	pthread_mutex_t lock;	/* guards the stop_* fields */
	int stop_vcpu;		/* VCPU that reported a debug exit, or -1 */
	enum gdb_stop_kind stop_kind;
	uint64_t stop_addr;
	bool ending;
	int exit_code;

	bool running;		/* the guest runs: a stop reply is owed */
	bool no_ack;
	unsigned int g_vcpu;	/* Hg: registers and memory */
	unsigned int c_vcpu;	/* the VCPU that steps */
	struct gdb_debug_regs regs;
	unsigned int nr_hw_bps, nr_wps;
	struct sw_bp sw[MAX_SW_BPS];

	char in[PACKET_MAX + 8];
	size_t in_len;
	char out[PACKET_MAX + 8];
};

/* Reply with one "$body#xx" frame on g->fd. */
int gdb_send_packet(struct gdb *g, const char *body);
/* Park every VCPU: the debugger has control. */
void gdb_stop_guest(struct gdb *g);
/* A VCPU has reported a stop: wait for the others to park, tell gdb. */
void gdb_report_stop(struct gdb *g);
/* Take every breakpoint and watchpoint out of the guest. */
void gdb_remove_all_debug(struct gdb *g);
/*
 * Handle the complete packets in g->in (g->in_len bytes) and keep what
 * is left of an incomplete one; false when the connection should end.
 */
bool gdb_handle_input(struct gdb *g);
/*
 * vm->debug_exit while the stub is up, on the VCPU's thread: a breakpoint,
 * step or watchpoint stopped it.
 */
void gdb_vcpu_debug_exit(struct vcpu *vcpu);

#endif
