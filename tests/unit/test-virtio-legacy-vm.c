// SPDX-License-Identifier: GPL-2.0
/*
 * Whole devices on legacy virtio-mmio (--virtio-transport mmio-legacy),
 * created the way a run creates them (their device_type, the bus) over
 * fake guest RAM: virtio-console driven as kvm-unit-tests' chr-testdev
 * drives it, virtio-rng as Linux's legacy driver does, and every queue
 * offering on version 1 what it offers on version 2.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "layout.h"
#include "log.h"
#include "unit.h"
#include "virtio.h"
#include "vm.h"

extern const struct device_type virtio_console_type;
extern const struct device_type virtio_rng_type;

#define SIZE		(4ULL << 20)
#define RAM		LAYOUT_RAM_BASE

static struct vm *vm;
static struct config cfg;
static uint8_t *ram;
static int irq_level;
static enum log_level saved_level;

static int fake_set_irq(struct virtio_dev *v, int level)
{
	irq_level = level;
	return 0;
}

/* The n-th virtio device: console first, then rng. */
static struct virtio_dev *vdev_of(unsigned int n)
{
	ck_assert_uint_gt(vm->nr_devices, n);
	return vm->devices[n].priv;
}

static uint32_t rd(unsigned int n, uint64_t off)
{
	uint32_t v;

	ck_assert(vm_mmio_access(vm, LAYOUT_VIRTIO_BASE +
				 n * LAYOUT_VIRTIO_STRIDE + off, &v, 4,
				 false));
	return v;
}

static void wr(unsigned int n, uint64_t off, uint32_t v)
{
	ck_assert(vm_mmio_access(vm, LAYOUT_VIRTIO_BASE +
				 n * LAYOUT_VIRTIO_STRIDE + off, &v, 4, true));
}

/* Console (window 0) and rng (window 1) on the transport asked for. */
static void make_vm(enum virtio_transport t)
{
	unsigned int i;

	vm = calloc(1, sizeof(*vm));
	ck_assert_ptr_nonnull(vm);
	memset(&cfg, 0, sizeof(cfg));
	cfg.console = CONSOLE_VIRTIO;
	cfg.rng = true;
	cfg.virtio_transport = t;
	vm->cfg = &cfg;
	vm->layout = machine_layout(MACHINE_KVMTOOL);
	vm->vm_fd = -1;
	console_init(&vm->console);
	vm->console.out_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ck_assert_int_ge(vm->console.out_fd, 0);
	ck_assert_int_eq(guest_mem_add_host(&vm->mem, RAM, SIZE, ram), 0);
	ck_assert_int_eq(virtio_console_type.create(vm), 0);
	ck_assert_int_eq(virtio_rng_type.create(vm), 0);
	for (i = 0; i < vm->nr_devices; i++)
		vdev_of(i)->set_irq = fake_set_irq;
	irq_level = 0;
}

static void free_vm(void)
{
	unsigned int i;

	for (i = 0; i < vm->nr_devices; i++)
		vm->devices[i].ops->teardown(&vm->devices[i]);
	close(vm->console.out_fd);
	guest_mem_release(&vm->mem);
	free(vm);
	vm = NULL;
}

static void setup(void)
{
	ram = calloc(1, SIZE);
	ck_assert_ptr_nonnull(ram);
	saved_level = log_threshold;
	log_threshold = LOG_ERROR;
}

static void teardown(void)
{
	log_threshold = saved_level;
	if (vm)
		free_vm();
	free(ram);
}

/* Put one buffer on a packed legacy ring of num entries at off. */
static void post(uint64_t off, uint32_t num, uint64_t buf, uint32_t len,
		 bool writable)
{
	struct virtq_desc *d = (struct virtq_desc *)(ram + off);
	struct virtq_avail *a = (struct virtq_avail *)(ram + off + 16 * num);

	d[0] = (struct virtq_desc){ RAM + buf, len,
				    writable ? VIRTQ_DESC_F_WRITE : 0, 0 };
	a->ring[a->idx % num] = 0;
	__atomic_store_n(&a->idx, a->idx + 1, __ATOMIC_RELEASE);
}

static struct virtq_used *used(uint64_t off, uint32_t num, uint32_t align)
{
	uint64_t end = off + 16 * num + 6 + 2 * num;

	return (struct virtq_used *)(ram + ((end + align - 1) & ~(align - 1)));
}

/*
 * chr-testdev (kvm-unit-tests lib/chr-testdev.c over lib/virtio-mmio.c):
 * 64 KiB pages, both port 0 queues at PFNs, no status, no features;
 * "0q" on the transmit queue is how a test says it passed.
 */
START_TEST(console_chr_testdev)
{
	const uint32_t page = 65536;
	uint32_t num[2];
	unsigned int q;

	make_vm(VIRTIO_TRANSPORT_MMIO_LEGACY);
	ck_assert_uint_eq(rd(0, 0x004), 1);
	ck_assert_uint_eq(rd(0, 0x008), 3);
	wr(0, 0x028, page);
	for (q = 0; q < 2; q++) {
		uint32_t pfn = (RAM + (q + 1) * 0x40000) / page;

		wr(0, 0x030, q);
		/* kvm-unit-tests asks 128: whatever the device offers. */
		num[q] = rd(0, 0x034);
		ck_assert_uint_ge(num[q], 64);
		ck_assert_uint_eq(rd(0, 0x040), 0);
		wr(0, 0x038, num[q]);
		wr(0, 0x03c, page);
		wr(0, 0x040, pfn);
		ck_assert_uint_eq(rd(0, 0x040), pfn);
	}
	memcpy(ram + 0x200000, "0q", 2);
	post(0x80000, num[1], 0x200000, 2, false);
	wr(0, 0x050, 1);
	ck_assert_uint_eq(used(0x80000, num[1], page)->idx, 1);
	ck_assert_uint_eq(vm->console.tail_len, 2);
	ck_assert_mem_eq(vm->console.tail, "0q", 2);
	ck_assert_int_eq(irq_level, 1);
	ck_assert_uint_eq(rd(0, 0x060), VIRTIO_INT_VRING);
	ck_assert_uint_eq(rd(0, 0x070), 0);
}
END_TEST

/* virtio-rng as Linux's legacy driver brings it up. */
START_TEST(rng_linux_legacy)
{
	uint32_t f, num;
	unsigned int i, nonzero = 0;

	make_vm(VIRTIO_TRANSPORT_MMIO_LEGACY);
	ck_assert_uint_eq(rd(1, 0x004), 1);
	ck_assert_uint_eq(rd(1, 0x008), 4);
	wr(1, 0x028, 4096);
	wr(1, 0x070, 0);
	wr(1, 0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(1, 0x014, 1);
	ck_assert_uint_eq(rd(1, 0x010), 0);	/* no VERSION_1 */
	wr(1, 0x014, 0);
	f = rd(1, 0x010);
	wr(1, 0x024, 1);
	wr(1, 0x020, 0);
	wr(1, 0x024, 0);
	wr(1, 0x020, f);
	wr(1, 0x030, 0);
	num = rd(1, 0x034);
	wr(1, 0x038, num);
	wr(1, 0x03c, 4096);
	wr(1, 0x040, (RAM + 0x10000) / 4096);
	wr(1, 0x070, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
	   VIRTIO_STATUS_DRIVER_OK);
	post(0x10000, num, 0x200000, 64, true);
	wr(1, 0x050, 0);
	ck_assert_uint_eq(used(0x10000, num, 4096)->idx, 1);
	ck_assert_uint_eq(used(0x10000, num, 4096)->ring[0].len, 64);
	for (i = 0; i < 64; i++)
		nonzero += ram[0x200000 + i] != 0;
	ck_assert_uint_gt(nonzero, 0);
	ck_assert_int_eq(irq_level, 1);
}
END_TEST

/* Nothing in the legacy transport caps a queue below what v2 offers. */
START_TEST(queue_sizes_match_modern)
{
	uint32_t modern[2][VIRTIO_MAX_QUEUES], n;
	unsigned int dev, q;

	make_vm(VIRTIO_TRANSPORT_MMIO);
	for (dev = 0; dev < 2; dev++) {
		ck_assert_uint_eq(rd(dev, 0x004), 2);
		for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
			wr(dev, 0x030, q);
			modern[dev][q] = rd(dev, 0x034);
		}
	}
	free_vm();
	make_vm(VIRTIO_TRANSPORT_MMIO_LEGACY);
	for (dev = 0; dev < 2; dev++) {
		ck_assert_uint_eq(rd(dev, 0x004), 1);
		for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
			wr(dev, 0x030, q);
			n = rd(dev, 0x034);
			ck_assert_uint_eq(n, modern[dev][q]);
			ck_assert_uint_eq(n, q < vdev_of(dev)->ops->nr_queues ?
					  vdev_of(dev)->ops->queue_num_max : 0);
		}
	}
}
END_TEST

static Suite *virtio_legacy_vm_suite(void)
{
	Suite *s = suite_create("virtio-legacy-devices");
	TCase *tc = tcase_create("legacy");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, console_chr_testdev);
	tcase_add_test(tc, rng_linux_legacy);
	tcase_add_test(tc, queue_sizes_match_modern);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(virtio_legacy_vm_suite)
