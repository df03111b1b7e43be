/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef POCVM_KVM_FLUSH_RANGE_H
#define POCVM_KVM_FLUSH_RANGE_H

/*
 * The uapi of KVM_ARM_FLUSH_RANGE (kernel-patch/), for systems whose
 * headers predate it. It must agree byte for byte with the series: a unit
 * test checks the numbers and the layout.
 */
#include <linux/kvm.h>

#ifndef KVM_ARM_FLUSH_RANGE
struct kvm_arm_flush_range {
	__u64 addr;
	__u64 size;
	__u64 flags;
	__u64 flushed;
	__u64 reserved[4];
};

#define KVM_ARM_FLUSH_RANGE	_IOWR(KVMIO, 0xd6, struct kvm_arm_flush_range)
#endif

#ifndef KVM_CAP_ARM_FLUSH_RANGE
#define KVM_CAP_ARM_FLUSH_RANGE	239
#endif

#endif
