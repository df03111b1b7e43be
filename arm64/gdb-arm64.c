// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 half of the gdb stub: registers as gdb-multiarch numbers them
 * (plus the system registers that matter for a caches-off boot), guest
 * debug through KVM_SET_GUEST_DEBUG, and cache maintenance so that what
 * the debugger reads and writes is what a guest with its caches off sees.
 */
#include <endian.h>
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64.h"
#include "arch-gdb.h"
#include "kvm-regs.h"
#include "mmu-walk.h"
#include "poc-clean.h"
#include "vm.h"

#define NR_CORE		34	/* x0-x30, sp, pc, cpsr */
#define REG_SP		31
#define REG_PC		32
#define REG_CPSR	33

static const struct {
	const char *name;
	uint64_t id;
} sysregs[] = {
	{ "sctlr_el1", REG_SCTLR_EL1 },
	{ "tcr_el1", REG_TCR_EL1 },
	{ "ttbr0_el1", REG_TTBR0_EL1 },
	{ "ttbr1_el1", REG_TTBR1_EL1 },
	{ "mair_el1", REG_MAIR_EL1 },
	{ "vbar_el1", REG_VBAR_EL1 },
	{ "esr_el1", REG_ESR_EL1 },
	{ "far_el1", REG_FAR_EL1 },
};
#define NR_SYSREGS	(sizeof(sysregs) / sizeof(sysregs[0]))

/* BRK #0 */
const uint8_t gdb_arch_bp_insn[4] = { 0x00, 0x00, 0x20, 0xd4 };

/* ESR_ELx.EC of the debug exceptions KVM hands to userspace. */
#define EC_HW_BP	0x30
#define EC_STEP		0x32
#define EC_WATCH	0x34
#define EC_BRK64	0x3c

static const char target_xml[] =
	"<?xml version=\"1.0\"?>"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<target><architecture>aarch64</architecture>"
	"<feature name=\"org.gnu.gdb.aarch64.core\">"
	"<reg name=\"x0\" bitsize=\"64\"/><reg name=\"x1\" bitsize=\"64\"/>"
	"<reg name=\"x2\" bitsize=\"64\"/><reg name=\"x3\" bitsize=\"64\"/>"
	"<reg name=\"x4\" bitsize=\"64\"/><reg name=\"x5\" bitsize=\"64\"/>"
	"<reg name=\"x6\" bitsize=\"64\"/><reg name=\"x7\" bitsize=\"64\"/>"
	"<reg name=\"x8\" bitsize=\"64\"/><reg name=\"x9\" bitsize=\"64\"/>"
	"<reg name=\"x10\" bitsize=\"64\"/><reg name=\"x11\" bitsize=\"64\"/>"
	"<reg name=\"x12\" bitsize=\"64\"/><reg name=\"x13\" bitsize=\"64\"/>"
	"<reg name=\"x14\" bitsize=\"64\"/><reg name=\"x15\" bitsize=\"64\"/>"
	"<reg name=\"x16\" bitsize=\"64\"/><reg name=\"x17\" bitsize=\"64\"/>"
	"<reg name=\"x18\" bitsize=\"64\"/><reg name=\"x19\" bitsize=\"64\"/>"
	"<reg name=\"x20\" bitsize=\"64\"/><reg name=\"x21\" bitsize=\"64\"/>"
	"<reg name=\"x22\" bitsize=\"64\"/><reg name=\"x23\" bitsize=\"64\"/>"
	"<reg name=\"x24\" bitsize=\"64\"/><reg name=\"x25\" bitsize=\"64\"/>"
	"<reg name=\"x26\" bitsize=\"64\"/><reg name=\"x27\" bitsize=\"64\"/>"
	"<reg name=\"x28\" bitsize=\"64\"/><reg name=\"x29\" bitsize=\"64\"/>"
	"<reg name=\"x30\" bitsize=\"64\"/>"
	"<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
	"<reg name=\"cpsr\" bitsize=\"32\"/>"
	"</feature>"
	"<feature name=\"org.pocvm.aarch64.sysregs\">"
	"<reg name=\"sctlr_el1\" bitsize=\"64\" regnum=\"34\" group=\"system\"/>"
	"<reg name=\"tcr_el1\" bitsize=\"64\" group=\"system\"/>"
	"<reg name=\"ttbr0_el1\" bitsize=\"64\" group=\"system\"/>"
	"<reg name=\"ttbr1_el1\" bitsize=\"64\" group=\"system\"/>"
	"<reg name=\"mair_el1\" bitsize=\"64\" group=\"system\"/>"
	"<reg name=\"vbar_el1\" bitsize=\"64\" group=\"system\"/>"
	"<reg name=\"esr_el1\" bitsize=\"64\" group=\"system\"/>"
	"<reg name=\"far_el1\" bitsize=\"64\" group=\"system\"/>"
	"</feature></target>";

const char *gdb_arch_target_xml(void)
{
	return target_xml;
}

unsigned int gdb_arch_nr_regs(void)
{
	return NR_CORE + NR_SYSREGS;
}

unsigned int gdb_arch_reg_size(unsigned int n)
{
	if (n >= NR_CORE + NR_SYSREGS)
		return 0;
	return n == REG_CPSR ? 4 : 8;
}

/* gdb's sp is the one in use: SP_EL1 in EL1h, SP_EL0 otherwise. */
static uint64_t sp_reg_id(struct vcpu *vcpu)
{
	uint64_t pstate = 0;

	arm64_get_reg(vcpu->fd, CORE_REG(regs.pstate), &pstate);
	return (pstate & 0xf) == 0x5 ? CORE_REG(sp_el1) : CORE_REG(regs.sp);
}

static int reg_id(struct vcpu *vcpu, unsigned int n, uint64_t *id)
{
	if (n < REG_SP)
		*id = CORE_REG(regs.regs[n]);
	else if (n == REG_SP)
		*id = sp_reg_id(vcpu);
	else if (n == REG_PC)
		*id = CORE_REG(regs.pc);
	else if (n == REG_CPSR)
		*id = CORE_REG(regs.pstate);
	else if (n < NR_CORE + NR_SYSREGS)
		*id = sysregs[n - NR_CORE].id;
	else
		return -EINVAL;
	return 0;
}

int gdb_arch_read_reg(struct vcpu *vcpu, unsigned int n, void *buf)
{
	uint64_t id, val = 0;
	int ret;

	ret = reg_id(vcpu, n, &id) ?: arm64_get_reg(vcpu->fd, id, &val);
	if (ret)
		return ret;
	val = htole64(val);
	memcpy(buf, &val, gdb_arch_reg_size(n));
	return 0;
}

int gdb_arch_write_reg(struct vcpu *vcpu, unsigned int n, const void *buf)
{
	uint64_t id, val = 0;
	int ret;

	ret = reg_id(vcpu, n, &id);
	if (ret)
		return ret;
	if (n == REG_CPSR) {
		/* cpsr is 32 bits in gdb's view: keep PSTATE's upper half */
		ret = arm64_get_reg(vcpu->fd, id, &val);
		if (ret)
			return ret;
		val &= ~0xffffffffULL;
	}
	memcpy(&val, buf, gdb_arch_reg_size(n));
	return arm64_set_reg(vcpu->fd, id, val);
}

int gdb_arch_translate(struct vcpu *vcpu, uint64_t va, uint64_t *pa)
{
	struct mmu_regs r;
	int ret;

	ret = arm64_get_reg(vcpu->fd, REG_SCTLR_EL1, &r.sctlr);
	ret = ret ?: arm64_get_reg(vcpu->fd, REG_TCR_EL1, &r.tcr);
	ret = ret ?: arm64_get_reg(vcpu->fd, REG_TTBR0_EL1, &r.ttbr0);
	ret = ret ?: arm64_get_reg(vcpu->fd, REG_TTBR1_EL1, &r.ttbr1);
	return ret ?: mmu_translate(&vcpu->vm->mem, &r, va, pa);
}

void gdb_arch_hw_slots(struct vm *vm, unsigned int *bps, unsigned int *wps)
{
	int n;

	n = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_BPS);
	*bps = n > 0 ? (n > GDB_MAX_HW ? GDB_MAX_HW : n) : 0;
	n = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_WPS);
	*wps = n > 0 ? (n > GDB_MAX_HW ? GDB_MAX_HW : n) : 0;
}

/* DBGBCR: enabled, EL1 and EL0 (PMC 0b11), all four bytes (BAS 0xf). */
#define BCR_EL1_EL0	((0xfULL << 5) | (3ULL << 1) | 1)

static uint64_t watch_ctrl(uint64_t addr, unsigned int len,
			   enum gdb_watch_type type)
{
	uint64_t lsc = type == GDB_WATCH_READ ? 1 :
		       type == GDB_WATCH_WRITE ? 2 : 3;
	uint64_t bas = ((1ULL << len) - 1) << (addr & 7);

	return (bas << 5) | (lsc << 3) | (3ULL << 1) | 1;
}

int gdb_arch_set_debug(struct vcpu *vcpu, const struct gdb_debug_regs *d,
		       bool enable, bool step)
{
	struct kvm_guest_debug dbg;
	unsigned int i;

	memset(&dbg, 0, sizeof(dbg));
	if (enable) {
		dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW;
		if (d->sw_bps)
			dbg.control |= KVM_GUESTDBG_USE_SW_BP;
		if (step)
			dbg.control |= KVM_GUESTDBG_SINGLESTEP;
		for (i = 0; i < GDB_MAX_HW; i++) {
			if (d->hw_bp[i]) {
				dbg.arch.dbg_bvr[i] = d->hw_bp[i] & ~3ULL;
				dbg.arch.dbg_bcr[i] = BCR_EL1_EL0;
			}
			if (d->wp[i].len) {
				dbg.arch.dbg_wvr[i] = d->wp[i].addr & ~7ULL;
				dbg.arch.dbg_wcr[i] = watch_ctrl(d->wp[i].addr,
								 d->wp[i].len,
								 d->wp[i].type);
			}
		}
	}
	return ioctl(vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0 ? -errno : 0;
}

enum gdb_stop_kind gdb_arch_stop_kind(struct vcpu *vcpu, uint64_t *addr)
{
	uint32_t ec = vcpu->run->debug.arch.hsr >> 26;

	*addr = vcpu->run->debug.arch.far;
	switch (ec) {
	case EC_STEP:
	case EC_STEP + 1:
		return GDB_STOP_STEP;
	case EC_BRK64:
		return GDB_STOP_SW_BP;
	case EC_HW_BP:
	case EC_HW_BP + 1:
		return GDB_STOP_HW_BP;
	case EC_WATCH:
	case EC_WATCH + 1:
		return GDB_STOP_WATCH;
	}
	return GDB_STOP_OTHER;
}

void gdb_arch_sync_ram(void *host, size_t len, bool code)
{
	unsigned int line = arm64_dcache_line();
	uint64_t ctr;
	uintptr_t a;

	arm64_clean_dcache_poc(host, len, line);
	if (!code)
		return;
	/* The guest fetches the new instruction, not a stale I-cache line. */
	asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
	line = 4U << (ctr & 0xf);	/* IminLine */
	for (a = (uintptr_t)host & ~(uintptr_t)(line - 1);
	     a < (uintptr_t)host + len; a += line)
		asm volatile("ic ivau, %0" : : "r"(a) : "memory");
	asm volatile("dsb ish\n\tisb" : : : "memory");
}
