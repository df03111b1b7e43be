// SPDX-License-Identifier: GPL-2.0
/*
 * One virtio-blk device per --disk. Apart from blk.c so that the unit
 * tests link the device without the VM and KVM.
 */
#include "log.h"
#include "virtio-blk.h"
#include "vm.h"

static int blk_create(struct vm *vm)
{
	const struct config *cfg = vm->cfg;
	struct vblk *blk;
	unsigned int i;
	int ret;

	for (i = 0; i < cfg->nr_disks; i++) {
		ret = vblk_open(&cfg->disks[i], &blk);
		if (ret)
			return ret;
		/* From here the device owns blk: its teardown closes it. */
		ret = virtio_mmio_add(vm, vblk_dev_ops(blk), blk);
		if (ret) {
			vblk_close(blk);
			return ret;
		}
	}
	return 0;
}

const struct device_type virtio_blk_type = {
	.name = "virtio-blk",
	.create = blk_create,
};
