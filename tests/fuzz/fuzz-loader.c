// SPDX-License-Identifier: GPL-2.0
/*
 * loader_load(): kernel (Image, gzip'd Image, flat), initrd and firmware
 * files cut from the input and loaded into fake RAM at various bases and
 * sizes. A load that succeeds must have put everything inside RAM and
 * nothing on top of anything else.
 *
 * Input: u8 how (below), u8 granules (bits 0-2: 4K, 16K, 64K), u32
 * initrd length, u32 firmware length | initrd | firmware | kernel (the
 * rest); a file is only there if "how" says so.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "layout.h"
#include "loader.h"
#include "log.h"

enum { F_KERNEL, F_INITRD, F_FIRMWARE, NR_FILES };

/* Byte 0 of the input. */
#define HAS_KERNEL	0x01
#define HAS_INITRD	0x02
#define HAS_FIRMWARE	0x04
#define RAM_SHIFT	3	/* 2 bits: ram_sizes[] */
#define BASE_SHIFT	5	/* 3 bits: ram_bases[] */

static const uint64_t ram_sizes[] = {
	4ULL << 20, 2ULL << 20, 8ULL << 20, 6ULL << 20,
};

static const uint64_t ram_bases[] = {
	LAYOUT_RAM_BASE, 0x40000000ULL, 0, LAYOUT_RAM_BASE + 0x100000,
	/* Near the top: sums must not wrap. */
	0ULL - (16ULL << 20), 0ULL - (8ULL << 20), 0x200000, 1ULL << 48,
};

static int fds[NR_FILES] = { -1, -1, -1 };
static char paths[NR_FILES][32];
static uint8_t *ram[4];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	fuzz_verbose_init();
	for (i = 0; i < NR_FILES; i++) {
		fds[i] = memfd_create("fuzz-loader", MFD_CLOEXEC);
		FUZZ_CHECK(fds[i] >= 0);
		snprintf(paths[i], sizeof(paths[i]), "/proc/self/fd/%d",
			 fds[i]);
	}
	/* Exactly RAM-sized blocks: ASan catches a byte past the end. */
	for (i = 0; i < 4; i++) {
		ram[i] = malloc(ram_sizes[i]);
		FUZZ_CHECK(ram[i]);
	}
	return 0;
}

static const char *put_file(unsigned int i, const uint8_t *data,
			    size_t len)
{
	FUZZ_CHECK(!ftruncate(fds[i], 0));
	FUZZ_CHECK(pwrite(fds[i], data, len, 0) == (ssize_t)len);
	return paths[i];
}

static bool inside(uint64_t gpa, uint64_t len, uint64_t base,
		   uint64_t size)
{
	return !len || (gpa >= base && gpa - base <= size &&
			len <= size - (gpa - base));
}

static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static void check_result(const struct guest_mem *mem,
			 const struct load_request *req,
			 const struct load_result *res)
{
	uint64_t base = req->ram_base, size = req->ram_size;
	uint64_t klen = res->kernel_end - res->kernel_gpa;
	size_t i;

	FUZZ_CHECK(inside(res->dtb_gpa, res->dtb_max, base, size));
	FUZZ_CHECK(!(res->dtb_gpa & ((2ULL << 20) - 1)));
	if (req->kernel) {
		FUZZ_CHECK(res->kernel_end >= res->kernel_gpa);
		FUZZ_CHECK(inside(res->kernel_gpa, klen, base, size));
		FUZZ_CHECK(!overlap(res->kernel_gpa, klen, res->dtb_gpa,
				    res->dtb_max));
		FUZZ_CHECK(!overlap(res->kernel_gpa, klen, res->initrd_gpa,
				    res->initrd_size));
		FUZZ_CHECK(!overlap(res->kernel_gpa, klen, res->firmware_gpa,
				    res->firmware_size));
	}
	FUZZ_CHECK(inside(res->initrd_gpa, res->initrd_size, base, size));
	FUZZ_CHECK(!overlap(res->initrd_gpa, res->initrd_size, res->dtb_gpa,
			    res->dtb_max));
	FUZZ_CHECK(!overlap(res->initrd_gpa, res->initrd_size,
			    res->firmware_gpa, res->firmware_size));
	FUZZ_CHECK(inside(res->firmware_gpa, res->firmware_size, base, size));
	FUZZ_CHECK(!overlap(res->firmware_gpa, res->firmware_size,
			    res->dtb_gpa, res->dtb_max));
	/* What the PoC clean will cover: all of it in RAM, none in the DTB. */
	for (i = 0; i < mem->nr_written; i++) {
		FUZZ_CHECK(inside(mem->written[i].gpa, mem->written[i].size,
				  base, size));
		FUZZ_CHECK(!overlap(mem->written[i].gpa, mem->written[i].size,
				    res->dtb_gpa, res->dtb_max));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct load_request req = { 0 };
	struct load_result res;
	struct guest_mem mem = { 0 };
	uint8_t how = fuzz_u8(&in), gran = fuzz_u8(&in);
	uint32_t initrd_len = fuzz_u32(&in), fw_len = fuzz_u32(&in);
	unsigned int r = (how >> RAM_SHIFT) & 3;
	int ret;

	req.ram_base = ram_bases[(how >> BASE_SHIFT) & 7];
	req.ram_size = ram_sizes[r];
	req.granules = ((gran & 1) ? 1 << 12 : 0) |
		       ((gran & 2) ? 1 << 14 : 0) |
		       ((gran & 4) ? 1 << 16 : 0);
	if (guest_mem_add_host(&mem, req.ram_base, req.ram_size, ram[r]))
		return 0;
	if (how & HAS_INITRD) {
		if (initrd_len > in.n)
			initrd_len = in.n;
		req.initrd = put_file(F_INITRD, in.p, initrd_len);
		in.p += initrd_len;
		in.n -= initrd_len;
	}
	if (how & HAS_FIRMWARE) {
		if (fw_len > in.n)
			fw_len = in.n;
		req.firmware = put_file(F_FIRMWARE, in.p, fw_len);
		in.p += fw_len;
		in.n -= fw_len;
	}
	if (how & HAS_KERNEL)
		req.kernel = put_file(F_KERNEL, in.p, in.n);

	ret = loader_load(&mem, &req, &res);
	fuzz_report("loader_load", ret);
	if (!ret)
		check_result(&mem, &req, &res);
	err_clear();
	guest_mem_release(&mem);
	return 0;
}
