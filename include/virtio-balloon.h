/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_VIRTIO_BALLOON_H
#define POCVM_VIRTIO_BALLOON_H

#include <stdbool.h>
#include <stdint.h>

#include "guest-mem.h"
#include "log.h"
#include "virtio.h"

/* Frames are 4 KiB on every transport and every page size (5.5.6). */
#define BALLOON_PFN_SHIFT	12
#define BALLOON_PAGE_SIZE	(1ULL << BALLOON_PFN_SHIFT)
#define BALLOON_PAGES_PER_MB	256
/* `pocvm balloon -i/-d MB`: more than a TiB at once is a typo. */
#define BALLOON_MAX_MB		(1LL << 20)
/* Statistics kept from one report (Linux 6.12 sends 16 tags). */
#define BALLOON_STATS_MAX	32

struct balloon_stat {
	uint16_t tag;
	uint64_t val;
};

/* The device's state (hw/virtio/balloon.c), under the device lock. */
struct balloon {
	const struct guest_mem *mem;
	struct log_ratelimit *log_rl;
	uint64_t host_page;
	uint64_t ram_pages;		/* guest RAM in frames: the largest target */
	uint32_t num_pages;		/* the target: ours to set */
	uint32_t actual;		/* the driver's count, as it wrote it */
	/* frames seen since start-up, and the 4 KiB given back to the host */
	uint64_t inflated, deflated, bad_pfns, discarded;
	bool stats_held;		/* the driver's stats buffer is here */
	uint16_t stats_head;
	uint64_t stats_gen;		/* reports received */
	struct balloon_stat stats[BALLOON_STATS_MAX];
	unsigned int nr_stats;
};

extern const struct virtio_dev_ops balloon_ops;

void balloon_init(struct balloon *b, const struct guest_mem *mem,
		  struct log_ratelimit *log_rl);
/* Inflate (or deflate) queue: the chain's le32 frame numbers. */
void balloon_take_pages(struct balloon *b, const struct virtq_req *req,
			bool inflate);
/* Stats queue: the chain's {le16 tag, le64 value} entries. */
void balloon_take_stats(struct balloon *b, const struct virtq_req *req);

#endif
