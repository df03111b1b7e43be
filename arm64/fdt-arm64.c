// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 half of the device tree: what KVM provides in-kernel (CPUs,
 * PSCI, architected timer, PMU, GIC), and the check that a user's own
 * tree describes that same machine.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "fdt-arm64.h"
#include "fdt-build.h"
#include "layout.h"
#include "log.h"

/* Interrupt specifier cells of the arm,gic bindings. */
#define GIC_PPI			1
#define IRQ_TYPE_LEVEL_HIGH	4
#define IRQ_TYPE_LEVEL_LOW	8
#define PPI(intid)		((intid) - 16)

/* Aff3 lives in MPIDR[39:32], Aff2..Aff0 in [23:0]; the rest is flags. */
#define MPIDR_HWID_MASK		0xff00ffffffULL

static uint32_t ppi_flags(const struct fdt_params *p, uint32_t type)
{
	/*
	 * The GICv2 binding wants the CPUs a PPI reaches in bits [15:8];
	 * GICv2 has at most 8 CPU interfaces, so the mask fits.
	 */
	if (p->gic == IRQCHIP_GICV2)
		return type | ((((1U << p->nr_cpus) - 1) & 0xff) << 8);
	return type;
}

/* A cluster is what shares MPIDR's upper levels: Aff3, Aff2 and Aff1. */
static uint64_t cluster_of(uint64_t mpidr)
{
	return mpidr & MPIDR_HWID_MASK & ~0xffULL;
}

/*
 * Only when the CPUs span more than one cluster: KVM puts 16 VCPUs in
 * each (Aff0 0-15, as GICv3 SGIs target by Aff0 within a cluster). With
 * one cluster the map would say what Linux assumes without one.
 */
static bool wants_cpu_map(const struct fdt_params *p)
{
	unsigned int i;

	for (i = 1; i < p->nr_cpus; i++)
		if (cluster_of(p->mpidr[i]) != cluster_of(p->mpidr[0]))
			return true;
	return false;
}

/*
 * /cpus/cpu-map (Documentation/devicetree/bindings/cpu/cpu-topology.txt):
 * clusterN/coreM, each numbered from 0 without gaps, as Linux looks them
 * up by name until one is missing.
 */
static int cpu_map_node(void *fdt, const struct fdt_params *p)
{
	unsigned int i, cluster = 0, core = 0;
	char name[32];
	int ret;

	ret = fdt_begin_node(fdt, "cpu-map");
	for (i = 0; i < p->nr_cpus && !ret; i++) {
		if (i && cluster_of(p->mpidr[i]) !=
			 cluster_of(p->mpidr[i - 1])) {
			ret = fdt_end_node(fdt);
			cluster++;
			core = 0;
		}
		if (!ret && !core) {
			snprintf(name, sizeof(name), "cluster%u", cluster);
			ret = fdt_begin_node(fdt, name);
		}
		snprintf(name, sizeof(name), "core%u", core++);
		ret = ret ?: fdt_begin_node(fdt, name);
		ret = ret ?: fdt_property_u32(fdt, "cpu", FDT_CPU_PHANDLE(i));
		ret = ret ?: fdt_end_node(fdt);
	}
	/* the last cluster, then cpu-map */
	ret = ret ?: fdt_end_node(fdt);
	return ret ?: fdt_end_node(fdt);
}

static int cpus_node(void *fdt, const struct fdt_params *p)
{
	bool map = wants_cpu_map(p);
	unsigned int i, cells = 1;
	char name[32];
	int ret;

	/* One cell is enough unless some CPU has a non-zero Aff3. */
	for (i = 0; i < p->nr_cpus; i++)
		if (p->mpidr[i] & MPIDR_HWID_MASK & ~0xffffffULL)
			cells = 2;

	ret = fdt_begin_node(fdt, "cpus");
	ret = ret ?: fdt_property_u32(fdt, "#address-cells", cells);
	ret = ret ?: fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < p->nr_cpus && !ret; i++) {
		uint64_t hwid = p->mpidr[i] & MPIDR_HWID_MASK;

		snprintf(name, sizeof(name), "cpu@%llx",
			 (unsigned long long)hwid);
		ret = fdt_begin_node(fdt, name);
		ret = ret ?: fdt_property_string(fdt, "device_type", "cpu");
		ret = ret ?: fdt_property_string(fdt, "compatible",
						 "arm,armv8");
		ret = ret ?: fdt_property_string(fdt, "enable-method", "psci");
		if (cells == 2)
			ret = ret ?: fdt_property_u64(fdt, "reg", hwid);
		else
			ret = ret ?: fdt_property_u32(fdt, "reg", hwid);
		if (map)
			ret = ret ?: fdt_property_u32(fdt, "phandle",
						      FDT_CPU_PHANDLE(i));
		ret = ret ?: fdt_end_node(fdt);
	}
	if (!ret && map)
		ret = cpu_map_node(fdt, p);
	return ret ?: fdt_end_node(fdt);
}

static int psci_node(void *fdt)
{
	/* 0.2 as a fallback for guests that predate the 1.0 binding. */
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";
	int ret;

	ret = fdt_begin_node(fdt, "psci");
	ret = ret ?: fdt_property(fdt, "compatible", compat, sizeof(compat));
	ret = ret ?: fdt_property_string(fdt, "method", "hvc");
	return ret ?: fdt_end_node(fdt);
}

static void put_ppi(fdt32_t *cells, uint32_t intid, uint32_t flags)
{
	cells[0] = cpu_to_fdt32(GIC_PPI);
	cells[1] = cpu_to_fdt32(PPI(intid));
	cells[2] = cpu_to_fdt32(flags);
}

static int timer_node(void *fdt, const struct fdt_params *p)
{
	/* The order the arm,armv8-timer binding fixes. */
	static const uint32_t intids[] = {
		LAYOUT_PPI_SEC_TIMER, LAYOUT_PPI_PTIMER,
		LAYOUT_PPI_VTIMER, LAYOUT_PPI_HYP_TIMER,
	};
	fdt32_t irqs[4 * 3];
	unsigned int i;
	int ret;

	for (i = 0; i < 4; i++)
		put_ppi(irqs + i * 3, intids[i],
			ppi_flags(p, IRQ_TYPE_LEVEL_LOW));
	ret = fdt_begin_node(fdt, "timer");
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	ret = ret ?: fdt_property(fdt, "interrupts", irqs, sizeof(irqs));
	/* KVM keeps the counter running whatever the VCPU does. */
	ret = ret ?: fdt_property(fdt, "always-on", NULL, 0);
	/*
	 * --override-bad-firmware-cntfrq: the binding's escape for firmware
	 * that left CNTFRQ_EL0 wrong; Linux then ignores the register.
	 */
	if (!ret && p->cntfrq)
		ret = fdt_property_u32(fdt, "clock-frequency", p->cntfrq);
	return ret ?: fdt_end_node(fdt);
}

static int pmu_node(void *fdt, const struct fdt_params *p)
{
	fdt32_t irq[3];
	int ret;

	put_ppi(irq, LAYOUT_PPI_PMU, ppi_flags(p, IRQ_TYPE_LEVEL_HIGH));
	ret = fdt_begin_node(fdt, "pmu");
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3");
	ret = ret ?: fdt_property(fdt, "interrupts", irq, sizeof(irq));
	return ret ?: fdt_end_node(fdt);
}

/* reg of n (base, size) pairs, two cells each as the GIC node says. */
static int reg64_prop(void *fdt, const uint64_t *vals, unsigned int n)
{
	fdt64_t reg[4];
	unsigned int i;

	for (i = 0; i < n * 2 && i < 4; i++)
		reg[i] = cpu_to_fdt64(vals[i]);
	return fdt_property(fdt, "reg", reg, i * sizeof(reg[0]));
}

static int its_node(void *fdt, const struct fdt_params *p)
{
	const uint64_t reg[2] = {
		layout_its(p->layout, p->nr_cpus), LAYOUT_GIC_ITS_SIZE,
	};
	char name[48];
	int ret;

	snprintf(name, sizeof(name), "msi-controller@%llx",
		 (unsigned long long)reg[0]);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "arm,gic-v3-its");
	ret = ret ?: fdt_property(fdt, "msi-controller", NULL, 0);
	ret = ret ?: fdt_property_u32(fdt, "#msi-cells", 1);
	ret = ret ?: reg64_prop(fdt, reg, 1);
	return ret ?: fdt_end_node(fdt);
}

static int gic_node(void *fdt, const struct fdt_params *p)
{
	bool v2 = p->gic == IRQCHIP_GICV2;
	uint64_t reg[4];
	char name[48];
	int ret;

	reg[0] = p->layout->gic_dist;
	reg[1] = LAYOUT_GIC_DIST_SIZE;
	if (v2) {
		reg[2] = p->layout->gicv2_cpu;
		reg[3] = p->layout->gicv2_cpu_size;
	} else {
		/* One redistributor frame pair per VCPU, contiguous. */
		reg[2] = layout_gicv3_redist(p->layout, p->nr_cpus);
		reg[3] = p->nr_cpus * LAYOUT_GICV3_REDIST_SIZE;
	}
	snprintf(name, sizeof(name), "interrupt-controller@%llx",
		 (unsigned long long)reg[0]);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible",
					 v2 ? "arm,cortex-a15-gic" :
					 "arm,gic-v3");
	ret = ret ?: reg64_prop(fdt, reg, 2);
	ret = ret ?: fdt_property_u32(fdt, "#interrupt-cells", 3);
	ret = ret ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	/* Cells and an identity ranges, so an ITS child can sit below. */
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

/* Compatibles whose guest driver works against KVM's GICv2 emulation. */
static const char *const gicv2_compatibles[] = {
	"arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a7-gic",
	"arm,cortex-a9-gic", "arm,pl390", NULL,
};

static bool node_is_compatible(const void *fdt, int node,
			       const char *const *list)
{
	for (; *list; list++)
		if (!fdt_node_check_compatible(fdt, node, *list))
			return true;
	return false;
}

static bool node_enabled(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

/*
 * The tree's interrupt controller: the root's interrupt-parent when it
 * has one (that is what the guest will use), else the first GIC found.
 */
static int find_irqchip(const void *fdt)
{
	static const char *const any_gic[] = { "arm,gic-v3", NULL };
	const char *const *lists[] = { any_gic, gicv2_compatibles };
	const fdt32_t *ph;
	unsigned int i, j;
	int off, len;

	ph = fdt_getprop(fdt, 0, "interrupt-parent", &len);
	if (ph && len == sizeof(*ph)) {
		off = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*ph));
		if (off >= 0)
			return off;
	}
	for (i = 0; i < 2; i++)
		for (j = 0; lists[i][j]; j++) {
			off = fdt_node_offset_by_compatible(fdt, -1,
							    lists[i][j]);
			if (off >= 0)
				return off;
		}
	return -FDT_ERR_NOTFOUND;
}

/* The base address of the idx-th reg entry, in the parent's cells. */
static bool reg_base(const void *fdt, int node, int idx, uint64_t *base)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	const fdt32_t *reg;
	int len, i;

	if (parent < 0 || ac < 1 || ac > 2 || sc < 0)
		return false;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (int)((idx + 1) * (ac + sc) * sizeof(*reg)))
		return false;
	reg += idx * (ac + sc);
	*base = 0;
	for (i = 0; i < ac; i++)
		*base = *base << 32 | fdt32_to_cpu(reg[i]);
	return true;
}

/*
 * The guest would look for the GIC where the tree says; pocvm cannot
 * move KVM's, so a user who knows better is told but not stopped.
 */
static void warn_reg(const void *fdt, int node, int idx, const char *name,
		     const char *what, uint64_t want)
{
	uint64_t base;

	if (reg_base(fdt, node, idx, &base) && base != want)
		pr_warn("%s: %s at 0x%llx but the VM has it at 0x%llx", name,
			what, (unsigned long long)base,
			(unsigned long long)want);
}

/* The GIC model (and ITS) must be what KVM was asked to emulate. */
static int check_gic(const void *fdt, const char *name,
		     const struct fdt_params *p, int *gic, int *its)
{
	static const char *const v3[] = { "arm,gic-v3", NULL };
	bool want_v3 = p->gic != IRQCHIP_GICV2, is_v3;
	const char *compat;

	*gic = find_irqchip(fdt);
	if (*gic < 0)
		return err_set(-EINVAL, "%s: no GIC interrupt controller in "
			       "the tree", name);
	compat = fdt_getprop(fdt, *gic, "compatible", NULL);
	if (!compat)
		compat = fdt_get_name(fdt, *gic, NULL);
	is_v3 = node_is_compatible(fdt, *gic, v3);
	if (!is_v3 && !node_is_compatible(fdt, *gic, gicv2_compatibles))
		return err_set(-EINVAL, "%s: interrupt controller is %s, not "
			       "a GIC the VM can provide", name, compat);
	if (is_v3 != want_v3)
		return err_set(-EINVAL, "%s: interrupt controller is %s but "
			       "the VM has a %s (see --irqchip)", name, compat,
			       want_v3 ? "GICv3" : "GICv2");

	*its = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3-its");
	while (*its >= 0 && !node_enabled(fdt, *its))
		*its = fdt_node_offset_by_compatible(fdt, *its,
						     "arm,gic-v3-its");
	/* An ITS nobody emulates would fault the guest at its first probe. */
	if (*its >= 0 && p->gic != IRQCHIP_GICV3_ITS)
		return err_set(-EINVAL, "%s: describes a GICv3 ITS but the VM "
			       "has none (see --irqchip gicv3-its)", name);
	return 0;
}

static void warn_gic_regs(const void *fdt, const char *name,
			  const struct fdt_params *p, int gic, int its)
{
	warn_reg(fdt, gic, 0, name, "GIC distributor", p->layout->gic_dist);
	if (p->gic == IRQCHIP_GICV2)
		warn_reg(fdt, gic, 1, name, "GIC CPU interface",
			 p->layout->gicv2_cpu);
	else
		warn_reg(fdt, gic, 1, name, "GIC redistributors",
			 layout_gicv3_redist(p->layout, p->nr_cpus));
	if (its >= 0)
		warn_reg(fdt, its, 0, name, "GIC ITS",
			 layout_its(p->layout, p->nr_cpus));
}

static bool is_cpu_node(const void *fdt, int node)
{
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);
	const char *nodename = fdt_get_name(fdt, node, NULL);

	/* Not cpu-map, idle-states or caches, which also live in /cpus. */
	if (type)
		return !strcmp(type, "cpu");
	return nodename && (!strcmp(nodename, "cpu") ||
			    !strncmp(nodename, "cpu@", 4));
}

int fdt_arm64_check_user(const void *fdt, const char *name,
			 const struct fdt_params *p)
{
	unsigned int cpus = 0;
	int ret, cpus_off, node, gic = -1, its = -1;

	ret = check_gic(fdt, name, p, &gic, &its);
	if (ret)
		return ret;
	cpus_off = fdt_path_offset(fdt, "/cpus");
	if (cpus_off >= 0)
		fdt_for_each_subnode(node, fdt, cpus_off)
			if (is_cpu_node(fdt, node))
				cpus++;
	if (cpus != p->nr_cpus)
		return err_set(-EINVAL, "%s: describes %u CPU(s) but the VM "
			       "has %u (see -c)", name, cpus, p->nr_cpus);
	warn_gic_regs(fdt, name, p, gic, its);
	return 0;
}
