// SPDX-License-Identifier: GPL-2.0
/*
 * The PL011: register reads and writes of any width at any offset in its
 * 4 KiB window, host input bursts, sysrq breaks, VM resets. The fake
 * vm_set_irq() checks the line is only ever toggled.
 *
 * Input: operations, below; an access is a u16 offset (12 bits) and a
 * u8 width (1, 2, 4, 8 bytes from its low 2 bits).
 */
#include "config.h"
#include "device.h"
#include "fuzz.h"
#include "vm.h"

#define MAX_OPS		1024
#define WINDOW		0x1000

extern const struct device_type pl011_type;

enum {
	OP_READ,	/* u16 offset, u8 width */
	OP_WRITE,	/* u16 offset, u8 width, u32 value */
	OP_INPUT,	/* u8 length, bytes */
	OP_SYSRQ,	/* u8 character */
	OP_RESET,
	NR_OPS
};

static void mmio(struct device *dev, struct fuzz_in *in, bool is_write)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	uint64_t off = fuzz_u16(in) & (WINDOW - 1);
	unsigned int len = widths[fuzz_u8(in) & 3];
	uint64_t val = is_write ? fuzz_u32(in) : 0;

	/* The bus only hands over accesses inside the window. */
	if (off + len > WINDOW)
		off = WINDOW - len;
	dev->ops->mmio(dev, off, &val, len, is_write);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct device *dev;
	unsigned int i;
	FILE *out;

	fuzz_vm_reset();
	fuzz_cfg.console = CONSOLE_PL011;
	FUZZ_CHECK(!pl011_type.create(&fuzz_vm));
	dev = fuzz_last_device;
	FUZZ_CHECK(dev);
	dev->ops->reset(dev);
	FUZZ_CHECK(!dev->ops->start(dev));
	out = fopen("/dev/null", "w");
	FUZZ_CHECK(out);

	for (i = 0; i < MAX_OPS && !fuzz_empty(&in); i++) {
		uint8_t op = fuzz_u8(&in);

		switch (op % NR_OPS) {
		case OP_READ:
			mmio(dev, &in, false);
			break;
		case OP_WRITE:
			mmio(dev, &in, true);
			break;
		case OP_INPUT:
			fuzz_console_input(&in, fuzz_u8(&in));
			break;
		case OP_SYSRQ: {
			char args[2] = { (char)fuzz_u8(&in), 0 };

			dev->ops->control(dev, "sysrq", args, out);
			break;
		}
		case OP_RESET:
			dev->ops->reset(dev);
			break;
		}
	}
	fclose(out);
	dev->ops->teardown(dev);
	return 0;
}
