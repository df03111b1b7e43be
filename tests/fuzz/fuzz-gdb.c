// SPDX-License-Identifier: GPL-2.0
/*
 * The gdb remote serial protocol parser (vmm/gdb-proto.c) fed the bytes
 * a debugger's connection would bring, in pieces of any size, with VCPU
 * debug exits (vmm/gdb.c) in between, over fake VCPUs (fake-gdb-arch.c)
 * and the big sparse RAM: memory reads and writes, breakpoints through
 * page tables the input builds. Every reply must be a well-formed frame
 * ("$body#xx" with the right checksum, body within the packet size) or
 * an ack.
 *
 * Input: u8 VCPUs, u8 hardware breakpoints, u8 watchpoints, u8 flags
 * (bit 0: KVM refuses debug registers), u64 registers refused (bit n),
 * RAM image (fuzz_big_ram_init()), then operations:
 *   0: u8 length, bytes: what the next recv() returns
 *   1: u8 length, bytes: the same, framed as "$bytes#xx" for the fuzzer
 *   2: u8 VCPU, u8 kind, u64 address: that VCPU's debug exit
 *   3: the debugger hangs up and another connects
 */
#include <fcntl.h>
#include <stddef.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fuzz.h"
#include "gdb-stub.h"
#include "vm.h"

#define MAX_OPS		128
#define CHUNK_MAX	128

static struct gdb stub;		/* static: no fresh pages per run */
static struct vcpu vcpus[FUZZ_GDB_MAX_VCPUS];
static int reply_rd = -1;
static char replies[1 << 20];
/* At most this much waits in the pipe: read it before it could fill. */
static size_t pending;

static void setup_once(void)
{
	int fds[2];

	if (reply_rd >= 0)
		return;
	/*
	 * A pipe holds what the stub answers to one piece of input (at most
	 * about 27 packets of 16 KiB): the stub's writes never block.
	 */
	FUZZ_CHECK(!pipe2(fds, O_CLOEXEC));
	FUZZ_CHECK(fcntl(fds[0], F_SETPIPE_SZ, sizeof(replies)) ==
		   sizeof(replies));
	FUZZ_CHECK(fcntl(fds[0], F_SETFL, O_NONBLOCK) >= 0);
	reply_rd = fds[0];
	stub.fd = fds[1];
	stub.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	FUZZ_CHECK(stub.wake_fd >= 0);
	pthread_mutex_init(&stub.lock, NULL);
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Acks and frames only; each frame's checksum right, its body in size. */
static void check_replies(void)
{
	ssize_t n = read(reply_rd, replies, sizeof(replies));

	pending = 0;
	const char *p = replies, *end = replies + (n > 0 ? n : 0), *hash;
	unsigned int sum;

	while (p < end) {
		if (*p == '+') {
			p++;
			continue;
		}
		FUZZ_CHECK(*p == '$');
		hash = memchr(p, '#', end - p);
		FUZZ_CHECK(hash && hash + 3 <= end);
		FUZZ_CHECK(hash - p - 1 <= PACKET_MAX);
		fuzz_note("gdb: reply %.*s", (int)(hash - p > 60 ? 60 :
						   hash - p), p);
		for (sum = 0, p++; p < hash; p++) {
			FUZZ_CHECK(*p != '$');
			sum += (uint8_t)*p;
		}
		FUZZ_CHECK(hex_val(hash[1]) >= 0 && hex_val(hash[2]) >= 0);
		FUZZ_CHECK((sum & 0xff) ==
			   (unsigned int)(hex_val(hash[1]) << 4 |
					  hex_val(hash[2])));
		p = hash + 3;
	}
}

/*
 * What gdb_thread() does with the bytes recv() brought. Each '#' may end
 * a packet, each packet brings an ack and a reply of at most PACKET_MAX
 * bytes framed: the replies are read (a syscall, costly) only when that
 * many could overflow what the pipe holds.
 */
static void feed(const char *buf, size_t len)
{
	size_t i, packets = 1;

	/* ^C outside a packet is answered too */
	for (i = 0; i < len; i++)
		packets += buf[i] == '#' || buf[i] == 0x03;
	if (pending + packets * (PACKET_MAX + 8) > sizeof(replies))
		check_replies();
	pending += packets * (PACKET_MAX + 8);
	if (len > PACKET_MAX - stub.in_len)
		len = PACKET_MAX - stub.in_len;
	memcpy(stub.in + stub.in_len, buf, len);
	stub.in_len += len;
	if (!gdb_handle_input(&stub)) {
		/* disconnect(), then accept_debugger() for the next one */
		gdb_remove_all_debug(&stub);
		stub.in_len = 0;
		stub.no_ack = false;
		stub.stop_vcpu = -1;
		stub.running = true;
		gdb_stop_guest(&stub);
		stub.g_vcpu = stub.c_vcpu = 0;
	}
	if (stub.in_len >= PACKET_MAX)
		stub.in_len = 0;
}

static void feed_framed(const char *body, size_t len)
{
	char buf[CHUNK_MAX + 5];	/* $, body, #xx and the NUL */
	unsigned int sum = 0;
	size_t i;

	buf[0] = '$';
	for (i = 0; i < len; i++)
		sum += (uint8_t)(buf[1 + i] = body[i]);
	snprintf(buf + 1 + len, 4, "#%02x", sum & 0xff);
	feed(buf, len + 4);
}

/* A VCPU's debug exit, and the stub's thread woken by it. */
static void debug_exit(struct fuzz_in *in)
{
	unsigned int i = fuzz_u8(in) % fuzz_vm.nr_vcpus;
	uint64_t count;

	fuzz_gdb_arch.stop_kind = fuzz_u8(in) % (GDB_STOP_OTHER + 1);
	fuzz_gdb_arch.stop_addr = fuzz_u64(in);
	gdb_vcpu_debug_exit(&vcpus[i]);
	FUZZ_CHECK(read(stub.wake_fd, &count, sizeof(count)) == 8);
	if (pending + 64 > sizeof(replies))
		check_replies();
	pending += 64;
	gdb_report_stop(&stub);
}

static void attach(struct fuzz_in *in)
{
	unsigned int i;
	uint8_t flags;

	fuzz_vm_reset();
	fuzz_vm.nr_vcpus = fuzz_u8(in) % FUZZ_GDB_MAX_VCPUS + 1;
	fuzz_vm.vcpus = vcpus;
	for (i = 0; i < FUZZ_GDB_MAX_VCPUS; i++)
		vcpus[i] = (struct vcpu){ .vm = &fuzz_vm, .index = i };
	memset(&fuzz_gdb_arch, 0, sizeof(fuzz_gdb_arch));
	fuzz_gdb_arch.hw_bps = fuzz_u8(in) % (GDB_MAX_HW + 1);
	fuzz_gdb_arch.wps = fuzz_u8(in) % (GDB_MAX_HW + 1);
	flags = fuzz_u8(in);
	fuzz_gdb_arch.refuse_debug = flags & 1;
	fuzz_gdb_arch.refuse = fuzz_u64(in);

	/* gdb_listen() and accept_debugger(), less the sockets */
	memset(&stub.stop_vcpu, 0, sizeof(stub) -
	       offsetof(struct gdb, stop_vcpu));
	stub.vm = &fuzz_vm;
	stub.listen_fd = -1;
	stub.stop_vcpu = -1;
	gdb_arch_hw_slots(&fuzz_vm, &stub.nr_hw_bps, &stub.nr_wps);
	fuzz_vm.gdb = &stub;
	gdb_stop_guest(&stub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char buf[CHUNK_MAX];
	struct fuzz_ram ram;
	unsigned int i, len, op;

	setup_once();
	attach(&in);
	fuzz_big_ram_init(&ram, &fuzz_vm.mem, &in);
	for (i = 0; i < MAX_OPS && !fuzz_empty(&in); i++) {
		switch (op = fuzz_u8(&in) % 4) {
		case 0:
		case 1:
			len = fuzz_u8(&in) % (CHUNK_MAX + 1);
			if (len > in.n)
				len = in.n;
			fuzz_bytes(&in, buf, len);
			if (op)
				feed_framed(buf, len);
			else
				feed(buf, len);
			break;
		case 2:
			debug_exit(&in);
			break;
		case 3:
			feed("$D#44", 5);
			break;
		}
	}
	/* The debugger leaves: every breakpoint comes out of the guest. */
	gdb_remove_all_debug(&stub);
	for (i = 0; i < MAX_SW_BPS; i++)
		FUZZ_CHECK(!stub.sw[i].used);
	check_replies();
	fuzz_vm.gdb = NULL;
	fuzz_ram_release(&ram);
	return 0;
}
