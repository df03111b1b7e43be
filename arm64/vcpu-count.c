// SPDX-License-Identifier: GPL-2.0
/* How many VCPUs a VM gets; plain C so it is unit-tested anywhere. */
#include <errno.h>

#include "arch.h"
#include "layout.h"
#include "log.h"

unsigned int arm64_gic_max_cpus(enum irqchip_kind gic)
{
	/* GICv3 redistributors are laid out from the count: no fixed cap. */
	return gic == IRQCHIP_GICV2 ? CONFIG_MAX_CPUS_GICV2 : CONFIG_MAX_CPUS;
}

int arm64_vcpu_count(const struct config *cfg, enum irqchip_kind gic,
		     unsigned int kvm_max, unsigned int *count)
{
	const struct machine_layout *l = machine_layout(cfg->machine);
	unsigned int gic_max = arm64_gic_max_cpus(gic);
	unsigned int n = cfg->nr_cpus;

	/* QEMU's virt map has room for so many redistributors only. */
	if (gic != IRQCHIP_GICV2 && gic_max > l->gicv3_max_cpus)
		gic_max = l->gicv3_max_cpus;

	if (!kvm_max)
		kvm_max = 1;
	/* Not asked for: as many as fit, as kvmtool does. */
	if (cfg->cpus_default) {
		if (n > gic_max)
			n = gic_max;
		if (n > kvm_max)
			n = kvm_max;
		*count = n;
		return 0;
	}
	if (n > gic_max && gic != IRQCHIP_GICV2)
		return err_set(-ENODEV, "--cpus %u: the %s machine has room "
			       "for %u GICv3 redistributors", n, l->name,
			       gic_max);
	if (n > gic_max)
		return err_set(-ENODEV, "--cpus %u: a GICv2 serves at most %u "
			       "CPUs (this host has no GICv3 emulation)", n,
			       gic_max);
	if (n > kvm_max)
		return err_set(-ENODEV, "--cpus %u: KVM on this host allows "
			       "at most %u VCPUs per VM (KVM_CAP_MAX_VCPUS)",
			       n, kvm_max);
	*count = n;
	return 0;
}
