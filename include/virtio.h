/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_VIRTIO_H
#define POCVM_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

#include "config.h"
#include "guest-mem.h"
#include "log.h"

struct vm;
struct device;

/* Feature bits (virtio 1.2, section 6). */
#define VIRTIO_F_ANY_LAYOUT		27	/* legacy only (6.3) */
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_RING_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32

/* Device status bits (section 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* InterruptStatus bits. */
#define VIRTIO_INT_VRING		0x1
#define VIRTIO_INT_CONFIG		0x2

/* Split virtqueue layout (section 2.7), all little-endian. */
#define VIRTQ_DESC_F_NEXT		1
#define VIRTQ_DESC_F_WRITE		2
#define VIRTQ_DESC_F_INDIRECT		4
#define VIRTQ_AVAIL_F_NO_INTERRUPT	1
#define VIRTQ_USED_F_NO_NOTIFY		1

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];	/* num entries, then used_event */
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];	/* num entries, then avail_event */
};

/* Largest queue a device may offer: the spec's limit for split rings. */
#define VIRTQ_MAX_NUM		32768
/*
 * Segments one request may have; a longer chain fails with -E2BIG. 258:
 * a 1 MiB block request in 4 KiB pages, its header and its status byte
 * in one chain (virtio-blk's seg_max is this less 2), where 128 split it
 * into three requests.
 */
#define VIRTQ_MAX_SEGS		258

/*
 * One split virtqueue. The transport fills num and the three ring
 * addresses from the driver's writes; virtq_enable() validates them and
 * caches host pointers (valid for the VM's lifetime: RAM never moves).
 */
struct virtq {
	const struct guest_mem *mem;
	unsigned int index;
	uint16_t num_max;
	uint16_t num;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	/* The legacy transport's QueueAlign and live QueuePFN (0: none). */
	uint32_t align;
	uint32_t pfn;
	bool ready;
	bool event_idx;		/* negotiated features, fixed at enable */
	bool indirect;
	bool warned;		/* one warning per queue until reset */
	struct log_ratelimit *log_rl;	/* the device's, or NULL alone */

	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t last_avail;	/* next avail ring slot to consume */
	uint16_t used_idx;	/* our copy of used->idx */
	uint16_t signalled;	/* used_idx when we last decided to notify */
};

/*
 * A popped request: readable (driver -> device) segments first, then
 * writable ones, each already translated and bounds-checked.
 */
struct virtq_req {
	uint16_t head;
	unsigned int nr_out;
	unsigned int nr_in;
	uint64_t out_len;
	uint64_t in_len;
	struct iovec iov[VIRTQ_MAX_SEGS];
};

/* Back to the state after reset: not ready, addresses zero. */
void virtq_reset(struct virtq *vq);
/* QueueReady = 1: check num and the rings, then go live. */
int virtq_enable(struct virtq *vq, uint64_t features);
/*
 * The legacy layout (2.7.2 "Legacy Interfaces"): one area at gpa holding
 * the descriptor table, the avail ring, and the used ring at the next
 * multiple of vq->align. Sets the three ring addresses from gpa and
 * vq->num; virtq_enable() still checks them.
 */
int virtq_legacy_layout(struct virtq *vq, uint64_t gpa);
/*
 * Take the next available chain. 0 with req filled; -EAGAIN when the
 * ring is empty; any other negative errno means the driver handed over
 * a malformed chain or ring (logged once): the device must stop.
 */
int virtq_pop(struct virtq *vq, struct virtq_req *req);
/*
 * Give back the last n chains popped and not pushed: the next pops
 * return them again (a device that found too few buffers for a packet).
 */
void virtq_unpop(struct virtq *vq, uint16_t n);
/* Return chain head to the driver with len bytes written into it. */
int virtq_push(struct virtq *vq, uint16_t head, uint32_t len);
/*
 * Return n chains (ids and lengths in host order) behind one used->idx
 * update: the driver sees all of them or none, e.g. every buffer of one
 * merged packet.
 */
int virtq_push_batch(struct virtq *vq, const struct virtq_used_elem *elems,
		     unsigned int n);
/* After pushes: does the driver want an interrupt (EVENT_IDX aware)? */
bool virtq_should_notify(struct virtq *vq);

/* Copy up to len bytes into the writable segments of req. */
uint64_t virtq_req_fill(struct virtq_req *req, const void *src,
			uint64_t len);
/*
 * Copy up to len bytes out of the readable segments of req, and never
 * more than dst_size: a length the guest chose cannot reach past dst.
 */
uint64_t virtq_req_gather(const struct virtq_req *req, void *dst,
			  size_t dst_size, uint64_t len);

#define VIRTIO_MAX_QUEUES	8
#define VIRTIO_MMIO_SIZE	0x200
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_MMIO_VENDOR	0x76636f70	/* "pocv" */

struct virtio_dev;

/*
 * What a device type supplies; the transport does the rest. Callbacks
 * run with the device's lock held (MMIO accesses hold it already).
 */
struct virtio_dev_ops {
	const char *name;
	uint32_t device_id;
	uint64_t features;	/* device-specific bits offered */
	unsigned int nr_queues;
	uint16_t queue_num_max;
	uint32_t config_size;
	/* off + len <= config_size; data little-endian */
	void (*config_read)(struct virtio_dev *vdev, uint32_t off,
			    void *data, unsigned int len);
	void (*config_write)(struct virtio_dev *vdev, uint32_t off,
			     const void *data, unsigned int len);
	/* The driver kicked vq (it is ready, and DRIVER_OK is set). */
	void (*queue_notify)(struct virtio_dev *vdev, struct virtq *vq);
	/* Device-specific part of a reset (status 0 or VM reboot). */
	void (*reset)(struct virtio_dev *vdev);
	/*
	 * The driver set DRIVER_OK: its queues are live. A device may hand
	 * them to vhost here (see queue_kick_fd and queue_call_fd).
	 */
	void (*driver_ok)(struct virtio_dev *vdev);
	/* The VM is up (event loop running): watch the device's own fds. */
	int (*start)(struct virtio_dev *vdev);
	void (*teardown)(struct virtio_dev *vdev);
	/* A control-socket command (device_ops.control), lock held. */
	int (*control)(struct virtio_dev *vdev, const char *cmd,
		       const char *args, FILE *out);
	/*
	 * Serve kicks still pending when the guest powers off (device_ops
	 * .stopped): what it sent just before matters (the exit status).
	 */
	bool drain_at_stop;
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	struct device *dev;	/* NULL in unit tests */
	const struct guest_mem *mem;
	void *priv;
	/* Drives the interrupt line; vm_set_irq() in a VM, a fake in tests. */
	int (*set_irq)(struct virtio_dev *vdev, int level);
	/*
	 * The line is asserted and stays so, but the guest needs another
	 * interrupt: an edge-triggered SPI's last edge is spent (NULL: a
	 * level line, which needs nothing).
	 */
	void (*irq_again)(struct virtio_dev *vdev);
	bool irq_level;
	/*
	 * For a device that lets the kernel (vhost) serve its queues; set
	 * by the bus, NULL in unit tests. queue_kick_fd() returns the
	 * eventfd KVM signals on the queue's QueueNotify and stops (take)
	 * or resumes (!take) serving it here; -errno if there is none.
	 * queue_call_fd() returns an eventfd whose every signal raises a
	 * vring interrupt, as virtio_vring_interrupt() does.
	 */
	int (*queue_kick_fd)(struct virtio_dev *vdev, unsigned int index,
			     bool take);
	int (*queue_call_fd)(struct virtio_dev *vdev, unsigned int index);

	uint32_t status;
	uint32_t isr;
	uint32_t config_gen;
	uint32_t dev_feat_sel;
	uint32_t drv_feat_sel;
	uint32_t queue_sel;
	uint32_t shm_sel;
	/*
	 * Version 1 registers (--virtio-transport mmio-legacy), fixed at
	 * init. GuestPageSize outlives a device reset: Linux writes it once,
	 * when it finds the device, and resets the device after that.
	 */
	bool legacy;
	uint32_t guest_page_size;
	uint64_t host_features;
	uint64_t guest_features;
	bool broken;
	bool warned_width;	/* one warning for odd register accesses */
	/* Resets clear the one-shot flags; this one outlives them. */
	struct log_ratelimit log_rl;
	struct virtq vqs[VIRTIO_MAX_QUEUES];
};

/*
 * Set up vdev for ops on the given register set (no VM needed: unit tests
 * drive it directly).
 */
int virtio_dev_init(struct virtio_dev *vdev, const struct virtio_dev_ops *ops,
		    enum virtio_transport transport,
		    const struct guest_mem *mem, void *priv);
/* A register access at off within the 0x200 window. */
void virtio_mmio_access(struct virtio_dev *vdev, uint64_t off, void *data,
			unsigned int len, bool is_write);
/* Device reset: what writing 0 to Status does. */
void virtio_dev_reset(struct virtio_dev *vdev);
/* VM reset: a device reset, and GuestPageSize forgotten too. */
void virtio_dev_system_reset(struct virtio_dev *vdev);
/* The driver notified queue index (QueueNotify or its ioeventfd). */
void virtio_queue_kick(struct virtio_dev *vdev, uint32_t index);
/* Used buffers were pushed on vq: interrupt the driver if it wants. */
void virtio_notify(struct virtio_dev *vdev, struct virtq *vq);
/* Someone who already checked the driver's wishes (vhost) says notify. */
void virtio_vring_interrupt(struct virtio_dev *vdev);
/*
 * The device changed its configuration space: a new ConfigGeneration and
 * a configuration interrupt, once the driver runs the device.
 */
void virtio_config_changed(struct virtio_dev *vdev);
/* The driver broke the rules: set DEVICE_NEEDS_RESET, config interrupt. */
void virtio_dev_broken(struct virtio_dev *vdev);

/* The bus glue (vm.h): one window and SPI per instance, DT node. */
int virtio_mmio_add(struct vm *vm, const struct virtio_dev_ops *ops,
		    void *priv);

#endif
