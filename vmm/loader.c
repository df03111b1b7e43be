// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel, initrd and firmware into guest RAM, and where the DTB goes.
 *
 * Files are read (or inflated) straight into guest RAM, so nothing the
 * size of a kernel is ever allocated on the host. Every byte lands through
 * guest_mem_claim(), whose record the PoC clean relies on.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "image.h"
#include "layout.h"
#include "loader.h"
#include "log.h"
#include "util.h"

#define SZ_4K		0x1000ULL
#define SZ_2M		(2ULL << 20)
#define IO_CHUNK	(1ULL << 30)	/* well below what one pread() takes */
#define GZ_CHUNK	(64 * 1024)

#define ELF_MAGIC	"\x7f" "ELF"
#define UIMAGE_MAGIC	0x27051956U	/* big-endian, at offset 0 */
/*
 * The 32-bit ARM zImage header (arch/arm/boot/compressed/head.S), words
 * in little-endian whatever the kernel's endianness: the magic, then
 * where the image starts and ends (its size, as it is position
 * independent).
 */
#define ZIMAGE_MAGIC_OFF	0x24
#define ZIMAGE_MAGIC		0x016f2818U
#define ZIMAGE_START_OFF	0x28
#define ZIMAGE_END_OFF		0x2c
#define ZIMAGE_HDR_SIZE		0x30

struct loader {
	struct guest_mem *mem;
	const struct load_request *req;
	struct load_result *res;
	uint64_t ram_end;
};

struct lfile {
	/* "--kernel PATH", the path as the user wrote it: what messages show */
	char name[PATH_MAX + 16];
	int fd;
	uint64_t size;
	bool borrowed;		/* the caller's fd: not ours to close */
};

struct gz {
	const struct lfile *f;
	z_stream z;
	uint64_t pos;		/* next file offset to feed zlib */
	bool ended;
	uint8_t in[GZ_CHUNK];
	uint8_t scratch[GZ_CHUNK];
};

struct hsize {
	char s[32];
};

static inline uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

static inline bool overlaps(uint64_t a, uint64_t a_end, uint64_t b,
			    uint64_t b_end)
{
	return a < b_end && b < a_end;
}

static inline unsigned long long ull(uint64_t x)
{
	return x;
}

/* Sizes as people write them: "12 MiB", "1.5 MiB", "300 bytes". */
static struct hsize human(uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	unsigned int i = 0, shift = 10;
	uint64_t whole, tenth;
	struct hsize h;

	if (n < 1024) {
		snprintf(h.s, sizeof(h.s), "%llu bytes", ull(n));
		return h;
	}
	while (i < 3 && n >> (shift + 10))
		i++, shift += 10;
	whole = n >> shift;
	/* The remainder is below 2^40: no overflow in rounding it. */
	tenth = ((n & ((1ULL << shift) - 1)) * 10 + (1ULL << (shift - 1))) >>
		shift;
	if (tenth == 10) {
		whole++;
		tenth = 0;
	}
	/* "64.0 MiB", not "64 MiB", for what is just over 64 MiB. */
	if (!(n & ((1ULL << shift) - 1)))
		snprintf(h.s, sizeof(h.s), "%llu %s", ull(whole), units[i]);
	else
		snprintf(h.s, sizeof(h.s), "%llu.%llu %s", ull(whole),
			 ull(tenth), units[i]);
	return h;
}

/* More RAM only helps while the DTB window is not yet all of it. */
static const char *more_ram_hint(const struct loader *ld)
{
	return ld->req->ram_size < LAYOUT_DTB_WINDOW ?
	       "; give the guest more RAM" : "";
}

static int file_open(struct lfile *f, const char *option, const char *path)
{
	struct stat st;
	int e;

	snprintf(f->name, sizeof(f->name), "%s %s", option, path);
	f->borrowed = false;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0) {
		e = errno;
		return err_set(-e, "%s: %s", f->name, strerror(e));
	}
	if (fstat(f->fd, &st)) {
		e = errno;
		close(f->fd);
		return err_set(-e, "%s: %s", f->name, strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(f->fd);
		return err_set(-EISDIR, "%s: %s", f->name, strerror(EISDIR));
	}
	/* Sizes come from fstat(); a pipe or device has none to trust. */
	if (!S_ISREG(st.st_mode)) {
		close(f->fd);
		return err_set(-EINVAL, "%s: not a regular file", f->name);
	}
	if (!st.st_size) {
		close(f->fd);
		return err_set(-EINVAL, "%s: empty", f->name);
	}
	f->size = st.st_size;
	return 0;
}

/* An open file of the caller's, named in messages as "option name". */
static int file_borrow(struct lfile *f, const char *option, const char *name,
		       int fd)
{
	struct stat st;

	snprintf(f->name, sizeof(f->name), "%s %s", option, name);
	f->fd = fd;
	f->borrowed = true;
	if (fstat(fd, &st))
		return err_set(-errno, "%s: %s", f->name, strerror(errno));
	if (!S_ISREG(st.st_mode) || !st.st_size)
		return err_set(-EINVAL, "%s: empty or not a file", f->name);
	f->size = st.st_size;
	return 0;
}

static void file_close(struct lfile *f)
{
	if (!f->borrowed)
		close(f->fd);
	f->fd = -1;
}

static int file_read(const struct lfile *f, void *buf, uint64_t len,
		     uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(f->fd, p, len < IO_CHUNK ? len : IO_CHUNK,
				  off);

		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			return err_set(-e, "%s: %s", f->name, strerror(e));
		}
		if (!n)
			return err_set(-EIO, "%s: file shrank while being read",
				       f->name);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

/* The whole file into guest RAM at gpa; the caller checked it fits. */
static int file_to_guest(struct loader *ld, const struct lfile *f,
			 uint64_t gpa)
{
	void *p = guest_mem_claim(ld->mem, gpa, f->size);

	if (!p)
		return err_set(-ENOSPC, "%s: 0x%llx+%s is outside guest RAM",
			       f->name, ull(gpa), human(f->size).s);
	return file_read(f, p, f->size, 0);
}

static int check_kernel_fits(const struct loader *ld, const char *name,
			     uint64_t gpa, uint64_t size)
{
	if (gpa < ld->req->ram_base || gpa >= ld->ram_end ||
	    size > ld->ram_end - gpa)
		return err_set(-ENOSPC, "%s: kernel needs %s at 0x%llx but "
			       "RAM has %s", name, human(size).s, ull(gpa),
			       human(ld->req->ram_size).s);
	return 0;
}

static int gz_fill(struct gz *g)
{
	uint64_t n = g->f->size - g->pos;
	int ret;

	if (!n)
		return err_set(-EINVAL, "%s: truncated gzip data", g->f->name);
	if (n > sizeof(g->in))
		n = sizeof(g->in);
	ret = file_read(g->f, g->in, n, g->pos);
	if (ret)
		return ret;
	g->pos += n;
	g->z.next_in = g->in;
	g->z.avail_in = n;
	return 0;
}

/*
 * Inflate up to len bytes into out, *done of them. Returns 1 when the
 * stream ended, 0 when out is full, or a negative errno.
 */
static int gz_inflate(struct gz *g, uint8_t *out, uint64_t len,
		      uint64_t *done)
{
	*done = 0;
	if (g->ended)
		return 1;
	while (*done < len) {
		uint64_t room = len - *done;
		int ret;

		if (room > IO_CHUNK)
			room = IO_CHUNK;
		if (!g->z.avail_in) {
			ret = gz_fill(g);
			if (ret)
				return ret;
		}
		g->z.next_out = out + *done;
		g->z.avail_out = room;
		ret = inflate(&g->z, Z_NO_FLUSH);
		*done += room - g->z.avail_out;
		if (ret == Z_STREAM_END) {
			g->ended = true;
			return 1;
		}
		if (ret == Z_MEM_ERROR)
			return err_set(-ENOMEM, "%s: out of memory inflating",
				       g->f->name);
		if (ret != Z_OK)
			return err_set(-EINVAL, "%s: corrupt gzip data (%s)",
				       g->f->name,
				       g->z.msg ? g->z.msg : "bad stream");
	}
	return 0;
}

static int gz_check_end(struct gz *g)
{
	if (g->z.avail_in || g->pos < g->f->size)
		return err_set(-EINVAL, "%s: unexpected data after the gzip "
			       "stream", g->f->name);
	return 0;
}

/*
 * Decompress the rest of the stream into scratch space: when the trailer's
 * size cannot be trusted, this tells a damaged file from a real size.
 */
static int gz_drain(struct gz *g, uint64_t *total)
{
	uint64_t done;
	int ret;

	do {
		ret = gz_inflate(g, g->scratch, sizeof(g->scratch), &done);
		*total += done;
	} while (!ret);
	return ret < 0 ? ret : gz_check_end(g);
}

/* The stream disagreed with its trailer: find out why and say so. */
static int gz_mismatch(struct gz *g)
{
	uint64_t total = 0;
	int ret = gz_drain(g, &total);

	if (ret)
		return ret;
	return err_set(-EINVAL, "%s: corrupt gzip data (size does not match "
		       "the trailer)", g->f->name);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int load_gzip(struct loader *ld, const struct lfile *f)
{
	uint8_t hdr[ARM64_IMAGE_HDR_SIZE], tail[4];
	struct arm64_image img;
	uint64_t gpa, len, done, extra = 0;
	struct gz *g;
	uint8_t *p;
	int ret;

	g = calloc(1, sizeof(*g));
	if (!g)
		return err_set(-ENOMEM, "%s: out of memory", f->name);
	g->f = f;
	if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
		free(g);
		return err_set(-ENOMEM, "%s: cannot set up zlib", f->name);
	}
	ret = gz_inflate(g, hdr, sizeof(hdr), &done);
	if (ret < 0)
		goto out;
	if (!arm64_image_has_magic(hdr, done)) {
		ret = err_set(-EINVAL, "%s: not an arm64 Image (bad magic)",
			      f->name);
		goto out;
	}
	ret = arm64_image_parse(hdr, done, ld->req->granules, f->name, &img);
	ret = ret ?: arm64_image_load_addr(&img, ld->req->ram_base, f->name,
					   &gpa);
	if (!ret && img.image_size)
		ret = check_kernel_fits(ld, f->name, gpa, img.image_size);
	/*
	 * The gzip trailer gives the inflated size (mod 4 GiB, more than any
	 * kernel), so exactly the bytes written are claimed, up front.
	 */
	ret = ret ?: file_read(f, tail, sizeof(tail), f->size - sizeof(tail));
	if (ret)
		goto out;
	len = get_le32(tail);
	if (len < sizeof(hdr) || !arm64_image_len_ok(&img, len) ||
	    check_kernel_fits(ld, f->name, gpa,
			      arm64_image_mem_size(&img, len))) {
		/* A cut-off file has garbage there: find the real size. */
		len = sizeof(hdr);
		ret = gz_drain(g, &len);
		if (ret)
			goto out;
		if (!arm64_image_len_ok(&img, len))
			ret = err_set(-EINVAL, "%s: inflates to %s, more than "
				      "the image_size in its header (%s)",
				      f->name, human(len).s,
				      human(img.image_size).s);
		else
			ret = check_kernel_fits(ld, f->name, gpa,
						arm64_image_mem_size(&img,
								     len));
		if (!ret)
			ret = err_set(-EINVAL, "%s: corrupt gzip data (size "
				      "does not match the trailer)", f->name);
		goto out;
	}
	p = guest_mem_claim(ld->mem, gpa, len);
	if (!p) {
		ret = err_set(-ENOSPC, "%s: 0x%llx+%s is outside guest RAM",
			      f->name, ull(gpa), human(len).s);
		goto out;
	}
	memcpy(p, hdr, sizeof(hdr));
	ret = gz_inflate(g, p + sizeof(hdr), len - sizeof(hdr), &done);
	/* Full: the stream must end here, with no byte to spare. */
	if (!ret)
		ret = gz_inflate(g, g->scratch, 1, &extra);
	if (ret < 0)
		goto out;
	if (!ret || done != len - sizeof(hdr) || extra)
		ret = gz_mismatch(g);
	else
		ret = gz_check_end(g);
	if (ret)
		goto out;
	ld->res->kernel_gpa = gpa;
	ld->res->kernel_end = gpa + arm64_image_mem_size(&img, len);
out:
	inflateEnd(&g->z);
	free(g);
	return ret;
}

/* head: the file's first n bytes, at least the Image header. */
static int load_image(struct loader *ld, const struct lfile *f,
		      const uint8_t *head, size_t n)
{
	struct arm64_image img;
	uint64_t gpa, size, pe_end;
	int ret;

	ret = arm64_image_parse(head, n, ld->req->granules, f->name, &img);
	if (ret)
		return ret;
	/*
	 * The header cannot tell a cut-off file from one whose end is bss;
	 * an EFI stub's PE header can: it gives where the data ends.
	 */
	pe_end = arm64_image_pe_file_end(head, n);
	if (pe_end > f->size)
		return err_set(-EINVAL, "%s: truncated arm64 Image (%s; its "
			       "PE header says %s)", f->name,
			       human(f->size).s, human(pe_end).s);
	if (!arm64_image_len_ok(&img, f->size))
		return err_set(-EINVAL, "%s: file (%s) is larger than the "
			       "image_size in its header (%s)", f->name,
			       human(f->size).s, human(img.image_size).s);
	ret = arm64_image_load_addr(&img, ld->req->ram_base, f->name, &gpa);
	if (ret)
		return ret;
	size = arm64_image_mem_size(&img, f->size);
	ret = check_kernel_fits(ld, f->name, gpa, size);
	ret = ret ?: file_to_guest(ld, f, gpa);
	if (ret)
		return ret;
	ld->res->kernel_gpa = gpa;
	ld->res->kernel_end = gpa + size;
	return 0;
}

static int load_flat(struct loader *ld, const struct lfile *f,
		     uint64_t offset)
{
	uint64_t gpa = ld->req->ram_base + offset;
	int ret;

	ret = check_kernel_fits(ld, f->name, gpa, f->size);
	ret = ret ?: file_to_guest(ld, f, gpa);
	if (ret)
		return ret;
	ld->res->kernel_gpa = gpa;
	ld->res->kernel_end = gpa + f->size;
	return 0;
}

static int truncated(const struct lfile *f, const char *what)
{
	return err_set(-EINVAL, "%s: truncated %s (only %s)", f->name, what,
		       human(f->size).s);
}

/* Tell the format by content: names like vmlinuz promise nothing. */
static int load_kernel_file(struct loader *ld, const struct lfile *f)
{
	/* Enough for the Image header and an EFI stub's PE header. */
	uint8_t hdr[ARM64_IMAGE_PE_SCAN];
	size_t n = f->size < sizeof(hdr) ? f->size : sizeof(hdr);
	int ret;

	ret = file_read(f, hdr, n, 0);
	if (ret)
		return ret;
	if (arm64_image_has_magic(hdr, n)) {
		ld->res->format = KERNEL_IMAGE;
		return load_image(ld, f, hdr, n);
	}
	if (n >= 2 && hdr[0] == 0x1f && hdr[1] == 0x8b) {
		if (n < ARM64_IMAGE_HDR_SIZE)
			return truncated(f, "gzip'd arm64 Image");
		ld->res->format = KERNEL_IMAGE_GZIP;
		return load_gzip(ld, f);
	}
	if (n >= 4 && !memcmp(hdr, ELF_MAGIC, 4))
		return err_set(-EINVAL, "%s: an ELF file (vmlinux?); pass "
			       "arch/arm64/boot/Image instead", f->name);
	if (n >= 4 && ((uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		       (uint32_t)hdr[2] << 8 | hdr[3]) == UIMAGE_MAGIC)
		return err_set(-EINVAL, "%s: a U-Boot uImage; pass the plain "
			       "arm64 Image (arch/arm64/boot/Image) instead",
			       f->name);
	/* "MZ" is how an EFI-stub Image starts: one missing its magic. */
	if (n >= 2 && hdr[0] == 'M' && hdr[1] == 'Z') {
		if (n < ARM64_IMAGE_HDR_SIZE)
			return truncated(f, "arm64 Image");
		return err_set(-EINVAL, "%s: not an arm64 Image (bad magic)",
			       f->name);
	}
	ld->res->format = KERNEL_FLAT;
	return load_flat(ld, f, LAYOUT_FLAT_OFFSET);
}

static bool is_zimage(const uint8_t *hdr, size_t n)
{
	return n >= ZIMAGE_HDR_SIZE &&
	       get_le32(hdr + ZIMAGE_MAGIC_OFF) == ZIMAGE_MAGIC;
}

/*
 * --aarch32: kvmtool's rule, whatever the file is, it goes to RAM +
 * 0x8000 and runs from its first byte; the formats a 64-bit boot takes
 * are refused by name, and a zImage has its size checked.
 */
static int load_aarch32_file(struct loader *ld, const struct lfile *f)
{
	/* Enough for either header: an arm64 Image's is refused by name. */
	uint8_t hdr[ARM64_IMAGE_HDR_SIZE > ZIMAGE_HDR_SIZE ?
		    ARM64_IMAGE_HDR_SIZE : ZIMAGE_HDR_SIZE];
	size_t n = f->size < sizeof(hdr) ? f->size : sizeof(hdr);
	uint32_t start, end;
	int ret;

	ret = file_read(f, hdr, n, 0);
	if (ret)
		return ret;
	if (arm64_image_has_magic(hdr, n))
		return err_set(-EINVAL, "%s: an arm64 Image; --aarch32 boots "
			       "a 32-bit zImage (arch/arm/boot/zImage)",
			       f->name);
	if (n >= 2 && hdr[0] == 0x1f && hdr[1] == 0x8b)
		return err_set(-EINVAL, "%s: gzip data; --aarch32 boots a "
			       "zImage, which inflates itself", f->name);
	if (n >= 4 && !memcmp(hdr, ELF_MAGIC, 4))
		return err_set(-EINVAL, "%s: an ELF file (vmlinux?); pass "
			       "arch/arm/boot/zImage instead", f->name);
	if (n >= 4 && ((uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		       (uint32_t)hdr[2] << 8 | hdr[3]) == UIMAGE_MAGIC)
		return err_set(-EINVAL, "%s: a U-Boot uImage; pass the plain "
			       "zImage (arch/arm/boot/zImage) instead",
			       f->name);
	if (!is_zimage(hdr, n)) {
		ld->res->format = KERNEL_FLAT;
		return load_flat(ld, f, LAYOUT_AARCH32_OFFSET);
	}
	start = get_le32(hdr + ZIMAGE_START_OFF);
	end = get_le32(hdr + ZIMAGE_END_OFF);
	if (end <= start)
		return err_set(-EINVAL, "%s: zImage header gives no size "
			       "(start 0x%x, end 0x%x)", f->name, start, end);
	/* More is fine: a DTB may be appended. */
	if (f->size < end - start)
		return err_set(-EINVAL, "%s: truncated zImage (%s; its header "
			       "says %s)", f->name, human(f->size).s,
			       human(end - start).s);
	ld->res->format = KERNEL_ZIMAGE;
	return load_flat(ld, f, LAYOUT_AARCH32_OFFSET);
}

static int load_kernel(struct loader *ld)
{
	struct load_result *res = ld->res;
	struct lfile f;
	int ret;

	ret = file_open(&f, "--kernel", ld->req->kernel);
	/*
	 * kvmtool's words: kvm-unit-tests' runner starts the VMM once with
	 * a kernel that does not exist, and only this line tells it the VMM
	 * got as far as the kernel; any other makes it skip the test as one
	 * the host cannot run (scripts/vmm.bash). So every check of the
	 * host (GIC, PMU, VCPUs) comes before the kernel is opened.
	 */
	if (ret == -ENOENT)
		return err_set(ret, "Fatal: Unable to open kernel %s: %s",
			       ld->req->kernel, strerror(ENOENT));
	if (ret)
		return ret;
	if (ld->req->aarch32)
		ret = load_aarch32_file(ld, &f);
	else
		ret = load_kernel_file(ld, &f);
	file_close(&f);
	if (ret)
		return ret;
	if (overlaps(res->kernel_gpa, res->kernel_end, res->dtb_gpa,
		     res->dtb_gpa + res->dtb_max))
		return err_set(-ENOSPC, "%s: kernel (%s at 0x%llx) overlaps "
			       "the device tree at 0x%llx%s", f.name,
			       human(res->kernel_end - res->kernel_gpa).s,
			       ull(res->kernel_gpa), ull(res->dtb_gpa),
			       more_ram_hint(ld));
	if (res->firmware_size &&
	    overlaps(res->kernel_gpa, res->kernel_end, res->firmware_gpa,
		     res->firmware_gpa + res->firmware_size))
		return err_set(-ENOSPC, "%s: kernel (at 0x%llx) overlaps the "
			       "firmware (ends at 0x%llx)", f.name,
			       ull(res->kernel_gpa),
			       ull(res->firmware_gpa + res->firmware_size));
	pr_debug("%s: %s at 0x%llx-0x%llx", f.name,
		 kernel_format_name(res->format), ull(res->kernel_gpa),
		 ull(res->kernel_end));
	return 0;
}

static int load_firmware(struct loader *ld)
{
	struct load_result *res = ld->res;
	const struct load_request *req = ld->req;
	/* --firmware-address, as kvmtool: anywhere in RAM, default its start */
	uint64_t gpa = req->firmware_addr ?: req->ram_base;
	uint64_t room = req->ram_base + req->ram_size - gpa;
	struct lfile f;
	int ret;

	ret = file_open(&f, "--firmware", req->firmware);
	if (ret)
		return ret;
	if (req->flash_size) {
		gpa = req->flash_gpa;
		if (f.size > req->flash_size)
			ret = err_set(-ENOSPC, "%s: firmware (%s) is larger "
				      "than the flash bank (%s)", f.name,
				      human(f.size).s,
				      human(req->flash_size).s);
		else
			ret = file_to_guest(ld, &f, gpa);
	} else if (gpa < req->ram_base || gpa - req->ram_base >= req->ram_size)
		ret = err_set(-EINVAL, "--firmware-address 0x%llx: not in RAM",
			      ull(gpa));
	else if (f.size > room)
		ret = err_set(-ENOSPC, "%s: firmware (%s) at 0x%llx is larger "
			      "than the RAM above it (%s)", f.name,
			      human(f.size).s, ull(gpa), human(room).s);
	else if (overlaps(gpa, gpa + f.size, res->dtb_gpa,
			  res->dtb_gpa + res->dtb_max))
		ret = err_set(-ENOSPC, "%s: firmware (%s at 0x%llx) overlaps "
			      "the device tree at 0x%llx%s", f.name,
			      human(f.size).s, ull(gpa), ull(res->dtb_gpa),
			      more_ram_hint(ld));
	else
		ret = file_to_guest(ld, &f, gpa);
	file_close(&f);
	if (ret)
		return ret;
	res->firmware_gpa = gpa;
	res->firmware_size = f.size;
	return 0;
}

/* Right below the DTB, out of the way of a kernel at the bottom. */
static int load_initrd(struct loader *ld)
{
	struct load_result *res = ld->res;
	uint64_t ram_base = ld->req->ram_base, gpa;
	struct lfile f;
	int ret;

	if (ld->req->initrd_from_fd)
		ret = file_borrow(&f, "initramfs", "(built by pocvm)",
				  ld->req->initrd_fd);
	else
		ret = file_open(&f, "--initrd", ld->req->initrd);
	if (ret)
		return ret;
	if (f.size > ld->req->ram_size) {
		ret = err_set(-ENOSPC, "%s: initrd (%s) is larger than RAM "
			      "(%s)", f.name, human(f.size).s,
			      human(ld->req->ram_size).s);
		goto out;
	}
	gpa = align_down(res->dtb_gpa - f.size, SZ_4K);
	if (f.size > res->dtb_gpa - ram_base || gpa < ram_base) {
		ret = err_set(-ENOSPC, "%s: initrd (%s) does not fit below "
			      "the device tree at 0x%llx%s", f.name,
			      human(f.size).s, ull(res->dtb_gpa),
			      more_ram_hint(ld));
		goto out;
	}
	if (ld->req->kernel &&
	    overlaps(gpa, gpa + f.size, res->kernel_gpa, res->kernel_end)) {
		ret = err_set(-ENOSPC, "%s: initrd (%s) overlaps the kernel "
			      "(ends at 0x%llx)%s", f.name, human(f.size).s,
			      ull(res->kernel_end), more_ram_hint(ld));
		goto out;
	}
	if (res->firmware_size &&
	    overlaps(gpa, gpa + f.size, res->firmware_gpa,
		     res->firmware_gpa + res->firmware_size)) {
		ret = err_set(-ENOSPC, "%s: initrd (%s) overlaps the firmware "
			      "(ends at 0x%llx)%s", f.name, human(f.size).s,
			      ull(res->firmware_gpa + res->firmware_size),
			      more_ram_hint(ld));
		goto out;
	}
	ret = file_to_guest(ld, &f, gpa);
	if (ret)
		goto out;
	res->initrd_gpa = gpa;
	res->initrd_size = f.size;
	pr_debug("%s: initrd at 0x%llx-0x%llx", f.name, ull(gpa),
		 ull(gpa + f.size));
out:
	file_close(&f);
	return ret;
}

/*
 * The DTB goes high in the first 512 MiB, where the kernel's early
 * mapping is sure to reach it, and 2 MiB aligned as booting.rst wants.
 */
static int place_dtb(struct loader *ld)
{
	const struct load_request *req = ld->req;
	uint64_t window = req->ram_size < LAYOUT_DTB_WINDOW ?
			  req->ram_size : LAYOUT_DTB_WINDOW;

	if (req->ram_base % SZ_2M)
		return err_set(-EINVAL, "--mem: RAM at 0x%llx is not 2 MiB "
			       "aligned", ull(req->ram_base));
	if (req->ram_base + req->ram_size < req->ram_base)
		return err_set(-EINVAL, "--mem: RAM wraps the address space");
	if (window < LAYOUT_DTB_MAX)
		return err_set(-EINVAL, "--mem: %s of RAM is too little for "
			       "the device tree alone",
			       human(req->ram_size).s);
	ld->ram_end = req->ram_base + req->ram_size;
	/* Firmware in flash reads it from the start of RAM (OF_BOARD). */
	if (req->firmware && req->flash_size)
		ld->res->dtb_gpa = req->ram_base;
	else
		ld->res->dtb_gpa = align_down(req->ram_base + window -
					      LAYOUT_DTB_MAX, SZ_2M);
	ld->res->dtb_max = LAYOUT_DTB_MAX;
	return 0;
}

int loader_load(struct guest_mem *mem, const struct load_request *req,
		struct load_result *res)
{
	struct loader ld = { .mem = mem, .req = req, .res = res };
	int ret;

	memset(res, 0, sizeof(*res));
	if (!req->kernel && !req->firmware)
		return err_set(-EINVAL, "--kernel: no kernel (or --firmware) "
			       "to boot");
	ret = place_dtb(&ld);
	if (!ret && req->firmware)
		ret = load_firmware(&ld);
	if (!ret && req->kernel)
		ret = load_kernel(&ld);
	if (!ret && (req->initrd || req->initrd_from_fd))
		ret = load_initrd(&ld);
	if (ret)
		return ret;
	res->entry = req->firmware ? res->firmware_gpa : res->kernel_gpa;
	return 0;
}

const char *kernel_format_name(enum kernel_format f)
{
	switch (f) {
	case KERNEL_NONE:
		return "none";
	case KERNEL_IMAGE:
		return "arm64 Image";
	case KERNEL_IMAGE_GZIP:
		return "gzip'd arm64 Image";
	case KERNEL_FLAT:
		return "flat binary";
	case KERNEL_ZIMAGE:
		return "32-bit zImage";
	}
	return "unknown";
}
