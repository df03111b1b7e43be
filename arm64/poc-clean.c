// SPDX-License-Identifier: GPL-2.0
/*
 * Clean guest RAM to the Point of Coherency before a VCPU runs, so a guest
 * that starts with its MMU and caches off reads what pocvm wrote, not
 * stale memory behind dirty cache lines of pocvm's cacheable mapping.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "arm64.h"
#include "kvm-flush-range.h"
#include "kvm-stats.h"
#include "log.h"
#include "util.h"
#include "poc-clean.h"
#include "vm.h"

uint64_t arm64_clean_dcache_poc(void *p, uint64_t len, unsigned int line)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(line - 1);
	uintptr_t end = (uintptr_t)p + len;
	uint64_t lines = 0;

	for (; a < end; a += line, lines++)
		asm volatile("dc civac, %0" : : "r"(a) : "memory");
	/* The clean is complete only once the DSB has. */
	asm volatile("dsb sy" : : : "memory");
	return lines;
}

int poc_clean_probe(struct vm *vm)
{
	struct kvm_arm_flush_range probe = { 0 };

	vm->flush_ioctl = 0;
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_FLUSH_RANGE) <= 0)
		vm->flush_ioctl_why = "kernel lacks KVM_ARM_FLUSH_RANGE";
	/*
	 * Later kernels use capability 239 for something else: only a real
	 * call tells. size 0 is a no-op by contract; EINVAL or ENOTTY mean
	 * the number is not ours.
	 */
	else if (ioctl(vm->vm_fd, KVM_ARM_FLUSH_RANGE, &probe) < 0)
		vm->flush_ioctl_why = "capability 239 is not KVM_ARM_FLUSH_RANGE "
				      "on this kernel";
	else
		vm->flush_ioctl = 1;

	/* The ioctl returns no count: KVM keeps it in a binary stat. */
	if (vm->flush_ioctl) {
		vm->stats_fd = ioctl(vm->vm_fd, KVM_GET_STATS_FD, NULL);
		if (vm->stats_fd >= 0 &&
		    kvm_stats_find(vm->stats_fd, KVM_FLUSH_RANGE_STAT,
				   &vm->flush_stat_off) < 0) {
			close(vm->stats_fd);
			vm->stats_fd = -1;
		}
	}

	if (!vm->flush_ioctl && vm->cfg->flush == FLUSH_IOCTL)
		return err_set(-EOPNOTSUPP, "--flush=ioctl: %s (see "
			       "kernel-patch/); use --flush=auto or user",
			       vm->flush_ioctl_why);
	return 0;
}

static struct flush_entry *report_add(struct flush_report *r,
				      enum flush_method m, uint64_t gpa,
				      uint64_t size)
{
	static struct flush_entry scratch;
	struct flush_entry *e = &scratch;

	if (r->nr < FLUSH_REPORT_MAX)
		e = &r->e[r->nr++];
	else
		r->dropped++;
	memset(e, 0, sizeof(*e));
	e->method = m;
	e->gpa = gpa;
	e->size = size;
	return e;
}

/* KVM's running count of D-cache bytes cleaned; false if unknown. */
static bool flush_stat(struct vm *vm, uint64_t *bytes)
{
	return vm->stats_fd >= 0 &&
	       !kvm_stats_read(vm->stats_fd, vm->flush_stat_off, bytes);
}

/*
 * The whole of each RAM region: the kernel walks only what is mapped.
 * Code is among what pocvm writes, so the I-cache is included (flags 0).
 */
static int clean_by_ioctl(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->mem.nr_regions; i++) {
		const struct mem_region *reg = &vm->mem.regions[i];
		struct kvm_arm_flush_range f = {
			.gpa = reg->gpa,
			.size = reg->size,
		};
		struct flush_entry *e;
		uint64_t start = monotonic_ns();
		uint64_t before = 0, after = 0;
		int ret = 0;

		e = report_add(&vm->flush, FLUSH_IOCTL, reg->gpa, reg->size);
		e->flash = reg->rom;
		e->counted = flush_stat(vm, &before);
		/*
		 * 0 with size left: interrupted after some progress, f holds
		 * the rest. EINTR: interrupted before any, f is unchanged.
		 */
		while (f.size) {
			ret = ioctl(vm->vm_fd, KVM_ARM_FLUSH_RANGE, &f);
			if (ret < 0 && errno != EINTR)
				break;
		}
		if (ret < 0)
			return err_set(-errno, "KVM_ARM_FLUSH_RANGE 0x%llx+0x%llx:"
				       " %s", (unsigned long long)f.gpa,
				       (unsigned long long)f.size,
				       strerror(errno));
		e->ns = monotonic_ns() - start;
		e->counted = e->counted && flush_stat(vm, &after);
		if (e->counted)
			e->flushed = after - before;
	}
	return 0;
}

/* Only what pocvm wrote: the cost follows the bytes, not the RAM size. */
static int clean_from_el0(struct vm *vm)
{
	unsigned int line = arm64_dcache_line();
	size_t i;

	for (i = 0; i < vm->mem.nr_written; i++) {
		const struct gpa_range *w = &vm->mem.written[i];
		void *host = guest_mem_ptr_any(&vm->mem, w->gpa, w->size);
		struct flush_entry *e;
		uint64_t start = monotonic_ns();

		if (!host)
			return err_set(-EFAULT, "PoC clean: 0x%llx is not RAM",
				       (unsigned long long)w->gpa);
		e = report_add(&vm->flush, FLUSH_USER, w->gpa, w->size);
		e->flash = guest_mem_region(&vm->mem, w->gpa)->rom;
		e->flushed = arm64_clean_dcache_poc(host, w->size, line);
		e->ns = monotonic_ns() - start;
	}
	return 0;
}

int poc_clean(struct vm *vm)
{
	struct flush_report *r = &vm->flush;
	enum flush_method m = vm->cfg->flush;
	uint64_t start = monotonic_ns();
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->pass = vm->boot_count;
	if (m == FLUSH_AUTO) {
		m = vm->flush_ioctl ? FLUSH_IOCTL : FLUSH_USER;
		if (!vm->flush_ioctl)
			r->why = vm->flush_ioctl_why;
	}
	r->method = m;
	if (m == FLUSH_IOCTL)
		ret = clean_by_ioctl(vm);
	else if (m == FLUSH_USER)
		ret = clean_from_el0(vm);
	r->total_ns = monotonic_ns() - start;
	guest_mem_forget_writes(&vm->mem);
	if (!ret && vm->cfg->debug_flush)
		flush_report_print(r, stderr);
	return ret;
}
