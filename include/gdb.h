/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_GDB_H
#define POCVM_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct vcpu;

/*
 * The GDB remote serial protocol stub (--gdb). One thread serves one
 * debugger at a time; while the debugger looks, every VCPU is parked
 * (vm_pause) and the guest's clock is frozen.
 */
/* Listen on cfg->gdb_host:gdb_port (set-up: a busy port is an error). */
int gdb_listen(struct vm *vm);
/* Once the VCPUs are running (or parked by --gdb-wait): serve. */
int gdb_serve(struct vm *vm);
/* The VM is going away with exit status code: tell the debugger, join. */
void gdb_shutdown(struct vm *vm, int code);

#endif
