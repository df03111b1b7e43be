/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_FDT_ARM64_H
#define POCVM_FDT_ARM64_H

#include <stdint.h>

struct fdt_params;

/* The GIC's phandle: every interrupt in the tree refers to it. */
#define FDT_GIC_PHANDLE	1
/* CPU i's, for /cpus/cpu-map: clear of the GIC's. */
#define FDT_CPU_PHANDLE(i)	(0x100 + (i))

/*
 * The arm64 nodes of a generated tree: cpus, psci, timer, pmu, gic.
 * Sequential-write mode, inside the root node. Returns 0 or a libfdt
 * error (-FDT_ERR_*), the caller turns that into a message.
 */
int fdt_arm64_nodes(void *fdt, const struct fdt_params *p);

/*
 * Check that a user's tree describes the machine the VM really is: the
 * GIC model (and ITS) and the CPU count must match, a GIC at other
 * addresses only gets a warning. name is the file for messages. Returns
 * 0 or a negative errno with err_set().
 */
int fdt_arm64_check_user(const void *fdt, const char *name,
			 const struct fdt_params *p);

#endif
