// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon through the virtio-mmio transport (virtio-driver.c):
 * frame numbers and statistics from a hostile driver, and between them
 * the host's commands as the control socket hands them over.
 *
 * OP_INPUT: u8 command (even: balloon, odd: memstat), s16 MiB.
 */
#include <errno.h>

#include "config.h"
#include "device.h"
#include "fuzz.h"
#include "virtio-balloon.h"

static void configure(struct config *cfg, struct fuzz_in *in)
{
	cfg->balloon = true;
}

static void host_input(struct virtio_dev *vdev, struct fuzz_in *in)
{
	struct balloon *b = vdev->priv;
	uint8_t cmd = fuzz_u8(in);
	int16_t mb = (int16_t)fuzz_u16(in);
	char args[16], *reply = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&reply, &len);

	if (!out)
		return;
	snprintf(args, sizeof(args), "%d", mb);
	FUZZ_CHECK(balloon_ops.control(vdev, cmd & 1 ? "memstat" : "balloon",
				       args, out) == 0);
	fclose(out);
	free(reply);
	/* Whatever was asked, the target stays within guest RAM. */
	FUZZ_CHECK(b->num_pages <= b->ram_pages);
	FUZZ_CHECK(b->nr_stats <= BALLOON_STATS_MAX);
}

static const struct fuzz_virtio_target target = {
	.type = &virtio_balloon_type,
	.configure = configure,
	.host_input = host_input,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_virtio_run(&target, data, size);
}
