/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARCH_H
#define POCVM_ARCH_H

#include <stdint.h>

/*
 * What arm64/ provides that the portable core and its tests may call
 * without KVM.
 */

/* The MPIDR KVM gives VCPU index i by default. */
uint64_t arm64_vcpu_mpidr(unsigned int index);

#endif
