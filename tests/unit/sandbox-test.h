/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the sandbox tests (test-seccomp.c, test-sandbox.c): a
 * child process enters the sandbox for real, tries calls and reports
 * what went wrong through a shared page; the parent asserts on it.
 */
#ifndef POCVM_SANDBOX_TEST_H
#define POCVM_SANDBOX_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "seccomp-filter.h"
#include "unit.h"

struct sbt_report {
	unsigned int failures;
	bool skipped;		/* the kernel here cannot do it */
	size_t len;
	char msg[8000];
};

static bool sbt_last_skipped;

static inline void sbt_fail(struct sbt_report *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->failures++;
	if (r->len >= sizeof(r->msg) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(r->msg + r->len, sizeof(r->msg) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += n;
	if (r->len < sizeof(r->msg) - 1)
		r->msg[r->len++] = '\n';
	if (r->len >= sizeof(r->msg))
		r->len = sizeof(r->msg) - 1;
	r->msg[r->len] = '\0';
}

/* ret of the call named what: 0 for success, else -1 with errno err. */
static inline void sbt_expect(struct sbt_report *r, const char *what,
			      long ret, int err)
{
	int e = errno;

	if (!err && ret != 0)
		sbt_fail(r, "%s: %ld (%s), expected success", what, ret,
			 strerror(e));
	else if (err && (ret != -1 || e != err))
		sbt_fail(r, "%s: %ld (%s), expected -1 (%s)", what, ret,
			 ret == -1 ? strerror(e) : "no error", strerror(err));
}

/* Not there to test: fine on a bare build host, not in the rig. */
static inline void sbt_skip_or_fail(const char *what)
{
	sbt_last_skipped = true;
	ck_assert_msg(!getenv("POCVM_REQUIRE_SANDBOX"), "%s: not available "
		      "on this kernel, and POCVM_REQUIRE_SANDBOX is set", what);
	fprintf(stderr, "unit: %s: skipped, this kernel cannot do it "
		"(qemu-user?)\n", what);
}

/* The Seccomp: mode in /proc/self/status, -1 if unreadable. */
static inline int sbt_seccomp_mode(void)
{
	char line[128];
	int mode = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode;
}

/* Run fn in a child; fail on what it reports, or if it is killed. */
static inline void sbt_run_child(void (*fn)(struct sbt_report *r))
{
	struct sbt_report *r;
	int status;
	pid_t pid;

	sbt_last_skipped = false;
	/*
	 * No seccomp() (qemu-user, which runs the aarch64 build here): no
	 * sandbox to try, and qemu's own threads would count as ours.
	 */
	if (!seccomp_available()) {
		sbt_skip_or_fail("sandbox");
		return;
	}
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(r, MAP_FAILED);
	memset(r, 0, sizeof(*r));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		fn(r);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && !WEXITSTATUS(status),
		      "child status 0x%x (killed by the filter?)", status);
	if (r->skipped) {
		munmap(r, sizeof(*r));
		sbt_skip_or_fail("sandbox");
		return;
	}
	ck_assert_msg(!r->failures, "%u failed:\n%s", r->failures, r->msg);
	munmap(r, sizeof(*r));
}

#endif
