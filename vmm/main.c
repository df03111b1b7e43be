// SPDX-License-Identifier: GPL-2.0
/* pocvm's entry: one subcommand per file, dispatched from here. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "exit-codes.h"
#include "rootfs.h"

#ifndef POCVM_VERSION
#define POCVM_VERSION "0.1"
#endif

int cmd_run(int argc, char **argv);

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pocvm <command> [options]\n"
		"\n"
		"The most commonly used pocvm commands are:\n"
		"  run       boot a guest: pocvm run -k Image [-i initrd] ...\n"
		"  list      list running guests: pid, name, state (-i; -r lists none)\n"
		"  stop      stop a guest (-n NAME, or -a for all); it exits 0\n"
		"  pause     pause a guest's VCPUs and its clock (-n NAME or -a)\n"
		"  resume    resume a paused guest (-n NAME or -a)\n"
		"  debug     print a guest's VCPU registers and PoC-clean report\n"
		"            (-n NAME or -a; -d as lkvm, -s C: sysrq C, -m: no NMI on arm64)\n"
		"  balloon   inflate or deflate the virtio balloon (-n NAME -i MB | -d MB)\n"
		"  stat      print a guest's memory statistics (-m, with -n NAME or -a)\n"
		"  version   print pocvm's version\n"
		"  help      this text; 'pocvm run --help' for run's options,\n"
		"            'pocvm help exit-codes' for what the exit status means\n");
}

static void run_usage(void)
{
	printf("usage: pocvm run -k IMAGE [options] [-- COMMAND [ARGS...]]\n"
	       "\n"
	       "  -k, --kernel FILE     arm64 Image, gzip'd Image or flat binary\n"
	       "                        (with --aarch32: a zImage or flat binary)\n"
	       "  -i, --initrd FILE     initial ramdisk (without one, an arm64 Image boots\n"
	       "                        the host's own tree, read-only under a tmpfs\n"
	       "                        overlay, and runs COMMAND as you, here)\n"
	       "      --rootfs DIR      ... DIR instead of / as the guest's root\n"
	       "      --rw              ... and the guest's writes go to DIR\n"
	       "      --modules DIR     ... modules from DIR, not /lib/modules/RELEASE\n"
	       "  -p, --params TEXT     kernel command line (added to the defaults)\n"
	       "  -c, --cpus N          VCPUs, 1..512 as KVM and the GIC allow\n"
	       "                        (default: one per online host CPU)\n"
	       "  -m, --mem SIZE[@ADDR] guest RAM, MiB or K/M/G suffix (default 256M@0x80000000)\n"
	       "      --dtb FILE        use this device tree (pocvm sets /chosen and /memory)\n"
	       "      --dump-dtb FILE   write the device tree and exit (needs no /dev/kvm)\n"
	       "  -f, --firmware FILE   load FILE at the start of RAM and boot it\n"
	       "      --firmware-address ADDR  ... at ADDR in RAM instead\n"
	       "      --irqchip KIND    auto, gicv2, gicv3 or gicv3-its (default auto: a GICv3,\n"
	       "                        else a GICv2; no ITS)\n"
	       "      --pmu             give the guest a PMU\n"
	       "      --sve-max-vl BITS the guest's longest SVE vector, 128..2048\n"
	       "                        (SVE and pointer auth are on when the host has them)\n"
	       "      --no-pvtime       no stolen-time accounting for the guest\n"
	       "      --aarch32         a 32-bit EL1 guest (zImage at RAM + 0x8000)\n"
	       "      --vcpu-affinity CPULIST  run the VCPU threads on these host CPUs\n"
	       "      --reboot          on a guest reset, reboot in place instead of exiting 32\n"
	       "      --flush METHOD    clean guest RAM to PoC before the first run: auto (default:\n"
	       "                        KVM_ARM_FLUSH_RANGE if the kernel has it, else EL0),\n"
	       "                        ioctl, user (EL0 DC CIVAC over what pocvm wrote), none\n"
	       "      --debug-flush     report each range cleaned: method, range, bytes, time\n"
	       "      --nodefaults      only what is asked for: bootargs are exactly -p, and no\n"
	       "                        device beyond the console and the options' own\n"
	       "      --console KIND    serial (8250 UART, ttyS0; default) or virtio (hvc0)\n"
	       "      --rng             a virtio-rng device (the guest's /dev/hwrng)\n"
	       "      --balloon         a virtio-balloon device ('pocvm balloon', 'pocvm stat -m')\n"
	       "  -d, --disk FILE[,ro][,direct]  a virtio-blk disk (up to 8)\n"
	       "  -n, --network mode=tap|none[,tapif=NAME][,guest_mac=MAC][,vhost=1]\n"
	       "                        a virtio-net device on a tap interface (up to 4)\n"
	       "      --virtio-transport mmio|mmio-legacy\n"
	       "                        virtio-mmio version 2 (default) or version 1\n"
	       "                        (legacy) for every virtio device; no PCI\n"
	       "      --loglevel LEVEL  error, warning, info or debug (default warning)\n"
	       "      --timeout SECS    stop the guest after SECS seconds (exit 124)\n"
	       "      --console-log FILE  also write the guest's console to FILE\n"
	       "      --boot-report     print when each boot step happened, on exit\n"
	       "      --gdb [HOST:]PORT  a gdb remote stub (default host 127.0.0.1)\n"
	       "      --gdb-wait        hold the guest before its first instruction\n"
	       "                        until a debugger attaches (needs --gdb)\n"
	       "      --trace-boot      log each change of VCPU 0's SCTLR_EL1 M/C/I bits\n"
	       "      --no-seccomp      run without the syscall allow-list\n"
	       "      --disable-mte     no MTE for the guest (default: on when KVM offers it)\n"
	       "      --user USER|UID   run as USER once start-up is done (as root)\n"
	       "      --group GROUP|GID  ... and as GROUP (default: USER's group)\n"
	       "      --name NAME       the guest's name (default guest-PID)\n"
	       "\n"
	       "  lkvm's, with lkvm's meaning:\n"
	       "      --kaslr-seed N    the guest's /chosen/kaslr-seed\n"
	       "      --override-bad-firmware-cntfrq HZ  the timer rate in the DT\n"
	       "      --psci            PSCI in pocvm, via KVM's SMCCC filter (Linux 6.4+)\n"
	       "      --hugetlbfs DIR   guest RAM from the hugetlbfs mounted at DIR\n"
	       "      --dev FILE        the KVM device (default /dev/kvm)\n"
	       "      --tty 0           the guest's terminal on a new pty (path on stderr)\n"
	       "      --debug-single-step  a line per guest instruction (PC, PSTATE)\n"
	       "      --debug-mmio      a line per MMIO access\n"
	       "      --debug           --loglevel debug\n"
	       "      --no-dhcp         accepted; pocvm builds no root with ip=dhcp\n"
	       "\n"
	       "exit status: 0 guest powered off, 32 guest reset, 33 VMM/KVM failure,\n"
	       "34 guest panic, 35 guest command failed, 124 timeout,\n"
	       "2 bad option or input file,\n"
	       "130/143 on SIGINT/SIGTERM ('pocvm help exit-codes')\n");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	/*
	 * The initramfs of a host-rootfs guest runs pocvm as its /init.
	 * PID 1 alone is not enough: pocvm may be a container's first
	 * process, with a command.
	 */
	if (getpid() == 1 && !strcmp(argv[0], "/init"))
		return guest_init_main(argc, argv);
	if (cmd && !strcmp(cmd, "guest-init")) {
		fprintf(stderr, "pocvm: guest-init runs as PID 1 of a "
			"host-rootfs guest only\n");
		return EXIT_USAGE;
	}
	if (cmd && !strcmp(cmd, "help") && argc > 2 &&
	    !strcmp(argv[2], "exit-codes")) {
		printf("pocvm's exit status tells a script what happened:\n"
		       "    0  the guest powered off, or 'pocvm stop' ended it\n"
		       "    2  bad option or input file (one 'pocvm: ...' line)\n"
		       "   32  the guest reset (without --reboot)\n"
		       "   33  KVM or VMM failure (VCPU registers on stderr)\n"
		       "   34  the guest panicked (pvpanic; last console lines on stderr)\n"
		       "   35  the guest command failed: the guest reported a non-zero\n"
		       "       status on its exit-status port (guest/pocvm-exit), then\n"
		       "       powered off; the status is on stderr\n"
		       "  124  --timeout expired (each VCPU's PC on stderr)\n"
		       "  130  SIGINT (or Ctrl-A x), after tearing the guest down\n"
		       "  143  SIGTERM, after tearing the guest down\n");
		return 0;
	}
	if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		usage(cmd ? stdout : stderr);
		return cmd ? 0 : EXIT_USAGE;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("pocvm %s\n", POCVM_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run")) {
		if (argc > 2 && (!strcmp(argv[2], "--help") ||
				 !strcmp(argv[2], "-h"))) {
			run_usage();
			return 0;
		}
		return cmd_run(argc - 1, argv + 1);
	}
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "debug"))
		return cmd_debug(argc - 1, argv + 1);
	if (!strcmp(cmd, "balloon"))
		return cmd_balloon(argc - 1, argv + 1);
	if (!strcmp(cmd, "stat"))
		return cmd_stat(argc - 1, argv + 1);
	if (!strcmp(cmd, "stop") || !strcmp(cmd, "pause") ||
	    !strcmp(cmd, "resume"))
		return cmd_ctl(argc - 1, argv + 1);
	fprintf(stderr, "pocvm: unknown command '%s' (try 'pocvm help')\n",
		cmd);
	return EXIT_USAGE;
}
