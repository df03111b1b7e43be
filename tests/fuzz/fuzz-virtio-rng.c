// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng through the virtio-mmio transport (virtio-driver.c).
 * A new device's target is a copy of this file: its device_type, and a
 * configure() that gives it what its create() looks for in the config.
 */
#include "config.h"
#include "device.h"
#include "fuzz.h"

extern const struct device_type virtio_rng_type;

static void configure(struct config *cfg, struct fuzz_in *in)
{
	cfg->rng = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_virtio_device(&virtio_rng_type, configure, data, size);
}
