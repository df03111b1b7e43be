// SPDX-License-Identifier: GPL-2.0
/*
 * --psci: PSCI answered here rather than in KVM, as kvmtool's --psci.
 * KVM's SMCCC filter (KVM_ARM_VM_SMCCC_FILTER, Linux 6.4) forwards the
 * PSCI function ranges to userspace as KVM_EXIT_HYPERCALL; the rest of
 * SMCCC (its version, the Spectre workarounds, stolen time) stays KVM's.
 *
 * A VCPU that is off sits in KVM_RUN with its MP state STOPPED. CPU_ON
 * marks the target pending and kicks it out of KVM_RUN; the target's own
 * thread then resets itself (KVM_ARM_VCPU_INIT), takes the entry point
 * and context, and runs: VCPU ioctls stay on the VCPU's thread.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <linux/psci.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64.h"
#include "kvm-regs.h"
#include "log.h"
#include "vm.h"

/* The uapi of Linux 6.4+, for older system headers. */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL		0
#define KVM_ARM_VM_SMCCC_FILTER		0
#define KVM_SMCCC_FILTER_FWD_TO_USER	2
struct kvm_smccc_filter {
	__u32 base;
	__u32 nr_functions;
	__u8 action;
	__u8 pad[15];
};
#endif

/* PSCI's function numbers: 0x84000000 + n (SMC32), 0xc4000000 + n. */
#define PSCI_NR_FNS		0x20
#define PSCI_FN_NUM(fn)		((fn) & 0xffff)
#define SMCCC_SMC64		0x40000000U
#define ARM_SMCCC_VERSION_FN	0x80000000U
/* MPIDR_EL1's affinity fields, Aff3 and Aff2-0. */
#define MPIDR_HWID_MASK		0xff00ffffffULL
/* What booting.rst asks for; the AArch32 one is SVC mode, A, I, F masked. */
#define PSTATE_EL1H_DAIF	0x3c5
#define PSTATE_SVC_AIF		0x1d3
#define PSTATE_THUMB		0x20

int arm64_psci_init(struct vm *vm)
{
	struct kvm_smccc_filter f = {
		.nr_functions = PSCI_NR_FNS,
		.action = KVM_SMCCC_FILTER_FWD_TO_USER,
	};
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uintptr_t)&f,
	};
	static const uint32_t bases[] = {
		PSCI_0_2_FN_BASE, PSCI_0_2_FN_BASE | SMCCC_SMC64,
	};
	unsigned int i;

	if (!vm->cfg->psci)
		return 0;
	if (ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &attr) < 0)
		return err_set(-ENODEV, "--psci: this host's KVM cannot hand "
			       "PSCI calls to userspace (no SMCCC filter, "
			       "KVM_ARM_VM_SMCCC_FILTER: Linux 6.4 or later)");
	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		f.base = bases[i];
		if (ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
			return err_set(-errno, "--psci: KVM_ARM_VM_SMCCC_FILTER"
				       " 0x%x: %s", f.base, strerror(errno));
	}
	pr_info("PSCI: handled by pocvm (--psci)");
	return 0;
}

void arm64_psci_reset(struct vm *vm)
{
	unsigned int i;

	pthread_mutex_lock(&vm->psci_lock);
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].psci.state = i ? PSCI_STATE_OFF : PSCI_STATE_ON;
	pthread_mutex_unlock(&vm->psci_lock);
}

static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++)
		if ((vm->vcpus[i].mpidr & MPIDR_HWID_MASK) ==
		    (mpidr & MPIDR_HWID_MASK))
			return &vm->vcpus[i];
	return NULL;
}

/* Out of KVM_RUN, or not into it: see vm_vcpu_checkpoint(). */
static void kick(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	/* A stopping VM joins its threads: then there is no one to wake. */
	if (__atomic_load_n(&vcpu->vm->stop, __ATOMIC_ACQUIRE) == VM_RUNNING &&
	    __atomic_load_n(&vcpu->thread_started, __ATOMIC_ACQUIRE))
		pthread_kill(vcpu->thread, SIGUSR1);
}

static int64_t cpu_on(struct vcpu *caller, uint64_t mpidr, uint64_t entry,
		      uint64_t ctx)
{
	struct vm *vm = caller->vm;
	struct vcpu *t = vcpu_by_mpidr(vm, mpidr);
	int64_t ret = PSCI_RET_SUCCESS;

	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	pthread_mutex_lock(&vm->psci_lock);
	if (t->psci.state == PSCI_STATE_ON)
		ret = PSCI_RET_ALREADY_ON;
	else if (t->psci.state == PSCI_STATE_ON_PENDING)
		ret = PSCI_RET_ON_PENDING;
	else {
		t->psci.state = PSCI_STATE_ON_PENDING;
		t->psci.entry = entry;
		t->psci.context = ctx;
	}
	pthread_mutex_unlock(&vm->psci_lock);
	if (ret == PSCI_RET_SUCCESS)
		kick(t);
	pr_debug("PSCI: VCPU %u: CPU_ON 0x%llx at 0x%llx: %lld", caller->index,
		 (unsigned long long)mpidr, (unsigned long long)entry,
		 (long long)ret);
	return ret;
}

static int64_t affinity_info(struct vm *vm, uint64_t mpidr, uint64_t level)
{
	struct vcpu *t = vcpu_by_mpidr(vm, mpidr);
	int64_t state;

	/* Level 0 only: pocvm's clusters are not power domains. */
	if (!t || level)
		return PSCI_RET_INVALID_PARAMS;
	pthread_mutex_lock(&vm->psci_lock);
	state = t->psci.state == PSCI_STATE_ON ? PSCI_0_2_AFFINITY_LEVEL_ON :
		t->psci.state == PSCI_STATE_OFF ? PSCI_0_2_AFFINITY_LEVEL_OFF :
		PSCI_0_2_AFFINITY_LEVEL_ON_PENDING;
	pthread_mutex_unlock(&vm->psci_lock);
	return state;
}

/* This VCPU stops; only a CPU_ON brings it back (through a reset). */
static void cpu_off(struct vcpu *vcpu)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_STOPPED };

	pthread_mutex_lock(&vcpu->vm->psci_lock);
	vcpu->psci.state = PSCI_STATE_OFF;
	pthread_mutex_unlock(&vcpu->vm->psci_lock);
	if (ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) < 0) {
		pr_err("VCPU %u: PSCI CPU_OFF: KVM_SET_MP_STATE: %s",
		       vcpu->index, strerror(errno));
		vcpu->error = -errno;
		vm_request_stop(vcpu->vm, VM_FAILURE, vcpu->index);
	}
	pr_debug("PSCI: VCPU %u: CPU_OFF", vcpu->index);
}

/* PSCI_FEATURES: 0 for what is answered here or by KVM (SMCCC_VERSION). */
int64_t arm64_psci_features(uint32_t fn)
{
	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_0_FN_PSCI_FEATURES:
	case ARM_SMCCC_VERSION_FN:
		return PSCI_RET_SUCCESS;
	}
	return PSCI_RET_NOT_SUPPORTED;
}

int64_t arm64_psci_dispatch(struct vcpu *vcpu, uint32_t fn,
			    const uint64_t a[3], bool *reply)
{
	struct vm *vm = vcpu->vm;

	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
		return PSCI_VERSION(1, 0);
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		return cpu_on(vcpu, a[0], a[1], a[2]);
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		return affinity_info(vm, a[0], a[1]);
	case PSCI_0_2_FN_CPU_OFF:
		*reply = false;
		cpu_off(vcpu);
		return 0;
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		/* No Trusted OS that would need migrating. */
		return PSCI_0_2_TOS_MP;
	case PSCI_0_2_FN_SYSTEM_OFF:
		*reply = false;
		pr_debug("PSCI: VCPU %u: SYSTEM_OFF", vcpu->index);
		vm_request_stop(vm, VM_POWEROFF, vcpu->index);
		return 0;
	case PSCI_0_2_FN_SYSTEM_RESET:
		*reply = false;
		pr_debug("PSCI: VCPU %u: SYSTEM_RESET", vcpu->index);
		vm_request_stop(vm, VM_RESET, vcpu->index);
		return 0;
	case PSCI_1_0_FN_PSCI_FEATURES:
		return arm64_psci_features(a[0]);
	}
	return PSCI_RET_NOT_SUPPORTED;
}

void arm64_psci_call(struct vcpu *vcpu)
{
	uint32_t fn = vcpu->run->hypercall.nr;
	bool reply = true;
	uint64_t a[3];
	int64_t ret;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		a[i] = 0;
		arm64_get_reg(vcpu->fd, CORE_REG(regs.regs[i + 1]), &a[i]);
		/* SMC32 calls pass 32-bit arguments in the W registers. */
		if (!(fn & SMCCC_SMC64))
			a[i] = (uint32_t)a[i];
	}
	ret = arm64_psci_dispatch(vcpu, fn, a, &reply);
	if (reply && arm64_set_reg(vcpu->fd, CORE_REG(regs.regs[0]),
				   fn & SMCCC_SMC64 ? (uint64_t)ret :
				   (uint32_t)ret)) {
		pr_err("VCPU %u: PSCI 0x%x: cannot set x0", vcpu->index, fn);
		vm_request_stop(vcpu->vm, VM_FAILURE, vcpu->index);
	}
}

/* On this VCPU's thread, before KVM_RUN: a CPU_ON for it is done here. */
int arm64_psci_vcpu_wake(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	uint64_t entry, ctx, pstate;
	int ret;

	pthread_mutex_lock(&vm->psci_lock);
	if (vcpu->psci.state != PSCI_STATE_ON_PENDING) {
		pthread_mutex_unlock(&vm->psci_lock);
		return 0;
	}
	entry = vcpu->psci.entry;
	ctx = vcpu->psci.context;
	pthread_mutex_unlock(&vm->psci_lock);

	/* As KVM's own CPU_ON: a fresh reset, then the caller's entry. */
	ret = arm64_vcpu_init_on(vcpu);
	if (vm->cpu.aarch32) {
		pstate = PSTATE_SVC_AIF | (entry & 1 ? PSTATE_THUMB : 0);
		entry &= ~1ULL;
	} else {
		pstate = PSTATE_EL1H_DAIF;
	}
	ret = ret ?: arm64_set_reg(vcpu->fd, CORE_REG(regs.pstate), pstate);
	ret = ret ?: arm64_set_reg(vcpu->fd, CORE_REG(regs.pc), entry);
	ret = ret ?: arm64_set_reg(vcpu->fd, CORE_REG(regs.regs[0]), ctx);
	if (ret)
		return err_set(ret, "VCPU %u: PSCI CPU_ON: %s", vcpu->index,
			       strerror(-ret));
	pthread_mutex_lock(&vm->psci_lock);
	vcpu->psci.state = PSCI_STATE_ON;
	pthread_mutex_unlock(&vm->psci_lock);
	return 0;
}
