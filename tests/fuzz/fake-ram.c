// SPDX-License-Identifier: GPL-2.0
/* The fake guest RAM, and the helpers every fuzz target shares. */
#include <stdio.h>
#include <stdlib.h>

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

static uint8_t *ram_byte(struct fuzz_ram *ram, uint64_t off)
{
	return &ram->half[off / FUZZ_RAM_HALF][off % FUZZ_RAM_HALF];
}

void fuzz_ram_init(struct fuzz_ram *ram, struct guest_mem *mem,
		   struct fuzz_in *in)
{
	uint64_t len = fuzz_u16(in), i;
	int ret;

	ram->mem = mem;
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
	if (len > FUZZ_RAM_SIZE)
		len = FUZZ_RAM_SIZE;
	for (i = 0; i < len && !fuzz_empty(in); i++)
		*ram_byte(ram, i) = fuzz_u8(in);
}

void fuzz_ram_poke(struct fuzz_ram *ram, struct fuzz_in *in)
{
	uint64_t off = fuzz_u16(in) % FUZZ_RAM_SIZE;
	unsigned int len = fuzz_u8(in), i;

	for (i = 0; i < len && off + i < FUZZ_RAM_SIZE; i++)
		*ram_byte(ram, off + i) = fuzz_u8(in);
}

void fuzz_ram_release(struct fuzz_ram *ram)
{
	guest_mem_release(ram->mem);
	free(ram->half[0]);
	free(ram->half[1]);
}
