/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARM64_KVM_REGS_H
#define POCVM_ARM64_KVM_REGS_H

#include <linux/kvm.h>
#include <stdint.h>

/* KVM_{GET,SET}_ONE_REG ids of the VCPU registers pocvm looks at. */
#define CORE_REG(x)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | \
			 KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(x))
#define REG_SCTLR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define REG_TTBR0_EL1	ARM64_SYS_REG(3, 0, 2, 0, 0)
#define REG_TTBR1_EL1	ARM64_SYS_REG(3, 0, 2, 0, 1)
#define REG_TCR_EL1	ARM64_SYS_REG(3, 0, 2, 0, 2)
#define REG_ESR_EL1	ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REG_FAR_EL1	ARM64_SYS_REG(3, 0, 6, 0, 0)
#define REG_MAIR_EL1	ARM64_SYS_REG(3, 0, 10, 2, 0)
#define REG_VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)

/* One register of the VCPU behind fd; 0 or -errno. */
int arm64_get_reg(int fd, uint64_t id, uint64_t *val);
int arm64_set_reg(int fd, uint64_t id, uint64_t val);

#endif
