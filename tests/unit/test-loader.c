// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "guest-mem.h"
#include "loader.h"
#include "log.h"
#include "unit.h"

#define BASE		0x80000000ULL
#define RAM		(64ULL << 20)
#define MIB		(1ULL << 20)
#define ALL_GRANULES	((1ULL << 12) | (1ULL << 14) | (1ULL << 16))
/* Where the DTB slot lands with 64 MiB of RAM. */
#define DTB_GPA		(BASE + RAM - 2 * MIB)

#define DIR_TEMPLATE	"/tmp/pocvm-loader-XXXXXX"

static char dir[sizeof(DIR_TEMPLATE)];
static struct guest_mem mem;
static uint8_t *ram;
static struct load_request req;
static struct load_result res;

/* The directory outlives each forked test, so failures leave no litter. */
static void make_dir(void)
{
	memcpy(dir, DIR_TEMPLATE, sizeof(dir));
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void setup(void)
{
	memset(&mem, 0, sizeof(mem));
	memset(&res, 0, sizeof(res));
	ram = calloc(1, RAM);
	ck_assert_ptr_nonnull(ram);
	ck_assert_int_eq(guest_mem_add_host(&mem, BASE, RAM, ram), 0);
	req = (struct load_request) {
		.ram_base = BASE,
		.ram_size = RAM,
		.granules = ALL_GRANULES,
	};
	err_clear();
}

static void teardown(void)
{
	guest_mem_release(&mem);
	free(ram);
}

static const char *path_of(const char *name)
{
	static char paths[8][PATH_MAX];
	static unsigned int next;
	char *p = paths[next++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

static const char *put_file(const char *name, const void *data, size_t len)
{
	const char *path = path_of(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Big files cost nothing on disk: errors are found before reading them. */
static const char *sparse_file(const char *name, uint64_t size)
{
	const char *path = path_of(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	close(fd);
	return path;
}

/* Incompressible bytes, so gzip'd test kernels are many deflate blocks. */
static void fill_random(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t x = seed | 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x >> 24;
	}
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, v);
	put_le32(p + 4, v >> 32);
}

/* A file-sized buffer with an Image header; the caller frees it. */
static uint8_t *make_image(size_t len, uint64_t text_offset,
			   uint64_t image_size, uint64_t flags)
{
	uint8_t *p = malloc(len);

	ck_assert_ptr_nonnull(p);
	fill_random(p, len, len ^ text_offset);
	memset(p, 0, 64);
	p[0] = 'M';		/* the EFI stub's "MZ" */
	p[1] = 'Z';
	put_le64(p + 8, text_offset);
	put_le64(p + 16, image_size);
	put_le64(p + 24, flags);
	put_le32(p + 56, 0x644d5241);
	return p;
}

static uint8_t *gzip(const void *in, size_t len, size_t *out_len)
{
	z_stream z = { 0 };
	uint8_t *out;
	size_t cap;

	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	cap = deflateBound(&z, len);
	out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	z.next_in = (uint8_t *)in;
	z.avail_in = len;
	z.next_out = out;
	z.avail_out = cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static uint8_t *host(uint64_t gpa)
{
	return ram + (gpa - BASE);
}

static void expect_written(unsigned int n, const struct gpa_range *want)
{
	unsigned int i;

	ck_assert_uint_eq(mem.nr_written, n);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(mem.written[i].gpa, want[i].gpa);
		ck_assert_uint_eq(mem.written[i].size, want[i].size);
	}
}

/* One line, naming the culprit first, containing the key words. */
static void expect_error(int ret, int err, const char *prefix,
			 const char *words)
{
	const char *msg = err_message(ret);

	ck_assert_int_eq(ret, err);
	ck_assert_msg(!strncmp(msg, prefix, strlen(prefix)),
		      "'%s' does not start with '%s'", msg, prefix);
	ck_assert_msg(strstr(msg, words), "'%s' lacks '%s'", msg, words);
	ck_assert_ptr_null(strchr(msg, '\n'));
}

static int load_kernel_bytes(const void *data, size_t len)
{
	req.kernel = put_file("Image", data, len);
	return loader_load(&mem, &req, &res);
}

START_TEST(image_at_text_offset)
{
	uint8_t *img = make_image(256 << 10, 0x100000, 4 * MIB, 0);

	ck_assert_int_eq(load_kernel_bytes(img, 256 << 10), 0);
	ck_assert_int_eq(res.format, KERNEL_IMAGE);
	ck_assert_uint_eq(res.kernel_gpa, BASE + 0x100000);
	ck_assert_uint_eq(res.entry, BASE + 0x100000);
	ck_assert_uint_eq(res.kernel_end, BASE + 0x100000 + 4 * MIB);
	ck_assert_mem_eq(host(BASE + 0x100000), img, 256 << 10);
	ck_assert_uint_eq(res.dtb_gpa, DTB_GPA);
	ck_assert_uint_eq(res.dtb_max, 2 * MIB);
	ck_assert_uint_eq(res.initrd_size, 0);
	ck_assert_uint_eq(res.firmware_size, 0);
	/* The file only: bss is the kernel's business. */
	expect_written(1, (struct gpa_range[]) {
		{ BASE + 0x100000, 256 << 10 } });
	free(img);
}
END_TEST

START_TEST(image_v0_header)
{
	/* Pre-3.17: image_size 0 means text_offset 0x80000, size unknown. */
	uint8_t *img = make_image(8192, 0x1234, 0, 0);

	ck_assert_int_eq(load_kernel_bytes(img, 8192), 0);
	ck_assert_uint_eq(res.kernel_gpa, BASE + 0x80000);
	ck_assert_uint_eq(res.entry, BASE + 0x80000);
	ck_assert_uint_eq(res.kernel_end, BASE + 0x80000 + 8192);
	ck_assert_mem_eq(host(BASE + 0x80000), img, 8192);
	free(img);
}
END_TEST

START_TEST(image_supported_page_size)
{
	/* 4K pages (flags bits 1-2 = 1), physical placement anywhere. */
	uint8_t *img = make_image(4096, 0, 4096, (1 << 1) | (1 << 3));

	req.granules = 1 << 12;
	ck_assert_int_eq(load_kernel_bytes(img, 4096), 0);
	ck_assert_uint_eq(res.kernel_gpa, BASE);
	free(img);
}
END_TEST

START_TEST(gzip_image)
{
	size_t len = 3 * MIB + 123, zlen;
	uint8_t *img = make_image(len, 0x80000, 6 * MIB, 0);
	uint8_t *z = gzip(img, len, &zlen);

	ck_assert_int_eq(load_kernel_bytes(z, zlen), 0);
	ck_assert_int_eq(res.format, KERNEL_IMAGE_GZIP);
	ck_assert_uint_eq(res.kernel_gpa, BASE + 0x80000);
	ck_assert_uint_eq(res.entry, BASE + 0x80000);
	/* image_size from the inflated header, not the file's size. */
	ck_assert_uint_eq(res.kernel_end, BASE + 0x80000 + 6 * MIB);
	ck_assert_mem_eq(host(BASE + 0x80000), img, len);
	ck_assert_uint_eq(host(BASE + 0x80000)[len], 0);
	expect_written(1, (struct gpa_range[]) { { BASE + 0x80000, len } });
	free(z);
	free(img);
}
END_TEST

START_TEST(gzip_v0_image)
{
	size_t len = 100000, zlen;
	uint8_t *img = make_image(len, 0, 0, 0);
	uint8_t *z = gzip(img, len, &zlen);

	ck_assert_int_eq(load_kernel_bytes(z, zlen), 0);
	ck_assert_uint_eq(res.kernel_gpa, BASE + 0x80000);
	ck_assert_uint_eq(res.kernel_end, BASE + 0x80000 + len);
	ck_assert_mem_eq(host(BASE + 0x80000), img, len);
	free(z);
	free(img);
}
END_TEST

START_TEST(flat_binary)
{
	uint8_t bin[5000];

	fill_random(bin, sizeof(bin), 7);
	bin[0] = 0x00;		/* no magic of any kind */
	ck_assert_int_eq(load_kernel_bytes(bin, sizeof(bin)), 0);
	ck_assert_int_eq(res.format, KERNEL_FLAT);
	ck_assert_uint_eq(res.kernel_gpa, BASE + 0x80000);
	ck_assert_uint_eq(res.entry, BASE + 0x80000);
	ck_assert_uint_eq(res.kernel_end, BASE + 0x80000 + sizeof(bin));
	ck_assert_mem_eq(host(BASE + 0x80000), bin, sizeof(bin));
	expect_written(1, (struct gpa_range[]) {
		{ BASE + 0x80000, sizeof(bin) } });
}
END_TEST

/* A zImage of len bytes whose header says size (start 0, end size). */
static uint8_t *make_zimage(size_t len, uint32_t size)
{
	uint8_t *p = malloc(len);

	ck_assert_ptr_nonnull(p);
	fill_random(p, len, len);
	put_le32(p + 0x24, 0x016f2818);
	put_le32(p + 0x28, 0);
	put_le32(p + 0x2c, size);
	put_le32(p + 0x30, 0x04030201);	/* little-endian */
	return p;
}

/* --aarch32: kvmtool's place, RAM + 0x8000, and its first byte runs. */
START_TEST(aarch32_zimage)
{
	uint8_t *z = make_zimage(300000, 300000);

	req.aarch32 = true;
	ck_assert_int_eq(load_kernel_bytes(z, 300000), 0);
	ck_assert_int_eq(res.format, KERNEL_ZIMAGE);
	ck_assert_uint_eq(res.kernel_gpa, BASE + 0x8000);
	ck_assert_uint_eq(res.entry, BASE + 0x8000);
	ck_assert_uint_eq(res.kernel_end, BASE + 0x8000 + 300000);
	ck_assert_mem_eq(host(BASE + 0x8000), z, 300000);
	expect_written(1, (struct gpa_range[]) { { BASE + 0x8000, 300000 } });
	ck_assert_str_eq(kernel_format_name(res.format), "32-bit zImage");
	free(z);
}
END_TEST

/* More than the header says: an appended DTB; no header: a flat one. */
START_TEST(aarch32_appended_dtb_and_flat)
{
	uint8_t *z = make_zimage(70000, 65536);
	uint8_t bin[4096];

	req.aarch32 = true;
	ck_assert_int_eq(load_kernel_bytes(z, 70000), 0);
	ck_assert_int_eq(res.format, KERNEL_ZIMAGE);
	ck_assert_uint_eq(res.kernel_end, BASE + 0x8000 + 70000);
	fill_random(bin, sizeof(bin), 3);
	bin[0] = 0;
	ck_assert_int_eq(load_kernel_bytes(bin, sizeof(bin)), 0);
	ck_assert_int_eq(res.format, KERNEL_FLAT);
	ck_assert_uint_eq(res.entry, BASE + 0x8000);
	free(z);
}
END_TEST

START_TEST(firmware_only)
{
	uint8_t fw[3000];

	fill_random(fw, sizeof(fw), 9);
	req.firmware = put_file("fw.bin", fw, sizeof(fw));
	ck_assert_int_eq(loader_load(&mem, &req, &res), 0);
	ck_assert_int_eq(res.format, KERNEL_NONE);
	ck_assert_uint_eq(res.entry, BASE);
	ck_assert_uint_eq(res.firmware_gpa, BASE);
	ck_assert_uint_eq(res.firmware_size, sizeof(fw));
	ck_assert_mem_eq(ram, fw, sizeof(fw));
	expect_written(1, (struct gpa_range[]) { { BASE, sizeof(fw) } });
}
END_TEST

/* --firmware-address: kvmtool's, anywhere in RAM; the VCPU starts there. */
START_TEST(firmware_at_address)
{
	uint8_t fw[3000];

	fill_random(fw, sizeof(fw), 12);
	req.firmware = put_file("fw.bin", fw, sizeof(fw));
	req.firmware_addr = BASE + 0x100000;
	ck_assert_int_eq(loader_load(&mem, &req, &res), 0);
	ck_assert_uint_eq(res.entry, BASE + 0x100000);
	ck_assert_uint_eq(res.firmware_gpa, BASE + 0x100000);
	ck_assert_mem_eq(host(BASE + 0x100000), fw, sizeof(fw));
	expect_written(1, (struct gpa_range[]) {
		{ BASE + 0x100000, sizeof(fw) } });
}
END_TEST

/* Where the device tree goes is pocvm's: firmware placed on it is refused. */
START_TEST(err_firmware_address_on_dtb)
{
	uint8_t fw[64] = { 0 };
	int ret;

	req.firmware = put_file("fw.bin", fw, sizeof(fw));
	ck_assert_int_eq(loader_load(&mem, &req, &res), 0);
	req.firmware_addr = res.dtb_gpa + 16;
	ret = loader_load(&mem, &req, &res);
	ck_assert_int_eq(ret, -ENOSPC);
	ck_assert_ptr_nonnull(strstr(err_message(ret), "overlaps the device"));
}
END_TEST

START_TEST(firmware_and_kernel)
{
	uint8_t fw[4096], *img = make_image(8192, 0x200000, 1 * MIB, 0);

	fill_random(fw, sizeof(fw), 11);
	req.firmware = put_file("fw.bin", fw, sizeof(fw));
	ck_assert_int_eq(load_kernel_bytes(img, 8192), 0);
	/* The firmware starts and finds the kernel where it expects it. */
	ck_assert_uint_eq(res.entry, BASE);
	ck_assert_uint_eq(res.kernel_gpa, BASE + 0x200000);
	ck_assert_mem_eq(ram, fw, sizeof(fw));
	ck_assert_mem_eq(host(BASE + 0x200000), img, 8192);
	expect_written(2, (struct gpa_range[]) {
		{ BASE, sizeof(fw) }, { BASE + 0x200000, 8192 } });
	free(img);
}
END_TEST

START_TEST(initrd_below_dtb)
{
	size_t ilen = 3 * MIB + 123;
	uint8_t *img = make_image(64 << 10, 0x80000, 2 * MIB, 0);
	uint8_t *rd = malloc(ilen);
	uint64_t gpa;

	fill_random(rd, ilen, 5);
	req.initrd = put_file("initrd.img", rd, ilen);
	ck_assert_int_eq(load_kernel_bytes(img, 64 << 10), 0);
	gpa = (DTB_GPA - ilen) & ~0xfffULL;
	ck_assert_uint_eq(res.initrd_gpa, gpa);
	ck_assert_uint_eq(res.initrd_gpa % 4096, 0);
	ck_assert_uint_le(res.initrd_gpa + ilen, res.dtb_gpa);
	ck_assert_uint_gt(res.initrd_gpa + ilen + 4096, res.dtb_gpa);
	ck_assert_uint_eq(res.initrd_size, ilen);
	ck_assert_mem_eq(host(gpa), rd, ilen);
	expect_written(2, (struct gpa_range[]) {
		{ BASE + 0x80000, 64 << 10 }, { gpa, ilen } });
	free(rd);
	free(img);
}
END_TEST

/*
 * A host-rootfs guest's initramfs: from an fd pocvm holds (a memfd),
 * read the same on a second load (an in-place reboot), never closed.
 */
START_TEST(initrd_from_fd)
{
	size_t ilen = 64 * 1024 + 5;
	uint8_t *img = make_image(64 << 10, 0x80000, 2 * MIB, 0);
	uint8_t *rd = malloc(ilen);
	int fd = memfd_create("test-initrd", MFD_CLOEXEC), i;

	ck_assert_int_ge(fd, 0);
	fill_random(rd, ilen, 9);
	ck_assert_int_eq(write(fd, rd, ilen), (ssize_t)ilen);
	req.initrd_from_fd = true;
	req.initrd_fd = fd;
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(load_kernel_bytes(img, 64 << 10), 0);
		ck_assert_uint_eq(res.initrd_size, ilen);
		ck_assert_mem_eq(host(res.initrd_gpa), rd, ilen);
	}
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	close(fd);
	free(rd);
	free(img);
}
END_TEST

START_TEST(err_no_kernel)
{
	expect_error(loader_load(&mem, &req, &res), -EINVAL, "--kernel",
		     "firmware");
}
END_TEST

/* The option, then the path exactly as given: not its base name. */
static void expect_missing(int ret, const char *option, const char *path)
{
	char want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "%s %s: No such file or directory",
		 option, path);
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_str_eq(err_message(ret), want);
}

/* A missing kernel in kvmtool's words, with the path as given. */
static void expect_missing_kernel(int ret, const char *path)
{
	char want[PATH_MAX + 64];

	snprintf(want, sizeof(want), "Fatal: Unable to open kernel %s: "
		 "No such file or directory", path);
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_str_eq(err_message(ret), want);
}

START_TEST(err_missing_file)
{
	req.kernel = path_of("nonexistent/Image");
	expect_missing_kernel(loader_load(&mem, &req, &res), req.kernel);
	req.kernel = "nonexistent/Image";	/* relative, as typed */
	expect_missing_kernel(loader_load(&mem, &req, &res),
			      "nonexistent/Image");
}
END_TEST

/* kvm-unit-tests' runner greps for kvmtool's line (scripts/vmm.bash). */
START_TEST(err_missing_kernel_kvmtool_words)
{
	req.kernel = "_NO_FILE_4Uhere_";
	expect_error(loader_load(&mem, &req, &res), -ENOENT,
		     "Fatal: Unable to open kernel _NO_FILE_4Uhere_",
		     "No such file or directory");
}
END_TEST

START_TEST(err_missing_initrd)
{
	uint8_t *img = make_image(4096, 0x80000, 4096, 0);

	req.initrd = path_of("nonexistent/initrd.img");
	expect_missing(load_kernel_bytes(img, 4096), "--initrd", req.initrd);
	free(img);
}
END_TEST

START_TEST(err_missing_firmware)
{
	req.firmware = "../nonexistent/fw.bin";
	expect_missing(loader_load(&mem, &req, &res), "--firmware",
		       "../nonexistent/fw.bin");
}
END_TEST

START_TEST(err_directory)
{
	req.kernel = dir;
	expect_error(loader_load(&mem, &req, &res), -EISDIR, "--kernel ",
		     "Is a directory");
}
END_TEST

START_TEST(err_empty)
{
	expect_error(load_kernel_bytes("", 0), -EINVAL, "--kernel ", "empty");
}
END_TEST

START_TEST(err_truncated_image)
{
	uint8_t *img = make_image(4096, 0x80000, 4096, 0);

	expect_error(load_kernel_bytes(img, 40), -EINVAL, "--kernel ",
		     "truncated");
	free(img);
}
END_TEST

/*
 * An EFI-stub Image cut short after its header: only the PE header's
 * section table says data is missing (the rest would read as bss).
 */
START_TEST(err_truncated_efi_image)
{
	uint8_t *img = make_image(64 << 10, 0x80000, 1 * MIB, 0);
	uint8_t *pe = img + 0x40, *sec = pe + 24;

	put_le32(img + 0x3c, 0x40);
	memcpy(pe, "PE\0\0", 4);
	memset(pe + 4, 0, 20 + 2 * 40);
	pe[6] = 2;				/* two sections */
	put_le32(sec + 16, 0x4000);		/* .text raw size, offset */
	put_le32(sec + 20, 0x1000);
	put_le32(sec + 40 + 16, 0xb000);	/* .data ends at 64 KiB */
	put_le32(sec + 40 + 20, 0x5000);
	ck_assert_int_eq(load_kernel_bytes(img, 64 << 10), 0);
	expect_error(load_kernel_bytes(img, 32 << 10), -EINVAL, "--kernel ",
		     "truncated arm64 Image");
	free(img);
}
END_TEST

START_TEST(err_truncated_gzip)
{
	size_t len = 1 * MIB, zlen;
	uint8_t *img = make_image(len, 0x80000, 2 * MIB, 0);
	uint8_t *z = gzip(img, len, &zlen);

	expect_error(load_kernel_bytes(z, zlen / 2), -EINVAL, "--kernel ",
		     "truncated");
	/* Cut just before the trailer: the last word is no size at all. */
	expect_error(load_kernel_bytes(z, zlen - 8), -EINVAL, "--kernel ",
		     "truncated");
	expect_error(load_kernel_bytes(z, 40), -EINVAL, "--kernel ",
		     "truncated");
	free(z);
	free(img);
}
END_TEST

START_TEST(err_corrupt_gzip)
{
	size_t len = 256 << 10, zlen;
	uint8_t *img = make_image(len, 0x80000, 1 * MIB, 0);
	uint8_t *z = gzip(img, len, &zlen);

	z[zlen - 6] ^= 0x40;	/* the CRC */
	expect_error(load_kernel_bytes(z, zlen), -EINVAL, "--kernel ",
		     "corrupt gzip");
	z[zlen - 6] ^= 0x40;
	/* The size in the trailer, 0x40000 right: claim more, then less. */
	z[zlen - 2] = 0x05;
	expect_error(load_kernel_bytes(z, zlen), -EINVAL, "--kernel ",
		     "corrupt gzip");
	z[zlen - 2] = 0x02;
	expect_error(load_kernel_bytes(z, zlen), -EINVAL, "--kernel ",
		     "corrupt gzip");
	free(z);
	free(img);
}
END_TEST

START_TEST(err_gzip_trailing_data)
{
	size_t len = 64 << 10, zlen;
	uint8_t *img = make_image(len, 0x80000, 1 * MIB, 0);
	uint8_t *z = gzip(img, len, &zlen), *zz = calloc(1, zlen + 512);

	memcpy(zz, z, zlen);
	expect_error(load_kernel_bytes(zz, zlen + 512), -EINVAL, "--kernel ",
		     "after the gzip stream");
	free(zz);
	free(z);
	free(img);
}
END_TEST

START_TEST(err_gzip_not_image)
{
	char text[8192];
	uint8_t *z;
	size_t i, zlen;

	for (i = 0; i < sizeof(text); i++)
		text[i] = "pocvm loader "[i % 13];
	z = gzip(text, sizeof(text), &zlen);
	expect_error(load_kernel_bytes(z, zlen), -EINVAL, "--kernel ",
		     "bad magic");
	free(z);
}
END_TEST

START_TEST(err_gzip_larger_than_image_size)
{
	size_t len = 128 << 10, zlen;
	uint8_t *img = make_image(len, 0x80000, 64 << 10, 0);
	uint8_t *z = gzip(img, len, &zlen);

	expect_error(load_kernel_bytes(z, zlen), -EINVAL, "--kernel ",
		     "image_size");
	free(z);
	free(img);
}
END_TEST

START_TEST(err_gzip_larger_than_ram)
{
	size_t len = 5 * MIB, zlen;
	uint8_t *img = make_image(len, 0, 0, 0), *z;

	/* A v0 header: only inflating tells how big the kernel is. */
	memset(img + 64, 0, len - 64);
	z = gzip(img, len, &zlen);
	req.ram_size = 4 * MIB;
	expect_error(load_kernel_bytes(z, zlen), -ENOSPC, "--kernel ",
		     "kernel needs 5 MiB at 0x80080000 but RAM has 4 MiB");
	free(z);
	free(img);
}
END_TEST

START_TEST(err_mz_without_magic)
{
	uint8_t *img = make_image(4096, 0x80000, 4096, 0);

	put_le32(img + 56, 0x12345678);
	expect_error(load_kernel_bytes(img, 4096), -EINVAL, "--kernel ",
		     "bad magic");
	free(img);
}
END_TEST

START_TEST(err_elf)
{
	uint8_t elf[256] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	expect_error(load_kernel_bytes(elf, sizeof(elf)), -EINVAL, "--kernel ",
		     "arch/arm64/boot/Image");
	ck_assert_ptr_nonnull(strstr(err_message(-EINVAL), "ELF"));
}
END_TEST

START_TEST(err_uimage)
{
	uint8_t u[256] = { 0x27, 0x05, 0x19, 0x56 };

	expect_error(load_kernel_bytes(u, sizeof(u)), -EINVAL, "--kernel ",
		     "uImage");
}
END_TEST

START_TEST(err_aarch32_truncated_zimage)
{
	uint8_t *z = make_zimage(100000, 200000);

	req.aarch32 = true;
	expect_error(load_kernel_bytes(z, 100000), -EINVAL, "--kernel ",
		     "truncated zImage (97.7 KiB; its header says 195.3 KiB)");
	/* start above end: no size at all */
	put_le32(z + 0x28, 0x1000);
	put_le32(z + 0x2c, 0x800);
	expect_error(load_kernel_bytes(z, 100000), -EINVAL, "--kernel ",
		     "zImage header gives no size");
	free(z);
}
END_TEST

/* What a 64-bit boot takes is named, not run as a 32-bit kernel. */
START_TEST(err_aarch32_wrong_formats)
{
	uint8_t *img = make_image(4096, 0x80000, 4096, 0);
	uint8_t elf[256] = { 0x7f, 'E', 'L', 'F', 1, 1, 1 };
	uint8_t u[256] = { 0x27, 0x05, 0x19, 0x56 };
	uint8_t *gz;
	size_t gz_len;

	req.aarch32 = true;
	expect_error(load_kernel_bytes(img, 4096), -EINVAL, "--kernel ",
		     "an arm64 Image; --aarch32 boots a 32-bit zImage");
	gz = gzip(img, 4096, &gz_len);
	expect_error(load_kernel_bytes(gz, gz_len), -EINVAL, "--kernel ",
		     "gzip data; --aarch32 boots a zImage");
	expect_error(load_kernel_bytes(elf, sizeof(elf)), -EINVAL,
		     "--kernel ", "arch/arm/boot/zImage");
	expect_error(load_kernel_bytes(u, sizeof(u)), -EINVAL, "--kernel ",
		     "uImage; pass the plain zImage");
	ck_assert_uint_eq(mem.nr_written, 0);
	free(gz);
	free(img);
}
END_TEST

START_TEST(err_big_endian)
{
	uint8_t *img = make_image(4096, 0x80000, 4096, 1);

	expect_error(load_kernel_bytes(img, 4096), -ENOTSUP, "--kernel ",
		     "big-endian");
	free(img);
}
END_TEST

START_TEST(err_page_size)
{
	uint8_t *img = make_image(4096, 0x80000, 4096, 2 << 1);

	req.granules = (1 << 12) | (1 << 16);
	expect_error(load_kernel_bytes(img, 4096), -ENOTSUP, "--kernel ",
		     "16 KiB pages");
	free(img);
}
END_TEST

START_TEST(err_image_larger_than_ram)
{
	uint8_t *img = make_image(4096, 0, 80 * MIB, 0);

	expect_error(load_kernel_bytes(img, 4096), -ENOSPC, "--kernel ",
		     "kernel needs 80 MiB at 0x80000000 but RAM has 64 MiB");
	ck_assert_uint_eq(mem.nr_written, 0);
	free(img);
}
END_TEST

START_TEST(err_file_larger_than_image_size)
{
	uint8_t *img = make_image(8192, 0x80000, 4096, 0);

	expect_error(load_kernel_bytes(img, 8192), -EINVAL, "--kernel ",
		     "larger than the image_size");
	free(img);
}
END_TEST

START_TEST(err_kernel_overlaps_dtb)
{
	uint8_t *img = make_image(4096, 0x80000, 62 * MIB, 0);

	expect_error(load_kernel_bytes(img, 4096), -ENOSPC, "--kernel ",
		     "overlaps the device tree");
	free(img);
}
END_TEST

START_TEST(err_initrd_overlaps_kernel)
{
	uint8_t *img = make_image(4096, 0x80000, 40 * MIB, 0);

	req.initrd = sparse_file("initrd.cpio", 24 * MIB);
	expect_error(load_kernel_bytes(img, 4096), -ENOSPC, "--initrd ",
		     "initrd (24 MiB) overlaps the kernel (ends at 0x82880000)"
		     "; give the guest more RAM");
	free(img);
}
END_TEST

START_TEST(err_initrd_larger_than_ram)
{
	uint8_t *img = make_image(4096, 0x80000, 4096, 0);

	req.initrd = sparse_file("initrd.img", RAM + 1);
	expect_error(load_kernel_bytes(img, 4096), -ENOSPC, "--initrd ",
		     "larger than RAM");
	free(img);
}
END_TEST

START_TEST(err_kernel_overlaps_firmware)
{
	uint8_t bin[4096] = { 0 };

	req.firmware = sparse_file("fw.bin", 1 * MIB);
	expect_error(load_kernel_bytes(bin, sizeof(bin)), -ENOSPC, "--kernel ",
		     "overlaps the firmware");
}
END_TEST

static Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *ok = tcase_create("load");
	TCase *bad = tcase_create("errors");

	tcase_add_unchecked_fixture(ok, make_dir, remove_dir);
	tcase_add_checked_fixture(ok, setup, teardown);
	tcase_add_test(ok, image_at_text_offset);
	tcase_add_test(ok, image_v0_header);
	tcase_add_test(ok, image_supported_page_size);
	tcase_add_test(ok, gzip_image);
	tcase_add_test(ok, gzip_v0_image);
	tcase_add_test(ok, flat_binary);
	tcase_add_test(ok, aarch32_zimage);
	tcase_add_test(ok, aarch32_appended_dtb_and_flat);
	tcase_add_test(ok, firmware_only);
	tcase_add_test(ok, firmware_at_address);
	tcase_add_test(ok, firmware_and_kernel);
	tcase_add_test(ok, initrd_below_dtb);
	tcase_add_test(ok, initrd_from_fd);
	suite_add_tcase(s, ok);

	tcase_add_unchecked_fixture(bad, make_dir, remove_dir);
	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, err_no_kernel);
	tcase_add_test(bad, err_missing_file);
	tcase_add_test(bad, err_missing_kernel_kvmtool_words);
	tcase_add_test(bad, err_missing_initrd);
	tcase_add_test(bad, err_missing_firmware);
	tcase_add_test(bad, err_firmware_address_on_dtb);
	tcase_add_test(bad, err_directory);
	tcase_add_test(bad, err_empty);
	tcase_add_test(bad, err_truncated_image);
	tcase_add_test(bad, err_truncated_efi_image);
	tcase_add_test(bad, err_truncated_gzip);
	tcase_add_test(bad, err_corrupt_gzip);
	tcase_add_test(bad, err_gzip_trailing_data);
	tcase_add_test(bad, err_gzip_not_image);
	tcase_add_test(bad, err_gzip_larger_than_image_size);
	tcase_add_test(bad, err_gzip_larger_than_ram);
	tcase_add_test(bad, err_mz_without_magic);
	tcase_add_test(bad, err_elf);
	tcase_add_test(bad, err_uimage);
	tcase_add_test(bad, err_aarch32_truncated_zimage);
	tcase_add_test(bad, err_aarch32_wrong_formats);
	tcase_add_test(bad, err_big_endian);
	tcase_add_test(bad, err_page_size);
	tcase_add_test(bad, err_image_larger_than_ram);
	tcase_add_test(bad, err_file_larger_than_image_size);
	tcase_add_test(bad, err_kernel_overlaps_dtb);
	tcase_add_test(bad, err_initrd_overlaps_kernel);
	tcase_add_test(bad, err_initrd_larger_than_ram);
	tcase_add_test(bad, err_kernel_overlaps_firmware);
	suite_add_tcase(s, bad);
	return s;
}
UNIT_SUITE(loader_suite)
