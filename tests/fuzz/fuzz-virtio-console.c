// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console through the virtio-mmio transport (virtio-driver.c):
 * control queue, hvc0 output and input, the exit-status port.
 */
#include "config.h"
#include "device.h"
#include "fuzz.h"

extern const struct device_type virtio_console_type;

/* First byte: with hvc0 (--console virtio) or only the status port. */
static void configure(struct config *cfg, struct fuzz_in *in)
{
	cfg->console = (fuzz_u8(in) & 1) ? CONSOLE_VIRTIO : CONSOLE_SERIAL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_virtio_device(&virtio_console_type, configure, data,
				  size);
}
