// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon (device ID 5, virtio 1.2 section 5.5), kvmtool's
 * --balloon: the host asks for a number of pages (num_pages, set by
 * `pocvm balloon`), the driver hands pages over on the inflate queue and
 * takes them back on the deflate queue, and pocvm gives the host memory
 * behind inflated pages back with MADV_DONTNEED. With
 * VIRTIO_BALLOON_F_STATS_VQ the driver reports its memory statistics
 * whenever pocvm returns the stats buffer (`pocvm stat -m`).
 *
 * Pages are 4 KiB frame numbers on both register sets, whatever the
 * guest's or the host's page size (5.5.6 "The device MUST use 4096").
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "virtio.h"
#include "virtio-balloon.h"

#define BALLOON_QUEUE_SIZE	128	/* kvmtool's */
#define BALLOON_F_STATS_VQ	1
#define Q_INFLATE		0
#define Q_DEFLATE		1
#define Q_STATS			2

/* One statistic as the driver sends it: le16 tag, le64 value, packed. */
#define STAT_ENTRY_SIZE		10
/*
 * Frames taken from one request. Linux sends at most 256; a chain of
 * 128 descriptors each spanning guest RAM would otherwise keep the
 * event loop busy for minutes.
 */
#define MAX_PFNS_PER_REQ	4096

/* The host address range of the run collected so far: discard it. */
static void discard_run(struct balloon *b, uint64_t gpa, uint64_t len)
{
	uintptr_t start, end, hp = b->host_page;
	uint8_t *host;

	if (!len)
		return;
	host = guest_mem_ptr(b->mem, gpa, len);
	if (!host)
		return;
	/* Only whole host pages: a 64 KiB host page holds 16 frames. */
	start = ((uintptr_t)host + hp - 1) & ~(hp - 1);
	end = ((uintptr_t)host + len) & ~(hp - 1);
	if (start >= end)
		return;
	if (madvise((void *)start, end - start, MADV_DONTNEED))
		pr_debug("virtio-balloon: madvise: %s", strerror(errno));
	else
		b->discarded += (end - start) / BALLOON_PAGE_SIZE;
}

/*
 * One frame number from the driver. Contiguous frames are discarded as
 * one range, so that a guest (or host) page larger than 4 KiB is given
 * back whole; a frame outside guest RAM is skipped.
 */
static void take_pfn(struct balloon *b, bool inflate, uint32_t pfn,
		     uint64_t *run_gpa, uint64_t *run_len)
{
	uint64_t gpa = (uint64_t)pfn << BALLOON_PFN_SHIFT;

	if (!guest_mem_contains(b->mem, gpa, BALLOON_PAGE_SIZE)) {
		pr_guest(b->log_rl, LOG_WARN, "virtio-balloon: frame 0x%" PRIx32
			 " is not guest RAM: ignored", pfn);
		b->bad_pfns++;
		return;
	}
	if (!inflate) {
		b->deflated++;
		return;
	}
	b->inflated++;
	if (*run_len && gpa == *run_gpa + *run_len &&
	    guest_mem_contains(b->mem, *run_gpa, *run_len + BALLOON_PAGE_SIZE)) {
		*run_len += BALLOON_PAGE_SIZE;
		return;
	}
	discard_run(b, *run_gpa, *run_len);
	*run_gpa = gpa;
	*run_len = BALLOON_PAGE_SIZE;
}

/*
 * A chain of le32 frame numbers, read where the driver put them: a
 * number may straddle two segments, and a trailing partial one is
 * ignored, as is everything past MAX_PFNS_PER_REQ frames. Nothing is
 * written back (used length 0).
 */
void balloon_take_pages(struct balloon *b, const struct virtq_req *req,
			bool inflate)
{
	uint64_t run_gpa = 0, run_len = 0;
	unsigned int i, have = 0, taken = 0;
	uint8_t word[4];
	size_t j;

	for (i = 0; i < req->nr_out && taken < MAX_PFNS_PER_REQ; i++) {
		const uint8_t *p = req->iov[i].iov_base;

		for (j = 0; j < req->iov[i].iov_len &&
			    taken < MAX_PFNS_PER_REQ; j++) {
			uint32_t pfn;

			word[have++] = p[j];
			if (have < 4)
				continue;
			have = 0;
			taken++;
			memcpy(&pfn, word, 4);
			take_pfn(b, inflate, le32toh(pfn), &run_gpa, &run_len);
		}
	}
	if (taken == MAX_PFNS_PER_REQ && req->out_len > 4ULL * taken)
		pr_guest(b->log_rl, LOG_WARN, "virtio-balloon: a request of "
			 "%" PRIu64 " bytes: frames past %u ignored",
			 req->out_len, MAX_PFNS_PER_REQ);
	discard_run(b, run_gpa, run_len);
}

/* The driver's statistics, a whole number of entries, at most the max. */
void balloon_take_stats(struct balloon *b, const struct virtq_req *req)
{
	uint8_t buf[BALLOON_STATS_MAX * STAT_ENTRY_SIZE];
	uint64_t got, val;
	uint16_t tag;
	unsigned int i;

	got = virtq_req_gather(req, buf, sizeof(buf), req->out_len);
	b->nr_stats = got / STAT_ENTRY_SIZE;
	for (i = 0; i < b->nr_stats; i++) {
		memcpy(&tag, buf + i * STAT_ENTRY_SIZE, 2);
		memcpy(&val, buf + i * STAT_ENTRY_SIZE + 2, 8);
		b->stats[i].tag = le16toh(tag);
		b->stats[i].val = le64toh(val);
	}
	b->stats_gen++;
}

static void balloon_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	struct balloon *b = vdev->priv;
	struct virtq_req req;
	int ret;

	b->log_rl = &vdev->log_rl;
	while ((ret = virtq_pop(vq, &req)) == 0) {
		if (vq->index != Q_STATS) {
			balloon_take_pages(b, &req, vq->index == Q_INFLATE);
			if (virtq_push(vq, req.head, 0))
				break;
			continue;
		}
		/*
		 * The driver keeps one buffer here (5.5.6.3): it stays with
		 * the device until `pocvm stat` asks for fresh figures. A
		 * second one replaces the first, which goes back.
		 */
		balloon_take_stats(b, &req);
		if (b->stats_held && virtq_push(vq, b->stats_head, 0))
			break;
		b->stats_held = true;
		b->stats_head = req.head;
	}
	if (ret != -EAGAIN) {
		virtio_dev_broken(vdev);
		return;
	}
	virtio_notify(vdev, vq);
}

/*
 * Linux's driver queues its first statistics buffer and kicks before it
 * sets DRIVER_OK, and the transport drops a kick that early (virtio 1.2,
 * 3.1.1 forbids it). Look at every queue now, or the buffer sits there
 * unseen and no statistics ever come.
 */
static void balloon_driver_ok(struct virtio_dev *vdev)
{
	unsigned int i;

	for (i = 0; i < vdev->ops->nr_queues && !vdev->broken; i++)
		if (vdev->vqs[i].ready)
			balloon_queue_notify(vdev, &vdev->vqs[i]);
}

static void balloon_config_read(struct virtio_dev *vdev, uint32_t off,
				void *data, unsigned int len)
{
	struct balloon *b = vdev->priv;
	uint32_t cfg[2] = { htole32(b->num_pages), htole32(b->actual) };

	memcpy(data, (uint8_t *)cfg + off, len);
}

/* Only actual is the driver's to write (5.5.4); num_pages is ours. */
static void balloon_config_write(struct virtio_dev *vdev, uint32_t off,
				 const void *data, unsigned int len)
{
	struct balloon *b = vdev->priv;
	uint32_t actual = htole32(b->actual);
	unsigned int i;

	for (i = 0; i < len; i++)
		if (off + i >= 4)
			((uint8_t *)&actual)[off + i - 4] =
				((const uint8_t *)data)[i];
	b->actual = le32toh(actual);
}

/* The driver is gone: its buffers and its word on actual with it. */
static void balloon_reset(struct virtio_dev *vdev)
{
	struct balloon *b = vdev->priv;

	b->stats_held = false;
	b->actual = 0;
}

/*
 * `balloon MB`: move the target by MB MiB (negative: deflate), kvmtool's
 * 256 frames per MiB. The target stays within guest RAM.
 */
static void balloon_cmd_balloon(struct balloon *b, struct virtio_dev *vdev,
				const char *args, FILE *out)
{
	long long mb, target;
	char *end;

	errno = 0;
	mb = strtoll(args, &end, 10);
	if (errno || end == args || *end || !mb ||
	    mb > BALLOON_MAX_MB || mb < -BALLOON_MAX_MB) {
		/* Not echoed: it may hold anything but a newline. */
		fprintf(out, "error: not a size in MiB\n");
		return;
	}
	target = (long long)b->num_pages + mb * BALLOON_PAGES_PER_MB;
	if (target < 0) {
		fprintf(out, "error: cannot deflate by %lld MiB: the balloon's "
			"target is %u MiB\n", -mb,
			b->num_pages / BALLOON_PAGES_PER_MB);
		return;
	}
	if ((uint64_t)target > b->ram_pages) {
		fprintf(out, "error: cannot inflate by %lld MiB: the target "
			"would pass the guest's RAM (%" PRIu64 " MiB)\n", mb,
			b->ram_pages / BALLOON_PAGES_PER_MB);
		return;
	}
	b->num_pages = target;
	virtio_config_changed(vdev);
	fprintf(out, "balloon: target %u MiB, the guest holds %u MiB\n",
		b->num_pages / BALLOON_PAGES_PER_MB,
		b->actual / BALLOON_PAGES_PER_MB);
}

static void balloon_reply_stats(struct balloon *b, FILE *out)
{
	unsigned int i;

	fprintf(out, "gen %" PRIu64 "\n", b->stats_gen);
	for (i = 0; i < b->nr_stats; i++)
		fprintf(out, "%u %" PRIu64 "\n", b->stats[i].tag,
			b->stats[i].val);
}

/*
 * `memstat`: the last statistics the driver sent, numbered; and if the
 * driver's buffer is here, hand it back so that the next ones are fresh.
 * The client asks again until the number moves.
 */
static void balloon_cmd_memstat(struct balloon *b, struct virtio_dev *vdev,
				FILE *out)
{
	struct virtq *vq = &vdev->vqs[Q_STATS];

	if (!(vdev->status & VIRTIO_STATUS_DRIVER_OK)) {
		fprintf(out, "error: no balloon driver runs in the guest\n");
		return;
	}
	if (!(vdev->guest_features & (1ULL << BALLOON_F_STATS_VQ))) {
		fprintf(out, "error: the guest's balloon driver does not "
			"report memory statistics\n");
		return;
	}
	if (b->stats_held && vq->ready) {
		b->stats_held = false;
		if (virtq_push(vq, b->stats_head, 0))
			virtio_dev_broken(vdev);
		else
			virtio_notify(vdev, vq);
	}
	balloon_reply_stats(b, out);
}

static int balloon_control(struct virtio_dev *vdev, const char *cmd,
			   const char *args, FILE *out)
{
	struct balloon *b = vdev->priv;

	if (!strcmp(cmd, "balloon"))
		balloon_cmd_balloon(b, vdev, args, out);
	else if (!strcmp(cmd, "memstat"))
		balloon_cmd_memstat(b, vdev, out);
	else
		return -ENOENT;
	return 0;
}

static void balloon_teardown(struct virtio_dev *vdev)
{
	free(vdev->priv);
}

const struct virtio_dev_ops balloon_ops = {
	.name = "virtio-balloon",
	.device_id = 5,
	.features = 1ULL << BALLOON_F_STATS_VQ,
	.nr_queues = 3,
	.queue_num_max = BALLOON_QUEUE_SIZE,
	.config_size = 8,
	.config_read = balloon_config_read,
	.config_write = balloon_config_write,
	.queue_notify = balloon_queue_notify,
	.reset = balloon_reset,
	.driver_ok = balloon_driver_ok,
	.teardown = balloon_teardown,
	.control = balloon_control,
};

void balloon_init(struct balloon *b, const struct guest_mem *mem,
		  struct log_ratelimit *log_rl)
{
	unsigned int i;
	long hp = sysconf(_SC_PAGESIZE);

	memset(b, 0, sizeof(*b));
	b->mem = mem;
	b->log_rl = log_rl;
	b->host_page = hp > 0 ? (uint64_t)hp : BALLOON_PAGE_SIZE;
	for (i = 0; i < mem->nr_regions; i++)
		b->ram_pages += mem->regions[i].size / BALLOON_PAGE_SIZE;
	if (b->ram_pages > UINT32_MAX)
		b->ram_pages = UINT32_MAX;
}
