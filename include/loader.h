/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_LOADER_H
#define POCVM_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "guest-mem.h"

enum kernel_format {
	KERNEL_NONE,
	KERNEL_IMAGE,		/* arm64 Image with its 64-byte header */
	KERNEL_IMAGE_GZIP,	/* the same, gzip-compressed (vmlinuz) */
	KERNEL_FLAT,		/* no header: a bare-metal payload */
	KERNEL_ZIMAGE,		/* 32-bit ARM zImage (--aarch32) */
};

struct load_request {
	const char *kernel;	/* may be NULL with firmware */
	const char *initrd;	/* may be NULL */
	/*
	 * Or the initrd from a file pocvm holds open (a host-rootfs guest's
	 * memfd): read again on each boot, never reopened by name.
	 */
	bool initrd_from_fd;
	int initrd_fd;
	const char *firmware;	/* may be NULL */
	uint64_t firmware_addr;	/* where it goes; 0: the start of RAM */
	/*
	 * Or, with flash_size, into the flash bank at flash_gpa (QEMU's
	 * -bios on its virt board): the VCPU starts there, and the DTB goes
	 * to the start of RAM, where such firmware looks for it.
	 */
	uint64_t flash_gpa;
	uint64_t flash_size;
	uint64_t ram_base;
	uint64_t ram_size;
	/*
	 * Translation granules the CPU supports, as a mask of
	 * (1 << 12) | (1 << 14) | (1 << 16) bits; see arm64_granules().
	 */
	uint64_t granules;
	/* a 32-bit guest: zImage or flat binary at RAM + 0x8000 */
	bool aarch32;
};

struct load_result {
	enum kernel_format format;
	uint64_t entry;		/* PC of the boot VCPU */
	uint64_t kernel_gpa;
	uint64_t kernel_end;	/* kernel_gpa + image_size (incl. bss) */
	uint64_t initrd_gpa;
	uint64_t initrd_size;	/* 0: no initrd */
	uint64_t firmware_gpa;
	uint64_t firmware_size;	/* 0: no firmware */
	uint64_t dtb_gpa;	/* where the DTB goes, 2 MiB aligned */
	uint64_t dtb_max;	/* room for it */
};

/*
 * Load kernel, initrd and firmware into guest RAM through
 * guest_mem_claim()/guest_mem_write() and decide where the DTB goes.
 * Returns 0 or a negative errno after err_set() with a one-line message
 * naming the file, e.g. "Image: not an arm64 Image (bad magic)".
 */
int loader_load(struct guest_mem *mem, const struct load_request *req,
		struct load_result *res);

const char *kernel_format_name(enum kernel_format f);

#endif
