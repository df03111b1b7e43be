// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virtio 1.2, section 2.7): the only code that reads
 * descriptors. Everything the driver writes is hostile input: each ring,
 * table and buffer goes through guest_mem_ptr() before it is touched, and
 * each descriptor is copied once so the guest cannot change it under us.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "virtio.h"

void virtq_reset(struct virtq *vq)
{
	vq->num = vq->num_max;
	vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
	vq->align = vq->pfn = 0;
	vq->ready = false;
	vq->event_idx = vq->indirect = false;
	vq->warned = false;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	vq->last_avail = vq->used_idx = vq->signalled = 0;
}

/* One warning per queue: a looping guest must not flood the log. */
static int __attribute__((format(printf, 3, 4)))
vq_bad(struct virtq *vq, int err, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (vq->warned)
		return err;
	vq->warned = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (vq->log_rl)
		pr_guest(vq->log_rl, LOG_WARN, "%s: virtqueue %u: %s",
			 vq->log_rl->name, vq->index, msg);
	else
		pr_warn("virtqueue %u: %s", vq->index, msg);
	return err;
}

int virtq_enable(struct virtq *vq, uint64_t features)
{
	uint64_t n = vq->num;

	/* Split rings must be a power of two no larger than offered. */
	if (!n || n > vq->num_max || (n & (n - 1)))
		return vq_bad(vq, -EINVAL, "bad queue size %llu (max %u)",
			      (unsigned long long)n, vq->num_max);
	/* Alignments from the table in 2.7: desc 16, avail 2, used 4. */
	if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3))
		return vq_bad(vq, -EINVAL, "misaligned ring");
	/* Both event fields are counted even if EVENT_IDX is off. */
	vq->desc = guest_mem_ptr(vq->mem, vq->desc_gpa,
				 n * sizeof(struct virtq_desc));
	vq->avail = guest_mem_ptr(vq->mem, vq->avail_gpa, 6 + 2 * n);
	vq->used = guest_mem_ptr(vq->mem, vq->used_gpa,
				 6 + sizeof(struct virtq_used_elem) * n);
	if (!vq->desc || !vq->avail || !vq->used) {
		vq->desc = NULL;
		vq->avail = NULL;
		vq->used = NULL;
		return vq_bad(vq, -EFAULT, "ring outside guest RAM "
			      "(desc 0x%llx avail 0x%llx used 0x%llx)",
			      (unsigned long long)vq->desc_gpa,
			      (unsigned long long)vq->avail_gpa,
			      (unsigned long long)vq->used_gpa);
	}
	vq->event_idx = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	vq->last_avail = vq->used_idx = vq->signalled = 0;
	vq->ready = true;
	return 0;
}

int virtq_legacy_layout(struct virtq *vq, uint64_t gpa)
{
	uint64_t align = vq->align, avail_end;

	if (!align || (align & (align - 1)))
		return vq_bad(vq, -EINVAL, "QueueAlign %llu is not a power "
			      "of two", (unsigned long long)align);
	/*
	 * gpa < 2^63 (a 32-bit PFN times a 32-bit page size) and num and
	 * align are 16 and 32 bits: none of this can wrap.
	 */
	vq->desc_gpa = gpa;
	vq->avail_gpa = gpa + sizeof(struct virtq_desc) * (uint64_t)vq->num;
	/* flags, idx, ring[num], used_event */
	avail_end = vq->avail_gpa + 6 + 2 * (uint64_t)vq->num;
	vq->used_gpa = (avail_end + align - 1) & ~(align - 1);
	return 0;
}

static uint16_t load16(const uint16_t *p, int order)
{
	return le16toh(__atomic_load_n(p, order));
}

static void store16(uint16_t *p, uint16_t v, int order)
{
	__atomic_store_n(p, htole16(v), order);
}

/* avail_event sits after the used ring; used_event after the avail ring. */
static uint16_t *avail_event(struct virtq *vq)
{
	return (uint16_t *)&vq->used->ring[vq->num];
}

static uint16_t *used_event(struct virtq *vq)
{
	return &vq->avail->ring[vq->num];
}

/* Walk state: where descriptors come from and how many may follow. */
struct walk {
	const struct virtq_desc *table;
	uint32_t size;		/* entries in table */
	uint32_t seen;		/* descriptors taken from table */
	bool in_indirect;
};

static int add_segment(struct virtq *vq, struct virtq_req *req,
		       const struct virtq_desc *d)
{
	unsigned int n = req->nr_out + req->nr_in;
	bool writable = d->flags & VIRTQ_DESC_F_WRITE;
	void *host;

	if (!writable && req->nr_in)
		return vq_bad(vq, -EINVAL, "head %u: readable descriptor "
			      "after a writable one", req->head);
	/* Nothing is ever read from or written to an empty buffer. */
	if (!d->len)
		return 0;
	if (n == VIRTQ_MAX_SEGS)
		return vq_bad(vq, -E2BIG, "head %u: more than %u segments",
			      req->head, VIRTQ_MAX_SEGS);
	host = guest_mem_ptr(vq->mem, d->addr, d->len);
	if (!host)
		return vq_bad(vq, -EFAULT, "head %u: buffer 0x%llx+%u outside "
			      "guest RAM", req->head,
			      (unsigned long long)d->addr, d->len);
	req->iov[n].iov_base = host;
	req->iov[n].iov_len = d->len;
	if (writable) {
		req->nr_in++;
		req->in_len += d->len;
	} else {
		req->nr_out++;
		req->out_len += d->len;
	}
	return 0;
}

static void read_desc(const struct virtq_desc *src, struct virtq_desc *d)
{
	/* One copy: later checks and uses all see the same values. */
	memcpy(d, src, sizeof(*d));
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

static int walk_chain(struct virtq *vq, struct virtq_req *req, uint16_t head)
{
	struct walk w = { .table = vq->desc, .size = vq->num };
	struct virtq_desc d;
	uint32_t i = head;
	int ret;

	if (head >= vq->num)
		return vq_bad(vq, -EINVAL, "head %u out of range (size %u)",
			      head, vq->num);
	for (;;) {
		/* More descriptors than the table holds: the chain loops. */
		if (++w.seen > w.size)
			return vq_bad(vq, -ELOOP, "head %u: chain loops or is "
				      "longer than its table (%u)", head,
				      w.size);
		read_desc(&w.table[i], &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!vq->indirect)
				return vq_bad(vq, -EINVAL, "head %u: indirect "
					      "descriptor not negotiated",
					      head);
			if (w.in_indirect)
				return vq_bad(vq, -EINVAL, "head %u: indirect "
					      "inside indirect", head);
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return vq_bad(vq, -EINVAL, "head %u: indirect "
					      "descriptor with NEXT", head);
			if (!d.len || d.len % sizeof(struct virtq_desc))
				return vq_bad(vq, -EINVAL, "head %u: indirect "
					      "table of %u bytes", head,
					      d.len);
			/* Bounds the walk: no driver needs a larger table. */
			if (d.len / sizeof(struct virtq_desc) > VIRTQ_MAX_NUM)
				return vq_bad(vq, -E2BIG, "head %u: indirect "
					      "table of %u entries", head,
					      d.len / 16);
			w.table = guest_mem_ptr(vq->mem, d.addr, d.len);
			if (!w.table)
				return vq_bad(vq, -EFAULT, "head %u: indirect "
					      "table 0x%llx+%u outside guest "
					      "RAM", head,
					      (unsigned long long)d.addr,
					      d.len);
			w.size = d.len / sizeof(struct virtq_desc);
			w.seen = 0;
			w.in_indirect = true;
			i = 0;
			continue;
		}
		ret = add_segment(vq, req, &d);
		if (ret)
			return ret;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= w.size)
			return vq_bad(vq, -EINVAL, "head %u: next %u out of "
				      "range (%u)", head, d.next, w.size);
		i = d.next;
	}
}

int virtq_pop(struct virtq *vq, struct virtq_req *req)
{
	uint16_t avail_idx, head;

	if (!vq->ready)
		return -EAGAIN;
	/* Acquire: ring entries are read only after the index covering them. */
	avail_idx = load16(&vq->avail->idx, __ATOMIC_ACQUIRE);
	if (avail_idx == vq->last_avail) {
		if (!vq->event_idx)
			return -EAGAIN;
		/*
		 * Ask to be kicked for the next buffer, then look again: a
		 * buffer added before the driver saw avail_event would
		 * otherwise sit there with no kick coming (2.7.10).
		 */
		store16(avail_event(vq), vq->last_avail, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		avail_idx = load16(&vq->avail->idx, __ATOMIC_ACQUIRE);
		if (avail_idx == vq->last_avail)
			return -EAGAIN;
	}
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->num)
		return vq_bad(vq, -EINVAL, "avail idx %u runs %u ahead of "
			      "the queue size %u", avail_idx,
			      (uint16_t)(avail_idx - vq->last_avail), vq->num);

	head = load16(&vq->avail->ring[vq->last_avail % vq->num],
		      __ATOMIC_RELAXED);
	memset(req, 0, offsetof(struct virtq_req, iov));
	req->head = head;
	/* Consumed even if malformed: the device stops on errors anyway. */
	vq->last_avail++;
	if (vq->event_idx)
		store16(avail_event(vq), vq->last_avail, __ATOMIC_RELAXED);
	return walk_chain(vq, req, head);
}

void virtq_unpop(struct virtq *vq, uint16_t n)
{
	/*
	 * avail_event stays where the failed pop left it: past the chains
	 * given back, so the driver still kicks when it adds the buffer the
	 * device was missing.
	 */
	vq->last_avail -= n;
}

int virtq_push_batch(struct virtq *vq, const struct virtq_used_elem *elems,
		     unsigned int n)
{
	struct virtq_used_elem *e;
	unsigned int i;

	if (!vq->ready)
		return -EINVAL;
	if (n > vq->num)
		return vq_bad(vq, -EINVAL, "push of %u chains into a queue "
			      "of %u", n, vq->num);
	for (i = 0; i < n; i++)
		if (elems[i].id >= vq->num)
			return vq_bad(vq, -EINVAL, "push of head %u out of "
				      "range", elems[i].id);
	for (i = 0; i < n; i++) {
		e = &vq->used->ring[(uint16_t)(vq->used_idx + i) % vq->num];
		__atomic_store_n(&e->id, htole32(elems[i].id),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&e->len, htole32(elems[i].len),
				 __ATOMIC_RELAXED);
	}
	vq->used_idx += n;
	/* Release: the elements are visible before the index covering them. */
	store16(&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
	return 0;
}

int virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	struct virtq_used_elem e = { .id = head, .len = len };

	return virtq_push_batch(vq, &e, 1);
}

bool virtq_should_notify(struct virtq *vq)
{
	uint16_t old, new, event;

	if (!vq->ready)
		return false;
	/* Our used->idx store must be seen before we read the driver's wish. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(load16(&vq->avail->flags, __ATOMIC_RELAXED) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	old = vq->signalled;
	new = vq->used_idx;
	vq->signalled = new;
	event = load16(used_event(vq), __ATOMIC_RELAXED);
	/* Did used->idx move past used_event since the last check? */
	return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
}

uint64_t virtq_req_fill(struct virtq_req *req, const void *src, uint64_t len)
{
	const uint8_t *p = src;
	uint64_t done = 0;
	unsigned int i;

	for (i = req->nr_out; i < req->nr_out + req->nr_in && done < len; i++) {
		uint64_t n = req->iov[i].iov_len;

		if (n > len - done)
			n = len - done;
		memcpy(req->iov[i].iov_base, p + done, n);
		done += n;
	}
	return done;
}

uint64_t virtq_req_gather(const struct virtq_req *req, void *dst,
			  size_t dst_size, uint64_t len)
{
	uint8_t *p = dst;
	uint64_t done = 0;
	unsigned int i;

	if (len > dst_size)
		len = dst_size;

	for (i = 0; i < req->nr_out && done < len; i++) {
		uint64_t n = req->iov[i].iov_len;

		if (n > len - done)
			n = len - done;
		memcpy(p + done, req->iov[i].iov_base, n);
		done += n;
	}
	return done;
}
