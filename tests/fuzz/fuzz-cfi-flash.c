// SPDX-License-Identifier: GPL-2.0
/*
 * The CFI flash banks of --machine virt: command and data writes and
 * reads of any width anywhere in either bank, VM resets. The fake
 * vm_rom_map() checks the device only ever toggles a bank's memslot;
 * ASan checks every byte it touches is the bank's.
 *
 * Input: operations, below; an access is a u8 bank, a u32 offset (26
 * bits, the bank's size) and a u8 width (1, 2, 4, 8 from its low bits).
 */
#include <sys/mman.h>

#include "config.h"
#include "device.h"
#include "fuzz.h"
#include "layout.h"
#include "vm.h"

#define MAX_OPS		1024

extern const struct device_type cfi_flash_type;

enum {
	OP_READ,	/* bank, u32 offset, u8 width */
	OP_WRITE,	/* bank, u32 offset, u8 width, u64 value */
	OP_COMMAND,	/* bank, u32 offset, u8 command to both lanes */
	OP_RESET,
	NR_OPS
};

static void access(struct fuzz_in *in, int op)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	struct device *dev = &fuzz_vm.devices[fuzz_u8(in) & 1];
	uint64_t off = fuzz_u32(in) & (dev->size - 1);
	unsigned int len = widths[fuzz_u8(in) & 3];
	uint64_t val = 0;

	if (op == OP_WRITE)
		val = fuzz_u64(in);
	if (op == OP_COMMAND) {
		val = fuzz_u8(in);
		val |= val << 16;
		len = 4;
		off &= ~3ULL;
	}
	/* The bus only hands over accesses inside the window. */
	if (off + len > dev->size)
		off = dev->size - len;
	dev->ops->mmio(dev, off, &val, len, op != OP_READ);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned int i;

	fuzz_vm_reset();
	fuzz_cfg.machine = MACHINE_VIRT;
	fuzz_vm.layout = machine_layout(MACHINE_VIRT);
	FUZZ_CHECK(!vm_add_flash(&fuzz_vm));
	FUZZ_CHECK(!cfi_flash_type.create(&fuzz_vm));
	FUZZ_CHECK(fuzz_vm.nr_devices == 2);

	for (i = 0; i < MAX_OPS && !fuzz_empty(&in); i++) {
		uint8_t op = fuzz_u8(&in) % NR_OPS;

		if (op == OP_RESET) {
			fuzz_vm.devices[0].ops->reset(&fuzz_vm.devices[0]);
			fuzz_vm.devices[1].ops->reset(&fuzz_vm.devices[1]);
		} else {
			access(&in, op);
		}
	}
	for (i = 0; i < fuzz_vm.nr_devices; i++)
		fuzz_vm.devices[i].ops->teardown(&fuzz_vm.devices[i]);
	for (i = 0; i < fuzz_vm.mem.nr_regions; i++)
		munmap(fuzz_vm.mem.regions[i].host,
		       fuzz_vm.mem.regions[i].size);
	guest_mem_release(&fuzz_vm.mem);
	return 0;
}
