// SPDX-License-Identifier: GPL-2.0
/*
 * --dtb: the user's blob is checked, copied, patched (/chosen, /memory)
 * and matched against the VM by fdt_patch_user(). Whatever the blob, a
 * success must leave a valid tree in the buffer saying what the VM has.
 *
 * Input: u8 CPUs, u8 how (below; GIC model in bits 4-5), u8 buffer
 * slack, 63 bytes of bootargs | the blob.
 */
#include <libfdt.h>

#include "fdt-arm64.h"
#include "fdt-build.h"
#include "fuzz.h"
#include "layout.h"
#include "log.h"

/* Byte 1 of the input. */
#define WITH_INITRD	0x01
#define WITH_PMU	0x02
#define WIDE_RAM	0x04	/* RAM above 4 GiB: 2-cell addresses */
#define TIGHT_BUFFER	0x08	/* the blob's size plus a little */

/*
 * The buffer a run has (dtb_max), allocated once: a fresh 2 MiB block
 * per input costs ASan more than the patching. Still exactly that size,
 * so a write past its end is caught.
 */
static void *dtb_max_buf;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_verbose_init();
	dtb_max_buf = malloc(LAYOUT_DTB_MAX);
	FUZZ_CHECK(dtb_max_buf);
	return 0;
}

static void check_tree(const void *buf, size_t bufsize, int size,
		       const struct fdt_params *p)
{
	const char *bootargs;
	int off, len;

	FUZZ_CHECK(size > 0 && (size_t)size <= bufsize);
	FUZZ_CHECK(fdt_totalsize(buf) == (uint32_t)size);
	FUZZ_CHECK(!fdt_check_full(buf, size));
	off = fdt_path_offset(buf, "/chosen");
	FUZZ_CHECK(off >= 0);
	bootargs = fdt_getprop(buf, off, "bootargs", &len);
	FUZZ_CHECK(bootargs && len == (int)strlen(p->bootargs) + 1);
	FUZZ_CHECK(!memcmp(bootargs, p->bootargs, len));
	FUZZ_CHECK(!!fdt_getprop(buf, off, "linux,initrd-start", &len) ==
		   !!p->initrd_size);
	off = fdt_node_offset_by_prop_value(buf, -1, "device_type", "memory",
					    sizeof("memory"));
	FUZZ_CHECK(off >= 0);
	/* Exactly one bank: the one the VM has. */
	FUZZ_CHECK(fdt_node_offset_by_prop_value(buf, off, "device_type",
						 "memory",
						 sizeof("memory")) < 0);
	/* What was checked on the way in still holds for what goes out. */
	FUZZ_CHECK(!fdt_arm64_check_user(buf, "fuzz.dtb", p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct fdt_params p = { 0 };
	char bootargs[64];
	size_t bufsize;
	uint8_t how, slack;
	void *buf, *user;
	int ret;

	p.layout = machine_layout(MACHINE_KVMTOOL);
	p.nr_cpus = fuzz_u8(&in) % (CONFIG_MAX_CPUS + 2);
	how = fuzz_u8(&in);
	slack = fuzz_u8(&in);
	p.gic = (how >> 4) & 3;
	p.ram_base = (how & WIDE_RAM) ? 0x100000000ULL : LAYOUT_RAM_BASE;
	p.ram_size = 256ULL << 20;
	if (how & WITH_INITRD) {
		p.initrd_gpa = p.ram_base + 0x1000000;
		p.initrd_size = 0x12345;
	}
	p.pmu = how & WITH_PMU;
	p.boot_count = 1;
	fuzz_bytes(&in, bootargs, sizeof(bootargs) - 1);
	bootargs[sizeof(bootargs) - 1] = '\0';
	p.bootargs = bootargs;

	bufsize = LAYOUT_DTB_MAX;
	buf = dtb_max_buf;
	if (how & TIGHT_BUFFER) {
		bufsize = in.n + slack;
		buf = malloc(bufsize ?: 1);
	}
	/* As read_user_dtb() has it: its own block, so 8-byte aligned. */
	user = malloc(in.n ?: 1);
	FUZZ_CHECK(buf && user);
	memcpy(user, in.p, in.n);
	ret = fdt_patch_user(buf, bufsize, user, in.n, "fuzz.dtb", &p);
	fuzz_report("fdt_patch_user", ret < 0 ? ret : 0);
	if (ret >= 0)
		check_tree(buf, bufsize, ret, &p);
	err_clear();
	free(user);
	if (buf != dtb_max_buf)
		free(buf);
	return 0;
}
