/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARM64_H
#define POCVM_ARM64_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct vm;
struct vcpu;

/* The KVM_CREATE_VM type: IPA size for the highest guest address. */
int arm64_vm_type(struct vm *vm, uint64_t top);

/*
 * Give the guest MTE when KVM offers it and --disable-mte was not given,
 * as kvmtool does. Before any memslot and VCPU.
 */
int arm64_vm_enable_mte(struct vm *vm);

/* Create and KVM_ARM_VCPU_INIT every VCPU (before the GIC). */
int arm64_vcpus_create(struct vm *vm);
/* Reset every VCPU (KVM_ARM_VCPU_INIT again) and set boot registers. */
int arm64_vcpus_reset(struct vm *vm);
/* KVM_RUN loop of one VCPU thread. */
void *arm64_vcpu_thread(void *arg);
void arm64_vcpu_dump(struct vcpu *vcpu, FILE *out);
uint64_t arm64_vcpu_pc(struct vcpu *vcpu);
/* The guest's virtual counter, frozen across a pause. */
int arm64_counter_save(struct vm *vm);
int arm64_counter_restore(struct vm *vm);
/* Page granules the guest CPU supports (from ID_AA64MMFR0_EL1). */
int arm64_guest_granules(struct vm *vm, uint64_t *granules);

/*
 * --psci: PSCI in userspace through KVM's SMCCC filter (Linux 6.4+;
 * -ENODEV without it). Once, after the VCPUs exist and before any runs.
 */
int arm64_psci_init(struct vm *vm);
/* Every VCPU off but the boot one, at each (re)boot. */
void arm64_psci_reset(struct vm *vm);
/* A KVM_EXIT_HYPERCALL the filter forwarded: answer it. */
void arm64_psci_call(struct vcpu *vcpu);
/* On the VCPU's thread before KVM_RUN: carry out a CPU_ON for it. */
int arm64_psci_vcpu_wake(struct vcpu *vcpu);
/*
 * Function fn with arguments a (x1-x3): PSCI's return value, or *reply
 * false for a call that does not return (CPU_OFF, SYSTEM_OFF/RESET).
 */
int64_t arm64_psci_dispatch(struct vcpu *vcpu, uint32_t fn,
			    const uint64_t a[3], bool *reply);
/* PSCI_FEATURES' answer for function fn. */
int64_t arm64_psci_features(uint32_t fn);
/* KVM_ARM_VCPU_INIT of a VCPU that is to run now (PSCI CPU_ON). */
int arm64_vcpu_init_on(struct vcpu *vcpu);

/* Resolve vm->gic from the config against what KVM offers. */
int arm64_gic_probe(struct vm *vm);
/* Create and initialise the in-kernel GIC (after the VCPUs). */
int arm64_gic_create(struct vm *vm);
/* PMU per VCPU, after the GIC is initialised. */
int arm64_pmu_init(struct vm *vm);
int arm64_irq_line(struct vm *vm, unsigned int spi, int level);

/* Data cache line size for EL0 maintenance, from CTR_EL0.DminLine. */
unsigned int arm64_dcache_line(void);
/* TGran fields of ID_AA64MMFR0_EL1 as a mask of page sizes. */
uint64_t arm64_granules_from_mmfr0(uint64_t mmfr0);

/* KVM_REG_ARM64_SVE_VLS: a bitmap of vector lengths, bit (vq - 1). */
#define ARM64_SVE_VQ_MAX	512	/* KVM_ARM64_SVE_VQ_MAX */
#define ARM64_SVE_VLS_WORDS	(ARM64_SVE_VQ_MAX / 64)
/* Keep lengths up to max_vq; -ENOENT if max_vq is not in the set. */
int arm64_sve_vls_limit(uint64_t vls[ARM64_SVE_VLS_WORDS], unsigned int max_vq);
/* The longest length in the set, in quadwords (0: none). */
unsigned int arm64_sve_vls_max_vq(const uint64_t vls[ARM64_SVE_VLS_WORDS]);

/*
 * What the VCPUs get, from KVM's capabilities, once per VM after the GIC
 * model is known: sets vm->cpu and vm->nr_vcpus.
 */
int arm64_cpu_probe(struct vm *vm);
/* KVM_ARM_VCPU_INIT features[0] for every VCPU of the VM. */
uint32_t arm64_vcpu_features(const struct vm *vm);
/* After a VCPU's first init: SVE lengths and finalize, stolen time. */
int arm64_vcpu_configure(struct vm *vm, struct vcpu *vcpu);
/*
 * The stolen-time memory, before the first VCPU is configured; it goes
 * with the process.
 */
int arm64_pvtime_create(struct vm *vm);

#endif
