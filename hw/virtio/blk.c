// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (device ID 2, virtio 1.2 section 5.2) on an image file or a
 * block device. Reads, writes and flushes go to the host kernel as libaio
 * iocbs built straight on the guest's buffers, many at once; they complete
 * through an eventfd that the event loop watches. Discard and write-zeroes
 * are fallocate() calls, offered only where the file system has them.
 *
 * Without O_DIRECT the host kernel does an aio read or write inside
 * io_submit() anyway, so the round trip through the eventfd and the event
 * loop is pure cost, and under nested virtualization each system call and
 * wake-up costs more than the copy: a kick that brings one request is
 * served by preadv()/pwritev() at once, and what a batch's io_submit()
 * finished is reaped from libaio's completion ring before returning.
 *
 * Requests are hostile input: header, status byte, direction and sector
 * range are checked before anything reaches the image, and a bad request
 * earns IOERR or UNSUPP, never an access outside the image.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <limits.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event-loop.h"
#include "log.h"
#include "util.h"
#include "virtio-blk.h"
#include "vm.h"

#define BLK_F_SEG_MAX		2
#define BLK_F_RO		5
#define BLK_F_FLUSH		9
#define BLK_F_DISCARD		13
#define BLK_F_WRITE_ZEROES	14

#define BLK_T_IN		0
#define BLK_T_OUT		1
#define BLK_T_FLUSH		4
#define BLK_T_GET_ID		8
#define BLK_T_DISCARD		11
#define BLK_T_WRITE_ZEROES	13

#define BLK_S_OK		0
#define BLK_S_IOERR		1
#define BLK_S_UNSUPP		2

#define BLK_ID_BYTES		20
#define SECTOR_SHIFT		9
#define SECTOR_SIZE		512
#define BLK_HDR_SIZE		16

#define BLK_QUEUE_SIZE		256
/* One request per chain at most: the ring bounds what is in flight. */
#define BLK_MAX_IN_FLIGHT	BLK_QUEUE_SIZE
/* Data segments: what a chain may hold less header and status. */
#define BLK_SEG_MAX		(VIRTQ_MAX_SEGS - 2)
/* Discard and write-zeroes: ranges per request, sectors per range. */
#define BLK_RANGE_SEGS		16
#define BLK_RANGE_SECTORS	(1U << 22)
#define BLK_RANGE_SIZE		16
#define BLK_WZ_FLAG_UNMAP	1

/* Config space up to write_zeroes_may_unmap and its padding (5.2.4). */
#define BLK_CONFIG_SIZE		60

/*
 * O_DIRECT wants sector-aligned buffers; the guest may hand over any
 * address, so those requests go through an aligned copy, bounded in size.
 */
#define DIRECT_ALIGN		512
#define BOUNCE_ALIGN		4096
#define BOUNCE_MAX		(8U << 20)

#define REAP_BATCH		64

/*
 * The head of the completion ring that io_setup() maps into our memory
 * (the io_context_t is its address; Linux fs/aio.c, struct aio_ring):
 * the kernel appends at tail, whoever reaps advances head. Reading it here
 * is what io_getevents() does, without the system call.
 */
#define AIO_RING_MAGIC		0xa10a10a1
struct aio_ring_head {
	unsigned int id;
	unsigned int nr;
	unsigned int head;
	unsigned int tail;
	unsigned int magic;
	unsigned int compat_features;
	unsigned int incompat_features;
	unsigned int header_length;
	struct io_event events[];
};
/* req_start(): the request became an iocb (statuses are 0..2). */
#define REQ_QUEUED		(-1)

struct blk_req {
	struct iocb iocb;
	struct virtq *vq;
	struct virtq_req vreq;
	struct iovec data[VIRTQ_MAX_SEGS];
	unsigned int nr_data;
	uint64_t data_len;
	uint8_t *status;	/* the chain's last writable byte */
	bool is_read;
	void *bounce;
	struct iovec bounce_iov;
	struct blk_req *next_free;
};

struct vblk {
	struct virtio_dev_ops ops;
	const char *path;
	int fd;
	bool ro;
	bool direct;
	bool can_punch;		/* fallocate PUNCH_HOLE works here */
	bool can_zero;		/* fallocate ZERO_RANGE works here */
	bool fsync_by_call;	/* no aio fdsync for this file: fdatasync() */
	bool warned;
	uint64_t capacity;	/* in 512-byte sectors */
	char serial[BLK_ID_BYTES];
	io_context_t aio;
	struct aio_ring_head *ring;	/* NULL: io_getevents() only */
	int efd;
	struct blk_req *reqs;
	struct blk_req *free_list;
	unsigned int in_flight;
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

/* One warning per disk: a guest hammering a bad disk must not flood. */
static void blk_warn(struct vblk *b, const char *what, int err)
{
	if (b->warned)
		return;
	b->warned = true;
	pr_warn("--disk %s: %s: %s (reported to the guest as I/O error)",
		b->path, what, strerror(err));
}

static void put_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static void blk_config_read(struct virtio_dev *vdev, uint32_t off,
			    void *data, unsigned int len)
{
	struct vblk *b = vdev->priv;
	uint8_t cfg[BLK_CONFIG_SIZE] = { 0 };
	uint64_t cap = htole64(b->capacity);

	memcpy(cfg, &cap, sizeof(cap));
	put_le32(cfg + 12, BLK_SEG_MAX);
	if (b->ops.features & (1ULL << BLK_F_DISCARD)) {
		put_le32(cfg + 36, BLK_RANGE_SECTORS);
		put_le32(cfg + 40, BLK_RANGE_SEGS);
		put_le32(cfg + 44, 1);
	}
	if (b->ops.features & (1ULL << BLK_F_WRITE_ZEROES)) {
		put_le32(cfg + 48, BLK_RANGE_SECTORS);
		put_le32(cfg + 52, BLK_RANGE_SEGS);
		cfg[56] = b->can_punch;
	}
	memcpy(data, cfg + off, len);
}

static void req_free(struct vblk *b, struct blk_req *r)
{
	free(r->bounce);
	r->bounce = NULL;
	r->next_free = b->free_list;
	b->free_list = r;
}

/* Status byte, then the chain back to the driver; the caller notifies. */
static void req_finish(struct vblk *b, struct blk_req *r, uint8_t status,
		       uint32_t used_len)
{
	/* A queue taken down under us: its memory is not ours to write. */
	if (r->vq->ready) {
		*r->status = status;
		virtq_push(r->vq, r->vreq.head, used_len);
	}
	req_free(b, r);
}

/*
 * Segments first..last-1 of the chain as one byte stream: its bytes
 * [skip, skip + len) are the request's data.
 */
static void req_collect(struct blk_req *r, unsigned int first,
			unsigned int last, uint64_t skip, uint64_t len)
{
	uint64_t pos = 0, end = skip + len;
	unsigned int i;

	r->nr_data = 0;
	r->data_len = len;
	for (i = first; i < last && pos < end; i++) {
		const struct iovec *v = &r->vreq.iov[i];
		uint64_t start = pos, from, to;

		pos += v->iov_len;
		if (pos <= skip)
			continue;
		from = start < skip ? skip : start;
		to = pos > end ? end : pos;
		r->data[r->nr_data].iov_base = (uint8_t *)v->iov_base +
					       (from - start);
		r->data[r->nr_data].iov_len = to - from;
		r->nr_data++;
	}
}

static bool range_ok(const struct vblk *b, uint64_t sector, uint64_t count)
{
	return sector <= b->capacity && count <= b->capacity - sector;
}

static bool direct_aligned(const struct blk_req *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_data; i++)
		if (((uintptr_t)r->data[i].iov_base | r->data[i].iov_len) &
		    (DIRECT_ALIGN - 1))
			return false;
	return true;
}

static void copy_to_iov(const struct iovec *iov, unsigned int n,
			const uint8_t *src)
{
	unsigned int i;

	for (i = 0; i < n; src += iov[i].iov_len, i++)
		memcpy(iov[i].iov_base, src, iov[i].iov_len);
}

static void copy_from_iov(uint8_t *dst, const struct iovec *iov,
			  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; dst += iov[i].iov_len, i++)
		memcpy(dst, iov[i].iov_base, iov[i].iov_len);
}

/* A read or write as an iocb: REQ_QUEUED, or a status to finish with. */
static int req_prep_rw(struct vblk *b, struct blk_req *r, uint64_t sector)
{
	const struct iovec *iov = r->data;
	unsigned int n = r->nr_data;
	off_t off = sector << SECTOR_SHIFT;

	if (b->direct && !direct_aligned(r)) {
		if (r->data_len > BOUNCE_MAX ||
		    posix_memalign(&r->bounce, BOUNCE_ALIGN, r->data_len)) {
			r->bounce = NULL;
			blk_warn(b, "no bounce buffer for an unaligned O_DIRECT "
				 "request", ENOMEM);
			return BLK_S_IOERR;
		}
		if (!r->is_read)
			copy_from_iov(r->bounce, r->data, r->nr_data);
		r->bounce_iov.iov_base = r->bounce;
		r->bounce_iov.iov_len = r->data_len;
		iov = &r->bounce_iov;
		n = 1;
	}
	if (r->is_read)
		io_prep_preadv(&r->iocb, b->fd, iov, n, off);
	else
		io_prep_pwritev(&r->iocb, b->fd, iov, n, off);
	return REQ_QUEUED;
}

/* One virtio_blk_discard_write_zeroes entry (virtio 1.2, 5.2.6). */
static void range_decode(const uint8_t *p, uint64_t *sector, uint32_t *count,
			 uint32_t *flags)
{
	memcpy(sector, p, 8);
	memcpy(count, p + 8, 4);
	memcpy(flags, p + 12, 4);
	*sector = le64toh(*sector);
	*count = le32toh(*count);
	*flags = le32toh(*flags);
}

/* Discard and write-zeroes: every range is checked before any is done. */
static int req_ranges(struct vblk *b, struct blk_req *r, uint32_t type)
{
	uint8_t buf[BLK_HDR_SIZE + BLK_RANGE_SEGS * BLK_RANGE_SIZE];
	bool discard = type == BLK_T_DISCARD;
	uint64_t len = r->vreq.out_len - BLK_HDR_SIZE;
	uint64_t i, n;
	uint64_t sector;
	uint32_t count, flags;
	int mode;

	if (b->ro)
		return BLK_S_IOERR;
	if (!(b->ops.features & (1ULL << (discard ? BLK_F_DISCARD :
					   BLK_F_WRITE_ZEROES))))
		return BLK_S_UNSUPP;
	/*
	 * The length is the guest's sum of up to 128 descriptors: bound it
	 * before deriving anything from it, never after a division.
	 */
	if (r->vreq.in_len != 1 || !len ||
	    len > BLK_RANGE_SEGS * BLK_RANGE_SIZE || len % BLK_RANGE_SIZE)
		return BLK_S_IOERR;
	n = len / BLK_RANGE_SIZE;
	virtq_req_gather(&r->vreq, buf, sizeof(buf), BLK_HDR_SIZE + len);
	for (i = 0; i < n; i++) {
		range_decode(buf + BLK_HDR_SIZE + i * BLK_RANGE_SIZE, &sector,
			     &count, &flags);
		/* The unmap flag means nothing for a discard (5.2.6.2). */
		if ((flags & ~BLK_WZ_FLAG_UNMAP) || (discard && flags))
			return BLK_S_UNSUPP;
		if (count > BLK_RANGE_SECTORS || !range_ok(b, sector, count))
			return BLK_S_IOERR;
	}
	for (i = 0; i < n; i++) {
		range_decode(buf + BLK_HDR_SIZE + i * BLK_RANGE_SIZE, &sector,
			     &count, &flags);
		if (!count)
			continue;
		/* A punched hole reads back as zeroes, so it may serve both. */
		if (discard || ((flags & BLK_WZ_FLAG_UNMAP) && b->can_punch))
			mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
		else
			mode = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
		if (fallocate(b->fd, mode, (off_t)sector << SECTOR_SHIFT,
			      (off_t)count << SECTOR_SHIFT)) {
			blk_warn(b, discard ? "discard" : "write zeroes", errno);
			return BLK_S_IOERR;
		}
	}
	return BLK_S_OK;
}

/*
 * Look at one popped request. Returns REQ_QUEUED when it became an iocb
 * to submit, else the status to finish it with at once (*used_len set).
 */
static int req_start(struct vblk *b, struct blk_req *r, uint32_t *used_len)
{
	struct virtq_req *q = &r->vreq;
	uint64_t out_data, in_data, n;
	uint64_t sector;
	uint32_t type;
	uint8_t hdr[BLK_HDR_SIZE];

	*used_len = 1;
	if (q->out_len < BLK_HDR_SIZE)
		return BLK_S_IOERR;
	virtq_req_gather(q, hdr, sizeof(hdr), sizeof(hdr));
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	type = le32toh(type);
	sector = le64toh(sector);
	out_data = q->out_len - BLK_HDR_SIZE;
	in_data = q->in_len - 1;

	switch (type) {
	case BLK_T_IN:
		if (out_data || !in_data || in_data % SECTOR_SIZE ||
		    !range_ok(b, sector, in_data >> SECTOR_SHIFT))
			return BLK_S_IOERR;
		r->is_read = true;
		req_collect(r, q->nr_out, q->nr_out + q->nr_in, 0, in_data);
		return req_prep_rw(b, r, sector);
	case BLK_T_OUT:
		if (b->ro || in_data || !out_data || out_data % SECTOR_SIZE ||
		    !range_ok(b, sector, out_data >> SECTOR_SHIFT))
			return BLK_S_IOERR;
		r->is_read = false;
		req_collect(r, 0, q->nr_out, BLK_HDR_SIZE, out_data);
		return req_prep_rw(b, r, sector);
	case BLK_T_FLUSH:
		r->data_len = 0;
		r->is_read = false;
		if (b->fsync_by_call)
			return fdatasync(b->fd) ? BLK_S_IOERR : BLK_S_OK;
		io_prep_fdsync(&r->iocb, b->fd);
		return REQ_QUEUED;
	case BLK_T_GET_ID:
		if (!in_data)
			return BLK_S_IOERR;
		/* Zero-padded; no terminator when it takes all 20 bytes. */
		n = in_data < BLK_ID_BYTES ? in_data : BLK_ID_BYTES;
		*used_len = virtq_req_fill(q, b->serial, n) + 1;
		return BLK_S_OK;
	case BLK_T_DISCARD:
	case BLK_T_WRITE_ZEROES:
		return req_ranges(b, r, type);
	}
	return BLK_S_UNSUPP;
}

/*
 * Hand the batch to the kernel. What it refuses is answered here: a
 * flush it cannot do asynchronously becomes fdatasync() (the driver
 * waits for the writes a flush covers before sending it), the rest IOERR.
 */
static bool submit_batch(struct vblk *b, struct iocb **list, unsigned int n)
{
	unsigned int done = 0;
	struct blk_req *r;
	bool pushed = false;
	int ret;

	while (done < n) {
		ret = io_submit(b->aio, n - done, list + done);
		if (ret > 0) {
			b->in_flight += ret;
			done += ret;
			continue;
		}
		r = list[done]->data;
		if (r->iocb.aio_lio_opcode == IO_CMD_FDSYNC && ret == -EINVAL) {
			pr_info("--disk %s: no asynchronous fdatasync here: "
				"flushes block", b->path);
			b->fsync_by_call = true;
			req_finish(b, r, fdatasync(b->fd) ? BLK_S_IOERR :
				   BLK_S_OK, 1);
		} else {
			blk_warn(b, "io_submit", ret < 0 ? -ret : EIO);
			req_finish(b, r, BLK_S_IOERR, 1);
		}
		pushed = true;
		done++;
	}
	return pushed;
}

/* The chain's last writable byte: the driver reads the status there. */
static uint8_t *status_byte(const struct virtq_req *q)
{
	const struct iovec *last = &q->iov[q->nr_out + q->nr_in - 1];

	return (uint8_t *)last->iov_base + last->iov_len - 1;
}

static void req_done(struct vblk *b, struct blk_req *r, long res)
{
	uint64_t want = r->data_len;
	uint8_t st = BLK_S_OK;

	/* A short transfer is an error too: the guest asked for all of it. */
	if (res < 0 || (uint64_t)res != want) {
		blk_warn(b, r->iocb.aio_lio_opcode == IO_CMD_FDSYNC ?
			 "flush" : r->is_read ? "read" : "write",
			 res < 0 ? (int)-res : EIO);
		st = BLK_S_IOERR;
	} else if (r->is_read && r->bounce && r->vq->ready) {
		copy_to_iov(r->data, r->nr_data, r->bounce);
	}
	req_finish(b, r, st, st == BLK_S_OK && r->is_read ? want + 1 : 1);
}

/*
 * A buffered read or write, done here and now: the same work io_submit()
 * would do inline, less its iocb, eventfd and reaping. False for what
 * only libaio does here (a flush).
 */
static bool serve_now(struct vblk *b, struct blk_req *r)
{
	const struct iocb *io = &r->iocb;
	const struct iovec *iov = io->u.c.buf;
	int n = (int)io->u.c.nbytes;
	ssize_t ret;

	if (io->aio_lio_opcode == IO_CMD_PREADV)
		ret = preadv(b->fd, iov, n, io->u.c.offset);
	else if (io->aio_lio_opcode == IO_CMD_PWRITEV)
		ret = pwritev(b->fd, iov, n, io->u.c.offset);
	else
		return false;
	req_done(b, r, ret < 0 ? -errno : ret);
	return true;
}

/* Whether the completion ring holds events: a look, no system call. */
static bool ring_pending(const struct vblk *b)
{
	if (!b->ring)
		return b->in_flight != 0;
	return __atomic_load_n(&b->ring->tail, __ATOMIC_ACQUIRE) !=
	       b->ring->head;
}

/*
 * Take up to max events off the completion ring. The kernel writes an
 * event before it moves tail (acquire pairs with that) and reads head
 * to know which slots are free again (release: we are done with them).
 */
static int ring_take(struct vblk *b, struct io_event *ev, int max)
{
	struct aio_ring_head *ring = b->ring;
	unsigned int head = ring->head, nr = ring->nr, tail;
	int n = 0;

	tail = __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE);
	if (head >= nr || tail >= nr)
		return -EIO;
	while (head != tail && n < max) {
		ev[n++] = ring->events[head];
		head = head + 1 == nr ? 0 : head + 1;
	}
	__atomic_store_n(&ring->head, head, __ATOMIC_RELEASE);
	return n;
}

/* Up to max finished events, never waiting: off the ring, else a call. */
static int reap_some(struct vblk *b, struct io_event *ev, int max)
{
	struct timespec zero = { 0 };
	int n;

	if (b->ring) {
		n = ring_take(b, ev, max);
		if (n >= 0)
			return n;
		pr_info("--disk %s: aio ring unreadable: reaping by "
			"io_getevents()", b->path);
		b->ring = NULL;
	}
	do
		n = io_getevents(b->aio, 0, max, ev, &zero);
	while (n == -EINTR);
	return n;
}

/* Finish the n requests whose completion events ev holds. */
static void finish_events(struct vblk *b, const struct io_event *ev, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		b->in_flight--;
		req_done(b, ev[i].data, (long)ev[i].res);
	}
}

/*
 * Finish everything the kernel has completed. The eventfd is cleared
 * first: what completes after that signals it again, so the event loop
 * still comes for it. Returns whether any request was finished.
 */
static bool reap(struct vblk *b)
{
	struct io_event ev[REAP_BATCH];
	bool pushed = false;
	uint64_t count;
	int n;

	if (read(b->efd, &count, sizeof(count)) < 0)
		count = 0;
	do {
		n = reap_some(b, ev, REAP_BATCH);
		if (n > 0) {
			finish_events(b, ev, n);
			pushed = true;
		}
	} while (n == REAP_BATCH);
	return pushed;
}

static void blk_process(struct virtio_dev *vdev, struct virtq *vq)
{
	struct vblk *b = vdev->priv;
	struct iocb *batch[BLK_MAX_IN_FLIGHT];
	unsigned int nb = 0;
	struct blk_req *r;
	uint32_t used_len;
	bool pushed = false;
	int ret, st;

	/* Out of slots: completions call us again as they free some. */
	while ((r = b->free_list)) {
		ret = virtq_pop(vq, &r->vreq);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			virtio_dev_broken(vdev);
			break;
		}
		b->free_list = r->next_free;
		r->vq = vq;
		/* No status byte: nothing can tell the driver it failed. */
		if (!r->vreq.nr_in) {
			pr_guest(&vdev->log_rl, LOG_WARN,
				 "%s: request %u has no status byte",
				 b->path, r->vreq.head);
			req_free(b, r);
			virtio_dev_broken(vdev);
			break;
		}
		r->status = status_byte(&r->vreq);
		st = req_start(b, r, &used_len);
		if (st != REQ_QUEUED) {
			req_finish(b, r, st, used_len);
			pushed = true;
			continue;
		}
		io_set_eventfd(&r->iocb, b->efd);
		r->iocb.data = r;
		batch[nb++] = &r->iocb;
	}
	if (nb == 1 && !b->direct && serve_now(b, batch[0]->data))
		pushed = true;
	else if (nb && submit_batch(b, batch, nb))
		pushed = true;
	/* Buffered iocbs are done by now: finish them before the notify. */
	if (nb > 1 && !b->direct && ring_pending(b)) {
		reap(b);
		pushed = true;
	}
	if (pushed)
		virtio_notify(vdev, vq);
}

static void blk_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	blk_process(vdev, vq);
}

void vblk_complete(struct virtio_dev *vdev, bool wait)
{
	struct vblk *b = vdev->priv;
	struct io_event ev[REAP_BATCH];
	bool pushed;
	int n;

	vdev_lock(vdev);
	pushed = reap(b);
	while (wait && !pushed && b->in_flight) {
		n = io_getevents(b->aio, 1, REAP_BATCH, ev, NULL);
		if (n == -EINTR)
			continue;
		if (n <= 0)
			break;
		finish_events(b, ev, n);
		pushed = true;
	}
	if (pushed) {
		virtio_notify(vdev, &vdev->vqs[0]);
		/* Slots are free again: take what waited for them. */
		virtio_queue_kick(vdev, 0);
	}
	vdev_unlock(vdev);
}

unsigned int vblk_in_flight(const struct vblk *b)
{
	return b->in_flight;
}

int vblk_event_fd(const struct vblk *b)
{
	return b->efd;
}

/* Wait out every iocb without touching guest RAM or the rings. */
static void blk_drain(struct vblk *b)
{
	struct io_event ev[REAP_BATCH];
	int i, n;

	while (b->in_flight) {
		n = io_getevents(b->aio, 1, REAP_BATCH, ev, NULL);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			pr_err("--disk %s: io_getevents: %s", b->path,
			       strerror(-n));
			return;
		}
		for (i = 0; i < n; i++) {
			b->in_flight--;
			req_free(b, ev[i].data);
		}
	}
}

static void blk_reset(struct virtio_dev *vdev)
{
	struct vblk *b = vdev->priv;

	/*
	 * The rings are gone: reads still in flight would write into RAM
	 * the next driver owns, so wait for them before the reset is done.
	 */
	if (b->in_flight)
		pr_debug("--disk %s: reset waits for %u request(s) in flight",
			 b->path, b->in_flight);
	blk_drain(b);
}

static void blk_event(void *arg, uint32_t events)
{
	vblk_complete(arg, false);
}

static int blk_start(struct virtio_dev *vdev)
{
	struct vblk *b = vdev->priv;

	return event_loop_add(vdev->dev->vm->loop, b->efd, EPOLLIN,
			      blk_event, vdev);
}

static void blk_teardown(struct virtio_dev *vdev)
{
	vblk_close(vdev->priv);
	vdev->priv = NULL;
}

static const struct virtio_dev_ops blk_ops_template = {
	.name = "virtio-blk",
	.device_id = 2,
	.nr_queues = 1,
	.queue_num_max = BLK_QUEUE_SIZE,
	.config_size = BLK_CONFIG_SIZE,
	.config_read = blk_config_read,
	.queue_notify = blk_queue_notify,
	.reset = blk_reset,
	.start = blk_start,
	.teardown = blk_teardown,
};

const struct virtio_dev_ops *vblk_dev_ops(const struct vblk *b)
{
	return &b->ops;
}

/*
 * Which fallocate modes the file system has, tried on an unnamed file in
 * the image's directory so the image itself never changes.
 */
static void probe_fallocate(struct vblk *b)
{
	const char *slash = strrchr(b->path, '/');
	char dir[PATH_MAX] = ".";
	int fd;

	/* "/img" lives in "/", "img" in ".", "a/b/img" in "a/b". */
	if (slash && snprintf(dir, sizeof(dir), "%.*s",
			      slash == b->path ? 1 : (int)(slash - b->path),
			      b->path) >= (int)sizeof(dir))
		return;
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		pr_info("--disk %s: cannot probe fallocate (%s): no discard "
			"or write zeroes", b->path, strerror(errno));
		return;
	}
	if (!ftruncate(fd, 4 * SECTOR_SIZE)) {
		b->can_punch = !fallocate(fd, FALLOC_FL_PUNCH_HOLE |
					  FALLOC_FL_KEEP_SIZE, 0, SECTOR_SIZE);
		b->can_zero = !fallocate(fd, FALLOC_FL_ZERO_RANGE |
					 FALLOC_FL_KEEP_SIZE, SECTOR_SIZE,
					 SECTOR_SIZE);
	}
	close(fd);
}

static int blk_open_image(struct vblk *b)
{
	struct flock lk = { .l_whence = SEEK_SET };
	int flags = b->ro ? O_RDONLY : O_RDWR;
	uint64_t size;
	struct stat st;

	if (b->direct)
		flags |= O_DIRECT;
	b->fd = open(b->path, flags | O_CLOEXEC);
	if (b->fd < 0) {
		if (errno == ENOMEM)
			return -ENOMEM;
		if (errno == EINVAL && b->direct)
			return err_set(-EINVAL, "--disk %s: the file system "
				       "has no O_DIRECT (drop ',direct')",
				       b->path);
		if (errno == EISDIR)
			return err_set(-EINVAL, "--disk %s: is a directory",
				       b->path);
		return err_set(-EINVAL, "--disk %s: %s", b->path,
			       strerror(errno));
	}
	if (fstat(b->fd, &st))
		return err_set(-EINVAL, "--disk %s: %s", b->path,
			       strerror(errno));
	if (S_ISDIR(st.st_mode))
		return err_set(-EINVAL, "--disk %s: is a directory", b->path);
	if (S_ISREG(st.st_mode)) {
		size = st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(b->fd, BLKGETSIZE64, &size))
			return err_set(-EINVAL, "--disk %s: BLKGETSIZE64: %s",
				       b->path, strerror(errno));
	} else {
		return err_set(-EINVAL, "--disk %s: not a regular file or "
			       "block device", b->path);
	}
	if (size % SECTOR_SIZE)
		return err_set(-EINVAL, "--disk %s: size %llu is not a "
			       "multiple of %d bytes", b->path,
			       (unsigned long long)size, SECTOR_SIZE);
	b->capacity = size / SECTOR_SIZE;
	/*
	 * Two writers on one image corrupt it: take a whole-file OFD lock,
	 * shared for ro (many readers), exclusive for rw. It goes with the
	 * fd, so it holds across threads and dies with the process.
	 */
	lk.l_type = b->ro ? F_RDLCK : F_WRLCK;
	if (fcntl(b->fd, F_OFD_SETLK, &lk)) {
		if (errno == EAGAIN || errno == EACCES)
			return err_set(-EBUSY, "--disk %s: in use by another "
				       "process (locked%s)", b->path,
				       b->ro ? " for writing" : "");
		return err_set(-EINVAL, "--disk %s: cannot lock it: %s",
			       b->path, strerror(errno));
	}
	if (!b->ro && S_ISREG(st.st_mode))
		probe_fallocate(b);
	return 0;
}

int vblk_open(const struct disk_config *disk, struct vblk **out)
{
	const char *base = path_base_name(disk->path);
	struct vblk *b;
	unsigned int i;
	int ret;

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->path = disk->path;
	b->ro = disk->ro;
	b->direct = disk->direct;
	b->fd = -1;
	b->efd = -1;
	memcpy(b->serial, base, strnlen(base, BLK_ID_BYTES));
	ret = blk_open_image(b);
	if (ret)
		goto fail;
	b->reqs = calloc(BLK_MAX_IN_FLIGHT, sizeof(*b->reqs));
	if (!b->reqs) {
		ret = -ENOMEM;
		goto fail;
	}
	for (i = BLK_MAX_IN_FLIGHT; i-- > 0;)
		req_free(b, &b->reqs[i]);
	b->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->efd < 0) {
		ret = err_set(-errno, "--disk %s: eventfd: %s", b->path,
			      strerror(errno));
		goto fail;
	}
	ret = io_setup(BLK_MAX_IN_FLIGHT, &b->aio);
	if (ret) {
		b->aio = NULL;
		ret = err_set(ret, "--disk %s: io_setup: %s", b->path,
			      strerror(-ret));
		goto fail;
	}
	/* A ring of another layout is left to io_getevents(). */
	b->ring = (struct aio_ring_head *)b->aio;
	if (b->ring->magic != AIO_RING_MAGIC || b->ring->incompat_features ||
	    b->ring->header_length != sizeof(*b->ring) || !b->ring->nr)
		b->ring = NULL;
	b->ops = blk_ops_template;
	b->ops.features = (1ULL << BLK_F_SEG_MAX) | (1ULL << BLK_F_FLUSH);
	if (b->ro)
		b->ops.features |= 1ULL << BLK_F_RO;
	if (b->can_punch)
		b->ops.features |= 1ULL << BLK_F_DISCARD;
	if (b->can_zero)
		b->ops.features |= 1ULL << BLK_F_WRITE_ZEROES;
	pr_debug("--disk %s: %llu sectors%s%s%s%s", b->path,
		 (unsigned long long)b->capacity, b->ro ? ", ro" : "",
		 b->direct ? ", O_DIRECT" : "",
		 b->can_punch ? ", discard" : "",
		 b->can_zero ? ", write zeroes" : "");
	*out = b;
	return 0;
fail:
	vblk_close(b);
	return ret;
}

void vblk_close(struct vblk *b)
{
	if (!b)
		return;
	if (b->aio) {
		blk_drain(b);
		io_destroy(b->aio);
	}
	if (b->efd >= 0)
		close(b->efd);
	if (b->fd >= 0)
		close(b->fd);
	free(b->reqs);
	free(b);
}
