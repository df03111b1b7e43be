// SPDX-License-Identifier: GPL-2.0
/*
 * The 8250 UART: register reads and writes of any width at any offset
 * in its window, host input bursts into the receive FIFO, VM resets.
 * The fake vm_set_irq() checks the line is only ever toggled.
 *
 * Input: operations, below; an access's u8 is offset (bits 0-2) and
 * width (bits 4-5: 1, 2, 4, 8 bytes).
 */
#include "config.h"
#include "device.h"
#include "fuzz.h"
#include "layout.h"
#include "vm.h"

#define MAX_OPS		1024

extern const struct device_type serial8250_type;

enum {
	OP_READ,	/* u8 offset/width */
	OP_WRITE,	/* u8 offset/width, u8 value */
	OP_INPUT,	/* u8 length, bytes */
	OP_RESET,
	NR_OPS
};

static void mmio(struct device *dev, uint8_t how, uint64_t val,
		 bool is_write)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	unsigned int len = widths[(how >> 4) & 3];
	uint64_t off = how & 7;

	/* The bus only hands over accesses inside the 8-byte window. */
	if (off + len > LAYOUT_UART_SIZE)
		off = LAYOUT_UART_SIZE - len;
	dev->ops->mmio(dev, off, &val, len, is_write);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct device *dev;
	unsigned int i;

	fuzz_vm_reset();
	fuzz_cfg.console = CONSOLE_SERIAL;
	FUZZ_CHECK(!serial8250_type.create(&fuzz_vm));
	dev = fuzz_last_device;
	FUZZ_CHECK(dev);
	dev->ops->reset(dev);
	FUZZ_CHECK(!dev->ops->start(dev));

	for (i = 0; i < MAX_OPS && !fuzz_empty(&in); i++) {
		uint8_t op = fuzz_u8(&in);

		switch (op % NR_OPS) {
		case OP_READ:
			mmio(dev, fuzz_u8(&in), 0, false);
			break;
		case OP_WRITE: {
			uint8_t how = fuzz_u8(&in);

			mmio(dev, how, fuzz_u8(&in), true);
			break;
		}
		case OP_INPUT:
			fuzz_console_input(&in, fuzz_u8(&in));
			break;
		case OP_RESET:
			dev->ops->reset(dev);
			break;
		}
	}
	dev->ops->teardown(dev);
	return 0;
}
