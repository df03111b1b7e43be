// SPDX-License-Identifier: GPL-2.0
/*
 * Reading one value out of a KVM binary stats file (KVM_GET_STATS_FD).
 * The layout comes from the kernel, but a newer or odd kernel may describe
 * more than we expect: every offset and size is checked in 64 bits before
 * it is used, and the file is read with pread() piece by piece.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "kvm-stats.h"

/* Far above any real kernel's; only there to bound the search. */
#define KVM_STATS_MAX_NAME	4096
#define KVM_STATS_MAX_DESC	65536

static int read_exact(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EINVAL;
}

/* Descriptors are read this many bytes at a time: one pread for a VM's. */
#define KVM_STATS_CHUNK		8192

int kvm_stats_find(int fd, const char *name, uint64_t *value_off)
{
	struct kvm_stats_header h;
	/* 8-byte aligned, for the descriptors' fields read from it. */
	uint64_t chunk[KVM_STATS_CHUNK / 8];
	size_t want = strlen(name) + 1;
	uint64_t desc_size, per_chunk;
	uint32_t i, n, j;
	int ret;

	ret = read_exact(fd, &h, sizeof(h), 0);
	if (ret)
		return ret;
	if (!h.name_size || h.name_size > KVM_STATS_MAX_NAME ||
	    h.num_desc > KVM_STATS_MAX_DESC)
		return -EINVAL;
	if (want > h.name_size)
		return -ENOENT;

	/*
	 * As many whole descriptors per pread() as the chunk holds (at
	 * least one: a name is at most KVM_STATS_MAX_NAME): each call is a
	 * cost in a short run, and a VM has a handful.
	 */
	desc_size = sizeof(struct kvm_stats_desc) + (uint64_t)h.name_size;
	per_chunk = sizeof(chunk) / desc_size;
	if (!per_chunk)
		return -EINVAL;
	for (i = 0; i < h.num_desc; i += n) {
		n = h.num_desc - i < per_chunk ? h.num_desc - i : per_chunk;
		ret = read_exact(fd, chunk, n * desc_size,
				 h.desc_offset + (uint64_t)i * desc_size);
		if (ret)
			return ret;
		for (j = 0; j < n; j++) {
			const uint8_t *p = (const uint8_t *)chunk +
					   j * desc_size;
			struct kvm_stats_desc d;

			memcpy(&d, p, sizeof(d));
			if (memcmp(p + sizeof(d), name, want))
				continue;
			if (!d.size)
				return -EINVAL;
			*value_off = h.data_offset + (uint64_t)d.offset;
			return 0;
		}
	}
	return -ENOENT;
}

int kvm_stats_read(int fd, uint64_t value_off, uint64_t *value)
{
	return read_exact(fd, value, sizeof(*value), value_off);
}
