// SPDX-License-Identifier: GPL-2.0
/*
 * A fake target for the gdb stub's arch hooks (include/arch-gdb.h), in place
 * of arm64/gdb-arm64.c, which needs KVM. The register layout is
 * aarch64's as gdb numbers it (x0-x30, sp, pc, cpsr of 32 bits, then
 * eight system registers), held in memory per VCPU. Virtual addresses go
 * through the real stage-1 walker (arm64/mmu-walk.c) with the SCTLR_EL1,
 * TCR_EL1 and TTBRs the debugger wrote, over the fuzz RAM. What the
 * protocol hands the arch (debug registers, RAM to sync) is checked.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "fuzz.h"
#include "arch-gdb.h"
#include "mmu-walk.h"
#include "vm.h"

#define NR_CORE		34
#define NR_SYSREGS	8
#define REG_CPSR	33
#define REG_SCTLR	34

struct fuzz_gdb_arch fuzz_gdb_arch;

const uint8_t gdb_arch_bp_insn[4] = { 0x00, 0x00, 0x20, 0xd4 };

const char *gdb_arch_target_xml(void)
{
	return "<?xml version=\"1.0\"?><target><architecture>aarch64"
	       "</architecture></target>";
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

static uint64_t *reg(struct vcpu *vcpu, unsigned int n)
{
	FUZZ_CHECK(vcpu->index < FUZZ_GDB_MAX_VCPUS);
	FUZZ_CHECK(vcpu == &vcpu->vm->vcpus[vcpu->index]);
	return &fuzz_gdb_arch.regs[vcpu->index][n];
}

/* Registers the input says KVM refuses, as it may for some. */
static bool refused(unsigned int n)
{
	return n < 64 && (fuzz_gdb_arch.refuse & (1ULL << n));
}

int gdb_arch_read_reg(struct vcpu *vcpu, unsigned int n, void *buf)
{
	uint64_t v;

	if (!gdb_arch_reg_size(n) || refused(n))
		return -EINVAL;
	v = htole64(*reg(vcpu, n));
	memcpy(buf, &v, gdb_arch_reg_size(n));
	return 0;
}

int gdb_arch_write_reg(struct vcpu *vcpu, unsigned int n, const void *buf)
{
	uint64_t v = 0;

	if (!gdb_arch_reg_size(n) || refused(n))
		return -EINVAL;
	memcpy(&v, buf, gdb_arch_reg_size(n));
	*reg(vcpu, n) = le64toh(v);
	return 0;
}

int gdb_arch_translate(struct vcpu *vcpu, uint64_t va, uint64_t *pa)
{
	struct mmu_regs r = {
		.sctlr = *reg(vcpu, REG_SCTLR),
		.tcr = *reg(vcpu, REG_SCTLR + 1),
		.ttbr0 = *reg(vcpu, REG_SCTLR + 2),
		.ttbr1 = *reg(vcpu, REG_SCTLR + 3),
	};

	return mmu_translate(&vcpu->vm->mem, &r, va, pa);
}

void gdb_arch_hw_slots(struct vm *vm, unsigned int *bps, unsigned int *wps)
{
	*bps = fuzz_gdb_arch.hw_bps;
	*wps = fuzz_gdb_arch.wps;
	FUZZ_CHECK(*bps <= GDB_MAX_HW && *wps <= GDB_MAX_HW);
}

int gdb_arch_set_debug(struct vcpu *vcpu, const struct gdb_debug_regs *d,
		       bool enable, bool step)
{
	unsigned int i;

	reg(vcpu, 0);
	/* What arm64 would program: only what its slots can hold. */
	for (i = 0; i < GDB_MAX_HW; i++) {
		if (i >= fuzz_gdb_arch.hw_bps)
			FUZZ_CHECK(!d->hw_bp[i]);
		if (!d->wp[i].len)
			continue;
		FUZZ_CHECK(i < fuzz_gdb_arch.wps);
		FUZZ_CHECK(d->wp[i].len <= 8);
		FUZZ_CHECK((d->wp[i].addr & 7) + d->wp[i].len <= 8);
		FUZZ_CHECK(d->wp[i].type >= GDB_WATCH_WRITE &&
			   d->wp[i].type <= GDB_WATCH_ACCESS);
	}
	FUZZ_CHECK(enable || !step);
	return fuzz_gdb_arch.refuse_debug ? -EINVAL : 0;
}

enum gdb_stop_kind gdb_arch_stop_kind(struct vcpu *vcpu, uint64_t *addr)
{
	*addr = fuzz_gdb_arch.stop_addr;
	return fuzz_gdb_arch.stop_kind;
}

/* The stub only ever syncs RAM it got from guest_mem_ptr(). */
void gdb_arch_sync_ram(void *host, size_t len, bool code)
{
	const struct guest_mem *mem = &fuzz_vm.mem;
	uint8_t *p = host;
	unsigned int i;

	for (i = 0; i < mem->nr_regions; i++)
		if (p >= mem->regions[i].host &&
		    len <= mem->regions[i].size -
			   (uint64_t)(p - mem->regions[i].host))
			return;
	FUZZ_CHECK(!"gdb synced memory outside guest RAM");
}
