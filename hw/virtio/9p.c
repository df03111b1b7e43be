// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p (device ID 9, virtio 1.2 section 5.10 "9P transport"): one
 * request queue, the mount tag in config space (VIRTIO_9P_MOUNT_TAG).
 * The file server is hw/p9/; this file only moves messages.
 *
 * A kick copies each request out of guest RAM and queues it for a small
 * pool of worker threads, so a slow read never holds up a VCPU or the
 * other requests. A worker answers into a private buffer; the reply is
 * copied into the chain and pushed under the device lock, and only if
 * no reset happened since the request was taken: a reset does not wait
 * for the workers, and never finds one writing into RAM the next driver
 * owns.
 *
 * Tflush is answered here, as the one message that concerns other
 * requests: with the old request still pending, its Rflush follows the
 * old reply; otherwise it is answered at once.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "log.h"
#include "p9.h"
#include "virtio-9p.h"
#include "virtio.h"

#define P9_DEV_ID		9
#define VIRTIO_9P_MOUNT_TAG	0
#define P9_QUEUE_SIZE		128
#define P9_WORKERS		4
/* A reply needs room for an Rlerror at least. */
#define P9_MIN_REPLY		(P9_HDR_SIZE + 4)

struct p9_req {
	struct virtq_req vreq;
	unsigned int gen;	/* the reset count it was taken under */
	uint16_t tag;
	uint8_t *msg;
	size_t len;
	bool running;
	struct p9_req *flushes;	/* Tflushes waiting for this reply */
	struct p9_req *next;	/* queue, or a flush list */
	struct p9_req *inflight_next;
};

struct vp9 {
	struct virtio_dev_ops ops;
	struct share_config share;
	struct p9_server *srv;
	struct virtio_dev *vdev;
	uint8_t config[2 + CONFIG_9P_TAG_MAX];

	pthread_mutex_t qlock;	/* below the device lock */
	pthread_cond_t qcond;
	struct p9_req *head, **tail;
	struct p9_req *inflight;	/* queued or running */
	unsigned int gen;
	bool stop;
	unsigned int nr_workers;
	pthread_t workers[P9_WORKERS];
};

static void vdev_lock(struct virtio_dev *vdev)
{
	if (vdev->dev)
		pthread_mutex_lock(&vdev->dev->lock);
}

static void vdev_unlock(struct virtio_dev *vdev)
{
	if (vdev->dev)
		pthread_mutex_unlock(&vdev->dev->lock);
}

static void p9_config_read(struct virtio_dev *vdev, uint32_t off, void *data,
			   unsigned int len)
{
	struct vp9 *d = vdev->priv;

	memcpy(data, d->config + off, len);
}

static void req_free(struct p9_req *r)
{
	free(r->msg);
	free(r);
}

/* Reply into the chain and give it back (device lock held). */
static void req_push(struct virtq *vq, struct p9_req *r, const uint8_t *reply,
		     size_t len)
{
	uint64_t done = virtq_req_fill(&r->vreq, reply, len);

	virtq_push(vq, r->vreq.head, done);
}

static void inflight_unlink(struct vp9 *d, struct p9_req *r)
{
	struct p9_req **pp;

	for (pp = &d->inflight; *pp; pp = &(*pp)->inflight_next)
		if (*pp == r) {
			*pp = r->inflight_next;
			return;
		}
}

/* A Tflush: park it on the request it names, or answer it now. */
static bool flush_defer(struct vp9 *d, struct p9_req *r)
{
	uint16_t oldtag;
	struct p9_req *it;

	if (r->len < P9_HDR_SIZE + 2)
		return false;
	memcpy(&oldtag, r->msg + P9_HDR_SIZE, 2);
	oldtag = le16toh(oldtag);
	pthread_mutex_lock(&d->qlock);
	for (it = d->inflight; it; it = it->inflight_next)
		if (it->tag == oldtag)
			break;
	if (it) {
		r->next = it->flushes;
		it->flushes = r;
	}
	pthread_mutex_unlock(&d->qlock);
	return it != NULL;
}

static int start_workers(struct vp9 *d);

static void p9_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	struct vp9 *d = vdev->priv;
	uint8_t rflush[P9_HDR_SIZE];
	bool pushed = false;
	struct p9_req *r;
	uint8_t type;
	int ret;

	d->vdev = vdev;
	/* Threads start with the guest's first request, inside the sandbox. */
	if (!d->nr_workers && start_workers(d)) {
		pr_guest(&vdev->dev->log_rl, LOG_ERROR, "virtio-9p %s: cannot "
			 "start its workers", d->share.tag);
		virtio_dev_broken(vdev);
		return;
	}
	for (;;) {
		r = calloc(1, sizeof(*r));
		if (!r)
			break;
		ret = virtq_pop(vq, &r->vreq);
		if (ret) {
			free(r);
			if (ret != -EAGAIN)
				virtio_dev_broken(vdev);
			break;
		}
		/* Too small for any reply: hand it back empty. */
		if (r->vreq.in_len < P9_MIN_REPLY) {
			virtq_push(vq, r->vreq.head, 0);
			pushed = true;
			req_free(r);
			continue;
		}
		/* More than msize is malformed: the size check will say so. */
		r->len = r->vreq.out_len < P9_MAX_MSIZE ? r->vreq.out_len :
			 P9_MAX_MSIZE;
		r->msg = malloc(r->len ?: 1);
		if (!r->msg) {
			virtq_unpop(vq, 1);
			free(r);
			break;
		}
		r->len = virtq_req_gather(&r->vreq, r->msg, r->len, r->len);
		if (p9_peek(r->msg, r->len, &type, &r->tag))
			type = 0;	/* the server answers EPROTO */
		if (type == P9_TFLUSH) {
			if (flush_defer(d, r))
				continue;
			req_push(vq, r, rflush, p9_rflush(r->tag, rflush));
			pushed = true;
			req_free(r);
			continue;
		}
		pthread_mutex_lock(&d->qlock);
		r->gen = d->gen;
		r->inflight_next = d->inflight;
		d->inflight = r;
		*d->tail = r;
		d->tail = &r->next;
		pthread_cond_signal(&d->qcond);
		pthread_mutex_unlock(&d->qlock);
	}
	if (pushed)
		virtio_notify(vdev, vq);
}

/* The reply to r and the Rflushes that waited for it. */
static void req_complete(struct vp9 *d, struct p9_req *r,
			 const uint8_t *reply, size_t len)
{
	struct virtio_dev *vdev = d->vdev;
	struct virtq *vq = &vdev->vqs[0];
	uint8_t rflush[P9_HDR_SIZE];
	struct p9_req *fl, *next;
	bool live;

	vdev_lock(vdev);
	pthread_mutex_lock(&d->qlock);
	inflight_unlink(d, r);
	live = r->gen == d->gen && vq->ready;
	pthread_mutex_unlock(&d->qlock);
	if (live)
		req_push(vq, r, reply, len);
	for (fl = r->flushes; fl; fl = next) {
		next = fl->next;
		if (live)
			req_push(vq, fl, rflush, p9_rflush(fl->tag, rflush));
		req_free(fl);
	}
	if (live)
		virtio_notify(vdev, vq);
	vdev_unlock(vdev);
	req_free(r);
}

static void *p9_worker(void *arg)
{
	struct vp9 *d = arg;
	struct p9_req *r;
	uint8_t *reply;
	uint64_t max;
	size_t len;

	reply = malloc(P9_MAX_MSIZE);
	for (;;) {
		pthread_mutex_lock(&d->qlock);
		while (!d->head && !d->stop)
			pthread_cond_wait(&d->qcond, &d->qlock);
		if (d->stop) {
			pthread_mutex_unlock(&d->qlock);
			break;
		}
		r = d->head;
		d->head = r->next;
		if (!d->head)
			d->tail = &d->head;
		r->next = NULL;
		r->running = true;
		pthread_mutex_unlock(&d->qlock);

		max = r->vreq.in_len < P9_MAX_MSIZE ? r->vreq.in_len :
		      P9_MAX_MSIZE;
		if (reply) {
			len = p9_handle(d->srv, r->msg, r->len, reply, max);
			req_complete(d, r, reply, len);
		} else {
			uint8_t err[P9_MIN_REPLY];

			/* No buffer: an error for each, none lost. */
			len = p9_handle(d->srv, r->msg, r->len, err,
					sizeof(err));
			req_complete(d, r, err, len);
		}
	}
	free(reply);
	return NULL;
}

static int start_workers(struct vp9 *d)
{
	while (d->nr_workers < P9_WORKERS) {
		if (pthread_create(&d->workers[d->nr_workers], NULL,
				   p9_worker, d))
			return d->nr_workers ? 0 : -EAGAIN;
		d->nr_workers++;
	}
	return 0;
}

/* Forget what no worker took yet (qlock held). */
static void drop_queued_locked(struct vp9 *d)
{
	struct p9_req *r, *next, *fl, *fnext;

	for (r = d->head; r; r = next) {
		next = r->next;
		inflight_unlink(d, r);
		for (fl = r->flushes; fl; fl = fnext) {
			fnext = fl->next;
			req_free(fl);
		}
		req_free(r);
	}
	d->head = NULL;
	d->tail = &d->head;
}

static void drop_queued(struct vp9 *d)
{
	pthread_mutex_lock(&d->qlock);
	drop_queued_locked(d);
	pthread_mutex_unlock(&d->qlock);
}

static void p9_reset(struct virtio_dev *vdev)
{
	struct vp9 *d = vdev->priv;

	/* Requests already running finish, and see the new generation. */
	pthread_mutex_lock(&d->qlock);
	d->gen++;
	drop_queued_locked(d);
	pthread_mutex_unlock(&d->qlock);
}

static void p9_teardown(struct virtio_dev *vdev)
{
	vp9_close(vdev->priv);
	vdev->priv = NULL;
}

static const struct virtio_dev_ops p9_ops_template = {
	.name = "virtio-9p",
	.device_id = P9_DEV_ID,
	.features = 1ULL << VIRTIO_9P_MOUNT_TAG,
	.nr_queues = 1,
	.queue_num_max = P9_QUEUE_SIZE,
	.config_read = p9_config_read,
	.queue_notify = p9_queue_notify,
	.reset = p9_reset,
	.teardown = p9_teardown,
};

int vp9_open(const struct share_config *share, struct vp9 **out)
{
	size_t tag_len = strlen(share->tag);
	uint16_t le_len = htole16(tag_len);
	struct vp9 *d;
	int ret;

	if (!tag_len || tag_len > CONFIG_9P_TAG_MAX)
		return err_set(-EINVAL, "--9p %s: tag '%s' is not 1-%d bytes",
			       share->dir, share->tag, CONFIG_9P_TAG_MAX);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	ret = p9_server_new(share->dir, share->ro, &d->srv);
	if (ret) {
		free(d);
		return ret;
	}
	d->share = *share;
	d->ops = p9_ops_template;
	d->ops.config_size = 2 + tag_len;
	memcpy(d->config, &le_len, 2);
	memcpy(d->config + 2, share->tag, tag_len);
	d->tail = &d->head;
	pthread_mutex_init(&d->qlock, NULL);
	pthread_cond_init(&d->qcond, NULL);
	pr_debug("--9p %s: tag %s%s", share->dir, share->tag,
		 share->ro ? ", read-only" : "");
	*out = d;
	return 0;
}

const struct virtio_dev_ops *vp9_dev_ops(const struct vp9 *d)
{
	return &d->ops;
}

void vp9_close(struct vp9 *d)
{
	unsigned int i;

	if (!d)
		return;
	pthread_mutex_lock(&d->qlock);
	d->stop = true;
	pthread_cond_broadcast(&d->qcond);
	pthread_mutex_unlock(&d->qlock);
	/* Called without the device lock: a worker may be pushing. */
	for (i = 0; i < d->nr_workers; i++)
		pthread_join(d->workers[i], NULL);
	drop_queued(d);
	p9_server_free(d->srv);
	pthread_cond_destroy(&d->qcond);
	pthread_mutex_destroy(&d->qlock);
	free(d);
}
