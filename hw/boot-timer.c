// SPDX-License-Identifier: GPL-2.0
/*
 * The boot timer: a guest marks "init reached" by writing any value to
 * LAYOUT_BOOT_TIMER_BASE (e.g. `devmem 0x01030000 32 1`); --boot-report
 * shows when. No driver needed, so any guest can use it. There without
 * --nodefaults, and with --boot-report (vmm/cmd-run.c decides).
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "util.h"
#include "vm.h"

static void boot_timer_mmio(struct device *dev, uint64_t off, void *data,
			    unsigned int len, bool is_write)
{
	if (!is_write) {
		memset(data, 0, len);
		return;
	}
	if (dev->vm->boot_times.guest_init)
		return;
	dev->vm->boot_times.guest_init = monotonic_ns();
}

/* No driver binds to it: the node says, in --dump-dtb too, it is there. */
static int boot_timer_fdt_node(const struct device *dev, void *fdt,
			       uint32_t gic_phandle)
{
	fdt64_t reg[2] = { cpu_to_fdt64(dev->base), cpu_to_fdt64(dev->size) };
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "boot-timer@%llx",
		 (unsigned long long)dev->base);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible",
					 "pocvm,boot-timer");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	return ret ?: fdt_end_node(fdt);
}

static const struct device_ops boot_timer_ops = {
	.name = "boot-timer",
	.fdt_node = boot_timer_fdt_node,
	.mmio = boot_timer_mmio,
};

static int boot_timer_create(struct vm *vm)
{
	return vm_add_device(vm, &boot_timer_ops, vm->layout->boot_timer_base,
			     LAYOUT_BOOT_TIMER_SIZE, 0, NULL) ? 0 : -ENOSPC;
}

const struct device_type boot_timer_type = {
	.name = "boot-timer",
	.create = boot_timer_create,
};
