// SPDX-License-Identifier: GPL-2.0
/*
 * Which devices a run gets, seen the way a guest sees them: `pocvm run
 * --dump-dtb` writes the tree the guest would boot with, and the tree
 * must hold exactly what the options asked for (--nodefaults adds
 * nothing of pocvm's own, as lkvm's). And every virtqueue offers at
 * least as many entries as kvmtool's device of the same kind, since
 * drivers written against kvmtool ask for that many (virtio-blk's is
 * checked in tests/unit/test-virtio-blk.c: it needs libaio, which
 * qemu-user lacks).
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "layout.h"
#include "unit.h"
#include "virtio-net.h"
#include "vm.h"

/* vmm/main.c dispatches to it; there is no header for subcommands. */
int cmd_run(int argc, char **argv);

#define DTB_MAX		(64 * 1024)
#define MAX_WORDS	24

static char dir[64], kernel[96], dtb_path[96];
static uint8_t dtb[DTB_MAX];

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
	snprintf(dtb_path, sizeof(dtb_path), "%s/dump.dtb", dir);
	/* No Image header: a flat binary, as kvm-unit-tests' tests are. */
	write_file(kernel, 4096);
}

static void teardown(void)
{
	unlink(kernel);
	unlink(dtb_path);
	rmdir(dir);
}

/* pocvm run -k FLAT --dump-dtb FILE WORDS...; the tree into dtb[]. */
#define DUMP(...) dump((const char *[]){ __VA_ARGS__, NULL })

static void dump(const char **words)
{
	char *argv[MAX_WORDS];
	int argc = 0, fd, i;
	ssize_t n;

	argv[argc++] = "run";
	argv[argc++] = "-k";
	argv[argc++] = kernel;
	argv[argc++] = "--dump-dtb";
	argv[argc++] = dtb_path;
	for (i = 0; words[i]; i++) {
		ck_assert_int_lt(argc, MAX_WORDS - 1);
		argv[argc++] = (char *)words[i];
	}
	argv[argc] = NULL;
	ck_assert_int_eq(cmd_run(argc, argv), 0);
	fd = open(dtb_path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, dtb, sizeof(dtb));
	close(fd);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(fdt_check_full(dtb, n), 0);
}

static int count_compatible(const char *compatible)
{
	int off = -1, n = 0;

	for (;;) {
		off = fdt_node_offset_by_compatible(dtb, off, compatible);
		if (off < 0)
			break;
		n++;
	}
	ck_assert_int_eq(off, -FDT_ERR_NOTFOUND);
	return n;
}

static const char *bootargs(void)
{
	int off = fdt_path_offset(dtb, "/chosen");
	const char *v;

	ck_assert_int_ge(off, 0);
	v = fdt_getprop(dtb, off, "bootargs", NULL);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* What the tree holds: 8250s, virtio-mmio, pvpanic, boot-timer nodes. */
static void assert_devices(int uart, int virtio, int pvpanic, int timer)
{
	ck_assert_int_eq(count_compatible("ns16550a"), uart);
	ck_assert_int_eq(count_compatible("virtio,mmio"), virtio);
	ck_assert_int_eq(count_compatible("qemu,pvpanic-mmio"), pvpanic);
	ck_assert_int_eq(count_compatible("pocvm,boot-timer"), timer);
}

/* Without --nodefaults: pocvm's helpers and its kernel parameters. */
START_TEST(defaults)
{
	DUMP("-p", "quiet");
	/* console: the virtio-console's exit-status port */
	assert_devices(1, 1, 1, 1);
	ck_assert_str_eq(bootargs(), "console=ttyS0 earlycon quiet");
}
END_TEST

START_TEST(defaults_virtio_console)
{
	DUMP("--console", "virtio");
	assert_devices(0, 1, 1, 1);
	ck_assert_str_eq(bootargs(), "console=hvc0");
}
END_TEST

/* What kvm-unit-tests' runner passes for its kvmtool target. */
START_TEST(nodefaults)
{
	DUMP("--cpus", "2", "--params", "setup smp=2", "--nodefaults",
	     "--network", "mode=none", "--loglevel=warning");
	assert_devices(1, 0, 0, 0);
	ck_assert_str_eq(bootargs(), "setup smp=2");
}
END_TEST

START_TEST(nodefaults_no_params)
{
	DUMP("--nodefaults");
	assert_devices(1, 0, 0, 0);
	ck_assert_str_eq(bootargs(), "");
}
END_TEST

START_TEST(nodefaults_virtio_console)
{
	DUMP("--nodefaults", "--console", "virtio", "-p", "console=hvc0");
	assert_devices(0, 1, 0, 0);
	ck_assert_str_eq(bootargs(), "console=hvc0");
}
END_TEST

/* -- CMD needs the exit-status port, so the virtio-console is there. */
START_TEST(nodefaults_guest_command)
{
	DUMP("--nodefaults", "-p", "quiet", "--", "make", "check");
	assert_devices(1, 1, 0, 0);
	ck_assert_str_eq(bootargs(), "quiet pocvm_argc=2 -- make check");
}
END_TEST

/* --boot-report reads the boot timer: asking for one brings the other. */
START_TEST(nodefaults_boot_report)
{
	DUMP("--nodefaults", "--boot-report");
	assert_devices(1, 0, 0, 1);
}
END_TEST

/*
 * Devices the user names are there, and only they. (No --disk here:
 * qemu-user, which runs these tests on other hosts, has no io_setup.)
 */
START_TEST(nodefaults_asked_devices)
{
	DUMP("--nodefaults", "--rng", "--network", "mode=none");
	assert_devices(1, 1, 0, 0);
	ck_assert_int_ge(fdt_path_offset(dtb, "/virtio@3000000"), 0);
}
END_TEST

/* The third cell of PATH's interrupts: the trigger type. */
static uint32_t irq_type(const char *path)
{
	int off = fdt_path_offset(dtb, path), len;
	const fdt32_t *v;

	ck_assert_int_ge(off, 0);
	v = fdt_getprop(dtb, off, "interrupts", &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(len, 12);
	return fdt32_to_cpu(v[2]);
}

/*
 * virtio-mmio SPIs are rising-edge (1), as in QEMU's and kvmtool's
 * trees: the plain irqfd pocvm raises them with is an edge. The 8250
 * stays level-high (4).
 */
START_TEST(virtio_spi_is_edge)
{
	DUMP("--nodefaults", "--rng", "--network", "mode=none");
	ck_assert_uint_eq(irq_type("/virtio@3000000"), 1);
	ck_assert_uint_eq(irq_type("/uart@1000000"), 4);
}
END_TEST

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
	vm.layout = machine_layout(cfg.machine);
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
	ck_assert_int_eq(virtio_dev_init(&net, &virtio_net_ops,
					 VIRTIO_TRANSPORT_MMIO, &vm.mem, n), 0);
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
	TCase *dt = tcase_create("dump-dtb");
	TCase *q = tcase_create("queues");

	tcase_add_checked_fixture(dt, setup, teardown);
	tcase_add_test(dt, defaults);
	tcase_add_test(dt, defaults_virtio_console);
	tcase_add_test(dt, nodefaults);
	tcase_add_test(dt, nodefaults_no_params);
	tcase_add_test(dt, nodefaults_virtio_console);
	tcase_add_test(dt, virtio_spi_is_edge);
	tcase_add_test(dt, nodefaults_guest_command);
	tcase_add_test(dt, nodefaults_boot_report);
	tcase_add_test(dt, nodefaults_asked_devices);
	suite_add_tcase(s, dt);
	tcase_add_checked_fixture(q, setup, teardown);
	tcase_add_test(q, queue_sizes);
	suite_add_tcase(s, q);
	return s;
}
UNIT_SUITE(run_devices_suite)
