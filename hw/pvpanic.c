// SPDX-License-Identifier: GPL-2.0
/*
 * pvpanic on MMIO: stock Linux's pvpanic-mmio driver writes here when the
 * guest panics, so a CI script gets exit 34 at once instead of a hang.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "fdt-build.h"
#include "layout.h"
#include "log.h"
#include "vm.h"

#define PVPANIC_SIZE		2
#define PVPANIC_PANICKED	0x1
#define PVPANIC_CRASH_LOADED	0x2

static void pvpanic_mmio(struct device *dev, uint64_t off, void *data,
			 unsigned int len, bool is_write)
{
	uint8_t *b = data;

	if (!is_write) {
		memset(data, 0, len);
		/* The events we understand, read by the driver at probe. */
		if (off == 0)
			b[0] = PVPANIC_PANICKED | PVPANIC_CRASH_LOADED;
		return;
	}
	if (off != 0)
		return;
	if (b[0] & PVPANIC_PANICKED)
		vm_request_stop(dev->vm, VM_PANIC, -1);
	else if (b[0] & PVPANIC_CRASH_LOADED)
		pr_guest(&dev->log_rl, LOG_INFO,
			 "guest: crash kernel loaded");
}

static int pvpanic_fdt_node(const struct device *dev, void *fdt,
			    uint32_t gic_phandle)
{
	fdt64_t reg[2] = { cpu_to_fdt64(dev->base), cpu_to_fdt64(dev->size) };
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "pvpanic@%llx",
		 (unsigned long long)dev->base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "qemu,pvpanic-mmio");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	return ret ?: fdt_end_node(fdt);
}

static const struct device_ops pvpanic_ops = {
	.name = "pvpanic",
	.fdt_node = pvpanic_fdt_node,
	.mmio = pvpanic_mmio,
};

static int pvpanic_create(struct vm *vm)
{
	return vm_add_device(vm, &pvpanic_ops, vm->layout->pvpanic_base,
			     PVPANIC_SIZE, 0, NULL) ? 0 : -ENOSPC;
}

const struct device_type pvpanic_type = {
	.name = "pvpanic",
	.create = pvpanic_create,
};
