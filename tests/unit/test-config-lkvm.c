// SPDX-License-Identifier: GPL-2.0
/* kvmtool's `lkvm run` options, parsed as kvmtool spells them. */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "config-parse.h"
#include "unit.h"

START_TEST(defaults)
{
	ck_assert_int_eq(PARSE("-k", "K"), 0);
	ck_assert_uint_eq(cfg.firmware_addr, 0);
	ck_assert(!cfg.kaslr_seed_set && !cfg.psci && !cfg.single_step);
	ck_assert(!cfg.debug_mmio && !cfg.no_dhcp && !cfg.loglevel_given);
	ck_assert_uint_eq(cfg.cntfrq, 0);
	ck_assert_ptr_null(cfg.hugetlbfs);
	ck_assert_str_eq(cfg.kvm_dev, "/dev/kvm");
	ck_assert_int_eq(cfg.tty, -1);
}
END_TEST

START_TEST(firmware)
{
	/* -f is kvmtool's short --firmware */
	ck_assert_int_eq(PARSE("-f", "fw.bin"), 0);
	ck_assert_str_eq(cfg.firmware, "fw.bin");
	ck_assert_int_eq(PARSE("-f", "fw.bin", "--firmware-address",
			       "0x80100000"), 0);
	ck_assert_uint_eq(cfg.firmware_addr, 0x80100000ULL);
	ck_assert_int_eq(PARSE("--firmware", "fw", "--firmware-address",
			       "2148532224"), 0);
	ck_assert_uint_eq(cfg.firmware_addr, 0x80100000ULL);
	assert_error(PARSE("-f", "fw", "--firmware-address", "0x80100002"),
		     "--firmware-address: '0x80100002' is not a 4-byte");
	assert_error(PARSE("-f", "fw", "--firmware-address", "zz"),
		     "--firmware-address: 'zz'");
	assert_error(PARSE("-f", "fw", "--firmware-address", "-4"),
		     "--firmware-address: '-4'");
	assert_error(PARSE("-f", "fw", "--firmware-address", "0x1000"),
		     "--firmware-address 0x1000: not in RAM");
	/* RAM's last byte is in; its end is not. */
	assert_error(PARSE("-f", "fw", "-m", "256", "--firmware-address",
			   "0x90000000"), "not in RAM");
	assert_error(PARSE("-k", "K", "--firmware-address", "0x80100000"),
		     "--firmware-address needs --firmware");
	assert_error(PARSE("-f"), "option '-f' needs a value");
}
END_TEST

START_TEST(kaslr_seed)
{
	ck_assert_int_eq(PARSE("-k", "K", "--kaslr-seed", "0x123456789abcdef0"),
			 0);
	ck_assert(cfg.kaslr_seed_set);
	ck_assert_uint_eq(cfg.kaslr_seed, 0x123456789abcdef0ULL);
	ck_assert_int_eq(PARSE("-k", "K", "--kaslr-seed=42"), 0);
	ck_assert_uint_eq(cfg.kaslr_seed, 42);
	ck_assert_int_eq(PARSE("-k", "K", "--kaslr-seed", "0"), 0);
	ck_assert(cfg.kaslr_seed_set);
	assert_error(PARSE("-k", "K", "--kaslr-seed", "0x1ffffffffffffffff"),
		     "--kaslr-seed: '0x1ffffffffffffffff' is not a 64-bit");
	assert_error(PARSE("-k", "K", "--kaslr-seed", "12ab"), "--kaslr-seed");
}
END_TEST

START_TEST(cntfrq)
{
	ck_assert_int_eq(PARSE("-k", "K", "--override-bad-firmware-cntfrq",
			       "62500000"), 0);
	ck_assert_uint_eq(cfg.cntfrq, 62500000);
	ck_assert_int_eq(PARSE("-k", "K", "--override-bad-firmware-cntfrq",
			       "0xffffffff"), 0);
	ck_assert_uint_eq(cfg.cntfrq, 0xffffffffU);
	assert_error(PARSE("-k", "K", "--override-bad-firmware-cntfrq", "0"),
		     "--override-bad-firmware-cntfrq: '0' is not a frequency");
	assert_error(PARSE("-k", "K", "--override-bad-firmware-cntfrq",
			   "4294967296"), "--override-bad-firmware-cntfrq");
	assert_error(PARSE("-k", "K", "--override-bad-firmware-cntfrq",
			   "1GHz"), "--override-bad-firmware-cntfrq");
}
END_TEST

START_TEST(flags)
{
	ck_assert_int_eq(PARSE("-k", "K", "--psci", "--debug-single-step",
			       "--debug-mmio", "--no-dhcp"), 0);
	ck_assert(cfg.psci && cfg.single_step && cfg.debug_mmio &&
		  cfg.no_dhcp);
	/* kvmtool's deprecated --debug is --loglevel=debug */
	ck_assert_int_eq(PARSE("-k", "K", "--debug"), 0);
	ck_assert_int_eq(cfg.loglevel, LOG_DEBUG);
	ck_assert(cfg.loglevel_given);
	ck_assert_int_eq(PARSE("-k", "K", "--loglevel", "warning"), 0);
	ck_assert(cfg.loglevel_given);
	assert_error(PARSE("-k", "K", "--psci=1"),
		     "option '--psci=1' takes no value");
	/* Both would own KVM_SET_GUEST_DEBUG. */
	assert_error(PARSE("-k", "K", "--debug-single-step", "--gdb", "1234"),
		     "--debug-single-step does not go with --gdb");
}
END_TEST

START_TEST(paths)
{
	ck_assert_int_eq(PARSE("-k", "K", "--hugetlbfs", "/dev/hugepages",
			       "--dev", "/dev/kvm2"), 0);
	ck_assert_str_eq(cfg.hugetlbfs, "/dev/hugepages");
	ck_assert_str_eq(cfg.kvm_dev, "/dev/kvm2");
	assert_error(PARSE("-k", "K", "--hugetlbfs", ""), "--hugetlbfs: empty");
	assert_error(PARSE("-k", "K", "--dev", ""), "--dev: empty path");
	assert_error(PARSE("-k", "K", "--dev"), "option '--dev' needs");
}
END_TEST

START_TEST(tty)
{
	ck_assert_int_eq(PARSE("-k", "K", "--tty", "0"), 0);
	ck_assert_int_eq(cfg.tty, 0);
	/* kvmtool's ports 1-3 are 8250s pocvm does not have */
	assert_error(PARSE("-k", "K", "--tty", "1"),
		     "--tty 1: pocvm has one serial port, 0 (ttyS0)");
	assert_error(PARSE("-k", "K", "--tty", "4"), "--tty: '4' is not");
	assert_error(PARSE("-k", "K", "--tty", "x"), "--tty: 'x' is not");
	assert_error(PARSE("-k", "K", "--tty", "-1"), "--tty: '-1' is not");
}
END_TEST

/* kvmtool's default network, and its --vsock: now real (config-net). */
START_TEST(network_user)
{
	ck_assert_int_eq(PARSE("-k", "K", "--network", "mode=user,guest_mac="
			       "02:00:00:00:00:01"), 0);
	ck_assert_int_eq(cfg.nets[0].mode, NET_USER);
	ck_assert_int_eq(PARSE("-k", "K", "--vsock", "3"), 0);
	ck_assert_uint_eq(cfg.vsock_cid, 3);
	ck_assert_int_eq(PARSE("-k", "K", "--vsock=0x10"), 0);
	ck_assert_uint_eq(cfg.vsock_cid, 16);
}
END_TEST

/* `lkvm run [options] IMAGE [options]`: the bare word is the kernel. */
START_TEST(bare_kernel)
{
	ck_assert_int_eq(PARSE("-c", "2", "Image", "-m", "512"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
	ck_assert_uint_eq(cfg.nr_cpus, 2);
	ck_assert_uint_eq(cfg.ram_size, 512ULL << 20);
	ck_assert_int_eq(PARSE("Image", "--", "true"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
	ck_assert_int_eq(cfg.guest_argc, 1);
	/* one kernel only, as lkvm's "Cannot handle parameter" */
	assert_error(PARSE("-k", "K", "Image"), "unexpected argument 'Image'");
	assert_error(PARSE("Image", "Other"), "unexpected argument 'Other'");
	/* after --, words are the guest's */
	assert_error(PARSE("--", "Image"), "no kernel");
}
END_TEST

/* lkvm's options without a counterpart: one line saying so. */
START_TEST(refused)
{
	assert_error(PARSE("-k", "K", "--vnc"),
		     "--vnc: lkvm's option, not pocvm's: pocvm has no "
		     "framebuffer");
	/* -F/--flash is pocvm's now, on a machine that has flash. */
	assert_error(PARSE("-k", "K", "-F", "flash.img"),
		     "--flash: the kvmtool machine has no flash; use "
		     "--machine virt");
	ck_assert_int_eq(PARSE("--machine", "virt", "-f", "fw", "-F", "v.img"),
			 0);
	ck_assert_str_eq(cfg.flash, "v.img");
	assert_error(PARSE("-k", "K", "--force-pci"), "no PCI transport");
	/* not a prefix match */
	assert_error(PARSE("-k", "K", "--vn"), "unknown option '--vn'");
	assert_error(PARSE("-k", "K", "--vncx"), "unknown option '--vncx'");
	assert_error(PARSE("-k", "K", "-Z"), "unknown option '-Z'");
	/* --debug-ioport: arm64 has no ports, nothing to log */
	ck_assert_int_eq(PARSE("-k", "K", "--debug-ioport"), 0);
}
END_TEST

static Suite *config_lkvm_suite(void)
{
	Suite *s = suite_create("config-lkvm");
	TCase *tc = tcase_create("kvmtool options");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, firmware);
	tcase_add_test(tc, kaslr_seed);
	tcase_add_test(tc, cntfrq);
	tcase_add_test(tc, flags);
	tcase_add_test(tc, paths);
	tcase_add_test(tc, tty);
	tcase_add_test(tc, network_user);
	tcase_add_test(tc, bare_kernel);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(config_lkvm_suite)
