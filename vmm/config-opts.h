/* SPDX-License-Identifier: GPL-2.0 */
/* Private to vmm/config*.c: the option numbers of `pocvm run`. */
#ifndef POCVM_CONFIG_OPTS_H
#define POCVM_CONFIG_OPTS_H

#include "config.h"

enum {
	OPT_DTB = 0x100,
	OPT_NAME,
	OPT_DUMP_DTB,
	OPT_IRQCHIP,
	OPT_PMU,
	OPT_AARCH32,
	OPT_SVE_MAX_VL,
	OPT_NO_PVTIME,
	OPT_VCPU_AFFINITY,
	OPT_REBOOT,
	OPT_NODEFAULTS,
	OPT_LOGLEVEL,
	OPT_CONSOLE,
	OPT_FLUSH,
	OPT_DEBUG_FLUSH,
	OPT_TIMEOUT,
	OPT_CONSOLE_LOG,
	OPT_BOOT_REPORT,
	OPT_RNG,
	OPT_BALLOON,
	OPT_GDB,
	OPT_GDB_WAIT,
	OPT_TRACE_BOOT,
	OPT_NO_SECCOMP,
	OPT_DISABLE_MTE,
	OPT_VIRTIO_TRANSPORT,
	OPT_USER,
	OPT_GROUP,
	OPT_9P,
	OPT_ROOTFS,
	OPT_RW,
	OPT_MODULES,
	OPT_MACHINE,
	OPT_PASST,
	OPT_VSOCK,
	/* kvmtool's, parsed in config-lkvm.c */
	OPT_FIRMWARE_ADDRESS,
	OPT_KASLR_SEED,
	OPT_CNTFRQ,
	OPT_PSCI,
	OPT_HUGETLBFS,
	OPT_DEV,
	OPT_TTY,
	OPT_DEBUG_SINGLE_STEP,
	OPT_DEBUG_MMIO,
	OPT_NO_DHCP,
	OPT_DEBUG,
	OPT_DEBUG_IOPORT,
};

/*
 * kvmtool's run options that pocvm added for lkvm scripts: 0, a negative
 * errno after err_set(), or -ENOENT if opt is not one of them.
 */
int config_parse_lkvm(struct config *cfg, int opt, const char *arg);
/* The lkvm options against each other and the rest; after parsing. */
int config_check_lkvm(const struct config *cfg);
/*
 * An option lkvm has and pocvm does not: -EINVAL with one line saying
 * so and why, else 0. word is the argument getopt refused, short the
 * short option letter (0 for a long option).
 */
int config_refuse_lkvm(const char *word, int short_opt);
/* vmm/config-net.c: -n/--network, --passt PATH and --vsock CID. */
int config_parse_network(struct config *cfg, const char *value);
int config_parse_passt(struct config *cfg, const char *arg);
int config_parse_vsock(struct config *cfg, const char *arg);
/* The network options against each other; after parsing. */
int config_check_network(const struct config *cfg);

#endif
