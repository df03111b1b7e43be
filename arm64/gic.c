// SPDX-License-Identifier: GPL-2.0
/* The in-kernel GIC (v2, v3, v3 + ITS), the PMU's interrupt, IRQ lines. */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arm64.h"
#include "layout.h"
#include "log.h"
#include "vm.h"

/* 32 SGIs+PPIs, then room for every SPI in the layout, rounded to 32. */
#define GIC_NR_IRQS	128

static bool kvm_has_device(struct vm *vm, uint32_t type)
{
	struct kvm_create_device cd = {
		.type = type,
		.flags = KVM_CREATE_DEVICE_TEST,
	};

	return ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) == 0;
}

int arm64_gic_probe(struct vm *vm)
{
	/*
	 * Asked for only when the answer matters: each is an ioctl. auto
	 * has no ITS: it translates MSIs, and no device of pocvm's sends
	 * one (no PCI), so it would only cost the run its creation and
	 * teardown and the guest its driver's tables. kvmtool's auto takes
	 * one for its virtio-pci; gicv3-its asks for it here. A --dtb tree
	 * may describe one (QEMU's virt, lkvm's): auto then keeps it.
	 */
	bool v3 = kvm_has_device(vm, KVM_DEV_TYPE_ARM_VGIC_V3);
	bool want_its = vm->cfg->irqchip == IRQCHIP_GICV3_ITS ||
			(vm->cfg->irqchip == IRQCHIP_AUTO && vm->cfg->dtb);
	bool its = v3 && want_its &&
		   kvm_has_device(vm, KVM_DEV_TYPE_ARM_VGIC_ITS);
	bool v2 = (vm->cfg->irqchip == IRQCHIP_GICV2 ||
		   (vm->cfg->irqchip == IRQCHIP_AUTO && !v3)) &&
		  kvm_has_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2);

	switch (vm->cfg->irqchip) {
	case IRQCHIP_AUTO:
		if (its)
			vm->gic = IRQCHIP_GICV3_ITS;
		else if (v3)
			vm->gic = IRQCHIP_GICV3;
		else if (v2)
			vm->gic = IRQCHIP_GICV2;
		else
			return err_set(-ENODEV, "KVM offers no in-kernel GIC");
		return 0;
	case IRQCHIP_GICV2:
		if (!v2)
			return err_set(-ENODEV, "--irqchip gicv2: this host "
				       "cannot emulate a GICv2%s",
				       v3 ? " (it has a GICv3 without v2 "
				       "compatibility)" : "");
		break;
	case IRQCHIP_GICV3:
		if (!v3)
			return err_set(-ENODEV, "--irqchip gicv3: this host "
				       "has no GICv3 emulation");
		break;
	case IRQCHIP_GICV3_ITS:
		if (!its)
			return err_set(-ENODEV, "--irqchip gicv3-its: this "
				       "host has no ITS emulation");
		break;
	}
	vm->gic = vm->cfg->irqchip;
	return 0;
}

static int dev_set(int fd, uint32_t group, uint64_t attr, void *addr,
		   const char *what)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)addr,
	};

	if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0)
		return err_set(-errno, "GIC: setting %s: %s", what,
			       strerror(errno));
	return 0;
}

static int create_device(struct vm *vm, uint32_t type, int *fd)
{
	struct kvm_create_device cd = { .type = type };

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0)
		return err_set(-errno, "GIC: KVM_CREATE_DEVICE: %s",
			       strerror(errno));
	*fd = cd.fd;
	return 0;
}

int arm64_gic_create(struct vm *vm)
{
	uint64_t dist = vm->layout->gic_dist, other;
	uint32_t nr_irqs = GIC_NR_IRQS;
	int ret;

	vm->gic_fd = vm->its_fd = -1;
	if (vm->gic == IRQCHIP_GICV2) {
		ret = create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, &vm->gic_fd);
		if (ret)
			return ret;
		other = vm->layout->gicv2_cpu;
		ret = dev_set(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			      KVM_VGIC_V2_ADDR_TYPE_DIST, &dist,
			      "distributor address");
		ret = ret ?: dev_set(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
				     KVM_VGIC_V2_ADDR_TYPE_CPU, &other,
				     "CPU interface address");
	} else {
		ret = create_device(vm, KVM_DEV_TYPE_ARM_VGIC_V3, &vm->gic_fd);
		if (ret)
			return ret;
		other = layout_gicv3_redist(vm->layout, vm->nr_vcpus);
		ret = dev_set(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			      KVM_VGIC_V3_ADDR_TYPE_DIST, &dist,
			      "distributor address");
		ret = ret ?: dev_set(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
				     KVM_VGIC_V3_ADDR_TYPE_REDIST, &other,
				     "redistributor address");
	}
	ret = ret ?: dev_set(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0,
			     &nr_irqs, "number of IRQs");
	ret = ret ?: dev_set(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			     KVM_DEV_ARM_VGIC_CTRL_INIT, NULL, "init");
	if (ret || vm->gic != IRQCHIP_GICV3_ITS)
		return ret;

	ret = create_device(vm, KVM_DEV_TYPE_ARM_VGIC_ITS, &vm->its_fd);
	if (ret)
		return ret;
	other = layout_its(vm->layout, vm->nr_vcpus);
	ret = dev_set(vm->its_fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
		      KVM_VGIC_ITS_ADDR_TYPE, &other, "ITS address");
	return ret ?: dev_set(vm->its_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			      KVM_DEV_ARM_VGIC_CTRL_INIT, NULL, "ITS init");
}

int arm64_pmu_init(struct vm *vm)
{
	unsigned int i;
	int irq = LAYOUT_PPI_PMU;

	if (!vm->cfg->pmu)
		return 0;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct kvm_device_attr a = {
			.group = KVM_ARM_VCPU_PMU_V3_CTRL,
			.attr = KVM_ARM_VCPU_PMU_V3_IRQ,
			.addr = (uintptr_t)&irq,
		};
		int fd = vm->vcpus[i].fd;

		if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0)
			return err_set(-errno, "--pmu: setting the PMU "
				       "interrupt: %s", strerror(errno));
		a.attr = KVM_ARM_VCPU_PMU_V3_INIT;
		a.addr = 0;
		if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0)
			return err_set(-errno, "--pmu: PMU init: %s",
				       strerror(errno));
	}
	return 0;
}

int arm64_irq_line(struct vm *vm, unsigned int spi, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) |
		       (32 + spi),
		.level = level,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		return -errno;
	return 0;
}
