// SPDX-License-Identifier: GPL-2.0
/*
 * kvmtool's `lkvm run` options that pocvm takes with kvmtool's spelling
 * and meaning (its builtin-run.c and arm's kvm-config-arch.h), so an lkvm
 * script runs with pocvm in its place. Only the form is checked here; the
 * host is asked later.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config-opts.h"
#include "log.h"

/* kvmtool's OPT_U64: a C number, decimal, 0x hex or 0 octal. */
static int parse_u64(const char *arg, uint64_t *v)
{
	char *end;

	if (*arg < '0' || *arg > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoull(arg, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static int parse_firmware_address(struct config *cfg, const char *arg)
{
	uint64_t addr;

	/* A VCPU starts there: A64 instructions are 4-byte aligned. */
	if (parse_u64(arg, &addr) || addr % 4)
		return err_set(-EINVAL, "--firmware-address: '%s' is not a "
			       "4-byte aligned address", arg);
	cfg->firmware_addr = addr;
	return 0;
}

static int parse_kaslr_seed(struct config *cfg, const char *arg)
{
	if (parse_u64(arg, &cfg->kaslr_seed))
		return err_set(-EINVAL, "--kaslr-seed: '%s' is not a 64-bit "
			       "number", arg);
	cfg->kaslr_seed_set = true;
	return 0;
}

/* The timer's clock-frequency in Hz: a DT cell, never 0. */
static int parse_cntfrq(struct config *cfg, const char *arg)
{
	uint64_t hz;

	if (parse_u64(arg, &hz) || !hz || hz > UINT32_MAX)
		return err_set(-EINVAL, "--override-bad-firmware-cntfrq: '%s' "
			       "is not a frequency in Hz (1 to %u)", arg,
			       UINT32_MAX);
	cfg->cntfrq = hz;
	return 0;
}

/* kvmtool has four 8250s and takes 0-3; pocvm has ttyS0 only. */
static int parse_tty(struct config *cfg, const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || end == arg || n < 0 || n > 3)
		return err_set(-EINVAL, "--tty: '%s' is not a serial port "
			       "number (0 to 3)", arg);
	if (n > CONFIG_MAX_TTY)
		return err_set(-EINVAL, "--tty %ld: pocvm has one serial port, "
			       "0 (ttyS0)", n);
	cfg->tty = n;
	return 0;
}

static int parse_path(const char **field, const char *name, const char *arg)
{
	if (!*arg)
		return err_set(-EINVAL, "%s: empty path", name);
	*field = arg;
	return 0;
}

int config_parse_lkvm(struct config *cfg, int opt, const char *arg)
{
	switch (opt) {
	case OPT_FIRMWARE_ADDRESS: return parse_firmware_address(cfg, arg);
	case OPT_KASLR_SEED: return parse_kaslr_seed(cfg, arg);
	case OPT_CNTFRQ: return parse_cntfrq(cfg, arg);
	case OPT_PSCI: cfg->psci = true; return 0;
	case OPT_HUGETLBFS:
		return parse_path(&cfg->hugetlbfs, "--hugetlbfs", arg);
	case OPT_DEV: return parse_path(&cfg->kvm_dev, "--dev", arg);
	case OPT_TTY: return parse_tty(cfg, arg);
	case OPT_DEBUG_SINGLE_STEP: cfg->single_step = true; return 0;
	case OPT_DEBUG_MMIO: cfg->debug_mmio = true; return 0;
	/*
	 * kvmtool adds ip=dhcp only to the command line of the 9p root it
	 * builds itself; pocvm builds none, so there is nothing to turn off.
	 */
	case OPT_NO_DHCP: cfg->no_dhcp = true; return 0;
	/* arm64 has no I/O ports: there is never a port access to log. */
	case OPT_DEBUG_IOPORT: return 0;
	/* kvmtool's deprecated spelling of --loglevel=debug */
	case OPT_DEBUG:
		cfg->loglevel = LOG_DEBUG;
		cfg->loglevel_given = true;
		return 0;
	}
	return err_set(-ENOENT, "unknown option");
}

/* lkvm run's options that pocvm refuses, and why (the README's table). */
static const struct {
	const char *name;
	char short_opt;
	const char *why;
} refused[] = {
	{ "vnc", 0, "pocvm has no framebuffer (a serial or virtio console)" },
	{ "gtk", 0, "pocvm has no framebuffer (a serial or virtio console)" },
	{ "sdl", 0, "pocvm has no framebuffer (a serial or virtio console)" },
	{ "sandbox", 0, "pocvm runs a guest command with -- CMD [ARGS...]" },
	{ "virtio-legacy", 0, "that is legacy virtio-pci and pocvm has no "
	  "PCI (--virtio-transport mmio-legacy is virtio-mmio's legacy)" },
	{ "force-pci", 0, "pocvm has no PCI transport" },
	{ "vfio-pci", 0, "pocvm has no PCI, so no VFIO device assignment" },
	{ "debug-iodelay", 0, "pocvm does not delay disk I/O on request" },
};

int config_refuse_lkvm(const char *word, int short_opt)
{
	size_t i, len;

	if (word[0] == '-' && word[1] == '-')
		word += 2;
	else if (!short_opt)
		return 0;
	len = strcspn(word, "=");
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (short_opt ? short_opt != refused[i].short_opt :
		    strlen(refused[i].name) != len ||
		    strncmp(word, refused[i].name, len))
			continue;
		return err_set(-EINVAL, "--%s: lkvm's option, not pocvm's: %s",
			       refused[i].name, refused[i].why);
	}
	return 0;
}

int config_check_lkvm(const struct config *cfg)
{
	if (cfg->firmware_addr && !cfg->firmware)
		return err_set(-EINVAL, "--firmware-address needs --firmware "
			       "FILE");
	if (cfg->firmware_addr &&
	    (cfg->firmware_addr < cfg->ram_base ||
	     cfg->firmware_addr - cfg->ram_base >= cfg->ram_size))
		return err_set(-EINVAL, "--firmware-address 0x%llx: not in RAM "
			       "(0x%llx-0x%llx)",
			       (unsigned long long)cfg->firmware_addr,
			       (unsigned long long)cfg->ram_base,
			       (unsigned long long)(cfg->ram_base +
						    cfg->ram_size - 1));
	/* Both want KVM_SET_GUEST_DEBUG for themselves. */
	if (cfg->single_step && cfg->gdb_host)
		return err_set(-EINVAL, "--debug-single-step does not go with "
			       "--gdb (the debugger steps itself)");
	return 0;
}
