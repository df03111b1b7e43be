// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch.h"
#include "device.h"
#include "fdt-build.h"
#include "layout.h"
#include "unit.h"

#define BUFSZ		(64 * 1024)
#define GIC		"/interrupt-controller@3fff0000"
#define DIST		0x3fff0000U
#define CANARY		0xa5

static uint8_t buf[BUFSZ + 64], user[BUFSZ];
static struct fdt_params p;

static int fake_fdt_node(const struct device *dev, void *fdt, uint32_t gic)
{
	char name[32];

	snprintf(name, sizeof(name), "virtio@%llx",
		 (unsigned long long)dev->base);
	return fdt_mmio_device_node(fdt, name, "virtio,mmio", dev->base,
				    dev->size, dev->spi, gic,
				    dev->priv != NULL);
}

static int broken_fdt_node(const struct device *dev, void *fdt,
			   uint32_t gic)
{
	(void)dev;
	(void)fdt;
	(void)gic;
	return -FDT_ERR_BADVALUE;
}

static const struct device_ops fake_ops = {
	.name = "fake",
	.fdt_node = fake_fdt_node,
};
static const struct device_ops silent_ops = { .name = "silent" };
static const struct device_ops broken_ops = {
	.name = "broken-dev",
	.fdt_node = broken_fdt_node,
};

/* priv non-NULL asks fake_fdt_node for dma-coherent. */
static struct device coherent_dev = {
	.ops = &fake_ops, .base = 0x3000000, .size = 0x200, .spi = 8,
	.priv = &coherent_dev,
};
static struct device silent_dev = { .ops = &silent_ops, .base = 0x4000 };
static struct device plain_dev = {
	.ops = &fake_ops, .base = 0x3000200, .size = 0x200, .spi = 9,
};
static struct device broken_dev = { .ops = &broken_ops };
static struct device *const fake_devs[] = {
	&coherent_dev, &silent_dev, &plain_dev,
};

static void params(unsigned int cpus, enum irqchip_kind gic)
{
	unsigned int i;

	memset(&p, 0, sizeof(p));
	p.layout = machine_layout(MACHINE_KVMTOOL);
	p.ram_base = 0x80000000ULL;
	p.ram_size = 256ULL << 20;
	p.bootargs = "console=ttyS0";
	p.nr_cpus = cpus;
	for (i = 0; i < cpus; i++)
		p.mpidr[i] = arm64_vcpu_mpidr(i);
	p.gic = gic;
	p.boot_count = 1;
	p.devices = fake_devs;
	p.nr_devices = 3;
}

static int generate(void)
{
	int size;

	err_clear();
	size = fdt_generate(buf, BUFSZ, &p);
	ck_assert_msg(size > 0, "fdt_generate: %s", err_message(size));
	ck_assert_int_eq(fdt_check_full(buf, size), 0);
	return size;
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "no node %s", path);
	return off;
}

static const void *prop(const void *fdt, const char *path, const char *name,
			int *len)
{
	return fdt_getprop(fdt, node(fdt, path), name, len);
}

/* A property that must exist with exactly len bytes. */
static const void *prop_len(const void *fdt, const char *path,
			    const char *name, int len)
{
	int got;
	const void *v = prop(fdt, path, name, &got);

	ck_assert_msg(v, "%s lacks %s", path, name);
	ck_assert_msg(got == len, "%s %s: %d bytes, not %d", path, name, got,
		      len);
	return v;
}

static uint32_t cell(const void *v, int i)
{
	return fdt32_to_cpu(((const fdt32_t *)v)[i]);
}

static uint64_t cell64(const void *v, int i)
{
	return (uint64_t)cell(v, 2 * i) << 32 | cell(v, 2 * i + 1);
}

static uint32_t prop_u32(const void *fdt, const char *path, const char *name)
{
	return cell(prop_len(fdt, path, name, 4), 0);
}

static void assert_str(const void *fdt, const char *path, const char *name,
		       const char *want)
{
	const char *v = prop(fdt, path, name, NULL);

	ck_assert_msg(v, "%s lacks %s", path, name);
	ck_assert_str_eq(v, want);
}

static void assert_empty(const void *fdt, const char *path, const char *name)
{
	prop_len(fdt, path, name, 0);
}

static void assert_absent(const void *fdt, const char *path, const char *name)
{
	ck_assert_msg(!prop(fdt, path, name, NULL), "%s has %s", path, name);
}

/* The n-th <type number flags> triple of an interrupts property. */
static void assert_irq(const void *v, int n, uint32_t type, uint32_t nr,
		       uint32_t flags)
{
	ck_assert_uint_eq(cell(v, n * 3), type);
	ck_assert_uint_eq(cell(v, n * 3 + 1), nr);
	ck_assert_uint_eq(cell(v, n * 3 + 2), flags);
}

static void assert_timer(uint32_t flags)
{
	const void *v = prop_len(buf, "/timer", "interrupts", 4 * 12);

	assert_str(buf, "/timer", "compatible", "arm,armv8-timer");
	assert_empty(buf, "/timer", "always-on");
	/* secure phys, non-secure phys, virtual, hypervisor */
	assert_irq(v, 0, 1, 13, flags);
	assert_irq(v, 1, 1, 14, flags);
	assert_irq(v, 2, 1, 11, flags);
	assert_irq(v, 3, 1, 10, flags);
}

static void assert_gic_reg(uint64_t second, uint64_t second_size)
{
	const void *v = prop_len(buf, GIC, "reg", 32);

	ck_assert_uint_eq(cell64(v, 0), DIST);
	ck_assert_uint_eq(cell64(v, 1), 0x10000);
	ck_assert_uint_eq(cell64(v, 2), second);
	ck_assert_uint_eq(cell64(v, 3), second_size);
}

START_TEST(one_cpu_gicv3)
{
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
	const void *v;
	uint32_t ph;

	params(1, IRQCHIP_GICV3);
	generate();

	ck_assert_uint_eq(prop_u32(buf, "/", "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(buf, "/", "#size-cells"), 2);
	assert_str(buf, "/", "compatible", "linux,dummy-virt");
	assert_str(buf, "/", "model", "pocvm");
	ph = prop_u32(buf, GIC, "phandle");
	ck_assert_uint_ne(ph, 0);
	ck_assert_uint_eq(prop_u32(buf, "/", "interrupt-parent"), ph);

	ck_assert_uint_eq(prop_u32(buf, "/cpus", "#address-cells"), 1);
	ck_assert_uint_eq(prop_u32(buf, "/cpus", "#size-cells"), 0);
	ck_assert_uint_eq(prop_u32(buf, "/cpus/cpu@0", "reg"), 0);
	assert_str(buf, "/cpus/cpu@0", "device_type", "cpu");
	assert_str(buf, "/cpus/cpu@0", "compatible", "arm,armv8");
	assert_str(buf, "/cpus/cpu@0", "enable-method", "psci");

	v = prop_len(buf, "/psci", "compatible", sizeof(psci));
	ck_assert(!memcmp(v, psci, sizeof(psci)));
	assert_str(buf, "/psci", "method", "hvc");

	/* GICv3 PPIs carry no CPU mask. */
	assert_timer(8);
	ck_assert_int_lt(fdt_path_offset(buf, "/pmu"), 0);

	assert_str(buf, GIC, "compatible", "arm,gic-v3");
	assert_gic_reg(DIST - 0x20000, 0x20000);
	ck_assert_uint_eq(prop_u32(buf, GIC, "#interrupt-cells"), 3);
	ck_assert_uint_eq(prop_u32(buf, GIC, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(buf, GIC, "#size-cells"), 2);
	assert_empty(buf, GIC, "interrupt-controller");
	assert_empty(buf, GIC, "ranges");
	ck_assert_int_lt(fdt_node_offset_by_compatible(buf, -1,
						       "arm,gic-v3-its"), 0);

	v = prop_len(buf, "/memory@80000000", "reg", 16);
	ck_assert_uint_eq(cell64(v, 0), 0x80000000ULL);
	ck_assert_uint_eq(cell64(v, 1), 256ULL << 20);
	assert_str(buf, "/memory@80000000", "device_type", "memory");
}
END_TEST

START_TEST(four_cpus_gicv3)
{
	char path[32];
	unsigned int i;
	int off, n = 0;

	params(4, IRQCHIP_GICV3);
	generate();
	fdt_for_each_subnode(off, buf, node(buf, "/cpus"))
		n++;
	ck_assert_int_eq(n, 4);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%u", i);
		ck_assert_uint_eq(prop_u32(buf, path, "reg"), i);
	}
	/* Four redistributors of 128 KiB just below the distributor. */
	assert_gic_reg(DIST - 4 * 0x20000, 4 * 0x20000);
	assert_timer(8);
}
END_TEST

START_TEST(mpidr_values)
{
	const void *v;

	ck_assert_uint_eq(arm64_vcpu_mpidr(0), 0x80000000ULL);
	ck_assert_uint_eq(arm64_vcpu_mpidr(5), 0x80000005ULL);
	/* Aff0 only takes 16 CPUs, then Aff1 counts. */
	ck_assert_uint_eq(arm64_vcpu_mpidr(16), 0x80000100ULL);
	ck_assert_uint_eq(arm64_vcpu_mpidr(0x1234), 0x80012304ULL);

	/* reg is the affinity, without MPIDR's RES1 and MT/U flags. */
	params(2, IRQCHIP_GICV3);
	p.mpidr[1] = arm64_vcpu_mpidr(16) | (1ULL << 30);
	generate();
	ck_assert_uint_eq(prop_u32(buf, "/cpus/cpu@100", "reg"), 0x100);

	/* A non-zero Aff3 needs two address cells. */
	p.mpidr[1] = 0x0280000001ULL;
	generate();
	ck_assert_uint_eq(prop_u32(buf, "/cpus", "#address-cells"), 2);
	v = prop_len(buf, "/cpus/cpu@200000001", "reg", 8);
	ck_assert_uint_eq(cell64(v, 0), 0x200000001ULL);
	ck_assert_uint_eq(cell64(prop_len(buf, "/cpus/cpu@0", "reg", 8), 0),
			  0);
}
END_TEST

/* The CPU whose phandle a cpu-map core names, by its node name. */
static const char *core_cpu(const void *fdt, const char *core)
{
	int off = fdt_node_offset_by_phandle(fdt, prop_u32(fdt, core, "cpu"));

	ck_assert_msg(off >= 0, "%s: cpu phandle leads nowhere", core);
	return fdt_get_name(fdt, off, NULL);
}

/* Up to 16 VCPUs share MPIDR's Aff1: one cluster, and no cpu-map. */
START_TEST(cpu_map_one_cluster)
{
	params(16, IRQCHIP_GICV3);
	generate();
	ck_assert_int_lt(fdt_path_offset(buf, "/cpus/cpu-map"), 0);
	assert_absent(buf, "/cpus/cpu@f", "phandle");
	assert_gic_reg(DIST - 16 * 0x20000, 16 * 0x20000);
}
END_TEST

/* 32 VCPUs: two clusters of 16, as KVM numbers their MPIDRs. */
START_TEST(cpu_map_two_clusters)
{
	int off, n = 0;

	params(32, IRQCHIP_GICV3);
	generate();
	fdt_for_each_subnode(off, buf, node(buf, "/cpus"))
		n++;
	ck_assert_int_eq(n, 33);	/* the CPUs and cpu-map */
	ck_assert_uint_eq(prop_u32(buf, "/cpus/cpu@10f", "reg"), 0x10f);
	ck_assert_str_eq(core_cpu(buf, "/cpus/cpu-map/cluster0/core0"),
			 "cpu@0");
	ck_assert_str_eq(core_cpu(buf, "/cpus/cpu-map/cluster0/core15"),
			 "cpu@f");
	ck_assert_str_eq(core_cpu(buf, "/cpus/cpu-map/cluster1/core0"),
			 "cpu@100");
	ck_assert_str_eq(core_cpu(buf, "/cpus/cpu-map/cluster1/core15"),
			 "cpu@10f");
	ck_assert_int_lt(fdt_path_offset(buf, "/cpus/cpu-map/cluster0/core16"),
			 0);
	ck_assert_int_lt(fdt_path_offset(buf, "/cpus/cpu-map/cluster2"), 0);
	/* The redistributors grow down from the distributor. */
	assert_gic_reg(DIST - 32 * 0x20000, 32 * 0x20000);
	assert_timer(8);
}
END_TEST

/* KVM's limit: 512 VCPUs in 32 clusters, the ITS below them all. */
START_TEST(cpu_map_max_cpus)
{
	size_t size = 1 << 20;
	uint8_t *big = malloc(size);
	const void *v;
	int ret;

	ck_assert_ptr_nonnull(big);
	params(CONFIG_MAX_CPUS, IRQCHIP_GICV3_ITS);
	ret = fdt_generate(big, size, &p);
	ck_assert_msg(ret > 0, "fdt_generate: %s", err_message(ret));
	ck_assert_int_eq(fdt_check_full(big, ret), 0);
	ck_assert_str_eq(core_cpu(big, "/cpus/cpu-map/cluster31/core15"),
			 "cpu@1f0f");
	ck_assert_int_lt(fdt_path_offset(big, "/cpus/cpu-map/cluster32"), 0);
	v = prop_len(big, GIC, "reg", 32);
	ck_assert_uint_eq(cell64(v, 2), DIST - 512 * 0x20000ULL);
	ck_assert_uint_eq(cell64(v, 3), 512 * 0x20000ULL);
	v = prop_len(big, GIC "/msi-controller@3bfd0000", "reg", 16);
	ck_assert_uint_eq(cell64(v, 0), 0x3bfd0000ULL);
	free(big);
}
END_TEST

START_TEST(gicv2_four_cpus)
{
	params(4, IRQCHIP_GICV2);
	generate();
	assert_str(buf, GIC, "compatible", "arm,cortex-a15-gic");
	assert_gic_reg(DIST - 0x20000, 0x20000);
	assert_empty(buf, GIC, "interrupt-controller");
	/* GICv2 PPIs name their CPUs: four CPUs, mask 0xf. */
	assert_timer(0xf08);
	ck_assert_int_lt(fdt_path_offset(buf, "/pmu"), 0);

	params(1, IRQCHIP_GICV2);
	generate();
	assert_timer(0x108);
	params(8, IRQCHIP_GICV2);
	generate();
	assert_timer(0xff08);
}
END_TEST

START_TEST(pmu)
{
	const void *v;

	params(1, IRQCHIP_GICV3);
	p.pmu = true;
	generate();
	assert_str(buf, "/pmu", "compatible", "arm,armv8-pmuv3");
	v = prop_len(buf, "/pmu", "interrupts", 12);
	assert_irq(v, 0, 1, 7, 4);

	params(2, IRQCHIP_GICV2);
	p.pmu = true;
	generate();
	v = prop_len(buf, "/pmu", "interrupts", 12);
	assert_irq(v, 0, 1, 7, 0x304);
	assert_timer(0x308);
}
END_TEST

START_TEST(gicv3_its)
{
	const char *its = GIC "/msi-controller@3ff90000";
	const void *v;

	params(2, IRQCHIP_GICV3_ITS);
	generate();
	assert_str(buf, GIC, "compatible", "arm,gic-v3");
	assert_gic_reg(DIST - 2 * 0x20000, 2 * 0x20000);
	/* Below the two redistributors: 0x3fff0000 - 0x40000 - 0x20000 */
	assert_str(buf, its, "compatible", "arm,gic-v3-its");
	assert_empty(buf, its, "msi-controller");
	ck_assert_uint_eq(prop_u32(buf, its, "#msi-cells"), 1);
	v = prop_len(buf, its, "reg", 16);
	ck_assert_uint_eq(cell64(v, 0), 0x3ff90000);
	ck_assert_uint_eq(cell64(v, 1), 0x20000);
}
END_TEST

START_TEST(chosen)
{
	const void *v;

	params(1, IRQCHIP_GICV3);
	p.initrd_gpa = 0x8fc00000ULL;
	p.initrd_size = 0x1234;
	p.stdout_path = "/uart@1000000";
	p.boot_count = 2;
	generate();
	assert_str(buf, "/chosen", "bootargs", "console=ttyS0");
	assert_str(buf, "/chosen", "stdout-path", "/uart@1000000");
	v = prop_len(buf, "/chosen", "linux,initrd-start", 8);
	ck_assert_uint_eq(cell64(v, 0), 0x8fc00000ULL);
	v = prop_len(buf, "/chosen", "linux,initrd-end", 8);
	ck_assert_uint_eq(cell64(v, 0), 0x8fc01234ULL);
	ck_assert_uint_eq(prop_u32(buf, "/chosen", "pocvm,boot-count"), 2);

	/* No initrd, no stdout, no command line. */
	p.initrd_size = 0;
	p.stdout_path = NULL;
	p.bootargs = NULL;
	generate();
	assert_absent(buf, "/chosen", "linux,initrd-start");
	assert_absent(buf, "/chosen", "linux,initrd-end");
	assert_absent(buf, "/chosen", "stdout-path");
	assert_str(buf, "/chosen", "bootargs", "");
}
END_TEST

START_TEST(devices)
{
	const void *v;
	uint32_t ph;

	params(1, IRQCHIP_GICV3);
	generate();
	ph = prop_u32(buf, GIC, "phandle");

	assert_str(buf, "/virtio@3000000", "compatible", "virtio,mmio");
	v = prop_len(buf, "/virtio@3000000", "reg", 16);
	ck_assert_uint_eq(cell64(v, 0), 0x3000000);
	ck_assert_uint_eq(cell64(v, 1), 0x200);
	v = prop_len(buf, "/virtio@3000000", "interrupts", 12);
	assert_irq(v, 0, 0, 8, 4);
	ck_assert_uint_eq(prop_u32(buf, "/virtio@3000000", "interrupt-parent"),
			  ph);
	assert_empty(buf, "/virtio@3000000", "dma-coherent");

	v = prop_len(buf, "/virtio@3000200", "interrupts", 12);
	assert_irq(v, 0, 0, 9, 4);
	assert_absent(buf, "/virtio@3000200", "dma-coherent");

	/* A device without fdt_node() adds nothing. */
	ck_assert_int_lt(fdt_path_offset(buf, "/virtio@4000"), 0);
}
END_TEST

START_TEST(device_error)
{
	static struct device *const devs[] = { &broken_dev };
	int ret;

	params(1, IRQCHIP_GICV3);
	p.devices = devs;
	p.nr_devices = 1;
	err_clear();
	ret = fdt_generate(buf, BUFSZ, &p);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(err_message(ret), "broken-dev"));
}
END_TEST

START_TEST(bad_params)
{
	int ret;

	params(1, IRQCHIP_GICV3);
	p.nr_cpus = 0;
	ret = fdt_generate(buf, BUFSZ, &p);
	ck_assert_int_eq(ret, -EINVAL);
	params(1, IRQCHIP_AUTO);
	ret = fdt_generate(buf, BUFSZ, &p);
	ck_assert_int_eq(ret, -EINVAL);
}
END_TEST

static void fill_canary(void)
{
	memset(buf, CANARY, sizeof(buf));
}

/* Nothing may be written past the size the caller gave. */
static void assert_canary(size_t from)
{
	size_t i;

	for (i = from; i < sizeof(buf); i++)
		ck_assert_msg(buf[i] == CANARY, "byte %zu written", i);
}

START_TEST(too_small_buffer)
{
	size_t sizes[] = { 0, 64, 256, 0 };
	unsigned int i;
	int ret;

	params(8, IRQCHIP_GICV3_ITS);
	p.pmu = true;
	sizes[3] = generate() - 1;
	for (i = 0; i < 4; i++) {
		fill_canary();
		err_clear();
		ret = fdt_generate(buf, sizes[i], &p);
		ck_assert_int_lt(ret, 0);
		if (sizes[i] >= 256)
			ck_assert_int_eq(ret, -ENOSPC);
		ck_assert_msg(strstr(err_message(ret), "device tree"),
			      "'%s'", err_message(ret));
		assert_canary(sizes[i]);
	}
}
END_TEST

/*
 * fdt_build(): a small tree in a small buffer (libfdt zeroes all of it;
 * 2 MiB each run was most of pocvm's peak memory), 512 VCPUs' after
 * doubling, and a cap that is too small still says so.
 */
START_TEST(build_grows_from_small)
{
	size_t bufsize;
	void *dtb;
	int ret;

	params(1, IRQCHIP_GICV3);
	ret = fdt_build(&dtb, &bufsize, 2 << 20, NULL, 0, NULL, &p);
	ck_assert_msg(ret > 0, "fdt_build: %s", err_message(ret));
	ck_assert_uint_le(bufsize, 16 << 10);
	ck_assert_int_eq(fdt_check_full(dtb, ret), 0);
	free(dtb);

	params(CONFIG_MAX_CPUS, IRQCHIP_GICV3_ITS);
	ret = fdt_build(&dtb, &bufsize, 2 << 20, NULL, 0, NULL, &p);
	ck_assert_msg(ret > 0, "fdt_build: %s", err_message(ret));
	ck_assert_uint_gt(bufsize, 16 << 10);
	ck_assert_uint_lt(bufsize, 2 << 20);
	ck_assert_int_eq(fdt_check_full(dtb, ret), 0);
	ck_assert_str_eq(core_cpu(dtb, "/cpus/cpu-map/cluster31/core15"),
			 "cpu@1f0f");
	free(dtb);

	err_clear();
	ret = fdt_build(&dtb, &bufsize, 8 << 10, NULL, 0, NULL, &p);
	ck_assert_int_eq(ret, -ENOSPC);
	ck_assert_uint_eq(bufsize, 8 << 10);
	free(dtb);
}
END_TEST

/*
 * A tree as a board's DTB would have it: another GIC address, a cpu-map,
 * two RAM banks, 32-bit initrd properties, a node pocvm knows nothing of.
 */
struct user_tree {
	const char *gic;
	unsigned int cpus;
	bool its;
	bool chosen;
	unsigned int cells;	/* root #address-cells = #size-cells */
	uint32_t dist;
	const char *stray_memory;	/* a node also typed "memory" */
	bool dup_initrd;	/* /chosen says its initrd range twice */
};

static const char *stray_memory;

static void begin(const char *name)
{
	ck_assert_int_eq(fdt_begin_node(user, name), 0);
	if (stray_memory && !strcmp(name, stray_memory))
		ck_assert_int_eq(fdt_property_string(user, "device_type",
						     "memory"), 0);
}

static void end(void)
{
	ck_assert_int_eq(fdt_end_node(user), 0);
}

static void u32p(const char *name, uint32_t val)
{
	ck_assert_int_eq(fdt_property_u32(user, name, val), 0);
}

static void strp(const char *name, const char *val)
{
	ck_assert_int_eq(fdt_property_string(user, name, val), 0);
}

static void regp(unsigned int cells, uint64_t a, uint64_t s)
{
	fdt32_t reg[4];
	int n = 0;

	if (cells == 2)
		reg[n++] = cpu_to_fdt32(a >> 32);
	reg[n++] = cpu_to_fdt32(a);
	if (cells == 2)
		reg[n++] = cpu_to_fdt32(s >> 32);
	reg[n++] = cpu_to_fdt32(s);
	ck_assert_int_eq(fdt_property(user, "reg", reg, n * 4), 0);
}

static size_t build_user(const struct user_tree *t)
{
	unsigned int i;
	char name[48];

	stray_memory = t->stray_memory;
	ck_assert_int_eq(fdt_create(user, BUFSZ), 0);
	ck_assert_int_eq(fdt_finish_reservemap(user), 0);
	begin("");
	u32p("#address-cells", t->cells);
	u32p("#size-cells", t->cells);
	strp("compatible", "vendor,board");
	u32p("interrupt-parent", 5);
	if (t->chosen) {
		begin("chosen");
		strp("bootargs", "stale");
		u32p("linux,initrd-start", 0x48000000);
		u32p("linux,initrd-end", 0x48100000);
		if (t->dup_initrd) {
			u32p("linux,initrd-start", 0x49000000);
			u32p("linux,initrd-end", 0x49100000);
		}
		end();
	}
	begin("memory@40000000");
	strp("device_type", "memory");
	regp(t->cells, 0x40000000, 0x20000000);
	end();
	begin("memory@60000000");
	strp("device_type", "memory");
	regp(t->cells, 0x60000000, 0x20000000);
	end();
	begin("cpus");
	u32p("#address-cells", 1);
	u32p("#size-cells", 0);
	for (i = 0; i < t->cpus; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		begin(name);
		strp("device_type", "cpu");
		u32p("reg", i);
		end();
	}
	begin("cpu-map");
	end();
	end();
	snprintf(name, sizeof(name), "interrupt-controller@%x", t->dist);
	begin(name);
	strp("compatible", t->gic);
	regp(t->cells, t->dist, 0x1000);
	ck_assert_int_eq(fdt_property(user, "interrupt-controller", NULL, 0),
			 0);
	u32p("phandle", 5);
	if (t->its) {
		begin("msi-controller@20000");
		strp("compatible", "arm,gic-v3-its");
		end();
	}
	end();
	begin("serial@9000000");
	strp("compatible", "arm,pl011");
	end();
	end();
	ck_assert_int_eq(fdt_finish(user), 0);
	return fdt_totalsize(user);
}

static const struct user_tree board_v2 = {
	.gic = "arm,gic-400", .cpus = 2, .chosen = true, .cells = 2,
	.dist = DIST,
};

/* Run fdt_patch_user() with stderr in out, for the warnings. */
static int patch_capture(size_t len, char *out, size_t outsize)
{
	FILE *tmp = tmpfile();
	int saved = dup(2), ret;
	size_t n;

	ck_assert_ptr_nonnull(tmp);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	err_clear();
	ret = fdt_patch_user(buf, BUFSZ, user, len, "/x/board.dtb", &p);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, outsize - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return ret;
}

static int count_memory(const void *fdt)
{
	int off = -1, n = 0;

	while ((off = fdt_node_offset_by_prop_value(fdt, off, "device_type",
						    "memory", 7)) >= 0)
		n++;
	return n;
}

/* --kaslr-seed and --override-bad-firmware-cntfrq, as kvmtool writes them. */
START_TEST(kaslr_seed_and_cntfrq)
{
	const void *v;
	char log[512];

	params(1, IRQCHIP_GICV3);
	generate();
	assert_absent(buf, "/chosen", "kaslr-seed");
	assert_absent(buf, "/timer", "clock-frequency");

	p.kaslr_seed_set = true;
	p.kaslr_seed = 0x0123456789abcdefULL;
	p.cntfrq = 62500000;
	generate();
	v = prop_len(buf, "/chosen", "kaslr-seed", 8);
	ck_assert_uint_eq(cell64(v, 0), 0x0123456789abcdefULL);
	ck_assert_uint_eq(prop_u32(buf, "/timer", "clock-frequency"),
			  62500000);

	/* A user's tree gets the seed in its /chosen too. */
	params(2, IRQCHIP_GICV2);
	p.kaslr_seed_set = true;
	p.kaslr_seed = 0x0123456789abcdefULL;
	ck_assert_int_gt(patch_capture(build_user(&board_v2), log,
				      sizeof(log)), 0);
	v = prop_len(buf, "/chosen", "kaslr-seed", 8);
	ck_assert_uint_eq(cell64(v, 0), 0x0123456789abcdefULL);
}
END_TEST

START_TEST(user_tree_patched)
{
	size_t len = build_user(&board_v2);
	char log[512];
	const void *v;
	int ret;

	params(2, IRQCHIP_GICV2);
	p.ram_size = 1ULL << 30;
	p.bootargs = "fresh";
	ret = patch_capture(len, log, sizeof(log));
	ck_assert_msg(ret > 0, "%s", err_message(ret));
	ck_assert_int_eq(ret, fdt_totalsize(buf));
	ck_assert_int_eq(fdt_check_full(buf, ret), 0);
	ck_assert_str_eq(log, "");

	assert_str(buf, "/chosen", "bootargs", "fresh");
	assert_absent(buf, "/chosen", "linux,initrd-start");
	assert_absent(buf, "/chosen", "linux,initrd-end");
	ck_assert_int_eq(count_memory(buf), 1);
	v = prop_len(buf, "/memory@80000000", "reg", 16);
	ck_assert_uint_eq(cell64(v, 0), 0x80000000ULL);
	ck_assert_uint_eq(cell64(v, 1), 1ULL << 30);
	/* The rest of the board is left as it was. */
	assert_str(buf, "/serial@9000000", "compatible", "arm,pl011");
	assert_str(buf, "/", "compatible", "vendor,board");
	ck_assert_uint_eq(prop_u32(buf, "/cpus/cpu@1", "reg"), 1);
}
END_TEST

START_TEST(user_tree_initrd_no_chosen)
{
	struct user_tree t = board_v2;
	const void *v;
	size_t len;
	int ret;

	t.chosen = false;
	t.gic = "arm,gic-v3";
	t.cpus = 1;
	len = build_user(&t);
	params(1, IRQCHIP_GICV3);
	p.initrd_gpa = 0x88000000ULL;
	p.initrd_size = 0x2000;
	ret = fdt_patch_user(buf, BUFSZ, user, len, "board.dtb", &p);
	ck_assert_msg(ret > 0, "%s", err_message(ret));
	assert_str(buf, "/chosen", "bootargs", "console=ttyS0");
	v = prop_len(buf, "/chosen", "linux,initrd-start", 8);
	ck_assert_uint_eq(cell64(v, 0), 0x88000000ULL);
	v = prop_len(buf, "/chosen", "linux,initrd-end", 8);
	ck_assert_uint_eq(cell64(v, 0), 0x88002000ULL);
}
END_TEST

START_TEST(user_tree_one_cell)
{
	struct user_tree t = board_v2;
	const void *v;
	size_t len;
	int ret;

	t.cells = 1;
	len = build_user(&t);
	params(2, IRQCHIP_GICV2);
	ret = fdt_patch_user(buf, BUFSZ, user, len, "board.dtb", &p);
	ck_assert_msg(ret > 0, "%s", err_message(ret));
	v = prop_len(buf, "/memory@80000000", "reg", 8);
	ck_assert_uint_eq(cell(v, 0), 0x80000000U);
	ck_assert_uint_eq(cell(v, 1), 256U << 20);

	/* RAM above 4 GiB cannot be written with one address cell. */
	p.ram_base = 0x100000000ULL;
	err_clear();
	ret = fdt_patch_user(buf, BUFSZ, user, len, "board.dtb", &p);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(err_message(ret), "#address-cells"));
}
END_TEST

/* pocvm's own output, as --dump-dtb writes it, fed back with --dtb. */
START_TEST(user_tree_from_dump)
{
	const void *v;
	int len, ret;

	params(2, IRQCHIP_GICV3_ITS);
	p.initrd_gpa = 0x88000000ULL;
	p.initrd_size = 0x2000;
	p.bootargs = "stale";
	len = fdt_generate(user, BUFSZ, &p);
	ck_assert_int_gt(len, 0);

	params(2, IRQCHIP_GICV3_ITS);
	p.ram_size = 512ULL << 20;
	p.bootargs = "fresh";
	p.boot_count = 3;
	ret = fdt_patch_user(buf, BUFSZ, user, len, "board.dtb", &p);
	ck_assert_msg(ret > 0, "%s", err_message(ret));
	assert_str(buf, "/chosen", "bootargs", "fresh");
	assert_absent(buf, "/chosen", "linux,initrd-start");
	assert_absent(buf, "/chosen", "linux,initrd-end");
	ck_assert_uint_eq(prop_u32(buf, "/chosen", "pocvm,boot-count"), 3);
	ck_assert_int_eq(count_memory(buf), 1);
	v = prop_len(buf, "/memory@80000000", "reg", 16);
	ck_assert_uint_eq(cell64(v, 1), 512ULL << 20);
}
END_TEST

START_TEST(user_tree_gic_elsewhere)
{
	struct user_tree t = board_v2;
	char log[512];
	size_t len;
	int ret;

	t.dist = 0x2c001000;
	len = build_user(&t);
	params(2, IRQCHIP_GICV2);
	ret = patch_capture(len, log, sizeof(log));
	ck_assert_msg(ret > 0, "%s", err_message(ret));
	ck_assert_msg(strstr(log, "board.dtb") &&
		      strstr(log, "GIC distributor at 0x2c001000"),
		      "warning: '%s'", log);
}
END_TEST

static void assert_patch_error(size_t len, const char *words)
{
	char log[512];
	int ret;

	ret = patch_capture(len, log, sizeof(log));
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_msg(strstr(err_message(ret), words),
		      "'%s' lacks '%s'", err_message(ret), words);
	ck_assert_msg(!strncmp(err_message(ret), "--dtb /x/board.dtb: ", 20),
		      "'%s' does not name the file as given",
		      err_message(ret));
}

START_TEST(user_tree_bad_blobs)
{
	size_t len = build_user(&board_v2);

	params(2, IRQCHIP_GICV2);
	assert_patch_error(len - 1, "truncated");
	assert_patch_error(len / 2, "truncated");
	assert_patch_error(16, "not a device tree blob");
	assert_patch_error(0, "not a device tree blob");

	/* A sound header over a broken structure block. */
	*(fdt32_t *)(user + fdt_off_dt_struct(user)) = cpu_to_fdt32(0x1234);
	assert_patch_error(len, "corrupt");

	memset(user, 0x5a, 256);
	assert_patch_error(256, "not a device tree blob");
}
END_TEST

/* The first property of the structure block, from its start. */
static uint8_t *first_prop(void)
{
	uint8_t *p = user + fdt_off_dt_struct(user);

	while (fdt32_to_cpu(*(fdt32_t *)p) != FDT_PROP)
		p += 4;
	return p;
}

/*
 * Found by the dtb fuzzer: a property length near 2^32 wrapped libfdt's
 * int offset back onto the same tag, and fdt_check_full() (libfdt 1.6.1)
 * looped for ever: pocvm hung on a bad --dtb instead of saying so.
 */
START_TEST(user_tree_prop_len_wraps)
{
	uint32_t lens[] = { 0xfffffff4, 0xfffffff8, 0xffffffff, 0x80000000 };
	unsigned int i;
	size_t len;

	params(2, IRQCHIP_GICV2);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = build_user(&board_v2);
		*(fdt32_t *)(first_prop() + 4) = cpu_to_fdt32(lens[i]);
		assert_patch_error(len, "corrupt");
	}
	/* The same through a version 16 header, which has no block size. */
	len = build_user(&board_v2);
	*(fdt32_t *)(first_prop() + 4) = cpu_to_fdt32(0xfffffff4);
	fdt_set_version(user, 16);
	assert_patch_error(len, "corrupt");
}
END_TEST

/*
 * Found by the dtb fuzzer: a header claiming version 2 to 15 made
 * fdt_check_full() (libfdt 1.6.1) dereference NULL and pocvm crash.
 */
START_TEST(user_tree_old_version)
{
	size_t len = build_user(&board_v2);

	params(2, IRQCHIP_GICV2);
	fdt_set_last_comp_version(user, 2);
	fdt_set_version(user, 15);
	assert_patch_error(len, "version 15 is too old");
	fdt_set_version(user, 2);
	assert_patch_error(len, "version 2 is too old");
}
END_TEST

START_TEST(user_tree_mismatch)
{
	struct user_tree t = board_v2;
	size_t len = build_user(&t);

	params(2, IRQCHIP_GICV3);
	assert_patch_error(len,
			   "interrupt controller is arm,gic-400 but the VM "
			   "has a GICv3");
	params(4, IRQCHIP_GICV2);
	assert_patch_error(len, "describes 2 CPU(s) but the VM has 4");

	t.gic = "arm,gic-v3";
	len = build_user(&t);
	params(2, IRQCHIP_GICV2);
	assert_patch_error(len,
			   "interrupt controller is arm,gic-v3 but the VM "
			   "has a GICv2");
	params(1, IRQCHIP_GICV3);
	assert_patch_error(len, "describes 2 CPU(s) but the VM has 1");

	t.its = true;
	len = build_user(&t);
	params(2, IRQCHIP_GICV3);
	assert_patch_error(len, "ITS");
	params(2, IRQCHIP_GICV3_ITS);
	ck_assert_int_gt(fdt_patch_user(buf, BUFSZ, user, len, "board.dtb",
					&p), 0);

	t.gic = "apple,aic";
	len = build_user(&t);
	assert_patch_error(len, "apple,aic");
}
END_TEST

/*
 * device_type = "memory" where it does not belong (found by the dtb
 * fuzz target's checks on a crafted tree): the banks were dropped after
 * /chosen was written and the CPUs and GIC were checked, so the guest
 * got no bootargs, or no CPUs.
 */
START_TEST(user_tree_stray_memory_type)
{
	struct user_tree t = board_v2;
	size_t len;
	int ret;

	t.stray_memory = "chosen";
	len = build_user(&t);
	params(2, IRQCHIP_GICV2);
	p.bootargs = "fresh";
	ret = fdt_patch_user(buf, BUFSZ, user, len, "board.dtb", &p);
	ck_assert_msg(ret > 0, "%s", err_message(ret));
	assert_str(buf, "/chosen", "bootargs", "fresh");
	ck_assert_int_eq(count_memory(buf), 1);

	t.stray_memory = "cpus";
	len = build_user(&t);
	assert_patch_error(len, "describes 0 CPU(s)");

	t.stray_memory = "interrupt-controller@3fff0000";
	len = build_user(&t);
	assert_patch_error(len, "no GIC");
}
END_TEST

/*
 * A property given twice (found by the dtb fuzzer): dropping the stale
 * initrd range took only the first copy, and the guest saw the second.
 */
START_TEST(user_tree_duplicate_initrd)
{
	struct user_tree t = board_v2;
	size_t len;
	int ret;

	t.dup_initrd = true;
	len = build_user(&t);
	params(2, IRQCHIP_GICV2);
	ret = fdt_patch_user(buf, BUFSZ, user, len, "board.dtb", &p);
	ck_assert_msg(ret > 0, "%s", err_message(ret));
	assert_absent(buf, "/chosen", "linux,initrd-start");
	assert_absent(buf, "/chosen", "linux,initrd-end");
}
END_TEST

START_TEST(user_tree_too_small_buffer)
{
	size_t len = build_user(&board_v2);
	size_t sizes[] = { 64, len / 2, len };
	char bootargs[300];
	unsigned int i;
	int ret;

	params(2, IRQCHIP_GICV2);
	/* Longer than the banks dropped: the patched tree outgrows len. */
	memset(bootargs, 'x', sizeof(bootargs) - 1);
	bootargs[sizeof(bootargs) - 1] = '\0';
	p.bootargs = bootargs;
	for (i = 0; i < 3; i++) {
		fill_canary();
		err_clear();
		ret = fdt_patch_user(buf, sizes[i], user, len, "board.dtb",
				     &p);
		ck_assert_int_eq(ret, -ENOSPC);
		ck_assert_ptr_nonnull(strstr(err_message(ret), "board.dtb"));
		assert_canary(sizes[i]);
	}
}
END_TEST

static Suite *fdt_suite(void)
{
	Suite *s = suite_create("fdt");
	TCase *gen = tcase_create("generate");
	TCase *usr = tcase_create("user tree");

	tcase_add_test(gen, one_cpu_gicv3);
	tcase_add_test(gen, four_cpus_gicv3);
	tcase_add_test(gen, mpidr_values);
	tcase_add_test(gen, gicv2_four_cpus);
	tcase_add_test(gen, cpu_map_one_cluster);
	tcase_add_test(gen, cpu_map_two_clusters);
	tcase_add_test(gen, cpu_map_max_cpus);
	tcase_add_test(gen, pmu);
	tcase_add_test(gen, gicv3_its);
	tcase_add_test(gen, chosen);
	tcase_add_test(gen, kaslr_seed_and_cntfrq);
	tcase_add_test(gen, devices);
	tcase_add_test(gen, device_error);
	tcase_add_test(gen, bad_params);
	tcase_add_test(gen, too_small_buffer);
	tcase_add_test(gen, build_grows_from_small);
	tcase_add_test(usr, user_tree_patched);
	tcase_add_test(usr, user_tree_initrd_no_chosen);
	tcase_add_test(usr, user_tree_one_cell);
	tcase_add_test(usr, user_tree_from_dump);
	tcase_add_test(usr, user_tree_gic_elsewhere);
	tcase_add_test(usr, user_tree_bad_blobs);
	tcase_add_test(usr, user_tree_prop_len_wraps);
	tcase_add_test(usr, user_tree_old_version);
	tcase_add_test(usr, user_tree_mismatch);
	tcase_add_test(usr, user_tree_stray_memory_type);
	tcase_add_test(usr, user_tree_duplicate_initrd);
	tcase_add_test(usr, user_tree_too_small_buffer);
	suite_add_tcase(s, gen);
	suite_add_tcase(s, usr);
	return s;
}
UNIT_SUITE(fdt_suite)
