/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_FDT_BUILD_H
#define POCVM_FDT_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct device;
struct machine_layout;

/* What the device tree must describe; all of it known before KVM runs. */
struct fdt_params {
	const struct machine_layout *layout;
	uint64_t ram_base;
	uint64_t ram_size;
	uint64_t initrd_gpa;
	uint64_t initrd_size;		/* 0: no initrd */
	const char *bootargs;		/* final command line, may be "" */
	const char *stdout_path;	/* e.g. "/uart@1000000", or NULL */
	unsigned int nr_cpus;
	uint64_t mpidr[CONFIG_MAX_CPUS];
	enum irqchip_kind gic;		/* resolved: never IRQCHIP_AUTO */
	bool pmu;
	bool kaslr_seed_set;		/* /chosen/kaslr-seed */
	uint64_t kaslr_seed;
	uint32_t cntfrq;		/* timer clock-frequency, 0: none */
	/* /chosen/pocvm,boot-count: which boot this is (1, 2, ...) */
	uint32_t boot_count;
	struct device *const *devices;
	unsigned int nr_devices;
};

/*
 * Generate a complete tree into buf. Returns the tree's total size or a
 * negative errno (with err_set()).
 */
int fdt_generate(void *buf, size_t bufsize, const struct fdt_params *p);

/*
 * Copy the user's tree into buf, write /chosen (bootargs, initrd range)
 * and /memory, and check that what the tree describes matches what pocvm
 * emulates (GIC model, CPU count). path names the file in messages.
 */
int fdt_patch_user(void *buf, size_t bufsize, const void *user,
		   size_t user_size, const char *path,
		   const struct fdt_params *p);

/*
 * The run's tree in a buffer of its own, *dtb (to free; *bufsize its
 * size): fdt_patch_user() of user when path is set, else fdt_generate().
 * Starts small and doubles up to max while the tree does not fit: libfdt
 * zeroes all of the buffer it builds in. The tree's size, or -errno.
 */
int fdt_build(void **dtb, size_t *bufsize, size_t max, const void *user,
	      size_t user_size, const char *path,
	      const struct fdt_params *p);

/*
 * Node helpers for devices (libfdt sequential-write mode, called inside
 * the root node). A simple MMIO device: reg = <base size>, one level-high
 * SPI. fdt_begin_mmio_device() leaves the node open for more properties:
 * the caller ends it with fdt_end_node().
 */
int fdt_begin_mmio_device(void *fdt, const char *node_name,
			  const char *compatible, uint64_t base, uint64_t size,
			  unsigned int spi, uint32_t gic_phandle,
			  bool dma_coherent);
/* The same with a rising-edge SPI. */
int fdt_begin_mmio_device_edge(void *fdt, const char *node_name,
			       const char *compatible, uint64_t base,
			       uint64_t size, unsigned int spi,
			       uint32_t gic_phandle, bool dma_coherent);
/* The same with a compatible string list ("a\0b"), len bytes of it. */
int fdt_begin_mmio_device_list(void *fdt, const char *node_name,
			       const char *compatible, size_t compatible_len,
			       uint64_t base, uint64_t size, unsigned int spi,
			       uint32_t gic_phandle, bool dma_coherent);
int fdt_mmio_device_node(void *fdt, const char *node_name,
			 const char *compatible, uint64_t base, uint64_t size,
			 unsigned int spi, uint32_t gic_phandle,
			 bool dma_coherent);

#endif
