// SPDX-License-Identifier: GPL-2.0
/* Every kind of device pocvm has: adding one is one line here. */
#include <stddef.h>

#include "device.h"

extern const struct device_type serial8250_type;
extern const struct device_type pvpanic_type;
extern const struct device_type boot_timer_type;
extern const struct device_type virtio_rng_type;
extern const struct device_type virtio_console_type;
extern const struct device_type virtio_blk_type;
extern const struct device_type virtio_net_type;

const struct device_type *const device_types[] = {
	&serial8250_type,
	&pvpanic_type,
	&boot_timer_type,
	&virtio_rng_type,
	&virtio_console_type,
	&virtio_blk_type,
	&virtio_net_type,
	NULL,
};
