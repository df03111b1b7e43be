/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_FDT_ARM64_H
#define POCVM_FDT_ARM64_H

#include <stdint.h>

struct fdt_params;

/* The GIC's phandle: every interrupt in the tree refers to it. */
#define FDT_GIC_PHANDLE	1

/* The arm64 nodes of a generated tree: cpus, psci, timer, pmu, gic. */
int fdt_arm64_nodes(void *fdt, const struct fdt_params *p);

#endif
