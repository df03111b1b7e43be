// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk requests through the virtio-mmio registers and virtqueues
 * (virtio-driver.c) against a real image file (dev-blk.c), over 64 GiB
 * of sparse guest RAM: chains whose lengths sum past 2^32 or 2^36 are a
 * few input bytes away (OP_CHAIN).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_virtio_run(&fuzz_virtio_blk, data, size);
}
