/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARM64_IMAGE_H
#define POCVM_ARM64_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The arm64 Linux Image header (Documentation/arch/arm64/booting.rst). */
#define ARM64_IMAGE_HDR_SIZE		64
#define ARM64_IMAGE_MAGIC_OFFSET	56
#define ARM64_IMAGE_MAGIC		0x644d5241U	/* "ARM\x64" */
/* What a header without image_size (before Linux 3.17) implies. */
#define ARM64_IMAGE_V0_TEXT_OFFSET	0x80000ULL
/* Unless the kernel says otherwise, its base must be this aligned. */
#define ARM64_IMAGE_BASE_ALIGN		(2ULL << 20)

#define ARM64_IMAGE_FLAG_BE		(1ULL << 0)
#define ARM64_IMAGE_FLAG_PAGE_SHIFT	1
#define ARM64_IMAGE_FLAG_PAGE_MASK	(3ULL << ARM64_IMAGE_FLAG_PAGE_SHIFT)
#define ARM64_IMAGE_FLAG_PHYS_ANY	(1ULL << 3)

struct arm64_image {
	uint64_t text_offset;	/* already defaulted for v0 headers */
	uint64_t image_size;	/* 0: unknown (v0 header), use the file size */
	uint64_t flags;
	uint64_t page_size;	/* 0: the kernel does not say */
};

/* Whether buf holds the Image magic at its place in the header. */
bool arm64_image_has_magic(const void *buf, size_t len);

/*
 * Decode and vet a header. granules is the mask of page sizes the CPU
 * supports, (1 << 12) | (1 << 14) | (1 << 16) bits. Errors are reported
 * with err_set() as "<name>: ...".
 */
int arm64_image_parse(const void *buf, size_t len, uint64_t granules,
		      const char *name, struct arm64_image *img);

/* Whether len bytes of file are consistent with the header's image_size. */
bool arm64_image_len_ok(const struct arm64_image *img, uint64_t len);

/* Bytes of RAM the kernel occupies from its load address, bss included. */
uint64_t arm64_image_mem_size(const struct arm64_image *img, uint64_t len);

/*
 * The file length an EFI-stub Image's PE/COFF header promises: the end of
 * its last section's raw data. buf holds the file's first len bytes.
 * 0 if there is no PE header in buf (no EFI stub, or a header beyond it).
 */
#define ARM64_IMAGE_PE_SCAN		4096
uint64_t arm64_image_pe_file_end(const void *buf, size_t len);

/* Where the kernel goes when RAM starts at ram_base. */
int arm64_image_load_addr(const struct arm64_image *img, uint64_t ram_base,
			  const char *name, uint64_t *gpa);

#endif
