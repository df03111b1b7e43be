// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net through the virtio-mmio registers and virtqueues
 * (virtio-driver.c) over a socketpair standing in for the tap
 * (dev-net.c), over 64 GiB of sparse guest RAM: frames received (OP_INPUT)
 * and transmitted (OP_CHAIN on queue 1, OP_KICK).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_virtio_run(&fuzz_virtio_net, data, size);
}
