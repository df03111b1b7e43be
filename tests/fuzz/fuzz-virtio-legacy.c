// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console on the legacy virtio-mmio registers (version 1,
 * --virtio-transport mmio-legacy): GuestPageSize, QueueAlign and QueuePFN
 * reached by register writes (virtio-driver.c's queue macro speaks
 * version 2), the packed legacy ring layout, queues used before
 * DRIVER_OK, features without FEATURES_OK.
 */
#include "config.h"
#include "device.h"
#include "fuzz.h"

extern const struct device_type virtio_console_type;

/* First byte: with hvc0 (--console virtio) or only the status port. */
static void configure(struct config *cfg, struct fuzz_in *in)
{
	cfg->console = (fuzz_u8(in) & 1) ? CONSOLE_VIRTIO : CONSOLE_SERIAL;
	cfg->virtio_transport = VIRTIO_TRANSPORT_MMIO_LEGACY;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_virtio_device(&virtio_console_type, configure, data,
				  size);
}
