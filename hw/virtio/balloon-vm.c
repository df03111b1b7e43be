// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon's place in a VM (--balloon): one device over guest RAM.
 * Apart from balloon.c so that the device links into unit tests and
 * fuzz targets without the VM.
 */
#include <errno.h>
#include <stdlib.h>

#include "virtio-balloon.h"
#include "vm.h"

static int balloon_create(struct vm *vm)
{
	struct balloon *b;
	int ret;

	if (!vm->cfg->balloon)
		return 0;
	b = malloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	balloon_init(b, &vm->mem, NULL);
	ret = virtio_mmio_add(vm, &balloon_ops, b);
	if (ret) {
		free(b);
		return ret;
	}
	return 0;
}

const struct device_type virtio_balloon_type = {
	.name = "virtio-balloon",
	.create = balloon_create,
};
