// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "device.h"
#include "fdt-build.h"
#include "unit.h"

#define BUFSZ (64 * 1024)

static uint8_t buf[BUFSZ], user[BUFSZ];
static struct fdt_params p;

static int fake_fdt_node(const struct device *dev, void *fdt, uint32_t gic)
{
	return fdt_mmio_device_node(fdt, "virtio@3000000", "virtio,mmio",
				    dev->base, dev->size, dev->spi, gic, true);
}

static const struct device_ops fake_ops = {
	.name = "fake",
	.fdt_node = fake_fdt_node,
};
static struct device fake_dev = {
	.ops = &fake_ops, .base = 0x3000000, .size = 0x200, .spi = 8,
};
static struct device *const fake_devs[] = { &fake_dev };

static void params(unsigned int cpus, enum irqchip_kind gic)
{
	unsigned int i;

	memset(&p, 0, sizeof(p));
	p.ram_base = 0x80000000ULL;
	p.ram_size = 256ULL << 20;
	p.bootargs = "console=ttyS0";
	p.nr_cpus = cpus;
	for (i = 0; i < cpus; i++)
		p.mpidr[i] = arm64_vcpu_mpidr(i);
	p.gic = gic;
	p.boot_count = 1;
	p.devices = fake_devs;
	p.nr_devices = 1;
}

static const void *prop(const void *fdt, const char *path, const char *name,
			int *len)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "no node %s", path);
	return fdt_getprop(fdt, off, name, len);
}

static uint32_t cell(const void *v, int i)
{
	return fdt32_to_cpu(((const fdt32_t *)v)[i]);
}

static int count_cpus(const void *fdt)
{
	int off = fdt_path_offset(fdt, "/cpus"), node, n = 0;

	fdt_for_each_subnode(node, fdt, off)
		n++;
	return n;
}

START_TEST(gicv3_four_cpus)
{
	const void *v;
	int len;

	params(4, IRQCHIP_GICV3);
	ck_assert_int_gt(fdt_generate(buf, BUFSZ, &p), 0);
	ck_assert_int_eq(fdt_check_header(buf), 0);
	ck_assert_int_eq(count_cpus(buf), 4);
	v = prop(buf, "/cpus/cpu@3", "reg", &len);
	ck_assert_int_eq(len, 4);
	ck_assert_uint_eq(cell(v, 0), 3);
	v = prop(buf, "/interrupt-controller@3fff0000", "compatible", NULL);
	ck_assert_str_eq(v, "arm,gic-v3");
	/* dist, then 4 redistributors of 128 KiB just below it */
	v = prop(buf, "/interrupt-controller@3fff0000", "reg", &len);
	ck_assert_int_eq(len, 32);
	ck_assert_uint_eq(cell(v, 5), 0x3fff0000 - 4 * 0x20000);
	ck_assert_uint_eq(cell(v, 7), 4 * 0x20000);
	ck_assert_int_lt(fdt_path_offset(buf, "/pmu"), 0);
	/* virtual timer PPI 11, level-low, no GICv2 CPU mask */
	v = prop(buf, "/timer", "interrupts", &len);
	ck_assert_int_eq(len, 48);
	ck_assert_uint_eq(cell(v, 7), 11);
	ck_assert_uint_eq(cell(v, 8), 8);
	ck_assert_str_eq(prop(buf, "/psci", "method", NULL), "hvc");
}
END_TEST

START_TEST(gicv2_pmu)
{
	const void *v;
	int len;

	params(2, IRQCHIP_GICV2);
	p.pmu = true;
	ck_assert_int_gt(fdt_generate(buf, BUFSZ, &p), 0);
	v = prop(buf, "/interrupt-controller@3fff0000", "compatible", NULL);
	ck_assert_str_eq(v, "arm,cortex-a15-gic");
	v = prop(buf, "/interrupt-controller@3fff0000", "reg", &len);
	ck_assert_uint_eq(cell(v, 5), 0x3ffd0000);
	/* GICv2 PPIs name their CPUs: two CPUs -> mask 0x3 */
	v = prop(buf, "/timer", "interrupts", &len);
	ck_assert_uint_eq(cell(v, 2), 0x308);
	v = prop(buf, "/pmu", "interrupts", &len);
	ck_assert_int_eq(len, 12);
	ck_assert_uint_eq(cell(v, 1), 7);
	ck_assert_uint_eq(cell(v, 2), 0x304);
}
END_TEST

START_TEST(gicv3_its)
{
	int off;

	params(1, IRQCHIP_GICV3_ITS);
	ck_assert_int_gt(fdt_generate(buf, BUFSZ, &p), 0);
	off = fdt_node_offset_by_compatible(buf, -1, "arm,gic-v3-its");
	ck_assert_int_ge(off, 0);
	ck_assert_ptr_nonnull(fdt_getprop(buf, off, "msi-controller", NULL));
}
END_TEST

START_TEST(chosen_memory_devices)
{
	const void *v;
	int len;

	params(1, IRQCHIP_GICV3);
	p.initrd_gpa = 0x8fc00000ULL;
	p.initrd_size = 0x1000;
	p.stdout_path = "/uart@1000000";
	p.boot_count = 2;
	ck_assert_int_gt(fdt_generate(buf, BUFSZ, &p), 0);
	ck_assert_str_eq(prop(buf, "/chosen", "bootargs", NULL),
			 "console=ttyS0");
	ck_assert_str_eq(prop(buf, "/chosen", "stdout-path", NULL),
			 "/uart@1000000");
	v = prop(buf, "/chosen", "linux,initrd-end", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(cell(v, 1), 0x8fc01000);
	v = prop(buf, "/chosen", "pocvm,boot-count", &len);
	ck_assert_uint_eq(cell(v, 0), 2);
	v = prop(buf, "/memory@80000000", "reg", &len);
	ck_assert_int_eq(len, 16);
	ck_assert_uint_eq(cell(v, 1), 0x80000000);
	ck_assert_uint_eq(cell(v, 3), 256 << 20);
	v = prop(buf, "/virtio@3000000", "interrupts", &len);
	ck_assert_int_eq(len, 12);
	ck_assert_uint_eq(cell(v, 0), 0);
	ck_assert_uint_eq(cell(v, 1), 8);
	ck_assert_uint_eq(cell(v, 2), 4);
	ck_assert_ptr_nonnull(prop(buf, "/virtio@3000000", "dma-coherent",
				   NULL));
	/* No initrd: no initrd properties. */
	p.initrd_size = 0;
	ck_assert_int_gt(fdt_generate(buf, BUFSZ, &p), 0);
	ck_assert_ptr_null(prop(buf, "/chosen", "linux,initrd-start", NULL));
}
END_TEST

START_TEST(too_small_buffer)
{
	params(8, IRQCHIP_GICV3);
	err_clear();
	ck_assert_int_lt(fdt_generate(buf, 256, &p), 0);
	ck_assert_ptr_nonnull(strstr(err_message(-ENOSPC), "larger"));
}
END_TEST

/* A user tree: what pocvm generates for 2 CPUs, with stale /chosen. */
static size_t make_user_tree(enum irqchip_kind gic)
{
	params(2, gic);
	p.initrd_gpa = 0x88000000ULL;
	p.initrd_size = 0x2000;
	p.bootargs = "stale";
	ck_assert_int_gt(fdt_generate(user, BUFSZ, &p), 0);
	return fdt_totalsize(user);
}

START_TEST(user_tree_patched)
{
	size_t len = make_user_tree(IRQCHIP_GICV3);
	const void *v;
	int n;

	params(2, IRQCHIP_GICV3);
	p.ram_size = 1ULL << 30;
	p.bootargs = "fresh";
	ck_assert_int_gt(fdt_patch_user(buf, BUFSZ, user, len, "/x/board.dtb",
					&p), 0);
	ck_assert_str_eq(prop(buf, "/chosen", "bootargs", NULL), "fresh");
	ck_assert_ptr_null(prop(buf, "/chosen", "linux,initrd-start", NULL));
	v = prop(buf, "/memory@80000000", "reg", &n);
	ck_assert_uint_eq(cell(v, 2), 0);
	ck_assert_uint_eq(cell(v, 3), 1U << 30);
}
END_TEST

static void assert_patch_error(size_t len, const char *words)
{
	int ret;

	err_clear();
	ret = fdt_patch_user(buf, BUFSZ, user, len, "/x/board.dtb", &p);
	ck_assert_int_lt(ret, 0);
	ck_assert_msg(strstr(err_message(ret), words),
		      "'%s' lacks '%s'", err_message(ret), words);
	ck_assert_msg(strstr(err_message(ret), "board.dtb"),
		      "'%s' does not name the file", err_message(ret));
}

START_TEST(user_tree_errors)
{
	size_t len = make_user_tree(IRQCHIP_GICV3);

	params(4, IRQCHIP_GICV3);
	assert_patch_error(len, "describes 2 CPU(s) but the VM has 4");
	params(2, IRQCHIP_GICV2);
	assert_patch_error(len, "arm,gic-v3 but the VM has a GICv2");
	params(2, IRQCHIP_GICV3);
	assert_patch_error(len / 2, "not a device tree blob");
	assert_patch_error(16, "not a device tree blob");
	memset(user, 0x5a, 256);
	assert_patch_error(256, "not a device tree blob");
}
END_TEST

START_TEST(user_tree_gicv2)
{
	size_t len = make_user_tree(IRQCHIP_GICV2);

	params(2, IRQCHIP_GICV3);
	assert_patch_error(len, "arm,cortex-a15-gic but the VM has a GICv3");
	params(2, IRQCHIP_GICV2);
	ck_assert_int_gt(fdt_patch_user(buf, BUFSZ, user, len, "board.dtb",
					&p), 0);
}
END_TEST

static Suite *fdt_suite(void)
{
	Suite *s = suite_create("fdt");
	TCase *gen = tcase_create("generate");
	TCase *usr = tcase_create("user tree");

	tcase_add_test(gen, gicv3_four_cpus);
	tcase_add_test(gen, gicv2_pmu);
	tcase_add_test(gen, gicv3_its);
	tcase_add_test(gen, chosen_memory_devices);
	tcase_add_test(gen, too_small_buffer);
	tcase_add_test(usr, user_tree_patched);
	tcase_add_test(usr, user_tree_errors);
	tcase_add_test(usr, user_tree_gicv2);
	suite_add_tcase(s, gen);
	suite_add_tcase(s, usr);
	return s;
}
UNIT_SUITE(fdt_suite)
