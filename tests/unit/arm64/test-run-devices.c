// SPDX-License-Identifier: GPL-2.0
/*
 * The devices a run gets: every virtqueue offers at least as many entries as kvmtool's device of the same kind, since
 * drivers written against kvmtool ask for that many (virtio-blk's is
 * checked in tests/unit/test-virtio-blk.c: it needs libaio, which
 * qemu-user lacks).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unit.h"
#include "virtio-net.h"
#include "vm.h"

static char dir[64], kernel[96];

static void write_file(const char *path, size_t size)
{
	char *zeros = calloc(1, size);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_ptr_nonnull(zeros);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, zeros, size), (ssize_t)size);
	close(fd);
	free(zeros);
}

static void setup(void)
{
	strcpy(dir, "/tmp/pocvm-devs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(kernel, sizeof(kernel), "%s/flat.bin", dir);
	/* No Image header: a flat binary, as kvm-unit-tests' tests are. */
	write_file(kernel, 4096);
}

static void teardown(void)
{
	unlink(kernel);
	rmdir(dir);
}

static uint32_t vrd(struct virtio_dev *vdev, uint64_t off)
{
	uint32_t v;

	virtio_mmio_access(vdev, off, &v, 4, false);
	return v;
}

static void vwr(struct virtio_dev *vdev, uint64_t off, uint32_t v)
{
	virtio_mmio_access(vdev, off, &v, 4, true);
}

/* kvmtool's VIRTIO_*_QUEUE_SIZE, by virtio device ID. */
static unsigned int kvmtool_queue_size(uint32_t device_id)
{
	switch (device_id) {
	case 1: return 256;	/* net */
	case 3: return 128;	/* console */
	case 4: return 128;	/* rng */
	}
	ck_abort_msg("no kvmtool figure for device %u", device_id);
	return 0;
}

/* Every queue of vdev offers at least kvmtool's size; returns the count. */
static unsigned int check_queues(struct virtio_dev *vdev)
{
	uint32_t id = vrd(vdev, 0x008), max;
	unsigned int q;

	for (q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		vwr(vdev, 0x030, q);
		max = vrd(vdev, 0x034);
		if (!max)
			break;
		ck_assert_msg(max >= kvmtool_queue_size(id),
			      "device %u queue %u: QueueNumMax %u < kvmtool's "
			      "%u", id, q, max, kvmtool_queue_size(id));
	}
	return q;
}

START_TEST(queue_sizes)
{
	const char *argv[] = { "run", "-k", kernel, "--console", "virtio",
			       "--rng", NULL };
	const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct config cfg;
	struct vm vm = { .cfg = &cfg };
	struct virtio_dev net;
	struct vnet *n;
	unsigned int i, seen = 0;
	int sv[2];

	ck_assert_int_eq(config_parse_run(&cfg, 6, (char **)argv), 0);
	ck_assert_int_eq(virtio_console_type.create(&vm), 0);
	ck_assert_int_eq(virtio_rng_type.create(&vm), 0);
	ck_assert_uint_eq(vm.nr_devices, 2);
	for (i = 0; i < vm.nr_devices; i++) {
		ck_assert_uint_ge(check_queues(vm.devices[i].priv), 1);
		seen |= 1U << vrd(vm.devices[i].priv, 0x008);
	}
	ck_assert_uint_eq(seen, 1U << 3 | 1U << 4);

	/* virtio-net wants a tap: a socketpair stands in, as in its test. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	n = vnet_create(sv[0], 0, mac);
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(virtio_dev_init(&net, &virtio_net_ops, &vm.mem, n),
			 0);
	ck_assert_uint_eq(check_queues(&net), 2);
	virtio_net_ops.teardown(&net);
	close(sv[1]);

	for (i = 0; i < vm.nr_devices; i++)
		vm.devices[i].ops->teardown(&vm.devices[i]);
	config_release(&cfg);
}
END_TEST

static Suite *run_devices_suite(void)
{
	Suite *s = suite_create("run-devices");
	TCase *q = tcase_create("queues");

	tcase_add_checked_fixture(q, setup, teardown);
	tcase_add_test(q, queue_sizes);
	suite_add_tcase(s, q);
	return s;
}
UNIT_SUITE(run_devices_suite)
