// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config-parse.h"
#include "unit.h"

START_TEST(defaults)
{
	ck_assert_int_eq(PARSE("-k", "Image"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
	ck_assert_uint_eq(cfg.ram_size, 256ULL << 20);
	ck_assert_uint_eq(cfg.ram_base, 0x80000000ULL);
	/* kvmtool's default: a VCPU per online host CPU */
	ck_assert_uint_eq(cfg.nr_cpus, sysconf(_SC_NPROCESSORS_ONLN));
	ck_assert(cfg.cpus_default);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_AUTO);
	ck_assert(!cfg.reboot && !cfg.pmu && !cfg.nodefaults);
	/* MTE is on wherever KVM offers it, as in kvmtool. */
	ck_assert(!cfg.no_mte);
}
END_TEST

/* kvmtool's spelling, so scripts written for lkvm work unchanged. */
START_TEST(disable_mte)
{
	ck_assert_int_eq(PARSE("-k", "K", "--disable-mte"), 0);
	ck_assert(cfg.no_mte);
	ck_assert(!cfg.aarch32 && !cfg.no_pvtime);
	ck_assert_uint_eq(cfg.sve_max_vl, 0);
	ck_assert_ptr_null(cfg.vcpu_affinity);
}
END_TEST

/* --balloon, kvmtool's: a flag; off by default, and no value taken. */
START_TEST(balloon)
{
	ck_assert_int_eq(PARSE("-k", "K"), 0);
	ck_assert(!cfg.balloon);
	ck_assert_int_eq(PARSE("-k", "K", "--balloon"), 0);
	ck_assert(cfg.balloon);
	ck_assert_int_lt(PARSE("-k", "K", "--balloon=1"), 0);
}
END_TEST

START_TEST(long_and_short)
{
	ck_assert_int_eq(PARSE("--kernel", "K", "-i", "I", "--params", "quiet",
			       "-c", "4", "--mem", "1G", "--irqchip", "gicv2",
			       "--pmu", "--reboot", "--nodefaults",
			       "--dtb", "b.dtb", "--name", "vm1",
			       "--loglevel", "debug", "--firmware", "fw"), 0);
	ck_assert_str_eq(cfg.kernel, "K");
	ck_assert_str_eq(cfg.initrd, "I");
	ck_assert_str_eq(cfg.params, "quiet");
	ck_assert_str_eq(cfg.dtb, "b.dtb");
	ck_assert_str_eq(cfg.name, "vm1");
	ck_assert_str_eq(cfg.firmware, "fw");
	ck_assert_uint_eq(cfg.nr_cpus, 4);
	ck_assert(!cfg.cpus_default);
	ck_assert_uint_eq(cfg.ram_size, 1ULL << 30);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_GICV2);
	ck_assert_int_eq(cfg.loglevel, LOG_DEBUG);
	ck_assert(cfg.reboot && cfg.pmu && cfg.nodefaults);
}
END_TEST

START_TEST(mem_sizes)
{
	ck_assert_int_eq(PARSE("-k", "K", "-m", "512"), 0);
	ck_assert_uint_eq(cfg.ram_size, 512ULL << 20);
	ck_assert_int_eq(PARSE("-k", "K", "-m", "64M@0x40000000"), 0);
	ck_assert_uint_eq(cfg.ram_size, 64ULL << 20);
	ck_assert_uint_eq(cfg.ram_base, 0x40000000ULL);
	ck_assert_int_eq(PARSE("-k", "K", "-m", "2GiB"), 0);
	ck_assert_uint_eq(cfg.ram_size, 2ULL << 30);
	ck_assert_int_eq(PARSE("-k", "K", "-m", "4096K"), 0);
	ck_assert_uint_eq(cfg.ram_size, 4ULL << 20);
}
END_TEST

/*
 * --machine virt: QEMU's map, RAM from 1 GiB unless -m says where (never
 * below it), the firmware in flash finding the kernel itself.
 */
START_TEST(machine_virt)
{
	ck_assert_int_eq(PARSE("-k", "K"), 0);
	ck_assert_int_eq(cfg.machine, MACHINE_KVMTOOL);
	ck_assert_uint_eq(cfg.ram_base, 0x80000000ULL);
	ck_assert_int_eq(PARSE("--machine", "virt", "-k", "K"), 0);
	ck_assert_int_eq(cfg.machine, MACHINE_VIRT);
	ck_assert_uint_eq(cfg.ram_base, 0x40000000ULL);
	ck_assert_int_eq(PARSE("--machine", "virt", "-k", "K", "-m",
			       "64M@0x80000000"), 0);
	ck_assert_uint_eq(cfg.ram_base, 0x80000000ULL);
	assert_error(PARSE("--machine", "virt", "-k", "K", "-m",
			   "64M@0x20000000"), "RAM starts at 0x40000000");
	ck_assert_int_eq(PARSE("--machine", "kvmtool", "-k", "K"), 0);
	ck_assert_int_eq(cfg.machine, MACHINE_KVMTOOL);
	assert_error(PARSE("--machine", "sbsa", "-k", "K"),
		     "--machine: 'sbsa' is not one of kvmtool, virt");
	ck_assert_int_eq(PARSE("--machine", "virt", "-f", "u-boot.bin",
			       "--flash", "env.img"), 0);
	ck_assert_str_eq(cfg.firmware, "u-boot.bin");
	assert_error(PARSE("--machine", "virt", "-f", "fw", "-k", "K"),
		     "-k/--kernel does not go with --firmware on --machine "
		     "virt");
	assert_error(PARSE("--machine", "virt", "-f", "fw", "-p", "quiet"),
		     "-p/--params does not go with --firmware");
	assert_error(PARSE("--machine", "virt", "-f", "fw", "--", "true"),
		     "-- CMD does not go with --firmware");
	assert_error(PARSE("--flash", "env.img", "-k", "K"),
		     "--flash: the kvmtool machine has no flash");
	assert_error(PARSE("--machine", "virt", "-k", "K", "--flash", ""),
		     "--flash: empty path");
	ck_assert_int_eq(PARSE("--console", "pl011", "-k", "K"), 0);
	ck_assert_int_eq(cfg.console, CONSOLE_PL011);
	assert_error(PARSE("--console", "amba", "-k", "K"),
		     "not one of serial, virtio, pl011");
}
END_TEST

START_TEST(errors)
{
	assert_error(PARSE("-i", "initrd"), "no kernel");
	assert_error(PARSE("-k", "K", "-m", "0"), "--mem");
	assert_error(PARSE("-k", "K", "-m", "lots"), "bad size");
	assert_error(PARSE("-k", "K", "-m", "1M"), "multiple of 2 MiB");
	assert_error(PARSE("-k", "K", "-m", "64M@0x1000"), "2 MiB aligned");
	assert_error(PARSE("-k", "K", "-m", "64M@zz"), "bad address");
	assert_error(PARSE("-k", "K", "-c", "0"), "--cpus");
	assert_error(PARSE("-k", "K", "-c", "1000"), "--cpus");
	assert_error(PARSE("-k", "K", "-c", "2x"), "--cpus");
	assert_error(PARSE("-k", "K", "--irqchip", "gicv4"), "--irqchip");
	assert_error(PARSE("-k", "K", "--loglevel", "loud"), "--loglevel");
	assert_error(PARSE("-k", "K", "--console", "pigeon"), "--console");
	assert_error(PARSE("-k", "K", "--frobnicate"), "unknown option '--frobnicate'");
	assert_error(PARSE("-k", "K", "-z"), "unknown option '-z'");
	assert_error(PARSE("-k"), "needs a value");
	assert_error(PARSE("-k", "K", "stray"), "unexpected argument 'stray'");
	assert_error(PARSE("-k", "K", "--dtb", "a", "--dump-dtb", "b"),
		     "--dump-dtb");
}
END_TEST

START_TEST(names)
{
	ck_assert_int_eq(config_name_valid("vm-1_a.b"), 0);
	ck_assert_int_lt(config_name_valid(""), 0);
	ck_assert_int_lt(config_name_valid(".hidden"), 0);
	ck_assert_int_lt(config_name_valid("a/b"), 0);
	ck_assert_int_lt(config_name_valid("a b"), 0);
	ck_assert_int_lt(config_name_valid(
		"0123456789012345678901234567890123456789012345678901234567890123X"),
		0);
	assert_error(PARSE("-k", "K", "--name", "../etc"), "--name");
	ck_assert_int_eq(PARSE("-k", "K", "--name", "ci-42"), 0);
	ck_assert_str_eq(cfg.name, "ci-42");
	/* -n is kvmtool's --network, not --name */
	assert_error(PARSE("-k", "K", "-n", "ci-42"), "--network");
}
END_TEST

START_TEST(flush_options)
{
	ck_assert_int_eq(PARSE("-k", "K"), 0);
	ck_assert_int_eq(cfg.flush, FLUSH_AUTO);
	ck_assert(!cfg.debug_flush);
	ck_assert_int_eq(PARSE("-k", "K", "--flush", "user", "--debug-flush"), 0);
	ck_assert_int_eq(cfg.flush, FLUSH_USER);
	ck_assert(cfg.debug_flush);
	ck_assert_int_eq(PARSE("-k", "K", "--flush=none"), 0);
	ck_assert_int_eq(cfg.flush, FLUSH_NONE);
	assert_error(PARSE("-k", "K", "--flush", "often"), "--flush");
}
END_TEST

START_TEST(disks)
{
	ck_assert_int_eq(PARSE("-k", "K", "-d", "a.img", "--disk",
			       "b.img,ro,direct", "-d", "c.img,ro"), 0);
	ck_assert_uint_eq(cfg.nr_disks, 3);
	ck_assert_str_eq(cfg.disks[0].path, "a.img");
	ck_assert(!cfg.disks[0].ro && !cfg.disks[0].direct);
	ck_assert_str_eq(cfg.disks[1].path, "b.img");
	ck_assert(cfg.disks[1].ro && cfg.disks[1].direct);
	assert_error(PARSE("-k", "K", "-d", "c,d.img,ro"),
		     "--disk c: unknown option 'd.img'");
	assert_error(PARSE("-k", "K", "-d", ",ro"), "--disk: no file name");
	assert_error(PARSE("-k", "K", "-d", "a", "-d", "b", "-d", "c", "-d",
			   "d", "-d", "e", "-d", "f", "-d", "g", "-d", "h",
			   "-d", "i"), "at most 8 disks");
}
END_TEST

/* After a failed parse nothing is left for anyone to free. */
static void assert_no_disks(void)
{
	unsigned int i;

	ck_assert_uint_eq(cfg.nr_disks, 0);
	for (i = 0; i < CONFIG_MAX_DISKS; i++)
		ck_assert_ptr_null(cfg.disks[i].path);
}

/*
 * --disk values are the one thing parsing allocates (the fuzzer's leak
 * checker found them lost on every error): a failed parse must give
 * them back itself, a good one through config_release().
 */
START_TEST(disk_strings_released)
{
	assert_error(PARSE("-k", "Image", "-d", "a.img,bogus"),
		     "unknown option 'bogus'");
	assert_no_disks();
	assert_error(PARSE("-k", "Image", "-d", ",ro"), "no file name");
	assert_no_disks();
	/* The first disk parsed fine; the error comes after it. */
	assert_error(PARSE("-k", "Image", "-d", "a.img", "-c", "999"),
		     "--cpus");
	assert_no_disks();
	ck_assert_int_eq(PARSE("-k", "Image", "-d", "a.img", "-d", "b.img"),
			 0);
	ck_assert_uint_eq(cfg.nr_disks, 2);
	config_release(&cfg);
	assert_no_disks();
}
END_TEST

START_TEST(networks)
{
	ck_assert_int_eq(PARSE("-k", "K", "-n", "mode=tap,tapif=tap7,"
			       "guest_mac=02:aa:bb:cc:dd:ee,vhost=1",
			       "--network", "mode=none",
			       "--network=mode=tap"), 0);
	ck_assert_uint_eq(cfg.nr_nets, 2);
	ck_assert_int_eq(cfg.nets[0].mode, NET_TAP);
	ck_assert_str_eq(cfg.nets[0].tapif, "tap7");
	ck_assert(cfg.nets[0].vhost && !cfg.nets[1].vhost);
	ck_assert_uint_eq(cfg.nets[0].guest_mac[5], 0xee);
	ck_assert_str_eq(cfg.nets[1].tapif, "");
	/* default MACs differ per device */
	ck_assert_uint_eq(cfg.nets[1].guest_mac[5], 1);
	ck_assert_int_eq(PARSE("-k", "K", "-n", "mode=none"), 0);
	ck_assert_uint_eq(cfg.nr_nets, 0);
	assert_error(PARSE("-k", "K", "-n", "mode=slirp"), "mode 'slirp'");
	assert_error(PARSE("-k", "K", "-n", "tapif=x"), "give mode=");
	assert_error(PARSE("-k", "K", "-n", "mode=tap,guest_mac=01:00:00:00:00:01"),
		     "guest_mac");
	assert_error(PARSE("-k", "K", "-n", "mode=tap,guest_mac=02:00:00"),
		     "guest_mac");
	assert_error(PARSE("-k", "K", "-n", "mode=tap,tapif=waytoolonganame0"),
		     "tapif");
	assert_error(PARSE("-k", "K", "-n", "mode=tap,vhost=2"), "vhost");
	assert_error(PARSE("-k", "K", "-n", "mode=tap,colour=red"),
		     "unknown key 'colour'");
	assert_error(PARSE("-k", "K", "-n", "tap"), "key=value");
}
END_TEST

/*
 * Linux hands init at most 31 words after its own name (argv_init has
 * CONFIG_INIT_ENV_ARG_LIMIT = 32 slots) and panics at boot on more.
 */
START_TEST(guest_command_too_long)
{
	const char *words[64] = { "run", "-k", "K", "--" };
	int i, n = 4, ret;

	for (i = 0; i < 31; i++)
		words[n++] = "w";
	words[n] = NULL;
	ck_assert_int_eq(parse(words), 0);
	ck_assert_int_eq(cfg.guest_argc, 31);
	words[n++] = "w";
	words[n] = NULL;
	ret = parse(words);
	ck_assert_int_eq(ret, -E2BIG);
	ck_assert_ptr_nonnull(strstr(err_message(ret),
				     "guest command: 32 words"));
}
END_TEST

START_TEST(guest_command)
{
	ck_assert_int_eq(PARSE("-k", "K", "--", "true", "-p", "x"), 0);
	ck_assert_int_eq(cfg.guest_argc, 3);
	ck_assert_str_eq(cfg.guest_argv[0], "true");
	ck_assert_str_eq(cfg.guest_argv[1], "-p");
	ck_assert_ptr_null(cfg.params);
	/* "--" as an option's value is just a value */
	ck_assert_int_eq(PARSE("-k", "K", "-p", "--"), 0);
	ck_assert_str_eq(cfg.params, "--");
	ck_assert_int_eq(cfg.guest_argc, 0);
	assert_error(PARSE("-k", "K", "-p", "--", "cmd"),
		     "unexpected argument 'cmd'");
	assert_error(PARSE("-k", "K", "--"), "no guest command");
	assert_error(PARSE("-k", "K", "stray", "--", "cmd"),
		     "unexpected argument 'stray'");
	ck_assert_int_eq(PARSE("-k", "K", "--console", "virtio"), 0);
	ck_assert_int_eq(cfg.console, CONSOLE_VIRTIO);
}
END_TEST

/* kvmtool's --virtio-transport names: the mmio ones, and no PCI. */
START_TEST(virtio_transport)
{
	ck_assert_int_eq(PARSE("-k", "K"), 0);
	ck_assert_int_eq(cfg.virtio_transport, VIRTIO_TRANSPORT_MMIO);
	ck_assert_int_eq(PARSE("-k", "K", "--virtio-transport",
			       "mmio-legacy"), 0);
	ck_assert_int_eq(cfg.virtio_transport, VIRTIO_TRANSPORT_MMIO_LEGACY);
	ck_assert_int_eq(PARSE("-k", "K", "--virtio-transport", "mmio"), 0);
	ck_assert_int_eq(cfg.virtio_transport, VIRTIO_TRANSPORT_MMIO);
	assert_error(PARSE("-k", "K", "--virtio-transport", "pci"),
		     "--virtio-transport: 'pci': pocvm has no PCI transport");
	assert_error(PARSE("-k", "K", "--virtio-transport", "pci-legacy"),
		     "no PCI transport");
	assert_error(PARSE("-k", "K", "--virtio-transport", "MMIO"),
		     "is not one of mmio, mmio-legacy");
	assert_error(PARSE("-k", "K", "--virtio-transport"), "needs a value");
}
END_TEST

START_TEST(gdb_options)
{
	ck_assert_int_eq(PARSE("-k", "K", "--gdb", "1234", "--gdb-wait",
			       "--trace-boot"), 0);
	ck_assert_str_eq(cfg.gdb_host, "127.0.0.1");
	ck_assert_uint_eq(cfg.gdb_port, 1234);
	ck_assert(cfg.gdb_wait && cfg.trace_boot);
	ck_assert_int_eq(PARSE("-k", "K", "--gdb", "0.0.0.0:99"), 0);
	ck_assert_str_eq(cfg.gdb_host, "0.0.0.0");
	ck_assert_uint_eq(cfg.gdb_port, 99);
	assert_error(PARSE("-k", "K", "--gdb", "0"), "--gdb");
	assert_error(PARSE("-k", "K", "--gdb", "65536"), "--gdb");
	assert_error(PARSE("-k", "K", "--gdb", ":12"), "bad host");
	assert_error(PARSE("-k", "K", "--gdb-wait"), "needs --gdb");
}
END_TEST

START_TEST(identity_options)
{
	ck_assert_int_eq(PARSE("-k", "K"), 0);
	ck_assert(!cfg.user && !cfg.group);
	ck_assert_int_eq(PARSE("-k", "K", "--user", "nobody", "--group",
			       "65534", "--no-seccomp"), 0);
	ck_assert_str_eq(cfg.user, "nobody");
	ck_assert_str_eq(cfg.group, "65534");
	ck_assert(cfg.no_seccomp);
	assert_error(PARSE("-k", "K", "--user", ""),
		     "--user: '' is not a user name or number");
	assert_error(PARSE("-k", "K", "--group", "a:b"),
		     "--group: 'a:b' is not a group name or number");
	assert_error(PARSE("-k", "K", "--user"), "needs a value");
}
END_TEST

START_TEST(cpu_counts)
{
	ck_assert_int_eq(PARSE("-k", "K", "-c", "32"), 0);
	ck_assert_uint_eq(cfg.nr_cpus, 32);
	ck_assert_int_eq(PARSE("-k", "K", "--cpus", "512"), 0);
	ck_assert_uint_eq(cfg.nr_cpus, 512);
	assert_error(PARSE("-k", "K", "-c", "513"), "from 1 to 512");
	/* A GICv2 has eight CPU interfaces. */
	ck_assert_int_eq(PARSE("-k", "K", "-c", "8", "--irqchip", "gicv2"), 0);
	assert_error(PARSE("-k", "K", "-c", "9", "--irqchip", "gicv2"),
		     "--cpus 9: a GICv2 (--irqchip gicv2) serves at most 8");
	assert_error(PARSE("-k", "K", "--irqchip", "gicv2", "-c", "9"),
		     "--cpus 9: a GICv2");
	/* Not asked for: capped later, to what the VM can have. */
	ck_assert_int_eq(PARSE("-k", "K", "--irqchip", "gicv2"), 0);
	ck_assert(cfg.cpus_default);
}
END_TEST

START_TEST(cpu_features)
{
	ck_assert_int_eq(PARSE("-k", "K", "--sve-max-vl", "256", "--no-pvtime"),
			 0);
	ck_assert_uint_eq(cfg.sve_max_vl, 256);
	ck_assert(cfg.no_pvtime && !cfg.aarch32);
	ck_assert_int_eq(PARSE("-k", "K", "--sve-max-vl=128"), 0);
	ck_assert_uint_eq(cfg.sve_max_vl, 128);
	ck_assert_int_eq(PARSE("-k", "K", "--sve-max-vl", "2048"), 0);
	ck_assert_uint_eq(cfg.sve_max_vl, 2048);
	/* kvmtool's rule: bits, a power of two; SVE's range. */
	assert_error(PARSE("-k", "K", "--sve-max-vl", "384"), "--sve-max-vl");
	assert_error(PARSE("-k", "K", "--sve-max-vl", "64"), "power of two");
	assert_error(PARSE("-k", "K", "--sve-max-vl", "4096"), "--sve-max-vl");
	assert_error(PARSE("-k", "K", "--sve-max-vl", "0"), "--sve-max-vl");
	assert_error(PARSE("-k", "K", "--sve-max-vl", "256b"), "--sve-max-vl");
	assert_error(PARSE("-k", "K", "--sve-max-vl"), "needs a value");

	ck_assert_int_eq(PARSE("-k", "zImage", "--aarch32", "-m", "1G"), 0);
	ck_assert(cfg.aarch32);
	/* 2 GiB at 2 GiB ends at 4 GiB: still fine. */
	ck_assert_int_eq(PARSE("-k", "zImage", "--aarch32", "-m", "2G"), 0);
	assert_error(PARSE("-k", "zImage", "--aarch32", "-m", "2050M"),
		     "--mem: with --aarch32, RAM must end by 4 GiB");
	assert_error(PARSE("-k", "zImage", "--aarch32", "--sve-max-vl", "256"),
		     "--sve-max-vl: SVE is AArch64's");
	assert_error(PARSE("-k", "zImage", "--gdb", "1234", "--aarch32"),
		     "--gdb: the stub speaks AArch64 only");
}
END_TEST

static void assert_cpus(const cpu_set_t *set, const char *want)
{
	char got[256];
	size_t n = 0;
	int cpu;

	got[0] = '\0';
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, set))
			n += snprintf(got + n, sizeof(got) - n, "%s%d",
				      n ? " " : "", cpu);
	ck_assert_str_eq(got, want);
}

START_TEST(vcpu_affinity)
{
	static const char *const bad[] = {
		"", ",", "1,", ",1", "1-", "-1", "3-1", "a", "1 2", "0x1",
		"1024", "0-1024", "1,,2", "2-3-4",
	};
	cpu_set_t set;
	unsigned int i;

	ck_assert_int_eq(PARSE("-k", "K", "--vcpu-affinity", "0-3,6"), 0);
	ck_assert_str_eq(cfg.vcpu_affinity, "0-3,6");
	assert_cpus(&cfg.vcpu_cpus, "0 1 2 3 6");
	ck_assert_int_eq(config_parse_cpulist("5", &set), 0);
	assert_cpus(&set, "5");
	ck_assert_int_eq(config_parse_cpulist("7-7,1,1023", &set), 0);
	assert_cpus(&set, "1 7 1023");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(config_parse_cpulist(bad[i], &set) == -EINVAL,
			      "'%s' taken as a CPU list", bad[i]);
	assert_error(PARSE("-k", "K", "--vcpu-affinity", "1-0"),
		     "--vcpu-affinity: '1-0' is not a CPU list");
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("run options");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, long_and_short);
	tcase_add_test(tc, disable_mte);
	tcase_add_test(tc, balloon);
	tcase_add_test(tc, mem_sizes);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, names);
	tcase_add_test(tc, machine_virt);
	tcase_add_test(tc, disks);
	tcase_add_test(tc, disk_strings_released);
	tcase_add_test(tc, networks);
	tcase_add_test(tc, guest_command);
	tcase_add_test(tc, guest_command_too_long);
	tcase_add_test(tc, gdb_options);
	tcase_add_test(tc, virtio_transport);
	tcase_add_test(tc, flush_options);
	tcase_add_test(tc, identity_options);
	tcase_add_test(tc, cpu_counts);
	tcase_add_test(tc, cpu_features);
	tcase_add_test(tc, vcpu_affinity);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(config_suite)
