// SPDX-License-Identifier: GPL-2.0
/*
 * One virtio-9p device per --9p. Apart from 9p.c so that the unit tests
 * link the device without the VM and KVM.
 */
#include "log.h"
#include "virtio-9p.h"
#include "virtio.h"
#include "vm.h"

int virtio_9p_add(struct vm *vm, const struct share_config *share)
{
	struct vp9 *d;
	int ret;

	ret = vp9_open(share, &d);
	if (ret)
		return ret;
	/* From here the device owns d: its teardown closes it. */
	ret = virtio_mmio_add(vm, vp9_dev_ops(d), d);
	if (ret)
		vp9_close(d);
	return ret;
}

static int p9_create(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->cfg->nr_shares; i++) {
		ret = virtio_9p_add(vm, &vm->cfg->shares[i]);
		if (ret)
			return ret;
	}
	return 0;
}

const struct device_type virtio_9p_type = {
	.name = "virtio-9p",
	.create = p9_create,
};
