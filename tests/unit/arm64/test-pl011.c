// SPDX-License-Identifier: GPL-2.0
/*
 * The PL011 as a guest drives it, on a VM with no KVM behind it: its
 * PrimeCell identity, output through the console, the receive FIFO (fed
 * here by the sysrq control path, a break and a letter), the interrupt
 * status as trigger level and masks make it, and accesses a hostile
 * guest makes at odd offsets and widths.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "log.h"
#include "unit.h"
#include "vm.h"

#define DR	0x000
#define FR	0x018
#define LCR_H	0x02c
#define IFLS	0x034
#define IMSC	0x038
#define RIS	0x03c
#define MIS	0x040
#define ICR	0x044

#define FR_RXFE	0x10
#define FR_RXFF	0x40
#define FR_TXFE	0x80
#define INT_RX	0x10
#define INT_TX	0x20
#define INT_RT	0x40

static struct config cfg;
static struct vm vm;
static struct device *dev;
static int out[2];
static enum log_level saved_level;

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	memset(&cfg, 0, sizeof(cfg));
	cfg.console = CONSOLE_PL011;
	vm.cfg = &cfg;
	vm.layout = machine_layout(MACHINE_VIRT);
	vm.vm_fd = -1;
	console_init(&vm.console);
	ck_assert_int_eq(pipe2(out, O_NONBLOCK), 0);
	vm.console.out_fd = out[1];
	saved_level = log_threshold;
	log_threshold = LOG_ERROR;
	ck_assert_int_eq(pl011_type.create(&vm), 0);
	ck_assert_uint_eq(vm.nr_devices, 1);
	dev = &vm.devices[0];
}

static void teardown(void)
{
	dev->ops->teardown(dev);
	close(out[0]);
	close(out[1]);
	log_threshold = saved_level;
}

static uint32_t rd(uint64_t off, unsigned int len)
{
	uint64_t v = ~0ULL;

	ck_assert(vm_mmio_access(&vm, dev->base + off, &v, len, false));
	return len < 8 ? (uint32_t)(v & ((1ULL << (8 * len)) - 1)) : v;
}

static void wr(uint64_t off, uint32_t v, unsigned int len)
{
	ck_assert(vm_mmio_access(&vm, dev->base + off, &v, len, true));
}

/* A break and c, what `pocvm debug -s c` puts into the receiver. */
static void sysrq(char c)
{
	char args[2] = { c, 0 };
	FILE *f = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(dev->ops->control(dev, "sysrq", args, f), 0);
	fclose(f);
}

START_TEST(where_and_what)
{
	static const uint8_t id[8] = {
		0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
	};
	unsigned int i;

	/* QEMU virt's UART: 0x09000000, SPI 1 */
	ck_assert_uint_eq(dev->base, 0x09000000ULL);
	ck_assert_uint_eq(dev->spi, 1);
	ck_assert_str_eq(vm.stdout_path, "/pl011@9000000");
	for (i = 0; i < 8; i++)
		ck_assert_uint_eq(rd(0xfe0 + 4 * i, 4), id[i]);
	/* reset values: TXE | RXE, FIFOs at half */
	ck_assert_uint_eq(rd(0x030, 4), 0x300);
	ck_assert_uint_eq(rd(IFLS, 4), 0x12);
}
END_TEST

START_TEST(output)
{
	char buf[8];

	/* earlycon writes DR a byte at a time; u-boot a word */
	wr(DR, 'o', 1);
	wr(DR, 0x1234006b, 4);
	ck_assert_int_eq(read(out[0], buf, sizeof(buf)), 2);
	ck_assert_int_eq(memcmp(buf, "ok", 2), 0);
	ck_assert_uint_eq(rd(FR, 4) & (FR_TXFE | FR_RXFE), FR_TXFE | FR_RXFE);
	/* TX is raised by the write and cleared only through ICR */
	ck_assert_uint_eq(rd(RIS, 4) & INT_TX, INT_TX);
	ck_assert_uint_eq(rd(MIS, 4), 0);
	wr(IMSC, INT_TX, 4);
	ck_assert_uint_eq(rd(MIS, 4), INT_TX);
	wr(ICR, INT_TX, 4);
	ck_assert_uint_eq(rd(RIS, 4) & INT_TX, 0);
	ck_assert_uint_eq(rd(MIS, 4), 0);
}
END_TEST

START_TEST(input)
{
	/* FIFO off: the receiver holds one character, RX at once */
	sysrq('h');
	ck_assert_uint_eq(rd(FR, 4) & (FR_RXFE | FR_RXFF), FR_RXFF);
	ck_assert_uint_eq(rd(RIS, 4) & (INT_RX | INT_RT), INT_RX);
	wr(IMSC, INT_RX | INT_RT, 4);
	ck_assert_uint_eq(rd(MIS, 4), INT_RX);
	/* the break's NUL carries BE, then the letter */
	ck_assert_uint_eq(rd(DR, 4), 0x400);
	ck_assert_uint_eq(rd(DR, 2), 'h');
	ck_assert_uint_eq(rd(FR, 4) & FR_RXFE, FR_RXFE);
	ck_assert_uint_eq(rd(DR, 4), 0);
	ck_assert_uint_eq(rd(MIS, 4), 0);

	/* FIFO on, trigger 1/8 (4): 2 bytes wait below it, RT says so */
	wr(LCR_H, 0x70, 4);
	wr(IFLS, 0, 4);
	sysrq('x');
	ck_assert_uint_eq(rd(RIS, 4) & (INT_RX | INT_RT), INT_RT);
	ck_assert_uint_eq(rd(FR, 4) & (FR_RXFE | FR_RXFF), 0);
	sysrq('y');
	ck_assert_uint_eq(rd(RIS, 4) & (INT_RX | INT_RT), INT_RX | INT_RT);
	/* ICR cannot clear what the FIFO level holds up */
	wr(ICR, INT_RX | INT_RT, 4);
	ck_assert_uint_eq(rd(MIS, 4), INT_RX | INT_RT);
	while (!(rd(FR, 4) & FR_RXFE))
		rd(DR, 4);
	ck_assert_uint_eq(rd(MIS, 4), 0);
}
END_TEST

START_TEST(hostile)
{
	/* not at a word's start: reads 0, writes dropped */
	ck_assert_uint_eq(rd(0x019, 1), 0);
	ck_assert_uint_eq(rd(IMSC + 2, 2), 0);
	wr(IMSC + 1, 0xff, 1);
	ck_assert_uint_eq(rd(IMSC, 4), 0);
	/* 8-byte access: the register, upper half 0 */
	ck_assert_uint_eq(rd(0xfe0, 8), 0x11);
	/* reserved and test registers read 0, take writes harmlessly */
	ck_assert_uint_eq(rd(0x04c, 4), 0);
	ck_assert_uint_eq(rd(0xf00, 4), 0);
	wr(0x800, ~0U, 4);
	/* straight to the device, past its window: refused */
	{
		uint64_t v = ~0ULL;

		dev->ops->mmio(dev, 0xffc, &v, 8, false);
		ck_assert_uint_eq(v, 0);
		dev->ops->mmio(dev, 0x1000, &v, 4, true);
		dev->ops->mmio(dev, ~0ULL - 2, &v, 4, false);
	}
	/* the bus keeps a straddling access away from the device */
	{
		uint32_t v;

		ck_assert(!vm_mmio_access(&vm, dev->base + 0xffe, &v, 4,
					  false));
	}
	/* bits a register does not have stay 0 */
	wr(IMSC, ~0U, 4);
	ck_assert_uint_eq(rd(IMSC, 4), 0x7ff);
	wr(IFLS, ~0U, 4);
	ck_assert_uint_eq(rd(IFLS, 4), 0x3f);
	/* FIFO off: the receiver is full with what it holds */
	sysrq('a');
	ck_assert_uint_eq(rd(FR, 4) & FR_RXFF, FR_RXFF);
}
END_TEST

static Suite *pl011_suite(void)
{
	Suite *s = suite_create("pl011");
	TCase *tc = tcase_create("registers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, where_and_what);
	tcase_add_test(tc, output);
	tcase_add_test(tc, input);
	tcase_add_test(tc, hostile);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(pl011_suite)
