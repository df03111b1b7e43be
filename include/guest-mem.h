/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_GUEST_MEM_H
#define POCVM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_REGIONS	4

struct mem_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
	/*
	 * Flash the guest executes in place: a read-only memslot. pocvm
	 * writes it (the firmware) and cleans it like RAM, but devices
	 * never get a pointer into it.
	 */
	bool rom;
};

/* A guest-physical range pocvm wrote into (merged, sorted by gpa). */
struct gpa_range {
	uint64_t gpa;
	uint64_t size;
};

struct guest_mem {
	struct mem_region regions[GUEST_MEM_MAX_REGIONS];
	unsigned int nr_regions;
	struct gpa_range *written;
	size_t nr_written;
	size_t cap_written;
};

/* Map anonymous memory for [gpa, gpa + size); both page aligned. */
int guest_mem_add_region(struct guest_mem *mem, uint64_t gpa, uint64_t size);
/* The same, read-only to the guest and out of reach of device DMA. */
int guest_mem_add_rom(struct guest_mem *mem, uint64_t gpa, uint64_t size);
/* Use caller-provided host memory (unit tests' fake RAM). */
int guest_mem_add_host(struct guest_mem *mem, uint64_t gpa, uint64_t size,
		       void *host);
void guest_mem_release(struct guest_mem *mem);
/* Bytes of guest RAM backed by host pages now (touched, not swapped). */
uint64_t guest_mem_resident(const struct guest_mem *mem);

/*
 * Host pointer for [gpa, gpa + len) or NULL when any byte of it lies
 * outside guest RAM (or the range wraps). The only way to turn a guest
 * address into a host pointer; devices use it for every descriptor.
 */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);
bool guest_mem_contains(const struct guest_mem *mem, uint64_t gpa,
			uint64_t len);

/*
 * Every write pocvm itself makes into guest RAM goes through these two:
 * the range is recorded so the PoC clean covers exactly what was written.
 * guest_mem_claim() returns the host pointer for the caller to fill
 * (e.g. decompressing straight into RAM); -EFAULT-style NULL if out of RAM.
 */
void *guest_mem_claim(struct guest_mem *mem, uint64_t gpa, uint64_t len);
int guest_mem_write(struct guest_mem *mem, uint64_t gpa, const void *src,
		    uint64_t len);
void guest_mem_forget_writes(struct guest_mem *mem);

/*
 * Host pointer for [gpa, gpa + len) in RAM or flash: for pocvm's own
 * reads (the PoC clean, the debugger), never for a device.
 */
void *guest_mem_ptr_any(const struct guest_mem *mem, uint64_t gpa,
			uint64_t len);

/* The region holding gpa (RAM or flash), or NULL. */
const struct mem_region *guest_mem_region(const struct guest_mem *mem,
					  uint64_t gpa);

#endif
