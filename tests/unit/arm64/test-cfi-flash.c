// SPDX-License-Identifier: GPL-2.0
/*
 * The CFI flash banks of --machine virt as u-boot's cfi_flash and EDK2's
 * NorFlashDxe drive them, on a VM with no KVM behind it: the query and
 * identifier answers in both x16 lanes, programming that only clears
 * bits, block erase, write-to-buffer, a read-only bank 0, --flash kept in
 * step, and what a hostile guest can do with offsets, widths and counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "unit.h"
#include "vm.h"

#define BANK		(64ULL << 20)
#define BLOCK		(256ULL << 10)
#define BANK1		0x04000000ULL
#define SR_READY	0x00800080U	/* status bit 7 of both devices */

static struct config cfg;
static struct vm vm;
static uint8_t *bank0, *bank1;
static char path[64];
static enum log_level saved_level;

static void make_vm(const char *flash)
{
	memset(&vm, 0, sizeof(vm));
	memset(&cfg, 0, sizeof(cfg));
	cfg.machine = MACHINE_VIRT;
	cfg.flash = flash;
	vm.cfg = &cfg;
	vm.layout = machine_layout(MACHINE_VIRT);
	vm.vm_fd = -1;
	ck_assert_int_eq(vm_add_flash(&vm), 0);
	ck_assert_int_eq(cfi_flash_type.create(&vm), 0);
	ck_assert_uint_eq(vm.nr_devices, 2);
	bank0 = guest_mem_region(&vm.mem, 0)->host;
	bank1 = guest_mem_region(&vm.mem, BANK1)->host;
}

static void free_vm(void)
{
	unsigned int i;

	for (i = 0; i < vm.nr_devices; i++)
		vm.devices[i].ops->teardown(&vm.devices[i]);
	for (i = 0; i < vm.mem.nr_regions; i++)
		munmap(vm.mem.regions[i].host, vm.mem.regions[i].size);
	guest_mem_release(&vm.mem);
}

static void setup(void)
{
	saved_level = log_threshold;
	log_threshold = LOG_ERROR;
	path[0] = 0;
	make_vm(NULL);
}

static void teardown(void)
{
	free_vm();
	if (path[0])
		unlink(path);
	log_threshold = saved_level;
}

static uint64_t rdn(uint64_t gpa, unsigned int len)
{
	uint64_t v = 0;

	ck_assert(vm_mmio_access(&vm, gpa, &v, len, false));
	return v;
}

static uint32_t rd(uint64_t gpa)
{
	return rdn(gpa, 4);
}

static void wr(uint64_t gpa, uint32_t v)
{
	ck_assert(vm_mmio_access(&vm, gpa, &v, 4, true));
}

/* A command as both x16 devices get it. */
static void cmd(uint64_t gpa, uint16_t c)
{
	wr(gpa, (uint32_t)c << 16 | c);
}

static uint32_t word(const uint8_t *bank, uint64_t off)
{
	uint32_t w;

	memcpy(&w, bank + off, 4);
	return w;
}

START_TEST(query)
{
	const char *qry = "QRY";
	unsigned int i;

	cmd(BANK1 + 0x55 * 4, 0x98);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(rd(BANK1 + (0x10 + i) * 4),
				  (uint32_t)qry[i] << 16 | qry[i]);
	/* Intel/Sharp extended set, x8/x16, one 32 MiB device per lane */
	ck_assert_uint_eq(rd(BANK1 + 0x13 * 4), 0x00010001);
	ck_assert_uint_eq(rd(BANK1 + 0x28 * 4), 0x00020002);
	ck_assert_uint_eq(rd(BANK1 + 0x27 * 4) & 0xff, 25);
	/* 256 blocks of 128 KiB per device */
	ck_assert_uint_eq(rd(BANK1 + 0x2d * 4) & 0xff, 0xff);
	ck_assert_uint_eq(rd(BANK1 + 0x2e * 4) & 0xff, 0);
	ck_assert_uint_eq(rd(BANK1 + 0x30 * 4) & 0xff, 2);
	ck_assert_uint_eq(rd(BANK1 + 0x31 * 4) & 0xff, 'P');
	/* byte reads: the lanes as the bus carries them */
	ck_assert_uint_eq(rdn(BANK1 + 0x40, 1), 'Q');
	ck_assert_uint_eq(rdn(BANK1 + 0x41, 1), 0);
	ck_assert_uint_eq(rdn(BANK1 + 0x42, 1), 'Q');
	/* a 16-bit probe at a 16-bit port's address finds no "Q" */
	ck_assert_uint_eq(rdn(BANK1 + 0x20, 2), 0);
	/* 8 bytes: two bus words */
	ck_assert_uint_eq(rdn(BANK1 + 0x40, 8), 0x0052005200510051ULL);
	/* past the table, and far into the bank */
	ck_assert_uint_eq(rd(BANK1 + 0x40 * 4), 0);
	ck_assert_uint_eq(rd(BANK1 + BANK - 4), 0);
	/* back to the array: the bank's bytes again */
	bank1[0x40] = 0xa5;
	cmd(BANK1, 0xff);
	ck_assert_uint_eq(rd(BANK1 + 0x40), 0xa5);
}
END_TEST

START_TEST(identifier)
{
	cmd(BANK1, 0x90);
	ck_assert_uint_eq(rd(BANK1), 0x00890089);
	ck_assert_uint_eq(rd(BANK1 + 4), 0x00180018);
	/* each block's lock status, at its offset 2: unlocked */
	ck_assert_uint_eq(rd(BANK1 + 3 * BLOCK + 8), 0);
	ck_assert_uint_eq(rd(BANK1 + 3 * BLOCK), 0x00890089);
	/* unknown commands return to read array */
	cmd(BANK1, 0x42);
	ck_assert_uint_eq(rd(BANK1), word(bank1, 0));
}
END_TEST

START_TEST(program_and_erase)
{
	/* erase block 1 (from anywhere inside it), then program a word */
	cmd(BANK1 + BLOCK + 0x1234, 0x20);
	cmd(BANK1 + BLOCK + 0x1234, 0xd0);
	ck_assert_uint_eq(rd(BANK1 + BLOCK), SR_READY);
	ck_assert_uint_eq(word(bank1, BLOCK), 0xffffffff);
	ck_assert_uint_eq(word(bank1, 2 * BLOCK - 4), 0xffffffff);
	ck_assert_uint_eq(word(bank1, 2 * BLOCK), 0);
	ck_assert_uint_eq(word(bank1, BLOCK - 4), 0);
	cmd(BANK1, 0x40);
	wr(BANK1 + BLOCK + 0x100, 0x12345678);
	ck_assert_uint_eq(rd(BANK1 + BLOCK), SR_READY);
	ck_assert_uint_eq(word(bank1, BLOCK + 0x100), 0x12345678);
	/* NOR programming clears bits, never sets them */
	cmd(BANK1, 0x10);
	wr(BANK1 + BLOCK + 0x100, 0xffff0000);
	ck_assert_uint_eq(word(bank1, BLOCK + 0x100), 0x12340000);
	/* clear status, read array */
	cmd(BANK1, 0x50);
	ck_assert_uint_eq(rd(BANK1 + BLOCK + 0x100), 0x12340000);
	/* erase not confirmed: error bits, nothing erased */
	cmd(BANK1 + BLOCK, 0x20);
	cmd(BANK1 + BLOCK, 0xff);
	ck_assert_uint_eq(rd(BANK1) & 0x00300030, 0x00300030);
	ck_assert_uint_eq(word(bank1, BLOCK + 0x100), 0x12340000);
	/* lock commands succeed; blocks never lock */
	cmd(BANK1, 0x60);
	cmd(BANK1, 0xd0);
	cmd(BANK1, 0x50);
	ck_assert_uint_eq(rd(BANK1 + BLOCK + 0x100), 0x12340000);
}
END_TEST

START_TEST(bank0_read_only)
{
	bank0[0] = 0x14;	/* the firmware's first byte */
	cmd(0, 0x40);
	wr(0, 0);
	ck_assert_uint_eq(rd(0) & 0x00900090, 0x00900090);	/* program error */
	ck_assert_uint_eq(bank0[0], 0x14);
	cmd(0, 0x50);
	cmd(BLOCK, 0x20);
	cmd(BLOCK, 0xd0);
	ck_assert_uint_eq(rd(0) & 0x00a000a0, 0x00a000a0);	/* erase error */
	ck_assert_uint_eq(word(bank0, BLOCK), 0);
	cmd(0, 0xe8);
	cmd(0, 0);
	wr(0, 0);
	cmd(0, 0xd0);
	ck_assert_uint_eq(bank0[0], 0x14);
	cmd(0, 0xff);
	ck_assert_uint_eq(rd(0), 0x14);
}
END_TEST

START_TEST(write_buffer)
{
	unsigned int i;

	memset(bank1, 0xff, BLOCK);
	/* count to the block, data into one 4 KiB window, confirm */
	cmd(BANK1, 0xe8);
	ck_assert_uint_eq(rd(BANK1), SR_READY);
	cmd(BANK1, 3);
	for (i = 0; i < 4; i++)
		wr(BANK1 + 0x2000 + 4 * i, 0xa0a0a0a0 + i);
	ck_assert_uint_eq(rd(BANK1), SR_READY);
	cmd(BANK1, 0xd0);
	ck_assert_uint_eq(rd(BANK1), SR_READY);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(word(bank1, 0x2000 + 4 * i), 0xa0a0a0a0 + i);
	ck_assert_uint_eq(word(bank1, 0x2010), 0xffffffff);
	/* a count past the buffer: refused, nothing taken as data */
	cmd(BANK1, 0x50);
	cmd(BANK1, 0xe8);
	cmd(BANK1, 0xffff);
	ck_assert_uint_eq(rd(BANK1) & 0x00100010, 0x00100010);
	wr(BANK1 + 0x3000, 0);
	ck_assert_uint_eq(word(bank1, 0x3000), 0xffffffff);
	/* data leaving the window of its first word: not written */
	cmd(BANK1, 0x50);
	cmd(BANK1, 0xe8);
	cmd(BANK1, 1);
	wr(BANK1 + 0x4ffc, 0);
	wr(BANK1 + 0x5000, 0);
	cmd(BANK1, 0xd0);
	ck_assert_uint_eq(rd(BANK1) & 0x00100010, 0x00100010);
	ck_assert_uint_eq(word(bank1, 0x4ffc), 0);
	ck_assert_uint_eq(word(bank1, 0x5000), 0xffffffff);
	/* no confirm: an error, the status stays to be read */
	cmd(BANK1, 0x50);
	cmd(BANK1, 0xe8);
	cmd(BANK1, 0);
	wr(BANK1 + 0x6000, 0);
	cmd(BANK1, 0x33);
	ck_assert_uint_eq(rd(BANK1) & 0x00100010, 0x00100010);
}
END_TEST

START_TEST(hostile)
{
	struct device *d = &vm.devices[1];
	uint64_t v = ~0ULL;

	/* the device's own checks, past what the bus would let through */
	cmd(BANK1, 0x40);
	d->ops->mmio(d, BANK - 2, &v, 4, true);
	d->ops->mmio(d, BANK, &v, 1, true);
	d->ops->mmio(d, ~0ULL, &v, 8, true);
	d->ops->mmio(d, 0, &v, 16, true);
	d->ops->mmio(d, 0, &v, 0, true);
	v = ~0ULL;
	d->ops->mmio(d, BANK - 4, &v, 8, false);
	ck_assert_uint_eq(v, 0);
	/* still waiting for its data: none of those was taken */
	ck_assert_uint_eq(word(bank1, BANK - 4), 0);
	wr(BANK1 + BANK - 4, 0);
	/* an erase at the last block stays inside the bank */
	cmd(BANK1 + BANK - 4, 0x20);
	cmd(BANK1 + BANK - 4, 0xd0);
	ck_assert_uint_eq(word(bank1, BANK - 4), 0xffffffff);
	ck_assert_uint_eq(word(bank1, BANK - BLOCK), 0xffffffff);
	ck_assert_uint_eq(word(bank1, BANK - BLOCK - 4), 0);
	/* the bus refuses what straddles the window's end */
	ck_assert(!vm_mmio_access(&vm, BANK1 + BANK - 2, &v, 4, true));
}
END_TEST

/* -F/--flash: the file is bank 1, and each change reaches it. */
START_TEST(flash_file)
{
	struct stat st;
	uint32_t w;
	int fd;

	free_vm();
	strcpy(path, "/tmp/pocvm-flash-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, BANK), 0);
	ck_assert_int_eq(pwrite(fd, "env!", 4, 0x100), 4);
	make_vm(path);
	ck_assert_int_eq(memcmp(bank1 + 0x100, "env!", 4), 0);
	cmd(BANK1, 0x20);
	cmd(BANK1, 0xd0);
	cmd(BANK1, 0x40);
	wr(BANK1 + 0x200, 0x11223344);
	cmd(BANK1, 0xff);
	ck_assert_int_eq(pread(fd, &w, 4, 0x100), 4);
	ck_assert_uint_eq(w, 0xffffffff);
	ck_assert_int_eq(pread(fd, &w, 4, 0x200), 4);
	ck_assert_uint_eq(w, 0x11223344);
	free_vm();

	/* a file of another size is the user's mistake, said once */
	ck_assert_int_eq(ftruncate(fd, BANK / 2), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	close(fd);
	memset(&vm, 0, sizeof(vm));
	cfg.flash = path;
	vm.cfg = &cfg;
	vm.layout = machine_layout(MACHINE_VIRT);
	vm.vm_fd = -1;
	ck_assert_int_eq(vm_add_flash(&vm), 0);
	ck_assert_int_eq(cfi_flash_type.create(&vm), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err_message(-EINVAL),
				     "not a file of 64 MiB"));
	/* bank 0 was made before bank 1 failed */
	vm.devices[0].ops->teardown(&vm.devices[0]);
	vm.nr_devices = 0;
}
END_TEST

/* One node for both banks, as QEMU's: where firmware looks for them. */
START_TEST(device_tree_layout)
{
	ck_assert_uint_eq(vm.devices[0].base, 0);
	ck_assert_uint_eq(vm.devices[0].size, BANK);
	ck_assert_uint_eq(vm.devices[1].base, BANK1);
	ck_assert(guest_mem_region(&vm.mem, 0)->rom);
	/* devices never get a pointer into flash; pocvm's writes do */
	ck_assert_ptr_null(guest_mem_ptr(&vm.mem, 0x1000, 4));
	ck_assert_ptr_nonnull(guest_mem_ptr_any(&vm.mem, 0x1000, 4));
	ck_assert_int_eq(guest_mem_write(&vm.mem, 0x1000, "fw", 2), 0);
	ck_assert_uint_eq(vm.mem.nr_written, 1);
}
END_TEST

static Suite *cfi_flash_suite(void)
{
	Suite *s = suite_create("cfi-flash");
	TCase *tc = tcase_create("banks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, query);
	tcase_add_test(tc, identifier);
	tcase_add_test(tc, program_and_erase);
	tcase_add_test(tc, bank0_read_only);
	tcase_add_test(tc, write_buffer);
	tcase_add_test(tc, hostile);
	tcase_add_test(tc, flash_file);
	tcase_add_test(tc, device_tree_layout);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(cfi_flash_suite)
