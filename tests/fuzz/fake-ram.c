// SPDX-License-Identifier: GPL-2.0
/* The fake guest RAM, and the helpers every fuzz target shares. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"

static bool verbose;

void fuzz_verbose_init(void)
{
	verbose = getenv("FUZZ_VERBOSE");
	log_threshold = verbose ? LOG_DEBUG : LOG_ERROR;
}

void fuzz_report(const char *what, int ret)
{
	if (verbose)
		fprintf(stderr, "%s: %d (%s)\n", what, ret,
			ret ? err_message(ret) : "ok");
}

void fuzz_note(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint8_t *ram_byte(struct fuzz_ram *ram, uint64_t off)
{
	if (ram->big)
		return ram->big + off;
	return &ram->half[off / FUZZ_RAM_HALF][off % FUZZ_RAM_HALF];
}

static void load_image(struct fuzz_ram *ram, struct fuzz_in *in)
{
	uint64_t len = fuzz_u16(in), n;

	if (len > ram->hot)
		len = ram->hot;
	if (len > in->n)
		len = in->n;
	if (ram->big) {
		fuzz_bytes(in, ram->big, len);
		return;
	}
	n = len < FUZZ_RAM_HALF ? len : FUZZ_RAM_HALF;
	fuzz_bytes(in, ram->half[0], n);
	fuzz_bytes(in, ram->half[1], len - n);
}

void fuzz_ram_init(struct fuzz_ram *ram, struct guest_mem *mem,
		   struct fuzz_in *in)
{
	int ret;

	memset(ram, 0, sizeof(*ram));
	ram->mem = mem;
	ram->hot = FUZZ_RAM_SIZE;
	memset(mem, 0, sizeof(*mem));
	ram->half[0] = calloc(1, FUZZ_RAM_HALF);
	ram->half[1] = calloc(1, FUZZ_RAM_HALF);
	FUZZ_CHECK(ram->half[0] && ram->half[1]);
	ret = guest_mem_add_host(ram->mem, FUZZ_RAM_BASE, FUZZ_RAM_HALF,
				 ram->half[0]);
	ret = ret ?: guest_mem_add_host(ram->mem,
					FUZZ_RAM_BASE + FUZZ_RAM_HALF,
					FUZZ_RAM_HALF, ram->half[1]);
	FUZZ_CHECK(!ret);
	load_image(ram, in);
}

/* Mapped once: 64 GiB of address space is cheap, mapping it is not. */
static uint8_t *big_ram(void)
{
	static uint8_t *big;
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	if (big)
		return big;
	p = mmap(NULL, FUZZ_BIG_RAM_SIZE + 2 * page, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	FUZZ_CHECK(p != MAP_FAILED);
	big = (uint8_t *)p + page;
	FUZZ_CHECK(!mprotect(big, FUZZ_BIG_RAM_SIZE, PROT_READ | PROT_WRITE));
	return big;
}

void fuzz_big_ram_init(struct fuzz_ram *ram, struct guest_mem *mem,
		       struct fuzz_in *in)
{
	memset(ram, 0, sizeof(*ram));
	ram->mem = mem;
	ram->big = big_ram();
	ram->hot = FUZZ_BIG_HOT_SIZE;
	memset(mem, 0, sizeof(*mem));
	FUZZ_CHECK(!guest_mem_add_host(mem, FUZZ_RAM_BASE, FUZZ_BIG_RAM_SIZE,
				       ram->big));
	load_image(ram, in);
}

void fuzz_ram_poke(struct fuzz_ram *ram, struct fuzz_in *in)
{
	uint64_t off = fuzz_u16(in) % ram->hot;
	unsigned int len = fuzz_u8(in), i;

	for (i = 0; i < len && off + i < ram->hot; i++)
		*ram_byte(ram, off + i) = fuzz_u8(in);
}

void *fuzz_ram_ptr(struct fuzz_ram *ram, uint64_t gpa, uint64_t len)
{
	return guest_mem_ptr(ram->mem, gpa, len);
}

void fuzz_ram_release(struct fuzz_ram *ram)
{
	guest_mem_release(ram->mem);
	free(ram->half[0]);
	free(ram->half[1]);
	/*
	 * Nothing a run wrote may reach the next one. The hot window is
	 * cleared in place: a page fault costs more than the memset. The
	 * rest goes back to zero pages (a walk over what is populated).
	 */
	if (ram->big) {
		memset(ram->big, 0, ram->hot);
		FUZZ_CHECK(!madvise(ram->big + ram->hot,
				    FUZZ_BIG_RAM_SIZE - ram->hot,
				    MADV_DONTNEED));
	}
}
