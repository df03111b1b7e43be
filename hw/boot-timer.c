// SPDX-License-Identifier: GPL-2.0
/*
 * The boot timer: a guest marks "init reached" by writing any value to
 * LAYOUT_BOOT_TIMER_BASE (e.g. `devmem 0x01030000 32 1`); --boot-report
 * shows when. No driver needed, so any guest can use it.
 */
#include <errno.h>
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

static const struct device_ops boot_timer_ops = {
	.name = "boot-timer",
	.mmio = boot_timer_mmio,
};

static int boot_timer_create(struct vm *vm)
{
	return vm_add_device(vm, &boot_timer_ops, LAYOUT_BOOT_TIMER_BASE,
			     LAYOUT_BOOT_TIMER_SIZE, 0, NULL) ? 0 : -ENOSPC;
}

const struct device_type boot_timer_type = {
	.name = "boot-timer",
	.create = boot_timer_create,
};
