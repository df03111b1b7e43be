/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARCH_H
#define POCVM_ARCH_H

#include <stdint.h>

#include "config.h"

/*
 * What arm64/ provides that the portable core and its tests may call
 * without KVM.
 */

/* The MPIDR KVM gives VCPU index i by default. */
uint64_t arm64_vcpu_mpidr(unsigned int index);

/* How many CPUs the GIC model can serve. */
unsigned int arm64_gic_max_cpus(enum irqchip_kind gic);
/*
 * The VM's VCPU count: -c as given, or without -c the host's online CPUs
 * capped to what the GIC and KVM (kvm_max) allow. A -c beyond either is
 * -ENODEV with a message naming the limit.
 */
int arm64_vcpu_count(const struct config *cfg, enum irqchip_kind gic,
		     unsigned int kvm_max, unsigned int *count);

#endif
