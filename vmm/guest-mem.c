// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM: the regions, the one bounds-checked GPA-to-host translation,
 * and the record of what pocvm wrote (which the PoC clean consumes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest-mem.h"
#include "log.h"

static int region_insert(struct guest_mem *mem, uint64_t gpa, uint64_t size,
			 void *host, bool rom)
{
	unsigned int i;

	if (mem->nr_regions == GUEST_MEM_MAX_REGIONS)
		return err_set(-ENOSPC, "too many RAM regions");
	if (!size || gpa + size < gpa)
		return err_set(-EINVAL, "RAM region at 0x%llx: bad size",
			       (unsigned long long)gpa);
	for (i = 0; i < mem->nr_regions; i++) {
		const struct mem_region *r = &mem->regions[i];

		if (gpa < r->gpa + r->size && r->gpa < gpa + size)
			return err_set(-EINVAL,
				       "RAM regions overlap at 0x%llx",
				       (unsigned long long)gpa);
	}
	mem->regions[mem->nr_regions].gpa = gpa;
	mem->regions[mem->nr_regions].size = size;
	mem->regions[mem->nr_regions].host = host;
	mem->regions[mem->nr_regions].rom = rom;
	mem->nr_regions++;
	return 0;
}

static int add_anon(struct guest_mem *mem, uint64_t gpa, uint64_t size,
		    bool rom)
{
	long page = sysconf(_SC_PAGESIZE);
	void *host;
	int ret;

	if ((gpa | size) & (page - 1))
		return err_set(-EINVAL, "RAM region 0x%llx+0x%llx: not page aligned",
			       (unsigned long long)gpa,
			       (unsigned long long)size);
	/* Private and anonymous: KVM gives a guest MTE only over such RAM. */
	host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host == MAP_FAILED)
		return err_set(-errno, "cannot map %llu MiB of guest RAM: %s",
			       (unsigned long long)(size >> 20),
			       strerror(errno));
	/* Fewer stage-2 faults and TLB misses; a hint, failure is fine. */
	madvise(host, size, MADV_HUGEPAGE);
	ret = region_insert(mem, gpa, size, host, rom);
	if (ret)
		munmap(host, size);
	return ret;
}

int guest_mem_add_region(struct guest_mem *mem, uint64_t gpa, uint64_t size)
{
	return add_anon(mem, gpa, size, false);
}

int guest_mem_add_rom(struct guest_mem *mem, uint64_t gpa, uint64_t size)
{
	return add_anon(mem, gpa, size, true);
}

int guest_mem_add_host(struct guest_mem *mem, uint64_t gpa, uint64_t size,
		       void *host)
{
	return region_insert(mem, gpa, size, host, false);
}

void guest_mem_release(struct guest_mem *mem)
{
	free(mem->written);
	memset(mem, 0, sizeof(*mem));
}

const struct mem_region *guest_mem_region(const struct guest_mem *mem,
					  uint64_t gpa)
{
	unsigned int i;

	for (i = 0; i < mem->nr_regions; i++) {
		const struct mem_region *r = &mem->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

void *guest_mem_ptr_any(const struct guest_mem *mem, uint64_t gpa,
			uint64_t len)
{
	const struct mem_region *r = guest_mem_region(mem, gpa);
	uint64_t off;

	if (!r)
		return NULL;
	off = gpa - r->gpa;
	/* Written so that no sum can wrap: len is guest-controlled. */
	if (len > r->size - off)
		return NULL;
	return r->host + off;
}

void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	const struct mem_region *r = guest_mem_region(mem, gpa);

	/* A device never reads or writes flash behind the flash's back. */
	if (r && r->rom)
		return NULL;
	return guest_mem_ptr_any(mem, gpa, len);
}

bool guest_mem_contains(const struct guest_mem *mem, uint64_t gpa,
			uint64_t len)
{
	return guest_mem_ptr(mem, gpa, len) != NULL;
}

/* Insert [gpa, gpa+len) into the sorted, merged record. */
static int record_write(struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;
	size_t i, j;

	if (!len)
		return 0;
	for (i = 0; i < mem->nr_written; i++)
		if (mem->written[i].gpa + mem->written[i].size >= gpa)
			break;
	/* Merge every recorded range that touches the new one. */
	for (j = i; j < mem->nr_written && mem->written[j].gpa <= end; j++) {
		struct gpa_range *w = &mem->written[j];

		if (w->gpa < gpa)
			gpa = w->gpa;
		if (w->gpa + w->size > end)
			end = w->gpa + w->size;
	}
	if (j == i) {
		if (mem->nr_written == mem->cap_written) {
			size_t cap = mem->cap_written ? mem->cap_written * 2 : 16;
			struct gpa_range *n;

			n = realloc(mem->written, cap * sizeof(*n));
			if (!n)
				return -ENOMEM;
			mem->written = n;
			mem->cap_written = cap;
		}
		memmove(&mem->written[i + 1], &mem->written[i],
			(mem->nr_written - i) * sizeof(mem->written[0]));
		mem->nr_written++;
	} else if (j > i + 1) {
		memmove(&mem->written[i + 1], &mem->written[j],
			(mem->nr_written - j) * sizeof(mem->written[0]));
		mem->nr_written -= j - i - 1;
	}
	mem->written[i].gpa = gpa;
	mem->written[i].size = end - gpa;
	return 0;
}

void *guest_mem_claim(struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	void *p = guest_mem_ptr_any(mem, gpa, len);

	if (!p || record_write(mem, gpa, len))
		return NULL;
	return p;
}

int guest_mem_write(struct guest_mem *mem, uint64_t gpa, const void *src,
		    uint64_t len)
{
	void *p = guest_mem_claim(mem, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, src, len);
	return 0;
}

void guest_mem_forget_writes(struct guest_mem *mem)
{
	mem->nr_written = 0;
}

uint64_t guest_mem_resident(const struct guest_mem *mem)
{
	unsigned char vec[4096];
	long page = sysconf(_SC_PAGESIZE);
	uint64_t bytes = 0, off, chunk, pages, i;
	unsigned int r;

	for (r = 0; r < mem->nr_regions; r++) {
		for (off = 0; off < mem->regions[r].size; off += chunk) {
			chunk = mem->regions[r].size - off;
			if (chunk > sizeof(vec) * page)
				chunk = sizeof(vec) * page;
			if (mincore(mem->regions[r].host + off, chunk, vec))
				return 0;
			pages = (chunk + page - 1) / page;
			for (i = 0; i < pages; i++)
				bytes += (vec[i] & 1) ? page : 0;
		}
	}
	return bytes;
}
