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

int kvm_stats_find(int fd, const char *name, uint64_t *value_off)
{
	struct kvm_stats_header h;
	char desc_name[KVM_STATS_MAX_NAME];
	size_t want = strlen(name) + 1;
	uint64_t desc_size, off;
	uint32_t i;
	int ret;

	ret = read_exact(fd, &h, sizeof(h), 0);
	if (ret)
		return ret;
	if (!h.name_size || h.name_size > KVM_STATS_MAX_NAME ||
	    h.num_desc > KVM_STATS_MAX_DESC)
		return -EINVAL;
	if (want > h.name_size)
		return -ENOENT;

	desc_size = sizeof(struct kvm_stats_desc) + (uint64_t)h.name_size;
	for (i = 0; i < h.num_desc; i++) {
		struct kvm_stats_desc d;

		off = h.desc_offset + (uint64_t)i * desc_size;
		ret = read_exact(fd, &d, sizeof(d), off);
		ret = ret ?: read_exact(fd, desc_name, h.name_size,
					off + sizeof(d));
		if (ret)
			return ret;
		if (memcmp(desc_name, name, want))
			continue;
		if (!d.size)
			return -EINVAL;
		*value_off = h.data_offset + (uint64_t)d.offset;
		return 0;
	}
	return -ENOENT;
}

int kvm_stats_read(int fd, uint64_t value_off, uint64_t *value)
{
	return read_exact(fd, value, sizeof(*value), value_off);
}
