// SPDX-License-Identifier: GPL-2.0
/*
 * Runs inside the emulated L1 host before anything else: proves that
 * /dev/kvm works there, with no pocvm code involved, so a failing boot
 * test can be blamed on the rig or on pocvm, never both.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what, long val)
{
	printf("%s %s (%ld)\n", ok ? "ok  " : "FAIL", what, val);
	if (!ok)
		failures++;
}

/* What the host offers guests: printed for the record, never a verdict. */
static const struct {
	long cap;
	const char *name;
} caps[] = {
	{ KVM_CAP_NR_VCPUS, "KVM_CAP_NR_VCPUS" },
	{ KVM_CAP_MAX_VCPUS, "KVM_CAP_MAX_VCPUS" },
	{ KVM_CAP_ARM_EL1_32BIT, "KVM_CAP_ARM_EL1_32BIT" },
	{ KVM_CAP_ARM_PMU_V3, "KVM_CAP_ARM_PMU_V3" },
	{ KVM_CAP_ARM_SVE, "KVM_CAP_ARM_SVE" },
	{ KVM_CAP_ARM_PTRAUTH_ADDRESS, "KVM_CAP_ARM_PTRAUTH_ADDRESS" },
	{ KVM_CAP_ARM_PTRAUTH_GENERIC, "KVM_CAP_ARM_PTRAUTH_GENERIC" },
	{ KVM_CAP_STEAL_TIME, "KVM_CAP_STEAL_TIME" },
	{ KVM_CAP_ARM_MTE, "KVM_CAP_ARM_MTE" },
};

static void print_caps(int fd, const char *on)
{
	unsigned int i;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		printf("cap  %s %s %d\n", on, caps[i].name,
		       ioctl(fd, KVM_CHECK_EXTENSION, caps[i].cap));
}

int main(void)
{
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg;
	unsigned long long pc = 1;
	int kvm, vm, vcpu, ipa, ret;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("FAIL open /dev/kvm: %s\n", strerror(errno));
		return 1;
	}
	ret = ioctl(kvm, KVM_GET_API_VERSION, 0);
	check(ret == KVM_API_VERSION, "KVM_GET_API_VERSION", ret);

	ipa = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	check(ipa >= 32, "KVM_CAP_ARM_VM_IPA_SIZE", ipa);
	ret = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2);
	check(ret > 0, "KVM_CAP_ARM_PSCI_0_2", ret);
	ret = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ONE_REG);
	check(ret > 0, "KVM_CAP_ONE_REG", ret);
	ret = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	check(ret >= 1, "KVM_CAP_NR_VCPUS", ret);

	vm = ioctl(kvm, KVM_CREATE_VM, ipa > 0 ? KVM_VM_TYPE_ARM_IPA_SIZE(ipa) : 0);
	check(vm >= 0, "KVM_CREATE_VM", vm);
	if (vm < 0)
		return 1;
	ret = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD);
	check(ret > 0, "KVM_CAP_IRQFD on the VM", ret);
	print_caps(kvm, "kvm");
	print_caps(vm, "vm");

	memset(&init, 0, sizeof(init));
	ret = ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init);
	check(ret == 0, "KVM_ARM_PREFERRED_TARGET", init.target);

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	check(vcpu >= 0, "KVM_CREATE_VCPU", vcpu);
	if (vcpu < 0)
		return 1;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	ret = ioctl(vcpu, KVM_ARM_VCPU_INIT, &init);
	check(ret == 0, "KVM_ARM_VCPU_INIT", ret ? errno : 0);

	reg.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
		 (offsetof(struct kvm_regs, regs.pc) / sizeof(__u32));
	reg.addr = (unsigned long)&pc;
	ret = ioctl(vcpu, KVM_GET_ONE_REG, &reg);
	check(ret == 0 && pc == 0, "KVM_GET_ONE_REG pc after reset", (long)pc);

	printf("kvm-probe: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
