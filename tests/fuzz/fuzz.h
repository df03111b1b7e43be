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
 * Fake guest RAM: two adjacent regions in guest-physical space, each its
 * own heap block, so ASan flags any access past either end and a range
 * that straddles the two (which guest_mem_ptr() must refuse) cannot be
 * used by accident. Starts as a u16 length and that many bytes of image.
 */
#define FUZZ_RAM_BASE		0x40000000ULL
#define FUZZ_RAM_HALF		0x2000ULL
#define FUZZ_RAM_SIZE		(2 * FUZZ_RAM_HALF)

struct fuzz_ram {
	struct guest_mem *mem;
	uint8_t *half[2];
};

void fuzz_ram_init(struct fuzz_ram *ram, struct guest_mem *mem,
		   struct fuzz_in *in);
/* Driver-side writes between device calls: u16 offset, u8 length, bytes. */
void fuzz_ram_poke(struct fuzz_ram *ram, struct fuzz_in *in);
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
/* Feed up to len input bytes to the fd handler a device registered. */
void fuzz_console_input(struct fuzz_in *in, unsigned int len);

/*
 * One virtio-mmio driver session (virtio-driver.c) against the device
 * type's create(): register accesses, queue setup, kicks and RAM writes,
 * all decoded from the input. A device target is this one call.
 */
struct device_type;
typedef void (*fuzz_configure_fn)(struct config *cfg, struct fuzz_in *in);
int fuzz_virtio_device(const struct device_type *type,
		       fuzz_configure_fn configure, const uint8_t *data,
		       size_t size);

#endif
