// SPDX-License-Identifier: GPL-2.0
/*
 * The run-time allow-list (vmm/seccomp.c), installed for real in a child
 * process: each rule is tried both ways, what pocvm needs still works
 * and what an escaped guest would want next is refused with EPERM.
 *
 * Where the kernel cannot filter (qemu-user runs the aarch64 build of
 * these tests) the filter is not there to try: the test says so and
 * passes, unless POCVM_REQUIRE_SANDBOX is set (the rig sets it in L1).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "seccomp-filter.h"
#include "sandbox-test.h"
#include "unit.h"

static char dir[64];

/* A directory with a file to keep, one to remove and a subdirectory. */
static int make_dir(void)
{
	char path[128];
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/pocvm-seccomp-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/keep", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "data", 4) != 4)
		return -1;
	close(fd);
	snprintf(path, sizeof(path), "%s/victim", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(path, sizeof(path), "%s/sub", dir);
	return mkdir(path, 0700);
}

static void remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", dir);
}

static void *thread_body(void *arg)
{
	return arg;
}

/* ret must be -1 with errno err (0: must succeed). */
#define EXPECT(call, err)	sbt_expect(r, #call, (long)(call), (err))

/* openat2(dirfd, name) as the 9p server makes it; 0 if it opened. */
static long open2(int dirfd, const char *name)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static void allowed_calls(struct sbt_report *r, int fds[2], int dirfd,
			  const char *keep)
{
	struct termios tio;
	cpu_set_t set;
	pthread_t t;
	void *res, *p;
	int val = 0, fd;
	char c = 'x';

	EXPECT(write(fds[1], &c, 1) - 1, 0);
	EXPECT(read(fds[0], &c, 1) - 1, 0);
	EXPECT(pthread_create(&t, NULL, thread_body, &val), 0);
	EXPECT(pthread_join(t, &res), 0);
	/* Reaching the kernel, which says a pipe is no tty or KVM fd. */
	EXPECT(ioctl(fds[0], TCGETS, &tio), ENOTTY);
	EXPECT(ioctl(fds[0], TCSETS, &tio), ENOTTY);
	EXPECT(ioctl(fds[0], TCSETSW, &tio), ENOTTY);
	EXPECT(ioctl(fds[0], 0xae80 /* KVM_RUN */, 0), ENOTTY);
	EXPECT(ioctl(fds[0], 0x8008af00 /* VHOST_GET_FEATURES */, &val),
	       ENOTTY);
	fd = open(keep, O_RDONLY | O_CLOEXEC);
	EXPECT(fd < 0 ? -1 : 0, 0);
	if (fd >= 0)
		close(fd);
	EXPECT(unlinkat(dirfd, "victim", 0), 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(p == MAP_FAILED ? -1 : 0, 0);
	if (p != MAP_FAILED) {
		EXPECT(mprotect(p, 4096, PROT_READ), 0);
		munmap(p, 4096);
	}
	EXPECT(prctl(PR_SET_NAME, "sc-test", 0, 0, 0), 0);
	/* a VCPU thread pins itself (--vcpu-affinity) */
	EXPECT(sched_getaffinity(0, sizeof(set), &set), 0);
	EXPECT(sched_setaffinity(0, sizeof(set), &set), 0);
	EXPECT(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0), 0);
	/* glibc falls back to clone on ENOSYS */
	EXPECT(syscall(SYS_clone3, NULL, 0), ENOSYS);
}

static void refused_calls(struct sbt_report *r, int fds[2], int dirfd,
			  const char *keep)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[2] = { { 0 } };
	char *const argv[] = { "true", NULL };
	char c = 'x', path[128];
	struct termios tio;
	cpu_set_t set;
	void *p;

	/* the terminal: no keystroke injection, no console tricks */
	EXPECT(ioctl(fds[0], TIOCSTI, &c), EPERM);
	EXPECT(ioctl(fds[0], TIOCLINUX, &c), EPERM);
	EXPECT(syscall(SYS_ioctl, fds[0], TIOCSTI | (1UL << 32), &c), EPERM);
	/*
	 * An allowed number with its high word set is another number: the
	 * filter compares both words, or these would get through.
	 */
	EXPECT(syscall(SYS_ioctl, fds[0], TCGETS | (1UL << 32), &tio), EPERM);
	EXPECT(syscall(SYS_prctl, PR_SET_NAME | (1UL << 32), "x", 0, 0, 0),
	       EPERM);
	EXPECT(ioctl(fds[0], 0x400454ca /* TUNSETIFF */, &c), EPERM);
	EXPECT(ioctl(fds[0], 0x8913 /* SIOCGIFFLAGS */, &c), EPERM);
	/* files: read, never write, truncate or create */
	EXPECT(open(keep, O_WRONLY), EPERM);
	EXPECT(open(keep, O_RDWR), EPERM);
	EXPECT(open(keep, O_RDONLY | O_TRUNC), EPERM);
	snprintf(path, sizeof(path), "%s/new", dir);
	EXPECT(open(path, O_RDONLY | O_CREAT, 0600), EPERM);
	EXPECT(ftruncate(fds[1], 0), EPERM);
	/* unlink: only files in the socket's directory, by its fd */
	EXPECT(unlinkat(AT_FDCWD, keep, 0), EPERM);
	EXPECT(unlinkat(dirfd, "sub", AT_REMOVEDIR), EPERM);
	/* no --9p: none of its server's calls */
	EXPECT(open2(dirfd, "keep"), EPERM);
	EXPECT(mkdirat(dirfd, "d", 0700), EPERM);
#ifdef SYS_unlink
	EXPECT(syscall(SYS_unlink, keep), EPERM);
#endif
	/* nothing becomes executable */
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(p == MAP_FAILED ? -1 : 0, EPERM);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		EXPECT(mprotect(p, 4096, PROT_READ | PROT_EXEC), EPERM);
		munmap(p, 4096);
	}
	/* no process, program, socket or identity change */
	EXPECT(fork(), EPERM);
	EXPECT(execv("/bin/true", argv), EPERM);
	EXPECT(socket(AF_UNIX, SOCK_STREAM, 0), EPERM);
	EXPECT(setuid(0), EPERM);
	EXPECT(syscall(SYS_capset, &hdr, caps), EPERM);
	EXPECT(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), EPERM);
	/* no thread but the caller may be pinned: not even our parent */
	EXPECT(sched_getaffinity(0, sizeof(set), &set), 0);
	EXPECT(sched_setaffinity(getppid(), sizeof(set), &set), EPERM);
	/* signals: our own threads only */
	EXPECT(kill(getppid(), 0), EPERM);
	EXPECT(syscall(SYS_tgkill, getppid(), getppid(), 0), EPERM);
	EXPECT(syscall(SYS_tkill, getppid(), 0), EPERM);
}

/* The first policy's child: unlink in dir, files read-only. */
static void child_read_only(struct sbt_report *r)
{
	struct seccomp_policy pol = { .unlink_dirfd = -1 };
	char keep[128];
	int fds[2];
	bool on;

	snprintf(keep, sizeof(keep), "%s/keep", dir);
	pol.unlink_dirfd = open(dir, O_PATH | O_DIRECTORY);
	if (pipe(fds) || pol.unlink_dirfd < 0) {
		sbt_fail(r, "set-up: %s", strerror(errno));
		return;
	}
	if (seccomp_lock_down(&pol, &on)) {
		sbt_fail(r, "seccomp_lock_down failed");
		return;
	}
	if (!on || sbt_seccomp_mode() != 2) {
		r->skipped = true;
		return;
	}
	allowed_calls(r, fds, pol.unlink_dirfd, keep);
	refused_calls(r, fds, pol.unlink_dirfd, keep);
}

/* vhost's policy: O_RDWR opens, no unlink at all. */
static void child_read_write(struct sbt_report *r)
{
	struct seccomp_policy pol = { .unlink_dirfd = -1, .open_rdwr = true };
	char keep[128];
	int fd, dirfd;
	bool on;

	snprintf(keep, sizeof(keep), "%s/keep", dir);
	dirfd = open(dir, O_PATH | O_DIRECTORY);
	if (seccomp_lock_down(&pol, &on)) {
		sbt_fail(r, "seccomp_lock_down failed");
		return;
	}
	if (!on || sbt_seccomp_mode() != 2) {
		r->skipped = true;
		return;
	}
	fd = open(keep, O_RDWR | O_CLOEXEC);
	EXPECT(fd < 0 ? -1 : 0, 0);
	if (fd >= 0)
		close(fd);
	EXPECT(open(keep, O_RDWR | O_TRUNC), EPERM);
	EXPECT(open(keep, O_WRONLY), EPERM);
	EXPECT(open(keep, O_RDWR | O_CREAT, 0600), EPERM);
	EXPECT(unlinkat(dirfd, "keep", 0), EPERM);
}

/*
 * --9p: a read-only share's server may look up and read (openat2,
 * getdents64, readlinkat, fstatfs) and nothing more; a read-write one's
 * may also change the tree.
 */
static void child_p9(struct sbt_report *r, bool rw)
{
	struct seccomp_policy pol = { .unlink_dirfd = -1, .p9 = true,
				      .p9_rw = rw };
	struct timespec ts[2] = { { .tv_nsec = UTIME_NOW },
				  { .tv_nsec = UTIME_NOW } };
	int dirfd, fd, want = rw ? 0 : EPERM;
	char buf[256];
	struct statfs sf;
	bool on;

	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || fd < 0 || symlinkat("keep", dirfd, "ln")) {
		sbt_fail(r, "set-up: %s", strerror(errno));
		return;
	}
	if (seccomp_lock_down(&pol, &on)) {
		sbt_fail(r, "seccomp_lock_down failed");
		return;
	}
	if (!on || sbt_seccomp_mode() != 2) {
		r->skipped = true;
		return;
	}
	if (open2(dirfd, "keep") && errno == ENOSYS)
		r->skipped = true;	/* qemu-user: no openat2 to try */
	else
		EXPECT(open2(dirfd, "keep"), 0);
	EXPECT(syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0 ? 0 : -1, 0);
	EXPECT(readlinkat(dirfd, "ln", buf, sizeof(buf)) - 4, 0);
	EXPECT(fstatfs(dirfd, &sf), 0);
	EXPECT(mkdirat(dirfd, "d", 0700), want);
	EXPECT(symlinkat("x", dirfd, "ln2"), want);
	EXPECT(linkat(dirfd, "keep", dirfd, "keep2", 0), want);
	EXPECT(renameat(dirfd, "victim", dirfd, "renamed"), want);
	EXPECT(unlinkat(dirfd, "sub", AT_REMOVEDIR), want);
	EXPECT(mknodat(dirfd, "fifo", S_IFIFO | 0600, 0), want);
	EXPECT(fchownat(dirfd, "keep", getuid(), getgid(),
			AT_SYMLINK_NOFOLLOW), want);
	EXPECT(utimensat(dirfd, "keep", ts, 0), want);
	EXPECT(fchmod(fd, 0700), want);
	/* still never through open(): that stays read-only */
	EXPECT(open(dir, O_RDONLY | O_CREAT, 0600), EPERM);
	EXPECT(socket(AF_UNIX, SOCK_STREAM, 0), EPERM);
}

static void child_p9_ro(struct sbt_report *r)
{
	child_p9(r, false);
}

static void child_p9_rw(struct sbt_report *r)
{
	child_p9(r, true);
}

START_TEST(test_seccomp_p9)
{
	struct stat st;
	char path[128];

	ck_assert_int_eq(make_dir(), 0);
	sbt_run_child(child_p9_ro);
	snprintf(path, sizeof(path), "%s/d", dir);
	ck_assert_int_ne(stat(path, &st), 0);
	remove_dir();
	ck_assert_int_eq(make_dir(), 0);
	sbt_run_child(child_p9_rw);
	if (!sbt_last_skipped) {
		snprintf(path, sizeof(path), "%s/d", dir);
		ck_assert_int_eq(stat(path, &st), 0);
		snprintf(path, sizeof(path), "%s/renamed", dir);
		ck_assert_int_eq(stat(path, &st), 0);
	}
	remove_dir();
}
END_TEST

START_TEST(test_seccomp_read_only)
{
	struct stat st;
	char path[128];

	ck_assert_int_eq(make_dir(), 0);
	sbt_run_child(child_read_only);
	/* What the child was refused did not happen after all. */
	snprintf(path, sizeof(path), "%s/keep", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	snprintf(path, sizeof(path), "%s/sub", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/new", dir);
	ck_assert_int_ne(stat(path, &st), 0);
	if (!sbt_last_skipped) {
		snprintf(path, sizeof(path), "%s/victim", dir);
		ck_assert_msg(stat(path, &st) != 0, "victim not removed");
	}
	remove_dir();
}
END_TEST

START_TEST(test_seccomp_read_write)
{
	struct stat st;
	char path[128];

	ck_assert_int_eq(make_dir(), 0);
	sbt_run_child(child_read_write);
	snprintf(path, sizeof(path), "%s/keep", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 4);
	remove_dir();
}
END_TEST

#ifdef __X32_SYSCALL_BIT
/* Another ABI's numbers are other calls: the process is killed. */
START_TEST(test_seccomp_bad_arch)
{
	struct seccomp_policy pol = { .unlink_dirfd = -1 };
	int status;
	pid_t pid;
	bool on;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		if (seccomp_lock_down(&pol, &on) || !on)
			_exit(3);
		syscall(__X32_SYSCALL_BIT | SYS_getpid);
		_exit(4);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		sbt_skip_or_fail("seccomp bad-arch");
		return;
	}
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		      "status 0x%x, not killed by SIGSYS", status);
}
END_TEST
#endif

/* Not an action the assembler emits: the walk stopped at an argument. */
#define WALK_STOPPED	0xffffffffU

/*
 * The program as the kernel's interpreter runs it (the rig's kernel has
 * no BPF JIT): what it answers for one call, and after how many
 * instructions. Knows the instructions the assembler emits, no more.
 * With const_only, as the kernel runs it for every call number when the
 * filter is attached (seccomp_cache_prepare, to find the calls always
 * allowed): the walk stops at the first load of an argument.
 */
static uint32_t interpret(const struct sock_filter *insn, unsigned int len,
			  const struct seccomp_data *d, unsigned int *steps,
			  bool const_only)
{
	const uint8_t *data = (const uint8_t *)d;
	unsigned int pc = 0;
	uint32_t a = 0;

	*steps = 0;
	while (pc < len) {
		const struct sock_filter *f = &insn[pc++];

		(*steps)++;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (const_only &&
			    f->k != offsetof(struct seccomp_data, nr) &&
			    f->k != offsetof(struct seccomp_data, arch))
				return WALK_STOPPED;
			/* no ck_assert: each records a point, a system call */
			if (f->k + 4 > sizeof(*d))
				ck_abort_msg("instruction %u: load at %u",
					     pc - 1, f->k);
			memcpy(&a, data + f->k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			ck_abort_msg("instruction %u: code 0x%x", pc - 1,
				     f->code);
		}
	}
	ck_abort_msg("ran off the end of the program");
	return 0;
}

static uint32_t run_filter(const struct sock_filter *insn, unsigned int len,
			   const struct seccomp_data *d, unsigned int *steps)
{
	return interpret(insn, len, d, steps, false);
}

/* What attaching the filter costs the kernel for number d->nr. */
static unsigned int cache_steps(const struct sock_filter *insn,
				unsigned int len, const struct seccomp_data *d)
{
	unsigned int steps;

	interpret(insn, len, d, &steps, true);
	return steps;
}

static struct seccomp_data call(int nr, uint64_t a0, uint64_t a1,
				 uint64_t a2)
{
#if defined(__aarch64__)
	uint32_t arch = AUDIT_ARCH_AARCH64;
#else
	uint32_t arch = AUDIT_ARCH_X86_64;
#endif
	return (struct seccomp_data){ .nr = nr, .arch = arch,
				      .args = { a0, a1, a2 } };
}

/*
 * KVM_RUN and the event loop's calls come first: a VCPU pays for every
 * instruction before its answer on every exit. And the answers are the
 * policy's, here too where the kernel cannot filter (qemu-user).
 */
START_TEST(test_seccomp_program_order)
{
	static struct sock_filter insn[1024];
	struct seccomp_policy pol = { .unlink_dirfd = 7 };
	struct seccomp_data d;
	unsigned int steps;
	int len;

	len = seccomp_filter_build(&pol, insn, 1024);
	ck_assert_int_gt(len, 0);
	ck_assert_int_le(len, 512);
	d = call(__NR_ioctl, 9, 0xae80 /* KVM_RUN */, 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps), SECCOMP_RET_ALLOW);
	ck_assert_uint_le(steps, 10);
	d = call(__NR_read, 3, 0, 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps), SECCOMP_RET_ALLOW);
	ck_assert_uint_le(steps, 40);
	d = call(__NR_ioctl, 9, TIOCSTI, 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps),
			  SECCOMP_RET_ERRNO | EPERM);
	d = call(__NR_ioctl, 9, TCGETS | (1ULL << 32), 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps),
			  SECCOMP_RET_ERRNO | EPERM);
	d = call(__NR_unlinkat, 7, 0, 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps), SECCOMP_RET_ALLOW);
	d = call(__NR_unlinkat, 8, 0, 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps),
			  SECCOMP_RET_ERRNO | EPERM);
	d = call(__NR_clone3, 0, 0, 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps),
			  SECCOMP_RET_ERRNO | ENOSYS);
	d = call(__NR_execve, 0, 0, 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps),
			  SECCOMP_RET_ERRNO | EPERM);
	d = call(__NR_read, 3, 0, 0);
	d.arch = 0x40000003;	/* AUDIT_ARCH_I386 */
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps),
			  SECCOMP_RET_KILL_PROCESS);
	/* Too small a buffer: an error, never a cut program. */
	ck_assert_int_eq(seccomp_filter_build(&pol, insn, 16), -E2BIG);
}
END_TEST

/*
 * Every call number, listed or not, is a short search: for the kernel's
 * walk over all numbers when the filter is attached, and for each call
 * at run time. Walked as a list, an unlisted number took 74 to 90
 * instructions (arm64 numbers; a stub run's policy to the widest).
 */
START_TEST(test_seccomp_program_search)
{
	static struct sock_filter insn[1024];
	struct seccomp_policy pol = {
		.unlink_dirfd = 7, .open_rdwr = true, .p9 = true,
		.p9_rw = true, .children = { 100, 101 }, .nr_children = 2,
	};
	unsigned int steps, total = 0, worst = 0;
	struct seccomp_data d;
	int len, nr;

	len = seccomp_filter_build(&pol, insn, 1024);
	ck_assert_int_gt(len, 0);
	for (nr = 0; nr < 512; nr++) {
		d = call(nr, 0, 0, 0);
		steps = cache_steps(insn, len, &d);
		total += steps;
		if (steps > worst)
			worst = steps;
	}
	ck_assert_uint_le(worst, 16);
	ck_assert_uint_le(total, 512 * 14);
	d = call(__NR_read, 3, 0, 0);
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps), SECCOMP_RET_ALLOW);
	ck_assert_uint_le(steps, 16);
}
END_TEST

#define N_OF(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Program insn answers every call number 0-511, with the arguments the
 * rules test, as the reference does.
 */
static void same_answers(const struct sock_filter *ref, int rlen,
			 const struct sock_filter *insn, int len,
			 unsigned int layout)
{
	const uint64_t a0s[] = { 0, 7, 101, 102, CLONE_THREAD, getpid() };
	const uint64_t a1s[] = { 0, SIGTERM, 0xae80, 0xaf01, TCGETS,
				 TCGETS | (1ULL << 32), TIOCSTI };
	const uint64_t a2s[] = { 0, O_RDWR, O_WRONLY | O_CREAT, PROT_EXEC };
	unsigned int i, j, k, steps;
	struct seccomp_data d;
	uint32_t want;
	int nr;

	for (nr = 0; nr < 512; nr++) {
		for (i = 0; i < N_OF(a0s) * N_OF(a1s) * N_OF(a2s); i++) {
			j = i / N_OF(a2s) % N_OF(a1s);
			k = i % N_OF(a2s);
			d = call(nr, a0s[i / N_OF(a2s) / N_OF(a1s)], a1s[j],
				 a2s[k]);
			want = run_filter(ref, rlen, &d, &steps);
			if (run_filter(insn, len, &d, &steps) != want)
				ck_abort_msg("layout %u, call %d, arguments "
					     "%u: not the walk's answer",
					     layout, nr, i);
		}
	}
	d = call(__NR_read, 3, 0, 0);
	d.arch = 0x40000003;	/* AUDIT_ARCH_I386 */
	ck_assert_uint_eq(run_filter(insn, len, &d, &steps),
			  SECCOMP_RET_KILL_PROCESS);
}

/*
 * Every layout of the search answers every call as the plain walk of
 * the list does: leaves of one to four calls, and jumps so short that
 * each split of the tree takes the JA form; on the widest policy and a
 * stub run's.
 */
START_TEST(test_seccomp_program_layouts)
{
	static const struct { unsigned int leaf, jump; } layouts[] = {
		{ 4, 255 }, { 1, 0 }, { 2, 8 }, { 3, 40 }, { 4, 0 },
	};
	static struct sock_filter ref[1024], insn[1024];
	const struct seccomp_policy pols[] = {
		{ .unlink_dirfd = 7, .open_rdwr = true, .p9 = true,
		  .p9_rw = true, .children = { 100, 101 }, .nr_children = 2 },
		{ .unlink_dirfd = 7 },
	};
	unsigned int p, l, i, ja;
	int rlen, len;

	for (p = 0; p < N_OF(pols); p++) {
		rlen = seccomp_filter_layout(&pols[p], ref, 1024, 1000, 255);
		ck_assert_int_gt(rlen, 0);
		for (l = 0; l < N_OF(layouts); l++) {
			len = seccomp_filter_layout(&pols[p], insn, 1024,
						    layouts[l].leaf,
						    layouts[l].jump);
			ck_assert_int_gt(len, 0);
			for (i = 0, ja = 0; i < (unsigned int)len; i++)
				ja += insn[i].code == (BPF_JMP | BPF_JA);
			/* jump 0: every split of the tree is a JA */
			if (!layouts[l].jump)
				ck_assert_uint_gt(ja, 8);
			same_answers(ref, rlen, insn, len, l);
		}
	}
}
END_TEST

static Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("allow-list");

	tcase_add_test(tc, test_seccomp_read_only);
	tcase_add_test(tc, test_seccomp_read_write);
	tcase_add_test(tc, test_seccomp_p9);
	tcase_add_test(tc, test_seccomp_program_order);
	tcase_add_test(tc, test_seccomp_program_search);
	tcase_add_test(tc, test_seccomp_program_layouts);
#ifdef __X32_SYSCALL_BIT
	tcase_add_test(tc, test_seccomp_bad_arch);
#endif
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(seccomp_suite)
