// SPDX-License-Identifier: GPL-2.0
/*
 * Every kind of device pocvm has: adding one is one line here and one in
 * device.h. Which of them a run gets is decided in vmm/cmd-run.c.
 */
#include <stddef.h>

#include "device.h"

const struct device_type *const device_types[] = {
	&serial8250_type,
	&pl011_type,
	&cfi_flash_type,
	&pvpanic_type,
	&boot_timer_type,
	&virtio_rng_type,
	&virtio_console_type,
	&virtio_blk_type,
	&virtio_net_type,
	&virtio_9p_type,
	&virtio_balloon_type,
	&virtio_vsock_type,
	NULL,
};
