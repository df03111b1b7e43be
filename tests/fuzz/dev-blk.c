// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk as the fuzzers run it: hw/virtio/blk.c on a real image file,
 * so reads, writes and flushes go through libaio and discard and
 * write-zeroes through fallocate(), over the big sparse RAM.
 *
 * Images live in one of two directories: one on tmpfs (/dev/shm: fast,
 * has PUNCH_HOLE, so discard, but no ZERO_RANGE) and one in $TMPDIR or
 * /tmp (a disk file system on most machines: write-zeroes too, but a
 * flush there waits for the disk). Each is unlinked once the device
 * holds it open, so nothing is left behind but the two empty
 * directories, which exit removes.
 *
 * A backend (struct vblk) is opened once per kind and kept: opening one
 * allocates a megabyte of request slots, and fresh pages cost a page
 * fault each. Each run attaches it to a fresh transport, empties the
 * image and ends with everything completed and the device reset.
 *
 * Input (configure): u8 how: bit 0 read-only, bit 1 O_DIRECT, bit 2 the
 * image in $TMPDIR, bit 3 a 1 MiB image (else 7 sectors).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "device.h"
#include "fuzz.h"
#include "virtio-blk.h"
#include "virtio.h"

#define SECTOR_SIZE	512
#define NR_KINDS	16

static char dirs[2][PATH_MAX];
static unsigned int kind;
static struct backend {
	struct vblk *blk;
	int fd;			/* ours: empties the image per run */
	uint64_t size;
} backends[NR_KINDS];

static void remove_dirs(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (dirs[i][0])
			rmdir(dirs[i]);
}

static void make_dirs(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dirs[0][0])
		return;
	snprintf(dirs[0], sizeof(dirs[0]), "/dev/shm/pocvm-fuzz-XXXXXX");
	snprintf(dirs[1], sizeof(dirs[1]), "%s/pocvm-fuzz-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(dirs[1]));
	/* No /dev/shm: both in $TMPDIR. */
	if (!mkdtemp(dirs[0]))
		snprintf(dirs[0], sizeof(dirs[0]), "%s", dirs[1]);
	atexit(remove_dirs);
}

static void configure(struct config *cfg, struct fuzz_in *in)
{
	kind = fuzz_u8(in) % NR_KINDS;
}

static int open_backend(struct backend *be)
{
	struct disk_config disk = {
		.ro = kind & 1,
		.direct = kind & 2,
	};
	char path[PATH_MAX];
	int ret;

	make_dirs();
	snprintf(path, sizeof(path), "%s/disk%u.img", dirs[(kind >> 2) & 1],
		 kind);
	be->size = (kind & 8 ? 2048 : 7) * SECTOR_SIZE;
	be->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(be->fd >= 0);
	FUZZ_CHECK(!ftruncate(be->fd, be->size));
	disk.path = strdup(path);
	FUZZ_CHECK(disk.path);
	ret = vblk_open(&disk, &be->blk);
	/* A kernel whose tmpfs has no O_DIRECT: run buffered instead. */
	if (ret && disk.direct) {
		disk.direct = false;
		ret = vblk_open(&disk, &be->blk);
	}
	fuzz_report("vblk_open", ret);
	unlink(path);
	return ret;
}

static int create(struct vm *vm, struct fuzz_in *in)
{
	struct backend *be = &backends[kind];
	int ret;

	if (!be->blk) {
		ret = open_backend(be);
		if (ret)
			return ret;
	}
	/* What the last run wrote is gone: holes read back as zeroes. */
	FUZZ_CHECK(!ftruncate(be->fd, 0) && !ftruncate(be->fd, be->size));
	return virtio_mmio_add(vm, vblk_dev_ops(be->blk), be->blk);
}

/*
 * What the event loop does when the aio eventfd fires, until nothing is
 * in flight: a completion frees a slot, which may start the next request.
 */
static void quiesce(struct virtio_dev *vdev)
{
	while (vblk_in_flight(vdev->priv))
		vblk_complete(vdev, true);
}

const struct fuzz_virtio_target fuzz_virtio_blk = {
	.create = create,
	.configure = configure,
	.big_ram = true,
	.quiesce = quiesce,
	.persistent = true,
};
