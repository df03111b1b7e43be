// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-9p (device ID 9, virtio 1.2 section 5.10 "9P transport"): one
 * request queue, the mount tag in config space (VIRTIO_9P_MOUNT_TAG).
 * The file server is hw/p9/; this file only moves messages.
 *
 * A small pool of worker threads serves the queue with no thread in
 * between: each idle worker waits in its own epoll on the queue's
 * ioeventfd (taken from the bus at the first kick, as vhost takes it) and
 * on an eventfd of ours (a trapped QueueNotify, a unit test), both added
 * EPOLLEXCLUSIVE, so a kick wakes one idle worker and no other. That
 * worker pops one request under the device lock, and if more are
 * waiting it wakes the next idle worker before serving its own: requests
 * run side by side, a slow read holds up only its own worker, and a
 * lone request costs one wake-up, not a hop through the event loop and
 * another to a worker. Under nested emulation each wake-up costs far
 * more than the work itself.
 *
 * A worker answers into its own buffer; the reply is copied into the
 * chain and pushed under the device lock, and only if no reset happened
 * since the request was taken: a reset does not wait for the workers,
 * and never finds one writing into RAM the next driver owns.
 *
 * Tflush is answered here, as the one message that concerns other
 * requests: with the old request still pending, its Rflush follows the
 * old reply; otherwise it is answered at once. Popping, the list of
 * pending requests and pushing all happen under the device lock, so a
 * flush sees every request taken before it.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

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
	size_t len;
	struct p9_req *flushes;	/* Tflushes waiting for this reply */
	struct p9_req *next;	/* a flush list */
	struct p9_req *inflight_next;
};

struct p9_worker {
	struct vp9 *d;
	pthread_t thread;
	int epfd;
	struct p9_req req;	/* the one it serves */
	struct virtq_req peek;	/* is another one waiting? */
	uint8_t *msg;		/* the request's bytes */
	uint8_t *reply;
};

struct vp9 {
	struct virtio_dev_ops ops;
	struct share_config share;
	struct p9_server *srv;
	struct virtio_dev *vdev;
	uint8_t config[2 + CONFIG_9P_TAG_MAX];

	/* Under the device lock: */
	struct p9_req *inflight;	/* taken, not yet answered */
	unsigned int gen;

	int wake_fd;		/* ours: a kick not through the ioeventfd */
	int stop_fd;
	int kick_fd;		/* the bus's ioeventfd, once taken */
	bool stop;
	unsigned int nr_workers;
	struct p9_worker workers[P9_WORKERS];
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

/* Wake one idle worker (or the next to go idle). */
static void wake_one(struct vp9 *d)
{
	uint64_t one = 1;

	if (write(d->wake_fd, &one, sizeof(one)) < 0) {
		/* Full (2^64 - 2 kicks) or closed: nothing to lose. */
	}
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

/*
 * A Tflush (device lock held): park a copy on the request it names and
 * return true, or false to have it answered now.
 */
static bool flush_defer(struct vp9 *d, struct p9_req *r, const uint8_t *msg)
{
	struct p9_req *it, *fl;
	uint16_t oldtag;

	if (r->len < P9_HDR_SIZE + 2)
		return false;
	memcpy(&oldtag, msg + P9_HDR_SIZE, 2);
	oldtag = le16toh(oldtag);
	for (it = d->inflight; it; it = it->inflight_next)
		if (it->tag == oldtag)
			break;
	if (!it)
		return false;
	fl = malloc(sizeof(*fl));
	if (!fl)
		return false;	/* answered early rather than lost */
	*fl = *r;
	fl->next = it->flushes;
	it->flushes = fl;
	return true;
}

/* The driver may use the queue (device lock held): as virtio_queue_kick. */
static bool queue_live(struct virtio_dev *vdev, struct virtq *vq)
{
	if (vdev->broken)
		return false;
	if (!vdev->legacy && !(vdev->status & VIRTIO_STATUS_DRIVER_OK))
		return false;
	return vq->ready;
}

/*
 * Take the next request worth a worker into w->req (device lock held),
 * answering on the way those that need no server: a chain too small for
 * any reply, a Tflush. Returns true with one taken.
 */
static bool take_one(struct vp9 *d, struct p9_worker *w, bool *pushed)
{
	struct virtio_dev *vdev = d->vdev;
	struct virtq *vq = &vdev->vqs[0];
	uint8_t rflush[P9_HDR_SIZE];
	struct p9_req *r = &w->req;
	uint8_t type;
	int ret;

	while (queue_live(vdev, vq)) {
		r->flushes = r->next = r->inflight_next = NULL;
		ret = virtq_pop(vq, &r->vreq);
		if (ret) {
			if (ret != -EAGAIN)
				virtio_dev_broken(vdev);
			return false;
		}
		/* Too small for any reply: hand it back empty. */
		if (r->vreq.in_len < P9_MIN_REPLY) {
			virtq_push(vq, r->vreq.head, 0);
			*pushed = true;
			continue;
		}
		/* More than msize is malformed: the size check will say so. */
		r->len = r->vreq.out_len < P9_MAX_MSIZE ? r->vreq.out_len :
			 P9_MAX_MSIZE;
		r->len = virtq_req_gather(&r->vreq, w->msg, r->len, r->len);
		if (p9_peek(w->msg, r->len, &type, &r->tag))
			type = 0;	/* the server answers EPROTO */
		if (type == P9_TFLUSH) {
			if (!flush_defer(d, r, w->msg)) {
				req_push(vq, r, rflush,
					 p9_rflush(r->tag, rflush));
				*pushed = true;
			}
			continue;
		}
		r->gen = d->gen;
		r->inflight_next = d->inflight;
		d->inflight = r;
		/* Another one waiting: the next idle worker takes it. */
		ret = virtq_pop(vq, &w->peek);
		if (!ret) {
			virtq_unpop(vq, 1);
			wake_one(d);
		} else if (ret != -EAGAIN) {
			virtio_dev_broken(vdev);
		}
		return true;
	}
	return false;
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
	inflight_unlink(d, r);
	live = r->gen == d->gen && vq->ready;
	if (live)
		req_push(vq, r, reply, len);
	for (fl = r->flushes; fl; fl = next) {
		next = fl->next;
		if (live)
			req_push(vq, fl, rflush, p9_rflush(fl->tag, rflush));
		free(fl);
	}
	r->flushes = NULL;
	if (live)
		virtio_notify(vdev, vq);
	vdev_unlock(vdev);
}

/* One round: take a request if there is one, and answer it. */
static void serve_one(struct vp9 *d, struct p9_worker *w)
{
	struct virtio_dev *vdev = d->vdev;
	struct p9_req *r = &w->req;
	bool pushed = false, taken;
	uint64_t max;
	size_t len;

	vdev_lock(vdev);
	taken = take_one(d, w, &pushed);
	if (pushed)
		virtio_notify(vdev, &vdev->vqs[0]);
	vdev_unlock(vdev);
	if (!taken)
		return;
	max = r->vreq.in_len < P9_MAX_MSIZE ? r->vreq.in_len : P9_MAX_MSIZE;
	len = p9_handle(d->srv, w->msg, r->len, w->reply, max);
	req_complete(d, r, w->reply, len);
}

static void *p9_worker(void *arg)
{
	struct p9_worker *w = arg;
	struct vp9 *d = w->d;
	struct epoll_event ev[3];
	int n;

	for (;;) {
		/*
		 * Edge-triggered: nothing to read back, and a kick that
		 * comes while every worker is busy stays pending on each
		 * of them until one looks.
		 */
		n = epoll_wait(w->epfd, ev, 3, -1);
		if (__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE))
			break;
		if (n > 0)
			serve_one(d, w);
	}
	return NULL;
}

static int epoll_add(int epfd, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/*
 * Serve the bus's ioeventfd in the workers: a kick then wakes one of
 * them straight away, with no event-loop hop. Without one (a unit test,
 * no ioeventfd) the trapped QueueNotify wakes them through wake_fd.
 */
static void take_kick_fd(struct vp9 *d, struct virtio_dev *vdev)
{
	unsigned int i;
	int fd;

	if (!vdev->queue_kick_fd)
		return;
	fd = vdev->queue_kick_fd(vdev, 0, true);
	if (fd < 0)
		return;
	for (i = 0; i < d->nr_workers; i++)
		if (epoll_add(d->workers[i].epfd, fd,
			      EPOLLIN | EPOLLET | EPOLLEXCLUSIVE))
			break;
	if (i == d->nr_workers) {
		d->kick_fd = fd;
		return;
	}
	while (i--)
		epoll_ctl(d->workers[i].epfd, EPOLL_CTL_DEL, fd, NULL);
	vdev->queue_kick_fd(vdev, 0, false);
}

static int start_workers(struct vp9 *d)
{
	struct p9_worker *w;

	while (d->nr_workers < P9_WORKERS) {
		w = &d->workers[d->nr_workers];
		if (!w->msg)
			w->msg = malloc(P9_MAX_MSIZE);
		if (!w->reply)
			w->reply = malloc(P9_MAX_MSIZE);
		if (!w->msg || !w->reply ||
		    pthread_create(&w->thread, NULL, p9_worker, w))
			break;
		d->nr_workers++;
	}
	return d->nr_workers ? 0 : -EAGAIN;
}

static void p9_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	struct vp9 *d = vdev->priv;

	/* Threads start with the guest's first request, inside the sandbox. */
	if (!d->nr_workers) {
		d->vdev = vdev;
		if (start_workers(d)) {
			pr_guest(&vdev->dev->log_rl, LOG_ERROR, "virtio-9p "
				 "%s: cannot start its workers",
				 d->share.tag);
			virtio_dev_broken(vdev);
			return;
		}
		take_kick_fd(d, vdev);
	}
	wake_one(d);
}

static void p9_reset(struct virtio_dev *vdev)
{
	struct vp9 *d = vdev->priv;

	/*
	 * Requests already running finish, see the new generation and
	 * push nothing; the ioeventfd stays with the workers, who look at
	 * the queue's state before popping.
	 */
	d->gen++;
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

/* The fds the workers wait on: made now, before any sandbox. */
static int open_fds(struct vp9 *d)
{
	unsigned int i;
	int ret;

	d->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->wake_fd < 0 || d->stop_fd < 0)
		return -errno;
	for (i = 0; i < P9_WORKERS; i++) {
		d->workers[i].d = d;
		d->workers[i].epfd = epoll_create1(EPOLL_CLOEXEC);
		if (d->workers[i].epfd < 0)
			return -errno;
		ret = epoll_add(d->workers[i].epfd, d->wake_fd,
				EPOLLIN | EPOLLET | EPOLLEXCLUSIVE);
		ret = ret ?: epoll_add(d->workers[i].epfd, d->stop_fd,
				       EPOLLIN);
		if (ret)
			return ret;
	}
	return 0;
}

static void close_fds(struct vp9 *d)
{
	unsigned int i;

	for (i = 0; i < P9_WORKERS; i++) {
		if (d->workers[i].epfd >= 0)
			close(d->workers[i].epfd);
		free(d->workers[i].msg);
		free(d->workers[i].reply);
	}
	if (d->wake_fd >= 0)
		close(d->wake_fd);
	if (d->stop_fd >= 0)
		close(d->stop_fd);
}

int vp9_open(const struct share_config *share, struct vp9 **out)
{
	size_t tag_len = strlen(share->tag);
	uint16_t le_len = htole16(tag_len);
	struct vp9 *d;
	unsigned int i;
	int ret;

	if (!tag_len || tag_len > CONFIG_9P_TAG_MAX)
		return err_set(-EINVAL, "--9p %s: tag '%s' is not 1-%d bytes",
			       share->dir, share->tag, CONFIG_9P_TAG_MAX);
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->wake_fd = d->stop_fd = d->kick_fd = -1;
	for (i = 0; i < P9_WORKERS; i++)
		d->workers[i].epfd = -1;
	ret = open_fds(d);
	if (ret) {
		close_fds(d);
		free(d);
		return err_set(ret, "--9p %s: cannot make its workers' "
			       "eventfds: %s", share->dir, strerror(-ret));
	}
	ret = p9_server_new(share->dir, share->ro, &d->srv);
	if (ret) {
		close_fds(d);
		free(d);
		return ret;
	}
	d->share = *share;
	d->ops = p9_ops_template;
	d->ops.config_size = 2 + tag_len;
	memcpy(d->config, &le_len, 2);
	memcpy(d->config + 2, share->tag, tag_len);
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
	uint64_t one = 1;
	unsigned int i;

	if (!d)
		return;
	/* Called without the device lock: a worker may be pushing. */
	__atomic_store_n(&d->stop, true, __ATOMIC_RELEASE);
	if (write(d->stop_fd, &one, sizeof(one)) < 0) {
		/* A fresh eventfd takes one write. */
	}
	for (i = 0; i < d->nr_workers; i++)
		pthread_join(d->workers[i].thread, NULL);
	p9_server_free(d->srv);
	close_fds(d);
	free(d);
}
