/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_FUZZ_H
#define POCVM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest-mem.h"

struct config;
struct vm;
struct virtio_dev;

/* The libFuzzer entry points every target defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * A fuzz input read front to back. Running out is not an error: every
 * read past the end yields zeros, so any byte string is a valid input
 * and the fuzzer never wastes runs on "too short".
 */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline bool fuzz_empty(const struct fuzz_in *in)
{
	return !in->n;
}

static inline void fuzz_bytes(struct fuzz_in *in, void *dst, size_t len)
{
	size_t n = len < in->n ? len : in->n;

	memcpy(dst, in->p, n);
	memset((uint8_t *)dst + n, 0, len - n);
	in->p += n;
	in->n -= n;
}

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	uint8_t v;

	fuzz_bytes(in, &v, 1);
	return v;
}

/* Multi-byte values are little-endian, as the seed generator writes them. */
static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint8_t b[2];

	fuzz_bytes(in, b, 2);
	return b[0] | b[1] << 8;
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	return fuzz_u16(in) | (uint32_t)fuzz_u16(in) << 16;
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	return fuzz_u32(in) | (uint64_t)fuzz_u32(in) << 32;
}

/*
 * FUZZ_VERBOSE=1 build/fuzz/fuzz-<target> FILE says why the project code
 * refused an input: what to look at when a seed reaches less than hoped.
 */
void fuzz_verbose_init(void);
void fuzz_report(const char *what, int ret);
void fuzz_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Stop the run on a broken invariant: libFuzzer saves the input. */
#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

/*
 * Fake guest RAM, of one of two kinds. Both start as a u16 length and
 * that many bytes of image at FUZZ_RAM_BASE, and take driver writes
 * (pokes) in their "hot" window from there.
 *
 * Small: two adjacent regions in guest-physical space, each its own heap
 * block, so ASan flags any access past either end and a range that
 * straddles the two (which guest_mem_ptr() must refuse) cannot be used
 * by accident. Hot window: all of it.
 *
 * Big: one 64 GiB region of sparse anonymous memory (MAP_NORESERVE),
 * between two inaccessible guard pages, so descriptor lengths near 2^32
 * and sums near 2^36 all point into RAM and reach the length arithmetic
 * a small RAM refuses early. Only touched pages cost anything; each run
 * drops them again. Hot window: the first 64 KiB.
 */
#define FUZZ_RAM_BASE		0x40000000ULL
#define FUZZ_RAM_HALF		0x2000ULL
#define FUZZ_RAM_SIZE		(2 * FUZZ_RAM_HALF)
#define FUZZ_BIG_RAM_SIZE	(64ULL << 30)
#define FUZZ_BIG_HOT_SIZE	0x10000ULL

struct fuzz_ram {
	struct guest_mem *mem;
	uint8_t *half[2];	/* small RAM */
	uint8_t *big;		/* big RAM */
	uint64_t hot;		/* bytes from FUZZ_RAM_BASE pokes reach */
};

void fuzz_ram_init(struct fuzz_ram *ram, struct guest_mem *mem,
		   struct fuzz_in *in);
void fuzz_big_ram_init(struct fuzz_ram *ram, struct guest_mem *mem,
		       struct fuzz_in *in);
/* Driver-side writes between device calls: u16 offset, u8 length, bytes. */
void fuzz_ram_poke(struct fuzz_ram *ram, struct fuzz_in *in);
/* Host pointer for [gpa, gpa + len) of either kind, or NULL. */
void *fuzz_ram_ptr(struct fuzz_ram *ram, uint64_t gpa, uint64_t len);
void fuzz_ram_release(struct fuzz_ram *ram);

/*
 * The fake VM (fake-vm.c): what vmm/vm.c, hw/virtio/bus.c and
 * vmm/event-loop.c give a real run. Those need KVM and are never linked
 * into a fuzzer, so these definitions cannot clash with them.
 */
extern struct vm fuzz_vm;
extern struct config fuzz_cfg;	/* what fuzz_vm.cfg points to */

/* Fresh VM state for one run; devices see their RAM in fuzz_vm.mem. */
void fuzz_vm_reset(void);
/* What the device's create() registered through the fakes. */
extern struct device *fuzz_last_device;
extern struct virtio_dev *fuzz_last_vdev;
/* Feed up to len input bytes to the stdin handler a device registered. */
void fuzz_console_input(struct fuzz_in *in, unsigned int len);
/* One turn of the fake event loop; returns how many handlers ran. */
unsigned int fuzz_loop_run(void);

/*
 * One virtio-mmio driver session (virtio-driver.c) against a device:
 * register accesses, queue setup, descriptor chains, kicks, RAM writes
 * and event-loop turns, all decoded from the input. A device target is
 * one fuzz_virtio_run() call with the device's description.
 */
struct device_type;
typedef void (*fuzz_configure_fn)(struct config *cfg, struct fuzz_in *in);

struct fuzz_virtio_target {
	/* The device: type->create() over fuzz_cfg, or create() itself. */
	const struct device_type *type;
	int (*create)(struct vm *vm, struct fuzz_in *in);
	/* Fills fuzz_cfg from the input's first bytes, before the RAM. */
	fuzz_configure_fn configure;
	bool big_ram;
	/* OP_INPUT: host-side input; default: console input (stdin). */
	void (*host_input)(struct virtio_dev *vdev, struct fuzz_in *in);
	/* End of run, before the reset: finish what is in flight. */
	void (*quiesce)(struct virtio_dev *vdev);
	/* After the teardown: what create() made besides the device. */
	void (*cleanup)(void);
	/*
	 * create() hands out a backend kept open across runs (a reset
	 * between them, no teardown): one that allocates a lot when opened
	 * would otherwise cost a page fault per fresh page, every run.
	 */
	bool persistent;
};

int fuzz_virtio_run(const struct fuzz_virtio_target *t, const uint8_t *data,
		    size_t size);
/* The same with the small RAM and type's create(): the simple devices. */
int fuzz_virtio_device(const struct device_type *type,
		       fuzz_configure_fn configure, const uint8_t *data,
		       size_t size);

/* fuzz_virtio_run() in parts, for targets that check between steps. */
struct virtio_dev *fuzz_virtio_open(const struct fuzz_virtio_target *t,
				    struct fuzz_ram *ram, struct fuzz_in *in);
/* One driver operation from the input. */
void fuzz_virtio_step(const struct fuzz_virtio_target *t,
		      struct virtio_dev *vdev, struct fuzz_ram *ram,
		      struct fuzz_in *in);
/* Quiesce, reset, tear down, release the RAM. */
void fuzz_virtio_close(const struct fuzz_virtio_target *t,
		       struct virtio_dev *vdev, struct fuzz_ram *ram);

/* The gdb stub's fake arch (fake-gdb-arch.c), set by the gdb target. */
#define FUZZ_GDB_MAX_VCPUS	8
struct fuzz_gdb_arch {
	uint64_t regs[FUZZ_GDB_MAX_VCPUS][42];
	uint64_t refuse;		/* bit n: register n is refused */
	bool refuse_debug;		/* KVM_SET_GUEST_DEBUG fails */
	unsigned int hw_bps, wps;	/* debug slots */
	int stop_kind;			/* what the next debug exit was */
	uint64_t stop_addr;
};
extern struct fuzz_gdb_arch fuzz_gdb_arch;

/* The devices with a backend (dev-blk.c, dev-net.c). */
extern const struct fuzz_virtio_target fuzz_virtio_blk;
extern const struct fuzz_virtio_target fuzz_virtio_net;

#endif
