// SPDX-License-Identifier: GPL-2.0
/* VCPUs: creation, reset to the boot state, the KVM_RUN loop, dumps. */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "arm64.h"
#include "kvm-regs.h"
#include "log.h"
#include "util.h"
#include "vm.h"

#define REG_MMFR0_EL1	ARM64_SYS_REG(3, 0, 0, 7, 0)
#define REG_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
/* KVM_REG_ARM_TIMER_CNT */
#define REG_TIMER_CNT	ARM64_SYS_REG(3, 3, 14, 3, 2)

/* EL1h with D, A, I and F masked: what booting.rst asks of the loader. */
#define PSTATE_BOOT	0x3c5
/* --aarch32: SVC mode, A, I and F masked (arch/arm's booting.rst). */
#define PSTATE_BOOT_AARCH32	0x1d3

int arm64_get_reg(int fd, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(fd, KVM_GET_ONE_REG, &reg) < 0 ? -errno : 0;
}

int arm64_set_reg(int fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(fd, KVM_SET_ONE_REG, &reg) < 0 ? -errno : 0;
}

int arm64_vm_type(struct vm *vm, uint64_t top)
{
	int limit = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			  KVM_CAP_ARM_VM_IPA_SIZE);
	unsigned int bits = 32;

	while (bits < 64 && (top - 1) >> bits)
		bits++;
	if (limit <= 0) {
		/* Old kernels: a fixed 40-bit IPA space. */
		if (bits > 40)
			return err_set(-E2BIG, "--mem: RAM ends at 0x%llx, "
				       "beyond this host's 40-bit IPA space",
				       (unsigned long long)top);
		vm->ipa_bits = 40;
		return 0;
	}
	if (bits > (unsigned int)limit)
		return err_set(-E2BIG, "--mem: RAM ends at 0x%llx, beyond "
			       "this host's %d-bit IPA space",
			       (unsigned long long)top, limit);
	vm->ipa_bits = bits;
	return KVM_VM_TYPE_ARM_IPA_SIZE(bits);
}

int arm64_vm_enable_mte(struct vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };

	/* KVM refuses 32-bit EL1 VCPUs in a VM with MTE, as kvmtool knows. */
	if (vm->cfg->no_mte || vm->cfg->aarch32 ||
	    ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MTE) <= 0)
		return 0;
	/*
	 * KVM (6.12) refuses a memslot without VM_MTE_ALLOWED in an MTE VM,
	 * and hugetlbfs mappings do not have it: --hugetlbfs goes without.
	 */
	if (vm->cfg->hugetlbfs) {
		pr_info("MTE: not with --hugetlbfs RAM");
		return 0;
	}
	/*
	 * KVM keeps the tags of guest pages only for memory a tagged
	 * mapping may cover: guest RAM is private anonymous memory, which
	 * qualifies (vmm/guest-mem.c).
	 */
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) < 0)
		return err_set(-errno, "KVM_ENABLE_CAP(KVM_CAP_ARM_MTE): %s",
			       strerror(errno));
	vm->mte = true;
	pr_info("MTE: enabled for the guest");
	return 0;
}

/* --debug-single-step: a KVM_EXIT_DEBUG after every guest instruction. */
static int vcpu_debug_setup(struct vcpu *vcpu)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
	};

	if (!vcpu->vm->cfg->single_step)
		return 0;
	if (ioctl(vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		return err_set(-ENODEV, "--debug-single-step: VCPU %u: "
			       "KVM_SET_GUEST_DEBUG: %s", vcpu->index,
			       strerror(errno));
	return 0;
}

static int vcpu_init(struct vm *vm, struct vcpu *vcpu, bool off)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return err_set(-errno, "KVM_ARM_PREFERRED_TARGET: %s",
			       strerror(errno));
	init.features[0] |= arm64_vcpu_features(vm);
	/* Secondaries wait for PSCI CPU_ON, as on real hardware. */
	if (off)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return err_set(-errno, "VCPU %u: KVM_ARM_VCPU_INIT: %s",
			       vcpu->index, strerror(errno));
	return vcpu_debug_setup(vcpu);
}

int arm64_vcpu_init_on(struct vcpu *vcpu)
{
	return vcpu_init(vcpu->vm, vcpu, false);
}

int arm64_vcpus_create(struct vm *vm)
{
	unsigned int i;
	int ret;

	/* vm->nr_vcpus: arm64_cpu_probe() decided it. */
	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	ret = arm64_pvtime_create(vm);
	if (ret)
		return ret;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		vcpu->vm = vm;
		vcpu->index = i;
		vcpu->log_rl.name = "VCPU";
		vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, i);
		if (vcpu->fd < 0)
			return err_set(-errno, "KVM_CREATE_VCPU %u: %s", i,
				       strerror(errno));
		vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, vcpu->fd, 0);
		if (vcpu->run == MAP_FAILED) {
			vcpu->run = NULL;
			return err_set(-errno, "VCPU %u: mmap kvm_run: %s", i,
				       strerror(errno));
		}
		ret = vcpu_init(vm, vcpu, i != 0);
		ret = ret ?: arm64_vcpu_configure(vm, vcpu);
		if (ret)
			return ret;
		/* The DT describes the CPUs as KVM made them, as kvmtool's. */
		ret = arm64_get_reg(vcpu->fd, REG_MPIDR_EL1, &vcpu->mpidr);
		if (ret)
			return err_set(ret, "VCPU %u: reading MPIDR_EL1: %s", i,
				       strerror(-ret));
	}
	return 0;
}

/* booting.rst of arch/arm: r0 = 0, r1 = ~0 (no machine type), r2 = DTB. */
static int boot_regs_aarch32(struct vm *vm, struct vcpu *boot)
{
	int ret;

	ret = arm64_set_reg(boot->fd, CORE_REG(regs.pstate),
			    PSTATE_BOOT_AARCH32);
	ret = ret ?: arm64_set_reg(boot->fd, CORE_REG(regs.pc),
				   vm->boot.entry);
	ret = ret ?: arm64_set_reg(boot->fd, CORE_REG(regs.regs[0]), 0);
	ret = ret ?: arm64_set_reg(boot->fd, CORE_REG(regs.regs[1]),
				   0xffffffffULL);
	ret = ret ?: arm64_set_reg(boot->fd, CORE_REG(regs.regs[2]),
				   vm->boot.dtb_gpa);
	return ret ?: arm64_set_reg(boot->fd, CORE_REG(regs.regs[3]), 0);
}

static int boot_regs_aarch64(struct vm *vm, struct vcpu *boot)
{
	unsigned int i;
	int ret;

	ret = arm64_set_reg(boot->fd, CORE_REG(regs.pstate), PSTATE_BOOT);
	ret = ret ?: arm64_set_reg(boot->fd, CORE_REG(regs.pc), vm->boot.entry);
	ret = ret ?: arm64_set_reg(boot->fd, CORE_REG(regs.regs[0]),
				   vm->boot.dtb_gpa);
	for (i = 1; i < 4 && !ret; i++)
		ret = arm64_set_reg(boot->fd, CORE_REG(regs.regs[i]), 0);
	return ret;
}

int arm64_vcpus_reset(struct vm *vm)
{
	struct vcpu *boot = &vm->vcpus[0];
	unsigned int i;
	int ret;

	arm64_psci_reset(vm);
	for (i = 0; i < vm->nr_vcpus; i++) {
		/*
		 * The first boot's VCPUs are as arm64_vcpus_create() just
		 * made them: a second KVM_ARM_VCPU_INIT would only repeat it.
		 */
		ret = vm->boot_count > 1 ?
		      vcpu_init(vm, &vm->vcpus[i], i != 0) : 0;
		if (ret)
			return ret;
		vm->vcpus[i].run->immediate_exit = 0;
		vm->vcpus[i].error = 0;
		vm->vcpus[i].run_failed = false;
	}
	ret = vm->cpu.aarch32 ? boot_regs_aarch32(vm, boot) :
				boot_regs_aarch64(vm, boot);
	if (ret)
		return err_set(ret, "VCPU 0: setting boot registers: %s",
			       strerror(-ret));
	return 0;
}

int arm64_counter_save(struct vm *vm)
{
	return arm64_get_reg(vm->vcpus[0].fd, REG_TIMER_CNT,
			     &vm->paused_counter);
}

int arm64_counter_restore(struct vm *vm)
{
	unsigned int i;
	int ret = 0;

	/* Writing the counter moves the VM's offset: time did not pass. */
	for (i = 0; i < vm->nr_vcpus && !ret; i++)
		ret = arm64_set_reg(vm->vcpus[i].fd, REG_TIMER_CNT,
			      vm->paused_counter);
	return ret;
}

int arm64_guest_granules(struct vm *vm, uint64_t *granules)
{
	uint64_t mmfr0;
	int ret = arm64_get_reg(vm->vcpus[0].fd, REG_MMFR0_EL1, &mmfr0);

	if (ret)
		return err_set(ret, "reading ID_AA64MMFR0_EL1: %s",
			       strerror(-ret));
	*granules = arm64_granules_from_mmfr0(mmfr0);
	return 0;
}

static void vcpu_fail(struct vcpu *vcpu, int error)
{
	vcpu->error = error;
	vcpu->exit_reason = vcpu->run->exit_reason;
	vm_request_stop(vcpu->vm, VM_FAILURE, vcpu->index);
}

static void handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (vm_mmio_access(vcpu->vm, run->mmio.phys_addr, run->mmio.data,
			   run->mmio.len, run->mmio.is_write))
		return;
	/* Like a bus with nothing behind it: reads as zero, writes vanish. */
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	pr_guest(&vcpu->log_rl, LOG_DEBUG,
		 "VCPU %u: %s of %u bytes at 0x%llx: no device there",
		 vcpu->index, run->mmio.is_write ? "write" : "read",
		 run->mmio.len, (unsigned long long)run->mmio.phys_addr);
}

static void handle_system_event(struct vcpu *vcpu)
{
	switch (vcpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_stop(vcpu->vm, VM_POWEROFF, vcpu->index);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_request_stop(vcpu->vm, VM_RESET, vcpu->index);
		break;
	default:
		pr_err("VCPU %u: unexpected system event %u", vcpu->index,
		       vcpu->run->system_event.type);
		vcpu_fail(vcpu, -EIO);
		break;
	}
}

/*
 * --trace-boot: KVM does not trap SCTLR_EL1 writes to userspace, so look
 * at it on every exit the boot VCPU makes anyway; a change of M, C or I
 * is reported with the PC of the exit that saw it first. A firmware that
 * turns its MMU off to start a kernel, which turns its own on, makes no
 * exit in between: pocvm then sees SCTLR_EL1 rewritten with M still 1,
 * and the code moved from the lower address half (the firmware's
 * identity map, TTBR0) to the upper (the kernel's, TTBR1). That is
 * reported too ("rewritten"). Rewrites within one half, or seen from
 * EL0, are not: a kernel flips other bits on context switches (pointer
 * authentication keys).
 */
#define TRACE_REWRITES	8
#define VA_HALF(pc)	(((pc) >> 55) & 1)

static void trace_sctlr(struct vcpu *vcpu, const char *when)
{
	uint64_t sctlr = 0, pc = 0, pstate = 0, was = vcpu->traced_sctlr;
	const uint64_t mci = 1 | (1 << 2) | (1 << 12);
	bool rewrite = false;

	if (arm64_get_reg(vcpu->fd, REG_SCTLR_EL1, &sctlr))
		return;
	if (when[0] != 'f' && !((sctlr ^ was) & mci)) {
		if (sctlr == was || !(sctlr & 1) ||
		    vcpu->traced_rewrites >= TRACE_REWRITES)
			return;
		/* Remembered, so a run of them costs one look each. */
		vcpu->traced_sctlr = sctlr;
		if (arm64_get_reg(vcpu->fd, CORE_REG(regs.pc), &pc) ||
		    arm64_get_reg(vcpu->fd, CORE_REG(regs.pstate), &pstate) ||
		    (pstate & PSR_MODE_MASK) == PSR_MODE_EL0t ||
		    VA_HALF(pc) == VA_HALF(vcpu->traced_pc))
			return;
		rewrite = true;
		vcpu->traced_rewrites++;
	} else {
		arm64_get_reg(vcpu->fd, CORE_REG(regs.pc), &pc);
	}
	vcpu->traced_sctlr = sctlr;
	vcpu->traced_pc = pc;
	fprintf(stderr, "pocvm: trace-boot: %8.3f ms  VCPU %u SCTLR_EL1 "
		"%016llx M=%d C=%d I=%d (was M=%d C=%d I=%d%s)  PC %016llx  "
		"%s\n", (monotonic_ns() - vcpu->vm->boot_times.start) / 1e6,
		vcpu->index, (unsigned long long)sctlr, (int)(sctlr & 1),
		(int)((sctlr >> 2) & 1), (int)((sctlr >> 12) & 1),
		(int)(was & 1), (int)((was >> 2) & 1), (int)((was >> 12) & 1),
		rewrite ? ", rewritten" : "", (unsigned long long)pc, when);
}

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_ARM_NISV] = "ARM_NISV",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
};

static const char *exit_name(uint32_t reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) &&
	    exit_names[reason])
		return exit_names[reason];
	return "?";
}

/* --debug-single-step: one line per instruction the guest executed. */
static void print_step(struct vcpu *vcpu)
{
	uint64_t pc = 0, pstate = 0;

	arm64_get_reg(vcpu->fd, CORE_REG(regs.pc), &pc);
	arm64_get_reg(vcpu->fd, CORE_REG(regs.pstate), &pstate);
	fprintf(stderr, "pocvm: single-step: VCPU %u PC %016llx PSTATE "
		"%08llx\n", vcpu->index, (unsigned long long)pc,
		(unsigned long long)pstate);
}

void *arm64_vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	struct kvm_run *run = vcpu->run;
	bool trace = vm->cfg->trace_boot && vcpu->index == 0;
	char name[16];

	/* What ps and /proc/PID/task/TID/comm show (e.g. --vcpu-affinity). */
	snprintf(name, sizeof(name), "vcpu%u", vcpu->index);
	pthread_setname_np(pthread_self(), name);
	/* The reset state: a boot starts with everything off. */
	if (trace) {
		vcpu->traced_sctlr = 0;
		vcpu->traced_rewrites = 0;
		trace_sctlr(vcpu, "first");
	}
	while (__atomic_load_n(&vm->stop, __ATOMIC_ACQUIRE) == VM_RUNNING) {
		vm_vcpu_checkpoint(vcpu);
		if (vm->cfg->psci) {
			int ret = arm64_psci_vcpu_wake(vcpu);

			if (ret) {
				pr_err("%s", err_message(ret));
				vcpu_fail(vcpu, ret);
				break;
			}
		}
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			vcpu->run_failed = true;
			vcpu_fail(vcpu, -errno);
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			handle_mmio(vcpu);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			handle_system_event(vcpu);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_DEBUG:
			if (vm->cfg->single_step)
				print_step(vcpu);
			else if (vm->debug_exit)
				vm->debug_exit(vcpu);
			break;
		case KVM_EXIT_HYPERCALL:
			/* Only the SMCCC filter of --psci sends these. */
			if (vm->cfg->psci)
				arm64_psci_call(vcpu);
			else
				vcpu_fail(vcpu, -EIO);
			break;
		default:
			vcpu_fail(vcpu, -EIO);
			break;
		}
		if (trace)
			trace_sctlr(vcpu, exit_name(run->exit_reason));
	}
	if (trace)
		trace_sctlr(vcpu, "final");
	return NULL;
}

uint64_t arm64_vcpu_pc(struct vcpu *vcpu)
{
	uint64_t pc = 0;

	arm64_get_reg(vcpu->fd, CORE_REG(regs.pc), &pc);
	return pc;
}


void arm64_vcpu_dump(struct vcpu *vcpu, FILE *out)
{
	uint64_t pc = 0, pstate = 0, sp_el1 = 0, sp_el0 = 0, elr = 0;
	uint64_t sctlr = 0, esr = 0, far = 0, vbar = 0, x[31];
	unsigned int i;
	int fd = vcpu->fd;

	arm64_get_reg(fd, CORE_REG(regs.pc), &pc);
	arm64_get_reg(fd, CORE_REG(regs.pstate), &pstate);
	arm64_get_reg(fd, CORE_REG(sp_el1), &sp_el1);
	arm64_get_reg(fd, CORE_REG(regs.sp), &sp_el0);
	arm64_get_reg(fd, CORE_REG(elr_el1), &elr);
	arm64_get_reg(fd, REG_SCTLR_EL1, &sctlr);
	arm64_get_reg(fd, REG_ESR_EL1, &esr);
	arm64_get_reg(fd, REG_FAR_EL1, &far);
	arm64_get_reg(fd, REG_VBAR_EL1, &vbar);
	for (i = 0; i < 31; i++) {
		x[i] = 0;
		arm64_get_reg(fd, CORE_REG(regs.regs[i]), &x[i]);
	}
	if (!vcpu->error)
		fprintf(out, "VCPU %u: last exit %s (%u)\n", vcpu->index,
			exit_name(vcpu->run->exit_reason),
			vcpu->run->exit_reason);
	else if (vcpu->run_failed)
		fprintf(out, "VCPU %u: KVM_RUN failed: %s%s\n", vcpu->index,
			strerror(-vcpu->error), vcpu->error == -ENOSYS ?
			" (an MMIO access KVM cannot decode, e.g. a load or "
			"store pair to a device)" : vcpu->error == -EFAULT ?
			" (a guest fault KVM could not resolve: the host "
			"kernel's log says which)" : "");
	else
		/* The second half in kvmtool's words, for those who grep. */
		fprintf(out, "VCPU %u: unhandled exit %s (%u): KVM exit "
			"reason: %u (\"KVM_EXIT_%s\")\n", vcpu->index,
			exit_name(vcpu->exit_reason), vcpu->exit_reason,
			vcpu->exit_reason, exit_name(vcpu->exit_reason));
	fprintf(out, " PC     %016llx  PSTATE %016llx  (EL%llu%s)\n",
		(unsigned long long)pc, (unsigned long long)pstate,
		(unsigned long long)((pstate >> 2) & 3),
		pstate & 1 ? "h" : "t");
	fprintf(out, " SP_EL1 %016llx  SP_EL0 %016llx  ELR_EL1 %016llx\n",
		(unsigned long long)sp_el1, (unsigned long long)sp_el0,
		(unsigned long long)elr);
	fprintf(out, " SCTLR_EL1 %016llx (M=%llu C=%llu I=%llu)  "
		"VBAR_EL1 %016llx\n", (unsigned long long)sctlr,
		(unsigned long long)(sctlr & 1),
		(unsigned long long)((sctlr >> 2) & 1),
		(unsigned long long)((sctlr >> 12) & 1),
		(unsigned long long)vbar);
	fprintf(out, " ESR_EL1 %016llx  FAR_EL1 %016llx\n",
		(unsigned long long)esr, (unsigned long long)far);
	for (i = 0; i < 31; i++)
		fprintf(out, " x%-2u %016llx%s", i, (unsigned long long)x[i],
			i % 4 == 3 || i == 30 ? "\n" : "");
}
