// SPDX-License-Identifier: GPL-2.0
/*
 * The split-ring walker on its own: rings anywhere (or nowhere) in the
 * fake RAM, descriptor tables and buffers straight from the input, and
 * the driver rewriting RAM between pops. Every segment a pop returns is
 * read and written in full, so ASan sees any that leaves guest RAM.
 *
 * Input: u8 log2(num_max) | RAM image (fuzz_ram_init()) | u8 features
 * (1 EVENT_IDX, 2 INDIRECT_DESC, 0x80 a u64 desc address follows), u16
 * num, u16 desc/avail/used offsets into RAM | operations, below.
 */
#include <errno.h>

#include "fuzz.h"
#include "log.h"
#include "virtio.h"

#define MAX_OPS		256

enum {
	OP_POP,		/* pop, use every segment, push the result */
	OP_PUSH,	/* u16 head, u32 len: push whatever the input says */
	OP_NOTIFY,	/* virtq_should_notify() */
	OP_POKE,	/* fuzz_ram_poke() */
	OP_REENABLE,	/* reset, then set up again from the input */
	NR_OPS
};

static uint8_t scratch[VIRTQ_MAX_SEGS * FUZZ_RAM_SIZE];

static void enable(struct virtq *vq, struct fuzz_in *in)
{
	uint8_t features = fuzz_u8(in);

	virtq_reset(vq);
	vq->num = fuzz_u16(in);
	vq->desc_gpa = FUZZ_RAM_BASE + fuzz_u16(in);
	vq->avail_gpa = FUZZ_RAM_BASE + fuzz_u16(in);
	vq->used_gpa = FUZZ_RAM_BASE + fuzz_u16(in);
	/* Now and then a ring at a wild address, not just near RAM. */
	if (features & 0x80)
		vq->desc_gpa = fuzz_u64(in);
	virtq_enable(vq, ((features & 1) ? 1ULL << VIRTIO_RING_F_EVENT_IDX :
			  0) |
		     ((features & 2) ? 1ULL << VIRTIO_RING_F_INDIRECT_DESC :
		      0));
}

static void check_req(const struct virtq *vq, const struct virtq_req *req)
{
	uint64_t out = 0, in = 0;
	unsigned int i;

	FUZZ_CHECK(req->head < vq->num);
	FUZZ_CHECK(req->nr_out + req->nr_in <= VIRTQ_MAX_SEGS);
	for (i = 0; i < req->nr_out + req->nr_in; i++) {
		FUZZ_CHECK(req->iov[i].iov_len);
		if (i < req->nr_out)
			out += req->iov[i].iov_len;
		else
			in += req->iov[i].iov_len;
	}
	FUZZ_CHECK(out == req->out_len && in == req->in_len);
}

static void pop(struct virtq *vq)
{
	struct virtq_req req;
	uint64_t n;
	int ret;

	ret = virtq_pop(vq, &req);
	if (ret)
		return;
	check_req(vq, &req);
	/* Segments may overlap each other: fine, the guest's business. */
	n = virtq_req_gather(&req, scratch, sizeof(scratch), req.out_len);
	FUZZ_CHECK(n == req.out_len);
	n = virtq_req_fill(&req, scratch, req.in_len);
	FUZZ_CHECK(n == req.in_len);
	FUZZ_CHECK(!virtq_push(vq, req.head, n));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_verbose_init();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct guest_mem mem;
	struct fuzz_ram ram;
	struct virtq vq = { .mem = &mem };
	unsigned int i;

	/* Queue sizes up to the spec's limit: the rings must fit in RAM. */
	vq.num_max = 1 << (fuzz_u8(&in) % 16);
	fuzz_ram_init(&ram, &mem, &in);
	enable(&vq, &in);

	for (i = 0; i < MAX_OPS && !fuzz_empty(&in); i++) {
		switch (fuzz_u8(&in) % NR_OPS) {
		case OP_POP:
			pop(&vq);
			break;
		case OP_PUSH: {
			uint16_t head = fuzz_u16(&in);

			virtq_push(&vq, head, fuzz_u32(&in));
			break;
		}
		case OP_NOTIFY:
			virtq_should_notify(&vq);
			break;
		case OP_POKE:
			fuzz_ram_poke(&ram, &in);
			break;
		case OP_REENABLE:
			enable(&vq, &in);
			break;
		}
	}
	fuzz_ram_release(&ram);
	return 0;
}
