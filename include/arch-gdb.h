/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARCH_GDB_H
#define POCVM_ARCH_GDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct vcpu;

/*
 * What arm64/ (arm64/gdb-arm64.c) offers the gdb stub: registers, debug
 * state, address translation. The stub (vmm/gdb.c) calls these; arm64/
 * never calls the stub, but reports a VCPU's debug exit through
 * vm->debug_exit, which the stub sets.
 */
#define GDB_MAX_HW	16

enum gdb_watch_type {
	GDB_WATCH_WRITE = 2,	/* Z2 */
	GDB_WATCH_READ = 3,	/* Z3 */
	GDB_WATCH_ACCESS = 4,	/* Z4 */
};

struct gdb_debug_regs {
	bool sw_bps;			/* BRK traps to pocvm */
	uint64_t hw_bp[GDB_MAX_HW];	/* 0: slot free */
	struct {
		uint64_t addr;
		unsigned int len;	/* 0: slot free */
		enum gdb_watch_type type;
	} wp[GDB_MAX_HW];
};

enum gdb_stop_kind {
	GDB_STOP_STEP,
	GDB_STOP_SW_BP,
	GDB_STOP_HW_BP,
	GDB_STOP_WATCH,
	GDB_STOP_OTHER,
};

const char *gdb_arch_target_xml(void);
unsigned int gdb_arch_nr_regs(void);
/* Size in bytes of register n in the 'g' packet, 0 if there is none. */
unsigned int gdb_arch_reg_size(unsigned int n);
int gdb_arch_read_reg(struct vcpu *vcpu, unsigned int n, void *buf);
int gdb_arch_write_reg(struct vcpu *vcpu, unsigned int n, const void *buf);
/* Guest-physical address of va as this VCPU sees it now. */
int gdb_arch_translate(struct vcpu *vcpu, uint64_t va, uint64_t *pa);
void gdb_arch_hw_slots(struct vm *vm, unsigned int *bps, unsigned int *wps);
/* Program the VCPU's debug state; step: stop after one instruction. */
int gdb_arch_set_debug(struct vcpu *vcpu, const struct gdb_debug_regs *d,
		       bool enable, bool step);
/* Why the VCPU's last exit was KVM_EXIT_DEBUG; addr for a watchpoint. */
enum gdb_stop_kind gdb_arch_stop_kind(struct vcpu *vcpu, uint64_t *addr);
/* The breakpoint instruction, little-endian. */
extern const uint8_t gdb_arch_bp_insn[4];
/*
 * Make host accesses to guest RAM agree with a guest whose caches may be
 * off: clean and invalidate to PoC (and the I-cache after a code write).
 */
void gdb_arch_sync_ram(void *host, size_t len, bool code);

#endif
