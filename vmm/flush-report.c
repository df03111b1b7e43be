// SPDX-License-Identifier: GPL-2.0
/* Names and the report of the PoC clean; portable, so unit-tested. */
#include <errno.h>
#include <string.h>

#include "poc-clean.h"

static const char *const method_names[] = {
	[FLUSH_AUTO] = "auto",
	[FLUSH_IOCTL] = "ioctl",
	[FLUSH_USER] = "user",
	[FLUSH_NONE] = "none",
};

const char *flush_method_name(enum flush_method m)
{
	return method_names[m];
}

int flush_method_parse(const char *name, enum flush_method *m)
{
	unsigned int i;

	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++) {
		if (!strcmp(name, method_names[i])) {
			*m = i;
			return 0;
		}
	}
	return -EINVAL;
}

static void print_size(FILE *out, uint64_t n)
{
	if (n >= (1ULL << 20) && !(n & ((1ULL << 20) - 1)))
		fprintf(out, "%llu MiB", (unsigned long long)(n >> 20));
	else if (n >= 1024 && !(n & 1023))
		fprintf(out, "%llu KiB", (unsigned long long)(n >> 10));
	else
		fprintf(out, "%llu B", (unsigned long long)n);
}

void flush_report_print(const struct flush_report *r, FILE *out)
{
	unsigned int i;

	fprintf(out, "pocvm: flush: boot %u: method %s%s%s%s, %u range(s), "
		"%llu.%03llu ms\n", r->pass, flush_method_name(r->method),
		r->why ? " (" : "", r->why ? r->why : "", r->why ? ")" : "",
		r->nr + r->dropped,
		(unsigned long long)(r->total_ns / 1000000),
		(unsigned long long)(r->total_ns / 1000 % 1000));
	for (i = 0; i < r->nr; i++) {
		const struct flush_entry *e = &r->e[i];

		fprintf(out, "pocvm: flush:   %-5s 0x%09llx-0x%09llx ",
			flush_method_name(e->method),
			(unsigned long long)e->gpa,
			(unsigned long long)(e->gpa + e->size - 1));
		fprintf(out, "%srequested ", e->flash ? "flash " : "");
		print_size(out, e->size);
		if (e->method == FLUSH_IOCTL && e->counted) {
			fprintf(out, ", kernel flushed ");
			print_size(out, e->flushed);
		} else if (e->method == FLUSH_IOCTL) {
			fprintf(out, ", kernel count unavailable");
		} else {
			fprintf(out, ", %llu lines",
				(unsigned long long)e->flushed);
		}
		fprintf(out, ", %llu us\n", (unsigned long long)(e->ns / 1000));
	}
	if (r->dropped)
		fprintf(out, "pocvm: flush:   (%u more ranges)\n", r->dropped);
}
