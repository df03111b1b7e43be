// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's device tree: generated with libfdt, or the user's own with
 * /chosen and /memory written in and checked against the VM.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "fdt-arm64.h"
#include "fdt-build.h"
#include "log.h"

#define GIC_SPI			0
#define IRQ_LEVEL_HIGH		4

static int fdt_fail(int fdt_err, const char *what)
{
	if (fdt_err == -FDT_ERR_NOSPACE)
		return err_set(-ENOSPC, "%s: device tree larger than its "
			       "%u KiB slot", what, 2048);
	return err_set(-EINVAL, "%s: %s", what, fdt_strerror(fdt_err));
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int fdt_begin_mmio_device(void *fdt, const char *node_name,
			  const char *compatible, uint64_t base, uint64_t size,
			  unsigned int spi, uint32_t gic_phandle,
			  bool dma_coherent)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	fdt32_t irq[3] = {
		cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(spi),
		cpu_to_fdt32(IRQ_LEVEL_HIGH),
	};
	int ret;

	ret = fdt_begin_node(fdt, node_name);
	ret = ret ?: fdt_property_string(fdt, "compatible", compatible);
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: fdt_property(fdt, "interrupts", irq, sizeof(irq));
	ret = ret ?: fdt_property_u32(fdt, "interrupt-parent", gic_phandle);
	if (!ret && dma_coherent)
		ret = fdt_property(fdt, "dma-coherent", NULL, 0);
	return ret;
}

int fdt_mmio_device_node(void *fdt, const char *node_name,
			 const char *compatible, uint64_t base, uint64_t size,
			 unsigned int spi, uint32_t gic_phandle,
			 bool dma_coherent)
{
	return fdt_begin_mmio_device(fdt, node_name, compatible, base, size,
				     spi, gic_phandle, dma_coherent) ?:
	       fdt_end_node(fdt);
}

static int chosen_node(void *fdt, const struct fdt_params *p)
{
	int ret;

	ret = fdt_begin_node(fdt, "chosen");
	ret = ret ?: fdt_property_string(fdt, "bootargs",
					 p->bootargs ? p->bootargs : "");
	if (!ret && p->stdout_path)
		ret = fdt_property_string(fdt, "stdout-path", p->stdout_path);
	if (!ret && p->initrd_size) {
		ret = fdt_property_u64(fdt, "linux,initrd-start", p->initrd_gpa);
		ret = ret ?: fdt_property_u64(fdt, "linux,initrd-end",
					      p->initrd_gpa + p->initrd_size);
	}
	ret = ret ?: fdt_property_u32(fdt, "pocvm,boot-count", p->boot_count);
	return ret ?: fdt_end_node(fdt);
}

static int memory_node(void *fdt, const struct fdt_params *p)
{
	fdt64_t reg[2] = { cpu_to_fdt64(p->ram_base), cpu_to_fdt64(p->ram_size) };
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)p->ram_base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "device_type", "memory");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	return ret ?: fdt_end_node(fdt);
}

int fdt_generate(void *buf, size_t bufsize, const struct fdt_params *p)
{
	unsigned int i;
	int ret;

	ret = fdt_create(buf, bufsize);
	ret = ret ?: fdt_finish_reservemap(buf);
	ret = ret ?: fdt_begin_node(buf, "");
	ret = ret ?: fdt_property_string(buf, "compatible", "linux,dummy-virt");
	ret = ret ?: fdt_property_string(buf, "model", "pocvm");
	ret = ret ?: fdt_property_u32(buf, "#address-cells", 2);
	ret = ret ?: fdt_property_u32(buf, "#size-cells", 2);
	ret = ret ?: fdt_property_u32(buf, "interrupt-parent", FDT_GIC_PHANDLE);
	ret = ret ?: chosen_node(buf, p);
	ret = ret ?: memory_node(buf, p);
	ret = ret ?: fdt_arm64_nodes(buf, p);
	if (ret)
		return fdt_fail(ret, "generating the device tree");
	for (i = 0; i < p->nr_devices; i++) {
		const struct device *dev = p->devices[i];

		if (!dev->ops->fdt_node)
			continue;
		ret = dev->ops->fdt_node(dev, buf, FDT_GIC_PHANDLE);
		if (ret)
			return fdt_fail(ret, dev->ops->name);
	}
	ret = fdt_end_node(buf);
	ret = ret ?: fdt_finish(buf);
	if (ret)
		return fdt_fail(ret, "generating the device tree");
	return fdt_totalsize(buf);
}

/* Put val into n big-endian cells; false if it does not fit. */
static bool put_cells(fdt32_t *cells, int n, uint64_t val)
{
	if (n == 1 && val > UINT32_MAX)
		return false;
	if (n == 2)
		*cells++ = cpu_to_fdt32(val >> 32);
	*cells = cpu_to_fdt32(val);
	return n == 1 || n == 2;
}

static int patch_memory(void *fdt, const char *name,
			const struct fdt_params *p)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	char node[32];
	fdt32_t reg[4];
	int off, ret;

	/* Whatever RAM the tree described, the VM has exactly this. */
	while ((off = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						    "memory", 7)) >= 0) {
		ret = fdt_del_node(fdt, off);
		if (ret)
			return fdt_fail(ret, name);
	}
	if (!put_cells(reg, ac, p->ram_base) ||
	    !put_cells(reg + ac, sc, p->ram_size))
		return err_set(-EINVAL, "%s: RAM at 0x%llx does not fit the "
			       "root's #address-cells/#size-cells", name,
			       (unsigned long long)p->ram_base);
	snprintf(node, sizeof(node), "memory@%llx",
		 (unsigned long long)p->ram_base);
	off = fdt_add_subnode(fdt, 0, node);
	ret = off < 0 ? off : fdt_setprop_string(fdt, off, "device_type",
						 "memory");
	ret = ret ?: fdt_setprop(fdt, off, "reg", reg,
				 (ac + sc) * sizeof(fdt32_t));
	return ret ? fdt_fail(ret, name) : 0;
}

static int patch_chosen(void *fdt, const char *name,
			const struct fdt_params *p)
{
	int off = fdt_path_offset(fdt, "/chosen");
	int ret;

	if (off < 0)
		off = fdt_add_subnode(fdt, 0, "chosen");
	if (off < 0)
		return fdt_fail(off, name);
	ret = fdt_setprop_string(fdt, off, "bootargs",
				 p->bootargs ? p->bootargs : "");
	if (!ret && p->initrd_size) {
		ret = fdt_setprop_u64(fdt, off, "linux,initrd-start",
				      p->initrd_gpa);
		ret = ret ?: fdt_setprop_u64(fdt, off, "linux,initrd-end",
					     p->initrd_gpa + p->initrd_size);
	} else if (!ret) {
		/* A stale range would make the kernel unpack garbage. */
		fdt_delprop(fdt, off, "linux,initrd-start");
		fdt_delprop(fdt, off, "linux,initrd-end");
	}
	ret = ret ?: fdt_setprop_u32(fdt, off, "pocvm,boot-count",
				     p->boot_count);
	return ret ? fdt_fail(ret, name) : 0;
}

static const char *const gicv2_compatibles[] = {
	"arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic",
	"arm,cortex-a7-gic", NULL,
};

/* The first GIC compatible the tree has, or NULL. */
static const char *tree_gic(const void *fdt, bool *is_v3)
{
	unsigned int i;

	*is_v3 = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3") >= 0;
	if (*is_v3)
		return "arm,gic-v3";
	for (i = 0; gicv2_compatibles[i]; i++)
		if (fdt_node_offset_by_compatible(fdt, -1,
						  gicv2_compatibles[i]) >= 0)
			return gicv2_compatibles[i];
	return NULL;
}

static int check_matches(const void *fdt, const char *name,
			 const struct fdt_params *p)
{
	bool want_v3 = p->gic != IRQCHIP_GICV2, is_v3;
	const char *gic = tree_gic(fdt, &is_v3);
	unsigned int cpus = 0;
	int off, node;

	if (!gic)
		return err_set(-EINVAL, "%s: no GIC interrupt controller in "
			       "the tree", name);
	if (is_v3 != want_v3)
		return err_set(-EINVAL, "%s: interrupt controller is %s but "
			       "the VM has a %s (see --irqchip)", name, gic,
			       want_v3 ? "GICv3" : "GICv2");
	off = fdt_path_offset(fdt, "/cpus");
	if (off >= 0) {
		fdt_for_each_subnode(node, fdt, off) {
			const char *type = fdt_getprop(fdt, node,
						       "device_type", NULL);

			if (type && !strcmp(type, "cpu"))
				cpus++;
		}
	}
	if (cpus != p->nr_cpus)
		return err_set(-EINVAL, "%s: describes %u CPU(s) but the VM "
			       "has %u (see -c)", name, cpus, p->nr_cpus);
	return 0;
}

int fdt_patch_user(void *buf, size_t bufsize, const void *user,
		   size_t user_size, const char *path,
		   const struct fdt_params *p)
{
	const char *name = base_name(path);
	int ret;

	if (user_size < sizeof(struct fdt_header) || fdt_check_header(user) ||
	    fdt_totalsize(user) > user_size)
		return err_set(-EINVAL, "%s: not a device tree blob", name);
	ret = fdt_open_into(user, buf, bufsize);
	if (ret)
		return fdt_fail(ret, name);
	ret = check_matches(buf, name, p);
	ret = ret ?: patch_chosen(buf, name, p);
	ret = ret ?: patch_memory(buf, name, p);
	if (ret)
		return ret;
	ret = fdt_pack(buf);
	if (ret)
		return fdt_fail(ret, name);
	return fdt_totalsize(buf);
}
