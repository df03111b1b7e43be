// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-floor run [-k FILE] [-m MiB] [-c N] [other options ignored]: the
 * least a VMM can do to run a flat payload on arm64 KVM, for the
 * side-by-side benchmark's start-up rows. It does what every VMM that
 * can boot a kernel must, and nothing else: the VM with the IPA size its
 * RAM needs, RAM as one anonymous mapping and one memslot, the payload
 * read into RAM, a device tree (an empty root node) written where the
 * DTB goes, the VCPUs (PSCI 0.2, the secondaries powered off, each
 * running in a thread of its own as CPU_ON would need), a GICv3
 * initialised, then KVM_RUN until PSCI SYSTEM_OFF and _exit(0), which
 * leaves every descriptor and mapping to the kernel. No console, no
 * devices, no sandbox, no checks beyond what the ioctls return.
 *
 * Its exec to exit is the floor under any VMM's on this host: kernel
 * work (VM, memslot, VCPUs, vGIC, the first KVM_RUN, the teardown at
 * exit), the exec of a static binary, and the page faults of RAM the
 * loader touches. What a VMM takes beyond it is its own.
 *
 * FLOOR_TIMES=1 prints each phase's microseconds ("FLOOR ram 4785");
 * what exec to exit takes beyond their sum is the exec and the exit.
 * FLOOR_NO_SECONDARY=1 leaves the secondaries' threads unstarted, to
 * tell a VCPU's cost from its thread's.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* The memory map pocvm uses by default (kvmtool's), so faults match. */
#define RAM_BASE	0x80000000ULL
#define GIC_DIST	0x3fff0000ULL
#define GIC_REDIST_SZ	0x20000ULL
#define DTB_WINDOW	(512ULL << 20)
#define SZ_2M		(2ULL << 20)
#define MAX_VCPUS	64

static int vm_fd;
static long run_size;

/*
 * FLOOR_TIMES=1: each phase's microseconds on stderr at the end, to
 * tell the kernel's costs apart (VM, RAM, VCPUs, vGIC, the run).
 */
static struct timespec marks[8];
static const char *mark_names[8];
static unsigned int nr_marks;

static void mark(const char *name)
{
	if (nr_marks < 8 && getenv("FLOOR_TIMES")) {
		clock_gettime(CLOCK_MONOTONIC, &marks[nr_marks]);
		mark_names[nr_marks++] = name;
	}
}

static void print_marks(void)
{
	unsigned int i;

	for (i = 1; i < nr_marks; i++)
		fprintf(stderr, "FLOOR %s %ld\n", mark_names[i],
			(marks[i].tv_sec - marks[i - 1].tv_sec) * 1000000L +
			(marks[i].tv_nsec - marks[i - 1].tv_nsec) / 1000);
}

static void die(const char *what)
{
	perror(what);
	_exit(1);
}

static uint64_t reg_id(unsigned int off)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | off;
}

static void set_reg(int fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(fd, KVM_SET_ONE_REG, &r))
		die("KVM_SET_ONE_REG");
}

/* Runs VCPU fd until the guest powers off (or the process exits). */
static void *vcpu_loop(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0);

	if (run == MAP_FAILED)
		die("mmap kvm_run");
	for (;;) {
		if (ioctl(fd, KVM_RUN, 0) && errno != EINTR)
			die("KVM_RUN");
		if (run->exit_reason == KVM_EXIT_SYSTEM_EVENT) {
			mark("run");
			print_marks();
			_exit(run->system_event.type ==
			      KVM_SYSTEM_EVENT_SHUTDOWN ? 0 : 3);
		}
		if (run->exit_reason != KVM_EXIT_INTR) {
			fprintf(stderr, "kvm-floor: exit reason %u\n",
				run->exit_reason);
			_exit(1);
		}
	}
	return NULL;
}

/* An empty root node: the smallest tree a kernel would still parse. */
static size_t make_dtb(uint32_t *w)
{
	/* header: 10 words; reserve map: one empty entry; struct; strings */
	uint32_t off_rsv = 40, off_struct = off_rsv + 16;
	uint32_t struct_size = 16, off_strings = off_struct + struct_size;
	uint32_t total = off_strings;
	uint32_t hdr[10] = {
		0xd00dfeed, total, off_struct, off_strings, off_rsv,
		17, 16, 0, 0, struct_size,
	};
	unsigned int i;

	memset(w, 0, total);
	for (i = 0; i < 10; i++)
		w[i] = htobe32(hdr[i]);
	/* FDT_BEGIN_NODE, "" padded, FDT_END_NODE, FDT_END */
	w[off_struct / 4] = htobe32(1);
	w[off_struct / 4 + 2] = htobe32(2);
	w[off_struct / 4 + 3] = htobe32(9);
	return total;
}

/* vGICv3 with its distributor and redistributors, initialised. */
static void create_gic(unsigned int nr)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = GIC_DIST, redist = GIC_DIST - nr * GIC_REDIST_SZ;
	struct kvm_device_attr attr[] = {
		{ .group = KVM_DEV_ARM_VGIC_GRP_ADDR,
		  .attr = KVM_VGIC_V3_ADDR_TYPE_DIST, .addr = (uintptr_t)&dist },
		{ .group = KVM_DEV_ARM_VGIC_GRP_ADDR,
		  .attr = KVM_VGIC_V3_ADDR_TYPE_REDIST,
		  .addr = (uintptr_t)&redist },
		{ .group = KVM_DEV_ARM_VGIC_GRP_CTRL,
		  .attr = KVM_DEV_ARM_VGIC_CTRL_INIT },
	};
	unsigned int i;

	if (ioctl(vm_fd, KVM_CREATE_DEVICE, &dev))
		die("KVM_CREATE_DEVICE vGICv3");
	for (i = 0; i < sizeof(attr) / sizeof(attr[0]); i++)
		if (ioctl(dev.fd, KVM_SET_DEVICE_ATTR, &attr[i]))
			die("KVM_SET_DEVICE_ATTR vGICv3");
}

/* RAM as one mapping and memslot; the payload and a DTB written in it. */
static uint64_t load_ram(const char *kernel, uint64_t ram_size)
{
	struct kvm_userspace_memory_region slot = {
		.guest_phys_addr = RAM_BASE, .memory_size = ram_size,
	};
	uint64_t window, dtb_gpa;
	uint32_t dtb[32];
	char *ram;
	ssize_t n;
	int fd;

	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap RAM");
	slot.userspace_addr = (uintptr_t)ram;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &slot))
		die("KVM_SET_USER_MEMORY_REGION");

	fd = open(kernel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(kernel);
	n = read(fd, ram, ram_size - SZ_2M);
	if (n <= 0)
		die(kernel);
	close(fd);
	window = ram_size < DTB_WINDOW ? ram_size : DTB_WINDOW;
	dtb_gpa = RAM_BASE + window - SZ_2M;
	memcpy(ram + (dtb_gpa - RAM_BASE), dtb, make_dtb(dtb));
	return dtb_gpa;
}

int main(int argc, char **argv)
{
	const char *kernel = NULL;
	uint64_t ram_size = 64ULL << 20, top, dtb_gpa;
	unsigned int nr = 1, i, bits;
	struct kvm_vcpu_init init;
	int kvm, vcpus[MAX_VCPUS];
	pthread_t thread;

	for (i = 2; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "-k") && i + 1 < (unsigned int)argc)
			kernel = argv[++i];
		else if (!strcmp(argv[i], "-m") && i + 1 < (unsigned int)argc)
			ram_size = strtoull(argv[++i], NULL, 0) << 20;
		else if (!strcmp(argv[i], "-c") && i + 1 < (unsigned int)argc)
			nr = strtoul(argv[++i], NULL, 0);
	}
	if (argc < 2 || strcmp(argv[1], "run") || !kernel || !nr ||
	    nr > MAX_VCPUS || ram_size < 2 * SZ_2M) {
		fprintf(stderr, "usage: kvm-floor run -k FLAT [-m MiB] "
			"[-c 1-%d]\n", MAX_VCPUS);
		return 2;
	}

	mark("start");
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	top = RAM_BASE + ram_size;
	for (bits = 32; bits < 52 && (1ULL << bits) < top; bits++)
		;
	vm_fd = ioctl(kvm, KVM_CREATE_VM, bits > 40 ? bits : 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	mark("vm");
	dtb_gpa = load_ram(kernel, ram_size);
	mark("ram");

	if (ioctl(vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		die("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	for (i = 0; i < nr; i++) {
		vcpus[i] = ioctl(vm_fd, KVM_CREATE_VCPU, i);
		if (vcpus[i] < 0)
			die("KVM_CREATE_VCPU");
		if (i == 1)
			init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
		if (ioctl(vcpus[i], KVM_ARM_VCPU_INIT, &init))
			die("KVM_ARM_VCPU_INIT");
	}
	set_reg(vcpus[0], reg_id(KVM_REG_ARM_CORE_REG(regs.pc)), RAM_BASE);
	set_reg(vcpus[0], reg_id(KVM_REG_ARM_CORE_REG(regs.regs[0])),
		dtb_gpa);
	mark("vcpus");
	create_gic(nr);
	mark("gic");

	/* The powered-off secondaries wait in KVM_RUN for a CPU_ON. */
	for (i = 1; i < nr && !getenv("FLOOR_NO_SECONDARY"); i++)
		if (pthread_create(&thread, NULL, vcpu_loop,
				   (void *)(intptr_t)vcpus[i]))
			die("pthread_create");
	vcpu_loop((void *)(intptr_t)vcpus[0]);
	return 1;
}
