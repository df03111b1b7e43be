/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_POC_CLEAN_H
#define POCVM_POC_CLEAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

struct vm;

#define FLUSH_REPORT_MAX	16

/* One cleaned range, as --debug-flush and `pocvm debug` show it. */
struct flush_entry {
	enum flush_method method;
	uint64_t gpa;
	uint64_t size;		/* bytes requested */
	uint64_t flushed;	/* bytes the kernel says it cleaned; EL0: lines */
	bool counted;		/* ioctl: flushed comes from KVM's stat */
	uint64_t ns;
	bool flash;		/* the range is a flash bank's, not RAM */
};

struct flush_report {
	unsigned int pass;	/* 1 for the first boot, +1 per reboot */
	enum flush_method method;	/* what was used */
	const char *why;	/* why auto chose it */
	unsigned int nr;
	unsigned int dropped;	/* entries beyond FLUSH_REPORT_MAX */
	struct flush_entry e[FLUSH_REPORT_MAX];
	uint64_t total_ns;
};

const char *flush_method_name(enum flush_method m);
int flush_method_parse(const char *name, enum flush_method *m);

/*
 * Clean what pocvm wrote into guest RAM to the Point of Coherency, by the
 * configured method, and record what was done in vm->flush. Consumes the
 * guest-memory write record.
 */
int poc_clean(struct vm *vm);
/*
 * Find out once whether the kernel has KVM_ARM_FLUSH_RANGE; with
 * --flush=ioctl, fail (before anything runs) if it does not.
 */
int poc_clean_probe(struct vm *vm);
void flush_report_print(const struct flush_report *r, FILE *out);

/* EL0 clean of [p, p + len): returns the number of lines cleaned. */
uint64_t arm64_clean_dcache_poc(void *p, uint64_t len, unsigned int line);

#endif
