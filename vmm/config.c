// SPDX-License-Identifier: GPL-2.0
/* `pocvm run` options to a validated struct config; opens no file. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config-opts.h"
#include "layout.h"
#include "log.h"
#include "poc-clean.h"

#define RAM_ALIGN	(2ULL << 20)
/* Linux's argv_init: CONFIG_INIT_ENV_ARG_LIMIT (32) slots, "init" first. */
#define GUEST_ARGS_MAX	31


static const struct option run_options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "params", required_argument, NULL, 'p' },
	{ "cpus", required_argument, NULL, 'c' },
	{ "mem", required_argument, NULL, 'm' },
	/* long only: kvmtool's -n is --network */
	{ "name", required_argument, NULL, OPT_NAME },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "dump-dtb", required_argument, NULL, OPT_DUMP_DTB },
	{ "firmware", required_argument, NULL, 'f' },
	{ "irqchip", required_argument, NULL, OPT_IRQCHIP },
	{ "pmu", no_argument, NULL, OPT_PMU },
	/* the CPU, in kvmtool's spelling */
	{ "aarch32", no_argument, NULL, OPT_AARCH32 },
	{ "sve-max-vl", required_argument, NULL, OPT_SVE_MAX_VL },
	{ "no-pvtime", no_argument, NULL, OPT_NO_PVTIME },
	{ "vcpu-affinity", required_argument, NULL, OPT_VCPU_AFFINITY },
	{ "reboot", no_argument, NULL, OPT_REBOOT },
	{ "nodefaults", no_argument, NULL, OPT_NODEFAULTS },
	{ "loglevel", required_argument, NULL, OPT_LOGLEVEL },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "flush", required_argument, NULL, OPT_FLUSH },
	{ "debug-flush", no_argument, NULL, OPT_DEBUG_FLUSH },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "console-log", required_argument, NULL, OPT_CONSOLE_LOG },
	{ "boot-report", no_argument, NULL, OPT_BOOT_REPORT },
	{ "rng", no_argument, NULL, OPT_RNG },
	{ "balloon", no_argument, NULL, OPT_BALLOON },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "gdb-wait", no_argument, NULL, OPT_GDB_WAIT },
	{ "trace-boot", no_argument, NULL, OPT_TRACE_BOOT },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	/* kvmtool's spelling: MTE is on wherever the host offers it */
	{ "disable-mte", no_argument, NULL, OPT_DISABLE_MTE },
	{ "virtio-transport", required_argument, NULL, OPT_VIRTIO_TRANSPORT },
	{ "user", required_argument, NULL, OPT_USER },
	{ "group", required_argument, NULL, OPT_GROUP },
	/* kvmtool's, with its meaning (vmm/config-lkvm.c) */
	{ "firmware-address", required_argument, NULL, OPT_FIRMWARE_ADDRESS },
	{ "kaslr-seed", required_argument, NULL, OPT_KASLR_SEED },
	{ "override-bad-firmware-cntfrq", required_argument, NULL, OPT_CNTFRQ },
	{ "psci", no_argument, NULL, OPT_PSCI },
	{ "hugetlbfs", required_argument, NULL, OPT_HUGETLBFS },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "tty", required_argument, NULL, OPT_TTY },
	{ "debug-single-step", no_argument, NULL, OPT_DEBUG_SINGLE_STEP },
	{ "debug-mmio", no_argument, NULL, OPT_DEBUG_MMIO },
	{ "no-dhcp", no_argument, NULL, OPT_NO_DHCP },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "debug-ioport", no_argument, NULL, OPT_DEBUG_IOPORT },
	{ "disk", required_argument, NULL, 'd' },
	{ "network", required_argument, NULL, 'n' },
	{ "passt", required_argument, NULL, OPT_PASST },
	{ "vsock", required_argument, NULL, OPT_VSOCK },
	{ "9p", required_argument, NULL, OPT_9P },
	{ "rootfs", required_argument, NULL, OPT_ROOTFS },
	{ "rw", no_argument, NULL, OPT_RW },
	{ "modules", required_argument, NULL, OPT_MODULES },
	{ "machine", required_argument, NULL, OPT_MACHINE },
	/* kvmtool's spelling */
	{ "flash", required_argument, NULL, 'F' },
	{ NULL, 0, NULL, 0 },
};

/* Guest names become socket file names: keep them tame. */
int config_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (!n || n > CONFIG_NAME_MAX || name[0] == '.')
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
			    "XYZ0123456789._-", name[i]))
			return -EINVAL;
	return 0;
}

static const char *const irqchip_names[] = {
	[IRQCHIP_AUTO] = "auto",
	[IRQCHIP_GICV2] = "gicv2",
	[IRQCHIP_GICV3] = "gicv3",
	[IRQCHIP_GICV3_ITS] = "gicv3-its",
};

/* "256" (MiB, as kvmtool), "512K", "256M", "4G"; 0 on bad input. */
static uint64_t parse_size(const char *s, uint64_t default_unit)
{
	uint64_t v, unit = default_unit;
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return 0;
	switch (*end) {
	case 'k': case 'K': unit = 1ULL << 10; end++; break;
	case 'm': case 'M': unit = 1ULL << 20; end++; break;
	case 'g': case 'G': unit = 1ULL << 30; end++; break;
	case 't': case 'T': unit = 1ULL << 40; end++; break;
	}
	if (*end == 'i' || *end == 'B')	/* "MiB", "MB" */
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v > UINT64_MAX / unit)
		return 0;
	return v * unit;
}

static int parse_mem(struct config *cfg, const char *arg)
{
	char buf[64], *at;
	uint64_t base;

	if (strlen(arg) >= sizeof(buf))
		return err_set(-EINVAL, "--mem: '%s' is too long", arg);
	strcpy(buf, arg);
	at = strchr(buf, '@');
	if (at) {
		char *end;

		*at++ = '\0';
		errno = 0;
		base = strtoull(at, &end, 0);
		if (errno || *end || end == at)
			return err_set(-EINVAL, "--mem: bad address '%s'", at);
		if (base % RAM_ALIGN)
			return err_set(-EINVAL, "--mem: address 0x%llx is not "
				       "2 MiB aligned", (unsigned long long)base);
		cfg->ram_base = base;
		cfg->ram_base_given = true;
	}
	cfg->ram_size = parse_size(buf, 1ULL << 20);
	if (!cfg->ram_size)
		return err_set(-EINVAL, "--mem: bad size '%s' (e.g. 256, 512M, 2G)",
			       buf);
	if (cfg->ram_size % RAM_ALIGN)
		return err_set(-EINVAL, "--mem: size must be a multiple of 2 MiB");
	if (cfg->ram_base + cfg->ram_size < cfg->ram_base)
		return err_set(-EINVAL, "--mem: RAM wraps the address space");
	return 0;
}

static int parse_cpus(struct config *cfg, const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || end == arg || n < 1 || n > CONFIG_MAX_CPUS)
		return err_set(-EINVAL, "--cpus: '%s' is not a CPU count "
			       "from 1 to %d", arg, CONFIG_MAX_CPUS);
	cfg->nr_cpus = n;
	cfg->cpus_default = false;
	return 0;
}

/* As kvmtool: one VCPU per online host CPU, within what pocvm can do. */
static unsigned int default_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > CONFIG_MAX_CPUS ? CONFIG_MAX_CPUS : n;
}

/* A power of two from 128 to 2048 bits, as kvmtool's --sve-max-vl. */
static int parse_sve_max_vl(struct config *cfg, const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || end == arg || n < CONFIG_SVE_VL_MIN ||
	    n > CONFIG_SVE_VL_MAX || (n & (n - 1)))
		return err_set(-EINVAL, "--sve-max-vl: '%s' is not a vector "
			       "length in bits (a power of two from %d to %d)",
			       arg, CONFIG_SVE_VL_MIN, CONFIG_SVE_VL_MAX);
	cfg->sve_max_vl = n;
	return 0;
}

/* One CPU number of a list: decimal digits, below CPU_SETSIZE. */
static int cpulist_number(const char **s, unsigned long *n)
{
	char *end;

	if (**s < '0' || **s > '9')
		return -EINVAL;
	errno = 0;
	*n = strtoul(*s, &end, 10);
	if (errno || *n >= CPU_SETSIZE)
		return -EINVAL;
	*s = end;
	return 0;
}

/* The kernel's cpulist syntax, as kvmtool takes it: "0-3,6,8-15". */
int config_parse_cpulist(const char *list, cpu_set_t *set)
{
	const char *s = list;
	unsigned long a, b, cpu;

	CPU_ZERO(set);
	for (;;) {
		if (cpulist_number(&s, &a))
			return -EINVAL;
		b = a;
		if (*s == '-') {
			s++;
			if (cpulist_number(&s, &b) || b < a)
				return -EINVAL;
		}
		for (cpu = a; cpu <= b; cpu++)
			CPU_SET(cpu, set);
		if (!*s)
			return 0;
		if (*s++ != ',')
			return -EINVAL;
	}
}

static int parse_vcpu_affinity(struct config *cfg, const char *arg)
{
	if (config_parse_cpulist(arg, &cfg->vcpu_cpus))
		return err_set(-EINVAL, "--vcpu-affinity: '%s' is not a CPU "
			       "list (e.g. 0-3,6; CPUs below %d)", arg,
			       CPU_SETSIZE);
	cfg->vcpu_affinity = arg;
	return 0;
}

static int parse_timeout(struct config *cfg, const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || end == arg || n < 1 || n > 7 * 24 * 3600)
		return err_set(-EINVAL, "--timeout: '%s' is not a number of "
			       "seconds from 1 to 604800", arg);
	cfg->timeout = n;
	return 0;
}

static int parse_irqchip(struct config *cfg, const char *arg)
{
	unsigned int i;

	for (i = 0; i < sizeof(irqchip_names) / sizeof(irqchip_names[0]); i++) {
		if (!strcmp(arg, irqchip_names[i])) {
			cfg->irqchip = i;
			return 0;
		}
	}
	return err_set(-EINVAL, "--irqchip: '%s' is not one of auto, gicv2, "
		       "gicv3, gicv3-its", arg);
}

/* [HOST:]PORT; HOST defaults to 127.0.0.1: a stub is a root shell. */
static int parse_gdb(struct config *cfg, const char *arg)
{
	const char *colon = strrchr(arg, ':'), *port = colon ? colon + 1 : arg;
	char *end;
	long n;

	errno = 0;
	n = strtol(port, &end, 10);
	if (errno || *end || end == port || n < 1 || n > 65535)
		return err_set(-EINVAL, "--gdb: '%s' is not [HOST:]PORT with "
			       "PORT from 1 to 65535", arg);
	cfg->gdb_port = n;
	if (!colon) {
		cfg->gdb_host = "127.0.0.1";
		return 0;
	}
	if (colon == arg || (size_t)(colon - arg) >= sizeof(cfg->gdb_host_buf))
		return err_set(-EINVAL, "--gdb: bad host in '%s'", arg);
	memcpy(cfg->gdb_host_buf, arg, colon - arg);
	cfg->gdb_host_buf[colon - arg] = '\0';
	cfg->gdb_host = cfg->gdb_host_buf;
	return 0;
}

/* kvmtool's names; its pci and pci-legacy have no counterpart here. */
static int parse_virtio_transport(struct config *cfg, const char *arg)
{
	if (!strcmp(arg, "mmio")) {
		cfg->virtio_transport = VIRTIO_TRANSPORT_MMIO;
		return 0;
	}
	if (!strcmp(arg, "mmio-legacy")) {
		cfg->virtio_transport = VIRTIO_TRANSPORT_MMIO_LEGACY;
		return 0;
	}
	if (!strcmp(arg, "pci") || !strcmp(arg, "pci-legacy"))
		return err_set(-EINVAL, "--virtio-transport: '%s': pocvm has "
			       "no PCI transport (mmio, mmio-legacy)", arg);
	return err_set(-EINVAL, "--virtio-transport: '%s' is not one of mmio, "
		       "mmio-legacy", arg);
}

/*
 * --user USER|UID, --group GROUP|GID: only the form here; the names are
 * looked up in /etc/passwd and /etc/group when pocvm run starts.
 */
static int parse_identity(struct config *cfg, int opt, const char *arg)
{
	const char *what = opt == OPT_USER ? "--user" : "--group";

	if (!*arg || strpbrk(arg, ":\n"))
		return err_set(-EINVAL, "%s: '%s' is not a %s name or number",
			       what, arg, opt == OPT_USER ? "user" : "group");
	if (opt == OPT_USER)
		cfg->user = arg;
	else
		cfg->group = arg;
	return 0;
}

/* FILE[,ro][,direct]; the file itself is opened by the device. */
static int parse_disk(struct config *cfg, const char *value)
{
	struct disk_config *d;
	char *arg, *opt, *next;
	int ret;

	if (cfg->nr_disks == CONFIG_MAX_DISKS)
		return err_set(-EINVAL, "--disk: at most %d disks",
			       CONFIG_MAX_DISKS);
	/* Kept for the whole run: d->path points into it. */
	arg = strdup(value);
	if (!arg)
		return -ENOMEM;
	d = &cfg->disks[cfg->nr_disks];
	memset(d, 0, sizeof(*d));
	next = strchr(arg, ',');
	if (next)
		*next++ = '\0';
	if (!*arg) {
		ret = err_set(-EINVAL, "--disk: no file name");
		goto fail;
	}
	d->path = arg;
	for (opt = next; opt; opt = next) {
		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (!strcmp(opt, "ro")) {
			d->ro = true;
		} else if (!strcmp(opt, "direct")) {
			d->direct = true;
		} else {
			ret = err_set(-EINVAL, "--disk %s: unknown option "
				      "'%s' (ro, direct)", d->path, opt);
			goto fail;
		}
	}
	cfg->nr_disks++;
	return 0;
fail:
	/* Not counted in nr_disks, so config_release() would miss it. */
	free(arg);
	d->path = NULL;
	return ret;
}

/*
 * DIR,TAG[,ro] in kvmtool's spelling. The directory is opened by the
 * device (which says if it cannot be); the tag must be unique, since it
 * is all the guest mounts by.
 */
static int parse_9p(struct config *cfg, const char *value)
{
	struct share_config *s;
	char *arg, *tag, *opt;
	unsigned int i;
	int ret;

	if (cfg->nr_shares == CONFIG_MAX_SHARES)
		return err_set(-EINVAL, "--9p: at most %d shares",
			       CONFIG_MAX_SHARES);
	/* Kept for the whole run: dir and tag point into it. */
	arg = strdup(value);
	if (!arg)
		return -ENOMEM;
	tag = strchr(arg, ',');
	if (tag)
		*tag++ = '\0';
	opt = tag ? strchr(tag, ',') : NULL;
	if (opt)
		*opt++ = '\0';
	ret = -EINVAL;
	if (!*arg || !tag || !*tag) {
		err_set(ret, "--9p %s: give DIR,TAG[,ro]", value);
		goto fail;
	}
	if (strlen(tag) > CONFIG_9P_TAG_MAX) {
		err_set(ret, "--9p %s: tag '%s' is longer than %d bytes",
			arg, tag, CONFIG_9P_TAG_MAX);
		goto fail;
	}
	if (opt && strcmp(opt, "ro")) {
		err_set(ret, "--9p %s: unknown option '%s' (ro)", arg, opt);
		goto fail;
	}
	for (i = 0; i < cfg->nr_shares; i++)
		if (!strcmp(cfg->shares[i].tag, tag)) {
			err_set(ret, "--9p %s: tag '%s' is taken by %s", arg,
				tag, cfg->shares[i].dir);
			goto fail;
		}
	s = &cfg->shares[cfg->nr_shares++];
	s->dir = arg;
	s->tag = tag;
	s->ro = opt != NULL;
	return 0;
fail:
	free(arg);
	return ret;
}

static int parse_one(struct config *cfg, int opt, const char *arg)
{
	switch (opt) {
	case 'k': cfg->kernel = arg; return 0;
	case 'i': cfg->initrd = arg; return 0;
	case 'p': cfg->params = arg; return 0;
	case OPT_NAME:
		if (config_name_valid(arg))
			return err_set(-EINVAL, "--name: '%s' is not 1-64 of "
				       "A-Z a-z 0-9 . _ -", arg);
		cfg->name = arg;
		return 0;
	case 'c': return parse_cpus(cfg, arg);
	case 'm': return parse_mem(cfg, arg);
	case OPT_DTB: cfg->dtb = arg; return 0;
	case OPT_DUMP_DTB: cfg->dump_dtb = arg; return 0;
	case 'f': cfg->firmware = arg; return 0;
	case OPT_IRQCHIP: return parse_irqchip(cfg, arg);
	case OPT_PMU: cfg->pmu = true; return 0;
	case OPT_AARCH32: cfg->aarch32 = true; return 0;
	case OPT_SVE_MAX_VL: return parse_sve_max_vl(cfg, arg);
	case OPT_NO_PVTIME: cfg->no_pvtime = true; return 0;
	case OPT_VCPU_AFFINITY: return parse_vcpu_affinity(cfg, arg);
	case OPT_REBOOT: cfg->reboot = true; return 0;
	case OPT_NODEFAULTS: cfg->nodefaults = true; return 0;
	case OPT_RNG: cfg->rng = true; return 0;
	case OPT_BALLOON: cfg->balloon = true; return 0;
	case 'd': return parse_disk(cfg, arg);
	case OPT_GDB: return parse_gdb(cfg, arg);
	case OPT_GDB_WAIT: cfg->gdb_wait = true; return 0;
	case OPT_TRACE_BOOT: cfg->trace_boot = true; return 0;
	case OPT_NO_SECCOMP: cfg->no_seccomp = true; return 0;
	case OPT_DISABLE_MTE: cfg->no_mte = true; return 0;
	case OPT_VIRTIO_TRANSPORT: return parse_virtio_transport(cfg, arg);
	case OPT_USER:
	case OPT_GROUP:
		return parse_identity(cfg, opt, arg);
	case 'n': return config_parse_network(cfg, arg);
	case OPT_PASST: return config_parse_passt(cfg, arg);
	case OPT_VSOCK: return config_parse_vsock(cfg, arg);
	case OPT_9P: return parse_9p(cfg, arg);
	case OPT_ROOTFS: cfg->rootfs = arg; return 0;
	case OPT_RW: cfg->rootfs_rw = true; return 0;
	case OPT_MODULES: cfg->modules = arg; return 0;
	case OPT_MACHINE:
		if (!strcmp(arg, "kvmtool"))
			cfg->machine = MACHINE_KVMTOOL;
		else if (!strcmp(arg, "virt"))
			cfg->machine = MACHINE_VIRT;
		else
			return err_set(-EINVAL, "--machine: '%s' is not one of "
				       "kvmtool, virt", arg);
		return 0;
	case 'F':
		if (!*arg)
			return err_set(-EINVAL, "--flash: empty path");
		cfg->flash = arg;
		return 0;
	case OPT_LOGLEVEL:
		if (log_level_parse(arg, &cfg->loglevel))
			return err_set(-EINVAL, "--loglevel: '%s' is not one of "
				       "error, warning, info, debug", arg);
		cfg->loglevel_given = true;
		return 0;
	case OPT_FLUSH:
		if (flush_method_parse(arg, &cfg->flush))
			return err_set(-EINVAL, "--flush: '%s' is not one of "
				       "auto, ioctl, user, none", arg);
		return 0;
	case OPT_DEBUG_FLUSH:
		cfg->debug_flush = true;
		return 0;
	case OPT_TIMEOUT:
		return parse_timeout(cfg, arg);
	case OPT_CONSOLE_LOG:
		cfg->console_log = arg;
		return 0;
	case OPT_BOOT_REPORT:
		cfg->boot_report = true;
		return 0;
	case OPT_CONSOLE:
		if (!strcmp(arg, "serial"))
			cfg->console = CONSOLE_SERIAL;
		else if (!strcmp(arg, "virtio"))
			cfg->console = CONSOLE_VIRTIO;
		else if (!strcmp(arg, "pl011"))
			cfg->console = CONSOLE_PL011;
		else
			return err_set(-EINVAL, "--console: '%s' is not one of "
				       "serial, virtio, pl011", arg);
		return 0;
	}
	return config_parse_lkvm(cfg, opt, arg);
}

void config_release(struct config *cfg)
{
	unsigned int i;

	/* The --disk and --9p values are all that parsing allocates. */
	for (i = 0; i < cfg->nr_disks; i++) {
		free((char *)cfg->disks[i].path);
		cfg->disks[i].path = NULL;
	}
	cfg->nr_disks = 0;
	for (i = 0; i < cfg->nr_shares; i++) {
		free((char *)cfg->shares[i].dir);
		cfg->shares[i].dir = cfg->shares[i].tag = NULL;
	}
	cfg->nr_shares = 0;
}

/* The CPU options against each other; the host is asked later. */
static int check_cpu(const struct config *cfg)
{
	if (!cfg->cpus_default && cfg->irqchip == IRQCHIP_GICV2 &&
	    cfg->nr_cpus > CONFIG_MAX_CPUS_GICV2)
		return err_set(-EINVAL, "--cpus %u: a GICv2 (--irqchip gicv2) "
			       "serves at most %d CPUs", cfg->nr_cpus,
			       CONFIG_MAX_CPUS_GICV2);
	if (!cfg->aarch32)
		return 0;
	/* AArch32 has neither SVE nor a way to reach RAM above 4 GiB. */
	if (cfg->sve_max_vl)
		return err_set(-EINVAL, "--sve-max-vl: SVE is AArch64's; it "
			       "does not go with --aarch32");
	if (cfg->ram_base + cfg->ram_size > (1ULL << 32))
		return err_set(-EINVAL, "--mem: with --aarch32, RAM must end "
			       "by 4 GiB (it ends at 0x%llx)",
			       (unsigned long long)(cfg->ram_base +
						    cfg->ram_size));
	if (cfg->gdb_host)
		return err_set(-EINVAL, "--gdb: the stub speaks AArch64 only; "
			       "it does not go with --aarch32");
	return 0;
}

/*
 * --rootfs, --rw and --modules shape the initramfs pocvm builds itself:
 * they make no sense beside a guest pocvm does not build one for.
 */
static int check_rootfs(const struct config *cfg)
{
	const char *opt = cfg->rootfs ? "--rootfs" :
			  cfg->rootfs_rw ? "--rw" :
			  cfg->modules ? "--modules" : NULL;

	if (!opt)
		return 0;
	if (cfg->rootfs && !*cfg->rootfs)
		return err_set(-EINVAL, "--rootfs: give a directory");
	if (cfg->initrd)
		return err_set(-EINVAL, "%s does not go with -i/--initrd: "
			       "pocvm builds the initramfs itself", opt);
	if (cfg->firmware || cfg->aarch32 || cfg->nodefaults)
		return err_set(-EINVAL, "%s needs an arm64 Linux Image and "
			       "pocvm's devices (not --firmware, --aarch32 "
			       "or --nodefaults)", opt);
	return 0;
}

/*
 * --machine virt: RAM where the layout starts it unless -m says where,
 * and firmware in flash bank 0 as QEMU's -bios, which then finds the
 * kernel itself: pocvm has no fw_cfg to hand one over.
 */
static int check_machine(struct config *cfg)
{
	const struct machine_layout *l = machine_layout(cfg->machine);
	const char *opt;

	if (!cfg->ram_base_given)
		cfg->ram_base = l->ram_base;
	else if (cfg->ram_base < l->ram_min)
		return err_set(-EINVAL, "--mem: the %s machine's RAM starts at "
			       "0x%llx or above (asked 0x%llx)", l->name,
			       (unsigned long long)l->ram_min,
			       (unsigned long long)cfg->ram_base);
	if (!l->flash_size) {
		if (cfg->flash)
			return err_set(-EINVAL, "--flash: the %s machine has no "
				       "flash; use --machine virt", l->name);
		return 0;
	}
	if (!cfg->firmware)
		return 0;
	opt = cfg->kernel ? "-k/--kernel" : cfg->initrd ? "-i/--initrd" :
	      cfg->params ? "-p/--params" : cfg->guest_argc ? "-- CMD" :
	      cfg->firmware_addr ? "--firmware-address" :
	      cfg->aarch32 ? "--aarch32" : NULL;
	if (opt)
		return err_set(-EINVAL, "%s does not go with --firmware on "
			       "--machine %s: the firmware runs from flash and "
			       "loads the kernel from a disk itself (pocvm has "
			       "no fw_cfg to hand one over)", opt, l->name);
	return 0;
}

static int parse_run(struct config *cfg, int argc, char **argv)
{
	int opt, ret, scanned;

	cfg->ram_size = CONFIG_DEFAULT_RAM;
	/* default_cpus() after the options: -c spares reading sysfs. */
	cfg->cpus_default = true;
	cfg->loglevel = LOG_WARN;
	cfg->kvm_dev = CONFIG_KVM_DEV;
	cfg->tty = -1;

	/* getopt keeps state across calls; unit tests parse many times. */
	optind = 0;
	opterr = 0;
	for (;;) {
		scanned = optind ?: 1;
		/* "+": stop at the first non-option, so "--" is ours */
		opt = getopt_long(argc, argv, "+:k:i:p:c:m:d:n:f:F:", run_options,
				  NULL);
		/*
		 * `lkvm run [options] IMAGE [options]`: kvmtool takes its
		 * first bare word as the kernel when none was named.
		 */
		if (opt == -1 && optind == scanned && optind < argc &&
		    !cfg->kernel && !cfg->firmware) {
			cfg->kernel = argv[optind++];
			continue;
		}
		if (opt == -1)
			break;
		if (opt == '?') {
			/* a long option without a value given one */
			if (optopt >= OPT_DTB)
				return err_set(-EINVAL, "option '%s' takes no "
					       "value", argv[optind - 1]);
			/* lkvm's options pocvm has no counterpart for */
			ret = config_refuse_lkvm(argv[optind - 1], optopt);
			if (ret)
				return ret;
			if (optopt)
				return err_set(-EINVAL, "unknown option '-%c'",
					       optopt);
			return err_set(-EINVAL, "unknown option '%s'",
				       argv[optind - 1]);
		}
		if (opt == ':')
			return err_set(-EINVAL, "option '%s' needs a value",
				       argv[optind - 1]);
		ret = parse_one(cfg, opt, optarg);
		if (ret)
			return ret;
	}
	if (cfg->cpus_default)
		cfg->nr_cpus = default_cpus();
	/* Only a "--" that getopt stepped over, not an option's value. */
	if (optind == scanned + 1 && !strcmp(argv[scanned], "--")) {
		if (optind == argc)
			return err_set(-EINVAL, "no guest command after --");
		cfg->guest_argv = argv + optind;
		cfg->guest_argc = argc - optind;
		/* More and Linux panics at boot ("Too many boot init vars"). */
		if (cfg->guest_argc > GUEST_ARGS_MAX)
			return err_set(-E2BIG, "guest command: %d words; Linux "
				       "hands init at most %d (give sh -c "
				       "'...' one string)", cfg->guest_argc,
				       GUEST_ARGS_MAX);
	} else if (optind < argc) {
		return err_set(-EINVAL, "unexpected argument '%s' (a command "
			       "for the guest goes after --)", argv[optind]);
	}
	if (!cfg->kernel && !cfg->firmware)
		return err_set(-EINVAL, "no kernel: give -k/--kernel IMAGE "
			       "(or --firmware FILE)");
	ret = check_machine(cfg);
	if (ret)
		return ret;
	if (cfg->gdb_wait && !cfg->gdb_host)
		return err_set(-EINVAL, "--gdb-wait needs --gdb PORT");
	if (cfg->dtb && cfg->dump_dtb)
		return err_set(-EINVAL, "--dump-dtb writes the generated tree; "
			       "it does not go with --dtb");
	return check_cpu(cfg) ?: check_rootfs(cfg) ?:
	       config_check_network(cfg) ?: config_check_lkvm(cfg);
}

int config_parse_run(struct config *cfg, int argc, char **argv)
{
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	ret = parse_run(cfg, argc, argv);
	/* A caller told "no" has nothing to release. */
	if (ret)
		config_release(cfg);
	return ret;
}
