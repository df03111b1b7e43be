/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARM64_H
#define POCVM_ARM64_H

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

#endif
