/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef POCVM_KVM_FLUSH_RANGE_H
#define POCVM_KVM_FLUSH_RANGE_H

/*
 * The uapi of KVM_ARM_FLUSH_RANGE (kernel-patch/, v2), for systems whose
 * headers predate it. It must agree byte for byte with the series: a unit
 * test checks the numbers and the layout.
 */
#include <linux/kvm.h>

#ifndef KVM_ARM_FLUSH_RANGE
struct kvm_arm_flush_range {
	__u64 gpa;		/* in/out: the rest of the range on return */
	__u64 size;
	__u64 flags;
	__u64 padding[5];
};

/* flags: no I-cache maintenance */
#define KVM_ARM_FLUSH_RANGE_DATA_ONLY	(1ULL << 0)

/* KVM_CAP_ARM_FLUSH_RANGE value */
#define KVM_ARM_FLUSH_RANGE_CAP_IOCTL	(1 << 0)
#define KVM_ARM_FLUSH_RANGE_CAP_S2FWB	(1 << 1)
#define KVM_ARM_FLUSH_RANGE_CAP_DIC	(1 << 2)

#define KVM_ARM_FLUSH_RANGE	_IOWR(KVMIO, 0xd6, struct kvm_arm_flush_range)
#endif

#ifndef KVM_CAP_ARM_FLUSH_RANGE
#define KVM_CAP_ARM_FLUSH_RANGE	239
#endif

/* The VM binary stat (KVM_GET_STATS_FD) counting the D-cache bytes cleaned */
#define KVM_FLUSH_RANGE_STAT	"flush_range_bytes"

#endif
