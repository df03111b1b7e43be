// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 Image header: what the kernel tells its loader about where it
 * wants to live and what it can run on.
 */
#include <errno.h>
#include <string.h>

#include "image.h"
#include "log.h"

/* The header is little-endian whatever the kernel's own endianness. */
static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static uint16_t get_le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

uint64_t arm64_image_pe_file_end(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t pe, sec, end = 0, raw_end;
	unsigned int i, nr;

	if (len < 0x40 || p[0] != 'M' || p[1] != 'Z')
		return 0;
	pe = get_le32(p + 0x3c);
	/* "PE\0\0", then the COFF header (20 bytes) */
	if (pe > len - 24 || memcmp(p + pe, "PE\0\0", 4))
		return 0;
	nr = get_le16(p + pe + 6);
	sec = pe + 24 + get_le16(p + pe + 20);
	for (i = 0; i < nr; i++, sec += 40) {
		if (sec > len - 40)
			return 0;
		/* SizeOfRawData at +16, PointerToRawData at +20 */
		raw_end = (uint64_t)get_le32(p + sec + 20) +
			  get_le32(p + sec + 16);
		if (raw_end > end)
			end = raw_end;
	}
	return end;
}

bool arm64_image_has_magic(const void *buf, size_t len)
{
	const uint8_t *p = buf;

	return len >= ARM64_IMAGE_HDR_SIZE &&
	       get_le32(p + ARM64_IMAGE_MAGIC_OFFSET) == ARM64_IMAGE_MAGIC;
}

int arm64_image_parse(const void *buf, size_t len, uint64_t granules,
		      const char *name, struct arm64_image *img)
{
	static const uint64_t page_sizes[] = { 0, 4096, 16384, 65536 };
	const uint8_t *p = buf;

	if (len < ARM64_IMAGE_HDR_SIZE)
		return err_set(-EINVAL, "%s: truncated arm64 Image (%zu bytes, "
			       "the header alone is %d)", name, len,
			       ARM64_IMAGE_HDR_SIZE);
	if (!arm64_image_has_magic(buf, len))
		return err_set(-EINVAL, "%s: not an arm64 Image (bad magic)",
			       name);
	img->text_offset = get_le64(p + 8);
	img->image_size = get_le64(p + 16);
	img->flags = get_le64(p + 24);
	if (!img->image_size) {
		/*
		 * Before 3.17 text_offset was in the kernel's endianness;
		 * booting.rst says to take 0x80000 then.
		 */
		img->text_offset = ARM64_IMAGE_V0_TEXT_OFFSET;
	}
	if (img->flags & ARM64_IMAGE_FLAG_BE)
		return err_set(-ENOTSUP, "%s: big-endian kernels are not "
			       "supported", name);
	img->page_size = page_sizes[(img->flags & ARM64_IMAGE_FLAG_PAGE_MASK) >>
				    ARM64_IMAGE_FLAG_PAGE_SHIFT];
	if (img->page_size && !(granules & img->page_size))
		return err_set(-ENOTSUP, "%s: kernel built for %llu KiB pages, "
			       "which this CPU does not support", name,
			       (unsigned long long)(img->page_size >> 10));
	return 0;
}

bool arm64_image_len_ok(const struct arm64_image *img, uint64_t len)
{
	return !img->image_size || len <= img->image_size;
}

uint64_t arm64_image_mem_size(const struct arm64_image *img, uint64_t len)
{
	return img->image_size ? img->image_size : len;
}

int arm64_image_load_addr(const struct arm64_image *img, uint64_t ram_base,
			  const char *name, uint64_t *gpa)
{
	/*
	 * Loading at the start of RAM is both "as low as possible" for a
	 * kernel that needs a 2 MiB aligned base and fine for one that
	 * can sit anywhere.
	 */
	if (!(img->flags & ARM64_IMAGE_FLAG_PHYS_ANY) &&
	    ram_base % ARM64_IMAGE_BASE_ALIGN)
		return err_set(-EINVAL, "%s: kernel needs a 2 MiB aligned "
			       "base but RAM starts at 0x%llx", name,
			       (unsigned long long)ram_base);
	if (ram_base + img->text_offset < ram_base)
		return err_set(-EINVAL, "%s: text_offset 0x%llx is out of "
			       "range", name,
			       (unsigned long long)img->text_offset);
	*gpa = ram_base + img->text_offset;
	return 0;
}
