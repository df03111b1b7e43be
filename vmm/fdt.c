// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's device tree: generated with libfdt, or the user's own with
 * /chosen and /memory written in and checked against the VM. What is
 * arm64 (CPUs, GIC, timer) lives in arm64/fdt-arm64.c.
 */
#include <errno.h>
#include <libfdt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "fdt-arm64.h"
#include "fdt-build.h"
#include "log.h"
#include "util.h"

/* Interrupt specifier cells of the GIC bindings, for device nodes. */
#define GIC_SPI			0
#define IRQ_TYPE_EDGE_RISING	1
#define IRQ_TYPE_LEVEL_HIGH	4

/* libfdt sizes are ints; a bigger buffer is simply not used in full. */
static int fdt_bufsize(size_t bufsize)
{
	return bufsize > INT_MAX ? INT_MAX : (int)bufsize;
}

static int fdt_fail(int fdt_err, const char *what, size_t bufsize)
{
	if (fdt_err == -FDT_ERR_NOSPACE)
		return err_set(-ENOSPC, "%s: does not fit in %zu bytes", what,
			       bufsize);
	return err_set(-EINVAL, "%s: %s", what, fdt_strerror(fdt_err));
}

static int check_params(const struct fdt_params *p)
{
	if (!p->nr_cpus || p->nr_cpus > CONFIG_MAX_CPUS)
		return err_set(-EINVAL, "device tree: %u CPUs, not 1 to %u",
			       p->nr_cpus, CONFIG_MAX_CPUS);
	if (p->gic == IRQCHIP_AUTO)
		return err_set(-EINVAL, "device tree: GIC model not resolved");
	return 0;
}

static int begin_mmio_device(void *fdt, const char *node_name,
			     const char *compatible, size_t compatible_len,
			     uint64_t base, uint64_t size, unsigned int spi,
			     uint32_t irq_type, uint32_t gic_phandle,
			     bool dma_coherent);

int fdt_begin_mmio_device(void *fdt, const char *node_name,
			  const char *compatible, uint64_t base, uint64_t size,
			  unsigned int spi, uint32_t gic_phandle,
			  bool dma_coherent)
{
	return begin_mmio_device(fdt, node_name, compatible,
				 strlen(compatible) + 1, base, size, spi,
				 IRQ_TYPE_LEVEL_HIGH, gic_phandle,
				 dma_coherent);
}

int fdt_begin_mmio_device_edge(void *fdt, const char *node_name,
			       const char *compatible, uint64_t base,
			       uint64_t size, unsigned int spi,
			       uint32_t gic_phandle, bool dma_coherent)
{
	return begin_mmio_device(fdt, node_name, compatible,
				 strlen(compatible) + 1, base, size, spi,
				 IRQ_TYPE_EDGE_RISING, gic_phandle,
				 dma_coherent);
}

int fdt_begin_mmio_device_list(void *fdt, const char *node_name,
			       const char *compatible, size_t compatible_len,
			       uint64_t base, uint64_t size, unsigned int spi,
			       uint32_t gic_phandle, bool dma_coherent)
{
	return begin_mmio_device(fdt, node_name, compatible, compatible_len,
				 base, size, spi, IRQ_TYPE_LEVEL_HIGH,
				 gic_phandle, dma_coherent);
}

static int begin_mmio_device(void *fdt, const char *node_name,
			     const char *compatible, size_t compatible_len,
			     uint64_t base, uint64_t size, unsigned int spi,
			     uint32_t irq_type, uint32_t gic_phandle,
			     bool dma_coherent)
{
	const fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };
	const fdt32_t irq[3] = {
		cpu_to_fdt32(GIC_SPI), cpu_to_fdt32(spi),
		cpu_to_fdt32(irq_type),
	};
	int ret;

	ret = fdt_begin_node(fdt, node_name);
	ret = ret ?: fdt_property(fdt, "compatible", compatible,
				  compatible_len);
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: fdt_property(fdt, "interrupts", irq, sizeof(irq));
	/* Explicit, so the node stays right if moved under another parent. */
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
	int ret;

	ret = fdt_begin_mmio_device(fdt, node_name, compatible, base, size,
				    spi, gic_phandle, dma_coherent);
	return ret ?: fdt_end_node(fdt);
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
		ret = fdt_property_u64(fdt, "linux,initrd-start",
				       p->initrd_gpa);
		ret = ret ?: fdt_property_u64(fdt, "linux,initrd-end",
					      p->initrd_gpa + p->initrd_size);
	}
	/* --kaslr-seed: where an arm64 kernel looks for its KASLR seed */
	if (!ret && p->kaslr_seed_set)
		ret = fdt_property_u64(fdt, "kaslr-seed", p->kaslr_seed);
	ret = ret ?: fdt_property_u32(fdt, "pocvm,boot-count", p->boot_count);
	return ret ?: fdt_end_node(fdt);
}

static void memory_node_name(char *name, size_t size,
			     const struct fdt_params *p)
{
	snprintf(name, size, "memory@%llx", (unsigned long long)p->ram_base);
}

static int memory_node(void *fdt, const struct fdt_params *p)
{
	const fdt64_t reg[2] = {
		cpu_to_fdt64(p->ram_base), cpu_to_fdt64(p->ram_size),
	};
	char name[32];
	int ret;

	memory_node_name(name, sizeof(name), p);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "device_type", "memory");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	return ret ?: fdt_end_node(fdt);
}

static int device_nodes(void *fdt, size_t bufsize,
			const struct fdt_params *p)
{
	unsigned int i;
	int ret;

	for (i = 0; i < p->nr_devices; i++) {
		const struct device *dev = p->devices[i];

		if (!dev->ops->fdt_node)
			continue;
		ret = dev->ops->fdt_node(dev, fdt, FDT_GIC_PHANDLE);
		if (ret == -FDT_ERR_NOSPACE)
			return fdt_fail(ret, "device tree", bufsize);
		if (ret)
			return err_set(-EINVAL, "%s: device tree node: %s",
				       dev->ops->name, fdt_strerror(ret));
	}
	return 0;
}

int fdt_generate(void *buf, size_t bufsize, const struct fdt_params *p)
{
	int ret;

	ret = check_params(p);
	if (ret)
		return ret;
	ret = fdt_create(buf, fdt_bufsize(bufsize));
	ret = ret ?: fdt_finish_reservemap(buf);
	ret = ret ?: fdt_begin_node(buf, "");
	ret = ret ?: fdt_property_u32(buf, "#address-cells", 2);
	ret = ret ?: fdt_property_u32(buf, "#size-cells", 2);
	ret = ret ?: fdt_property_string(buf, "compatible", "linux,dummy-virt");
	ret = ret ?: fdt_property_string(buf, "model", "pocvm");
	ret = ret ?: fdt_property_u32(buf, "interrupt-parent",
				      FDT_GIC_PHANDLE);
	ret = ret ?: chosen_node(buf, p);
	ret = ret ?: memory_node(buf, p);
	ret = ret ?: fdt_arm64_nodes(buf, p);
	if (ret)
		return fdt_fail(ret, "device tree", bufsize);
	ret = device_nodes(buf, bufsize, p);
	if (ret)
		return ret;
	ret = fdt_end_node(buf);
	ret = ret ?: fdt_finish(buf);
	if (ret)
		return fdt_fail(ret, "device tree", bufsize);
	return fdt_totalsize(buf);
}

/* Put val into n big-endian cells; false if it does not fit. */
static bool put_cells(fdt32_t *cells, int n, uint64_t val)
{
	if (n == 1 && val <= UINT32_MAX) {
		cells[0] = cpu_to_fdt32(val);
		return true;
	}
	if (n == 2) {
		cells[0] = cpu_to_fdt32(val >> 32);
		cells[1] = cpu_to_fdt32(val);
		return true;
	}
	return false;
}

/*
 * Whatever RAM the tree described, the VM has exactly what add_memory()
 * writes: a leftover bank would send the guest to memory nobody backs.
 */
static int drop_memory(void *fdt, const char *name, size_t bufsize)
{
	int off, ret;

	while ((off = fdt_node_offset_by_prop_value(fdt, -1, "device_type",
						    "memory",
						    sizeof("memory"))) >= 0) {
		ret = fdt_del_node(fdt, off);
		if (ret)
			return fdt_fail(ret, name, bufsize);
	}
	return 0;
}

static int add_memory(void *fdt, const char *name, size_t bufsize,
		      const struct fdt_params *p)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	char node[32];
	fdt32_t reg[4];
	int off, ret;

	if (!put_cells(reg, ac, p->ram_base) ||
	    !put_cells(reg + ac, sc, p->ram_size))
		return err_set(-EINVAL, "%s: RAM at 0x%llx does not fit the "
			       "root's #address-cells/#size-cells", name,
			       (unsigned long long)p->ram_base);
	memory_node_name(node, sizeof(node), p);
	off = fdt_add_subnode(fdt, 0, node);
	ret = off < 0 ? off : fdt_setprop_string(fdt, off, "device_type",
						 "memory");
	ret = ret ?: fdt_setprop(fdt, off, "reg", reg,
				 (ac + sc) * sizeof(fdt32_t));
	return ret ? fdt_fail(ret, name, bufsize) : 0;
}

static int patch_chosen(void *fdt, const char *name, size_t bufsize,
			const struct fdt_params *p)
{
	int off = fdt_path_offset(fdt, "/chosen");
	int ret;

	if (off == -FDT_ERR_NOTFOUND)
		off = fdt_add_subnode(fdt, 0, "chosen");
	if (off < 0)
		return fdt_fail(off, name, bufsize);
	ret = fdt_setprop_string(fdt, off, "bootargs",
				 p->bootargs ? p->bootargs : "");
	if (!ret && p->initrd_size) {
		ret = fdt_setprop_u64(fdt, off, "linux,initrd-start",
				      p->initrd_gpa);
		ret = ret ?: fdt_setprop_u64(fdt, off, "linux,initrd-end",
					     p->initrd_gpa + p->initrd_size);
	} else if (!ret) {
		/*
		 * A stale range would make the kernel unpack garbage. A blob
		 * may say it twice: deleting one would bare the other.
		 */
		while (!fdt_delprop(fdt, off, "linux,initrd-start"))
			;
		while (!fdt_delprop(fdt, off, "linux,initrd-end"))
			;
	}
	if (!ret && p->kaslr_seed_set)
		ret = fdt_setprop_u64(fdt, off, "kaslr-seed", p->kaslr_seed);
	ret = ret ?: fdt_setprop_u32(fdt, off, "pocvm,boot-count",
				     p->boot_count);
	return ret ? fdt_fail(ret, name, bufsize) : 0;
}

/* Tags start on 4-byte boundaries of the structure block. */
static uint64_t tag_align(uint64_t off)
{
	return (off + FDT_TAGSIZE - 1) & ~(uint64_t)(FDT_TAGSIZE - 1);
}

static uint32_t load_be32(const uint8_t *p)
{
	fdt32_t v;

	memcpy(&v, p, sizeof(v));
	return fdt32_to_cpu(v);
}

/*
 * libfdt 1.6.1 adds a property's 32-bit length to an int offset without
 * a check: a length near 2^32 wraps the offset back onto the same tag,
 * and fdt_check_full() never returns. Walk the structure block first,
 * every length bounded by what is left of the block in 64-bit
 * arithmetic; each step moves forward, so the walk ends.
 */
static int check_struct_block(const void *fdt)
{
	const uint8_t *base = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	uint64_t size, off = 0, len;
	const uint8_t *nul;

	/* Version 16 headers have no size for the block: the blob bounds it. */
	if (fdt_version(fdt) >= 17)
		size = fdt_size_dt_struct(fdt);
	else
		size = (uint64_t)fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);
	for (;;) {
		if (off > size || size - off < FDT_TAGSIZE)
			return -FDT_ERR_TRUNCATED;
		off += FDT_TAGSIZE;
		switch (load_be32(base + off - FDT_TAGSIZE)) {
		case FDT_BEGIN_NODE:
			nul = memchr(base + off, '\0', size - off);
			if (!nul)
				return -FDT_ERR_TRUNCATED;
			off = tag_align((uint64_t)(nul - base) + 1);
			break;
		case FDT_PROP:
			/* len, then nameoff */
			if (size - off < 8)
				return -FDT_ERR_TRUNCATED;
			len = load_be32(base + off);
			off += 8;
			if (len > size - off)
				return -FDT_ERR_TRUNCATED;
			off = tag_align(off + len);
			break;
		case FDT_END_NODE:
		case FDT_NOP:
			break;
		case FDT_END:
			return 0;
		default:
			return -FDT_ERR_BADSTRUCTURE;
		}
	}
}

static int check_user_blob(const void *user, size_t user_size,
			   const char *name)
{
	int ret;

	if (user_size < sizeof(struct fdt_header) || fdt_check_header(user))
		return err_set(-EINVAL, "%s: not a device tree blob", name);
	if (fdt_totalsize(user) > user_size)
		return err_set(-EINVAL, "%s: truncated device tree blob (%zu "
			       "of %u bytes)", name, user_size,
			       fdt_totalsize(user));
	/*
	 * Before version 16 (dtc of 2008) node names were full paths.
	 * fdt_check_full() of libfdt 1.6.1 (Debian 12's) follows a NULL
	 * name on such a tree, and nothing that boots arm64 makes one.
	 */
	if (fdt_version(user) < 16)
		return err_set(-EINVAL, "%s: device tree blob version %u is "
			       "too old (16 or later)", name,
			       fdt_version(user));
	/* libfdt trusts offsets inside the structure block: check them. */
	ret = check_struct_block(user);
	ret = ret ?: fdt_check_full(user, user_size);
	if (ret)
		return err_set(-EINVAL, "%s: corrupt device tree blob: %s",
			       name, fdt_strerror(ret));
	return 0;
}

int fdt_patch_user(void *buf, size_t bufsize, const void *user,
		   size_t user_size, const char *path,
		   const struct fdt_params *p)
{
	char name[PATH_MAX + 8];
	int ret;

	snprintf(name, sizeof(name), "--dtb %s", path);
	ret = check_params(p);
	ret = ret ?: check_user_blob(user, user_size, name);
	if (ret)
		return ret;
	ret = fdt_open_into(user, buf, fdt_bufsize(bufsize));
	if (ret)
		return fdt_fail(ret, name, bufsize);
	/*
	 * Banks first: any node typed "memory" goes, even one that is also
	 * /chosen or /cpus, so the checks and the patching that follow see
	 * the tree the guest will get.
	 */
	ret = drop_memory(buf, name, bufsize);
	ret = ret ?: fdt_arm64_check_user(buf, name, p);
	ret = ret ?: patch_chosen(buf, name, bufsize, p);
	ret = ret ?: add_memory(buf, name, bufsize, p);
	if (ret)
		return ret;
	ret = fdt_pack(buf);
	if (ret)
		return fdt_fail(ret, name, bufsize);
	return fdt_totalsize(buf);
}

/*
 * The first buffer: a tree of a few VCPUs and devices is some 2-4 KiB.
 * Starting at the most the layout allows (2 MiB) cost every run that
 * much resident memory and zeroing.
 */
#define FDT_FIRST_BUF	(16 << 10)

int fdt_build(void **dtb, size_t *bufsize, size_t max, const void *user,
	      size_t user_size, const char *path,
	      const struct fdt_params *p)
{
	size_t size = FDT_FIRST_BUF;
	int ret;

	while (size < max && size < user_size * 2)
		size *= 2;
	for (;;) {
		if (size > max)
			size = max;
		*dtb = calloc(1, size);
		if (!*dtb)
			return -ENOMEM;
		*bufsize = size;
		if (path)
			ret = fdt_patch_user(*dtb, size, user, user_size, path,
					     p);
		else
			ret = fdt_generate(*dtb, size, p);
		if (ret != -ENOSPC || size == max)
			return ret;
		free(*dtb);
		*dtb = NULL;
		size *= 2;
	}
}
