// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-rng (device ID 4, virtio 1.2 section 5.4): one request queue
 * whose writable buffers are filled from the host's getrandom().
 */
#include <errno.h>
#include <sys/random.h>

#include "log.h"
#include "virtio.h"
#include "vm.h"

#define RNG_QUEUE_SIZE	128
/*
 * A request may ask for far more than it needs: cap the work done in one
 * VCPU exit. The used length tells the driver how much it got.
 */
#define RNG_MAX_REQ	(64 * 1024)

/* Fill one segment; returns the bytes written (short only on error). */
static size_t rng_fill(void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = getrandom((char *)buf + done, len - done, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		done += n;
	}
	return done;
}

static void rng_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	struct virtq_req req;
	unsigned int i;
	size_t done, want, got;
	int ret;

	while ((ret = virtq_pop(vq, &req)) == 0) {
		done = 0;
		for (i = req.nr_out; i < req.nr_out + req.nr_in; i++) {
			want = req.iov[i].iov_len;
			if (want > RNG_MAX_REQ - done)
				want = RNG_MAX_REQ - done;
			got = rng_fill(req.iov[i].iov_base, want);
			done += got;
			if (got < want || done == RNG_MAX_REQ)
				break;
		}
		if (virtq_push(vq, req.head, done))
			break;
	}
	if (ret != -EAGAIN) {
		virtio_dev_broken(vdev);
		return;
	}
	virtio_notify(vdev, vq);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = 4,
	.nr_queues = 1,
	.queue_num_max = RNG_QUEUE_SIZE,
	.queue_notify = rng_queue_notify,
};

static int rng_create(struct vm *vm)
{
	if (!vm->cfg->rng)
		return 0;
	return virtio_mmio_add(vm, &rng_ops, NULL);
}

const struct device_type virtio_rng_type = {
	.name = "virtio-rng",
	.create = rng_create,
};
