// SPDX-License-Identifier: GPL-2.0
/*
 * What every VCPU gets beyond the base CPU, decided once against KVM's
 * capabilities: SVE and its vector lengths, pointer authentication,
 * stolen time, 32-bit EL1; and how many VCPUs there are. Like kvmtool,
 * a feature is on whenever the host offers it; one the user asks for
 * and the host lacks is -ENODEV with a message (exit 2).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "arch.h"
#include "arm64.h"
#include "kvm-regs.h"
#include "layout.h"
#include "log.h"
#include "vm.h"

/* After the RAM regions' slots (one per guest_mem region). */
#define PVTIME_MEMSLOT	GUEST_MEM_MAX_REGIONS

_Static_assert(ARM64_SVE_VLS_WORDS == KVM_ARM64_SVE_VLS_WORDS,
	       "the SVE_VLS bitmap is not what the uapi says");
_Static_assert(CONFIG_MAX_CPUS * LAYOUT_PVTIME_STRIDE <= LAYOUT_PVTIME_SIZE,
	       "the stolen-time region is too small for every VCPU");

static int cap(const struct vm *vm, long which)
{
	int r = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, which);

	return r > 0 ? r : 0;
}

int arm64_cpu_probe(struct vm *vm)
{
	const struct config *cfg = vm->cfg;
	unsigned int kvm_max;

	memset(&vm->cpu, 0, sizeof(vm->cpu));
	if (cfg->aarch32 && !cap(vm, KVM_CAP_ARM_EL1_32BIT))
		return err_set(-ENODEV, "--aarch32: this host cannot run "
			       "32-bit EL1 guests (no KVM_CAP_ARM_EL1_32BIT)");
	vm->cpu.aarch32 = cfg->aarch32;
	/* An AArch32 guest could use neither. */
	if (!cfg->aarch32) {
		vm->cpu.sve = cap(vm, KVM_CAP_ARM_SVE);
		/* KVM takes both or neither. */
		vm->cpu.ptrauth = cap(vm, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
				  cap(vm, KVM_CAP_ARM_PTRAUTH_GENERIC);
	}
	if (cfg->sve_max_vl && !vm->cpu.sve)
		return err_set(-ENODEV, "--sve-max-vl: this host offers "
			       "guests no SVE (no KVM_CAP_ARM_SVE)");
	vm->cpu.pvtime = !cfg->no_pvtime && cap(vm, KVM_CAP_STEAL_TIME);
	/* api.rst: without KVM_CAP_MAX_VCPUS, NR_VCPUS; without that, 4. */
	kvm_max = cap(vm, KVM_CAP_MAX_VCPUS);
	if (!kvm_max)
		kvm_max = cap(vm, KVM_CAP_NR_VCPUS) ?: 4;
	pr_info("CPU: %s%s%s%s, up to %u VCPUs", vm->cpu.aarch32 ?
		"AArch32 EL1" : "AArch64", vm->cpu.sve ? ", SVE" : "",
		vm->cpu.ptrauth ? ", pointer auth" : "",
		vm->cpu.pvtime ? ", stolen time" : "", kvm_max);
	return arm64_vcpu_count(cfg, vm->gic, kvm_max, &vm->nr_vcpus);
}

uint32_t arm64_vcpu_features(const struct vm *vm)
{
	uint32_t f = 1U << KVM_ARM_VCPU_PSCI_0_2;

	if (vm->cfg->pmu)
		f |= 1U << KVM_ARM_VCPU_PMU_V3;
	if (vm->cpu.aarch32)
		f |= 1U << KVM_ARM_VCPU_EL1_32BIT;
	if (vm->cpu.sve)
		f |= 1U << KVM_ARM_VCPU_SVE;
	if (vm->cpu.ptrauth)
		f |= 1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
		     1U << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	return f;
}

static void vls_list(const uint64_t *vls, char *buf, size_t len)
{
	unsigned int vq;
	size_t n = 0;

	buf[0] = '\0';
	for (vq = 1; vq <= ARM64_SVE_VQ_MAX && n < len; vq++)
		if (vls[(vq - 1) / 64] & (1ULL << ((vq - 1) % 64)))
			n += snprintf(buf + n, len - n, "%s%u", n ? " " : "",
				      vq * 128);
}

/* Vector lengths (only before finalizing), then finalize: once. */
static int configure_sve(struct vm *vm, struct vcpu *vcpu)
{
	unsigned int max_vl = vm->cfg->sve_max_vl;
	uint64_t vls[ARM64_SVE_VLS_WORDS];
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM64_SVE_VLS,
		.addr = (uintptr_t)vls,
	};
	int feature = KVM_ARM_VCPU_SVE;
	char offered[160];

	if (max_vl) {
		if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) < 0)
			return err_set(-errno, "VCPU %u: reading the SVE "
				       "vector lengths: %s", vcpu->index,
				       strerror(errno));
		if (arm64_sve_vls_limit(vls, max_vl / 128)) {
			vls_list(vls, offered, sizeof(offered));
			return err_set(-ENODEV, "--sve-max-vl %u: this host "
				       "offers guests SVE vectors of %s bits",
				       max_vl, offered);
		}
		if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) < 0)
			return err_set(-errno, "VCPU %u: setting the SVE "
				       "vector lengths: %s", vcpu->index,
				       strerror(errno));
	}
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_FINALIZE, &feature) < 0)
		return err_set(-errno, "VCPU %u: KVM_ARM_VCPU_FINALIZE(SVE): "
			       "%s", vcpu->index, strerror(errno));
	return 0;
}

static int configure_pvtime(struct vm *vm, struct vcpu *vcpu)
{
	uint64_t ipa = vcpu->vm->layout->pvtime_base +
		       vcpu->index * LAYOUT_PVTIME_STRIDE;
	struct kvm_device_attr a = {
		.group = KVM_ARM_VCPU_PVTIME_CTRL,
		.attr = KVM_ARM_VCPU_PVTIME_IPA,
		.addr = (uintptr_t)&ipa,
	};

	if (ioctl(vcpu->fd, KVM_SET_DEVICE_ATTR, &a) < 0)
		return err_set(-errno, "VCPU %u: stolen time at 0x%llx: %s "
			       "(--no-pvtime runs without it)", vcpu->index,
			       (unsigned long long)ipa, strerror(errno));
	return 0;
}

/*
 * Both survive a VCPU reset (KVM_ARM_VCPU_INIT again on a reboot), and
 * KVM refuses to do either twice: this runs once per VCPU.
 */
int arm64_vcpu_configure(struct vm *vm, struct vcpu *vcpu)
{
	int ret = 0;

	if (vm->cpu.sve)
		ret = configure_sve(vm, vcpu);
	if (!ret && vm->cpu.pvtime)
		ret = configure_pvtime(vm, vcpu);
	return ret;
}

/*
 * Not guest RAM: nothing of pocvm's is ever written there (KVM fills it
 * in when the guest asks for it), so it stays out of guest_mem, whose
 * regions devices may DMA to and the PoC clean walks.
 */
int arm64_pvtime_create(struct vm *vm)
{
	struct kvm_userspace_memory_region slot = {
		.slot = PVTIME_MEMSLOT,
		.guest_phys_addr = vm->layout->pvtime_base,
		.memory_size = LAYOUT_PVTIME_SIZE,
	};
	void *mem;

	if (!vm->cpu.pvtime)
		return 0;
	mem = mmap(NULL, LAYOUT_PVTIME_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return err_set(-errno, "stolen time: cannot map its memory: "
			       "%s", strerror(errno));
	vm->cpu.pvtime_mem = mem;
	slot.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		return err_set(-errno, "stolen time: KVM_SET_USER_MEMORY_REGION"
			       " at 0x%llx: %s",
			       (unsigned long long)vm->layout->pvtime_base,
			       strerror(errno));
	return 0;
}
