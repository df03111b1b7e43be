// SPDX-License-Identifier: GPL-2.0
/* Device tree nodes for what the arm64 VM provides in-kernel. */
#include <libfdt.h>
#include <stdio.h>

#include "fdt-arm64.h"
#include "fdt-build.h"
#include "layout.h"

#define GIC_PPI			1
#define IRQ_LEVEL_HIGH		4
#define IRQ_LEVEL_LOW		8
/* GICv2 PPI specifiers also name the CPUs the PPI is wired to. */
#define GICV2_CPU_MASK(n)	((((1U << (n)) - 1) & 0xff) << 8)

static int ppi_flags(const struct fdt_params *p, uint32_t type)
{
	if (p->gic == IRQCHIP_GICV2)
		return type | GICV2_CPU_MASK(p->nr_cpus);
	return type;
}

static int cpus_node(void *fdt, const struct fdt_params *p)
{
	unsigned int i;
	char name[32];
	int ret;

	ret = fdt_begin_node(fdt, "cpus");
	ret = ret ?: fdt_property_u32(fdt, "#address-cells", 1);
	ret = ret ?: fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < p->nr_cpus && !ret; i++) {
		/* reg is Aff2..Aff0; Aff3 is never used with <= 8 CPUs. */
		uint32_t reg = p->mpidr[i] & 0xffffff;

		snprintf(name, sizeof(name), "cpu@%x", reg);
		ret = fdt_begin_node(fdt, name);
		ret = ret ?: fdt_property_string(fdt, "device_type", "cpu");
		ret = ret ?: fdt_property_string(fdt, "compatible", "arm,armv8");
		ret = ret ?: fdt_property_string(fdt, "enable-method", "psci");
		ret = ret ?: fdt_property_u32(fdt, "reg", reg);
		ret = ret ?: fdt_end_node(fdt);
	}
	return ret ?: fdt_end_node(fdt);
}

static int psci_node(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";
	int ret;

	ret = fdt_begin_node(fdt, "psci");
	ret = ret ?: fdt_property(fdt, "compatible", compat, sizeof(compat));
	ret = ret ?: fdt_property_string(fdt, "method", "hvc");
	return ret ?: fdt_end_node(fdt);
}

static int timer_node(void *fdt, const struct fdt_params *p)
{
	/* Secure, non-secure physical, virtual, hypervisor: PPI numbers. */
	static const uint32_t ppis[] = {
		LAYOUT_PPI_SEC_TIMER - 16, LAYOUT_PPI_PTIMER - 16,
		LAYOUT_PPI_VTIMER - 16, LAYOUT_PPI_HYP_TIMER - 16,
	};
	fdt32_t irqs[12];
	unsigned int i;
	int ret;

	for (i = 0; i < 4; i++) {
		irqs[i * 3] = cpu_to_fdt32(GIC_PPI);
		irqs[i * 3 + 1] = cpu_to_fdt32(ppis[i]);
		irqs[i * 3 + 2] = cpu_to_fdt32(ppi_flags(p, IRQ_LEVEL_LOW));
	}
	ret = fdt_begin_node(fdt, "timer");
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	ret = ret ?: fdt_property(fdt, "interrupts", irqs, sizeof(irqs));
	ret = ret ?: fdt_property(fdt, "always-on", NULL, 0);
	return ret ?: fdt_end_node(fdt);
}

static int pmu_node(void *fdt, const struct fdt_params *p)
{
	fdt32_t irq[3] = {
		cpu_to_fdt32(GIC_PPI),
		cpu_to_fdt32(LAYOUT_PPI_PMU - 16),
		cpu_to_fdt32(ppi_flags(p, IRQ_LEVEL_HIGH)),
	};
	int ret;

	ret = fdt_begin_node(fdt, "pmu");
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3");
	ret = ret ?: fdt_property(fdt, "interrupts", irq, sizeof(irq));
	return ret ?: fdt_end_node(fdt);
}

static int reg_prop(void *fdt, const uint64_t *cells, unsigned int n)
{
	fdt64_t reg[4];
	unsigned int i;

	for (i = 0; i < n; i++)
		reg[i] = cpu_to_fdt64(cells[i]);
	return fdt_property(fdt, "reg", reg, n * sizeof(reg[0]));
}

static int its_node(void *fdt, const struct fdt_params *p)
{
	uint64_t reg[2] = { LAYOUT_GIC_ITS_BASE(p->nr_cpus),
			    LAYOUT_GIC_ITS_SIZE };
	char name[40];
	int ret;

	snprintf(name, sizeof(name), "msi-controller@%llx",
		 (unsigned long long)reg[0]);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,gic-v3-its");
	ret = ret ?: fdt_property(fdt, "msi-controller", NULL, 0);
	ret = ret ?: fdt_property_u32(fdt, "#msi-cells", 1);
	ret = ret ?: reg_prop(fdt, reg, 2);
	return ret ?: fdt_end_node(fdt);
}

static int gic_node(void *fdt, const struct fdt_params *p)
{
	uint64_t reg[4] = { LAYOUT_GIC_DIST_BASE };
	char name[48];
	int ret;

	snprintf(name, sizeof(name), "interrupt-controller@%llx",
		 (unsigned long long)LAYOUT_GIC_DIST_BASE);
	ret = fdt_begin_node(fdt, name);
	if (p->gic == IRQCHIP_GICV2) {
		/* The architected sizes of a GICv2 distributor and CPU i/f. */
		reg[1] = 0x1000;
		reg[2] = LAYOUT_GICV2_CPU_BASE;
		reg[3] = 0x2000;
		ret = ret ?: fdt_property_string(fdt, "compatible",
						 "arm,cortex-a15-gic");
	} else {
		reg[1] = LAYOUT_GIC_DIST_SIZE;
		reg[2] = LAYOUT_GICV3_REDIST_BASE(p->nr_cpus);
		reg[3] = p->nr_cpus * LAYOUT_GICV3_REDIST_SIZE;
		ret = ret ?: fdt_property_string(fdt, "compatible", "arm,gic-v3");
	}
	ret = ret ?: reg_prop(fdt, reg, 4);
	ret = ret ?: fdt_property_u32(fdt, "#interrupt-cells", 3);
	ret = ret ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	ret = ret ?: fdt_property_u32(fdt, "#address-cells", 2);
	ret = ret ?: fdt_property_u32(fdt, "#size-cells", 2);
	ret = ret ?: fdt_property(fdt, "ranges", NULL, 0);
	ret = ret ?: fdt_property_u32(fdt, "phandle", FDT_GIC_PHANDLE);
	if (!ret && p->gic == IRQCHIP_GICV3_ITS)
		ret = its_node(fdt, p);
	return ret ?: fdt_end_node(fdt);
}

int fdt_arm64_nodes(void *fdt, const struct fdt_params *p)
{
	int ret;

	ret = cpus_node(fdt, p);
	ret = ret ?: psci_node(fdt);
	ret = ret ?: timer_node(fdt, p);
	if (!ret && p->pmu)
		ret = pmu_node(fdt, p);
	return ret ?: gic_node(fdt, p);
}
