// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp allow-list every pocvm thread runs under once set-up is
 * done: what is left to do then is KVM_RUN, device I/O on descriptors
 * already open, the event loop, thread start-up and the way out. Files
 * cannot be created, truncated or removed (but by the server of a
 * read-write --9p share, which Landlock keeps inside it), sockets and
 * processes cannot be made and no memory becomes executable, so a guest
 * that takes over a device emulation bug gets little more than the
 * guest already had.
 *
 * A refused call fails with EPERM rather than killing pocvm: a path the
 * list missed then shows up as an error pocvm reports, never as lost
 * guest data. The rules read top to bottom as the policy, and
 * tests/unit/test-seccomp.c tries each one.
 *
 * The classic BPF program is assembled here, not by libseccomp: its
 * generic compiler took longer than the rest of a short run's start-up
 * under nested emulation (and its heap stayed resident). The program:
 * arch check, ioctl (KVM_RUN) first, then a binary search on the call's
 * number down to short lists of "this number? then these argument
 * tests"; anything not listed ends at EPERM.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "seccomp-filter.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#if defined(__aarch64__)
#define SECCOMP_ARCH	AUDIT_ARCH_AARCH64
#elif defined(__x86_64__)
#define SECCOMP_ARCH	AUDIT_ARCH_X86_64
#else
#error "seccomp: no audit arch for this target"
#endif

/* Allowed with any arguments. */
static const int plain_calls[] = {
	/* the event loop, device and console I/O on descriptors open */
	__NR_read, __NR_write, __NR_epoll_pwait, __NR_futex,
	__NR_io_getevents, __NR_io_submit, __NR_ppoll, __NR_readv,
	__NR_writev, __NR_pread64, __NR_pwrite64,
	__NR_preadv, __NR_pwritev, __NR_pselect6,
	__NR_clock_gettime, __NR_epoll_ctl,
	__NR_lseek, __NR_close, __NR_fcntl, __NR_fstat,
	__NR_newfstatat, __NR_fsync, __NR_fdatasync,
	__NR_fallocate, __NR_io_destroy, __NR_io_cancel,
	__NR_eventfd2, __NR_timerfd_settime,
	__NR_timerfd_gettime,
	/* the control socket and the gdb stub */
	__NR_accept4, __NR_recvfrom, __NR_sendto,
	__NR_recvmsg, __NR_sendmsg, __NR_shutdown,
	__NR_setsockopt, __NR_getsockopt,
	/* memory and threads (glibc's malloc and pthreads) */
	__NR_munmap, __NR_madvise, __NR_mremap,
	__NR_brk, __NR_mincore, __NR_set_robust_list,
	__NR_sched_yield, __NR_sched_getaffinity,
	__NR_membarrier, __NR_rseq,
	/* signals: VCPU kicks, SIGINT/SIGTERM through the signalfd */
	__NR_rt_sigreturn, __NR_rt_sigprocmask,
	__NR_rt_sigaction, __NR_sigaltstack,
	__NR_restart_syscall,
	/* time and identity */
	__NR_clock_nanosleep, __NR_nanosleep,
	__NR_gettimeofday, __NR_getpid, __NR_gettid,
	__NR_getrandom,
	__NR_exit, __NR_exit_group,
#ifdef __x86_64__
	/* the unit tests' build: glibc's x86_64 spellings */
	__NR_epoll_wait, __NR_poll, __NR_select,
	__NR_arch_prctl,
#endif
};

/* A --9p server's lookups and reads (seccomp-filter.h). */
static const int p9_calls[] = {
	__NR_openat2, __NR_getdents64, __NR_readlinkat,
	__NR_fstatfs,
};

/* ... and the changes a read-write share makes. */
static const int p9_rw_calls[] = {
	__NR_mkdirat, __NR_unlinkat, __NR_renameat2,
	__NR_linkat, __NR_symlinkat, __NR_mknodat,
	__NR_fchmod, __NR_fchownat, __NR_utimensat,
	__NR_ftruncate,
#ifdef __NR_renameat
	/* renameat where the architecture still has it (arm64 does) */
	__NR_renameat,
#endif
};

/*
 * The terminal ioctls pocvm makes after start-up: isatty() and
 * tcgetattr() (TCGETS), tcsetattr() (TCSETS*). Every other 'T' ioctl,
 * TIOCSTI (push input into the terminal) and TIOCLINUX above all, is
 * refused: tun's TUNSET* are all done during set-up.
 */
static const unsigned long tty_ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF,
};

/* KVM's and vhost's own ioctl types: any request of theirs. */
static const unsigned int ioctl_types[] = { 0xae, 0xaf };

/* Flags that make an open write, truncate or create. */
#define OPEN_WRITE_FLAGS	(O_ACCMODE | O_CREAT | O_TRUNC)

#define RET_ALLOW	SECCOMP_RET_ALLOW
#define RET_ERRNO(e)	(SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))

/* Argument arg, and-ed with mask, equals val (all 64 bits). */
struct arg_test {
	unsigned int arg;
	uint64_t mask, val;
};

/*
 * One way call nr is allowed (or answered with action): when every test
 * holds (none: always). A call listed again gets another way; the
 * program tests its ways together, where the call is first listed.
 */
struct rule {
	int nr;
	uint32_t action;
	unsigned int nr_tests;
	struct arg_test test[2];
};

/* pocvm's list has some 110: room for all the options' at once. */
#define MAX_RULES	160

struct rule_list {
	unsigned int n;
	struct rule r[MAX_RULES];
};

/* Argument n equals v. */
static struct arg_test eq(unsigned int n, uint64_t v)
{
	return (struct arg_test){ .arg = n, .mask = ~0ULL, .val = v };
}

/* Argument n, and-ed with mask, equals v. */
static struct arg_test masked_eq(unsigned int n, uint64_t mask, uint64_t v)
{
	return (struct arg_test){ .arg = n, .mask = mask, .val = v };
}

/* Allow (or answer with action) call nr when the nr_tests tests hold. */
static int add(struct rule_list *t, int nr, uint32_t action,
	       unsigned int nr_tests, struct arg_test a, struct arg_test b)
{
	if (t->n == MAX_RULES)
		return -E2BIG;
	t->r[t->n++] = (struct rule){ nr, action, nr_tests, { a, b } };
	return 0;
}

static const struct arg_test none;

static int allow(struct rule_list *t, int nr)
{
	return add(t, nr, RET_ALLOW, 0, none, none);
}

static int allow_if(struct rule_list *t, int nr, struct arg_test a)
{
	return add(t, nr, RET_ALLOW, 1, a, none);
}

static int build_rules(struct rule_list *t, const struct seccomp_policy *pol)
{
	unsigned int i;
	int ret = 0;

	t->n = 0;
	/* ioctl first: KVM_RUN is the call made most. */
	for (i = 0; i < ARRAY_SIZE(ioctl_types) && !ret; i++)
		ret = allow_if(t, __NR_ioctl,
			       masked_eq(1, 0xff00, ioctl_types[i] << 8));
	/* The full 64 bits: the kernel would drop high bits set here. */
	for (i = 0; i < ARRAY_SIZE(tty_ioctls) && !ret; i++)
		ret = allow_if(t, __NR_ioctl, eq(1, tty_ioctls[i]));
	for (i = 0; i < ARRAY_SIZE(plain_calls) && !ret; i++)
		ret = allow(t, plain_calls[i]);
	if (ret)
		return ret;

	/* Nothing becomes executable: no code can be brought in. */
	ret = allow_if(t, __NR_mmap, masked_eq(2, PROT_EXEC, 0));
	ret = ret ?: allow_if(t, __NR_mprotect, masked_eq(2, PROT_EXEC, 0));
	/* Threads, never processes: clone must share the address space. */
	ret = ret ?: allow_if(t, __NR_clone,
			      masked_eq(0, CLONE_THREAD, CLONE_THREAD));
	/* clone3's flags are out of reach: ENOSYS makes glibc use clone. */
	ret = ret ?: add(t, __NR_clone3, RET_ERRNO(ENOSYS), 0, none, none);
	/* Signals to our own threads only (pthread_kill, raise). */
	ret = ret ?: allow_if(t, __NR_tgkill, eq(0, getpid()));
	/* A thread may pin itself (--vcpu-affinity), never another. */
	ret = ret ?: allow_if(t, __NR_sched_setaffinity, eq(0, 0));
	/* prctl only to name a thread. */
	ret = ret ?: allow_if(t, __NR_prctl, eq(0, PR_SET_NAME));
	/*
	 * openat to read: --reboot reads the images again. With vhost,
	 * O_RDWR too, for /dev/vhost-net (Landlock names the path).
	 */
	ret = ret ?: allow_if(t, __NR_openat,
			      masked_eq(2, OPEN_WRITE_FLAGS, O_RDONLY));
	if (!ret && pol->open_rdwr)
		ret = allow_if(t, __NR_openat,
			       masked_eq(2, OPEN_WRITE_FLAGS, O_RDWR));
	for (i = 0; pol->p9 && i < ARRAY_SIZE(p9_calls) && !ret; i++)
		ret = allow(t, p9_calls[i]);
	for (i = 0; pol->p9_rw && i < ARRAY_SIZE(p9_rw_calls) && !ret; i++)
		ret = allow(t, p9_rw_calls[i]);
	/* Ending passt at exit: SIGTERM to that child, then reaping it. */
	for (i = 0; i < pol->nr_children && !ret; i++) {
		ret = add(t, __NR_kill, RET_ALLOW, 2, eq(0, pol->children[i]),
			  eq(1, SIGTERM));
		ret = ret ?: allow_if(t, __NR_wait4, eq(0, pol->children[i]));
	}
	/*
	 * Removing the control socket at exit: that directory, files only.
	 * (A read-write share allows unlinkat everywhere already.)
	 */
	if (!ret && pol->unlink_dirfd >= 0 && !pol->p9_rw)
		ret = add(t, __NR_unlinkat, RET_ALLOW, 2,
			  eq(0, pol->unlink_dirfd), eq(2, 0));
	return ret;
}

/*
 * The classic BPF program, as it is assembled, and its layout: how many
 * calls a leaf of the search tests one after another, and the longest
 * conditional jump the search takes before it jumps with a JA instead
 * (at most 255, what jt and jf hold; the tests shorten both to try
 * every shape on today's list).
 */
struct bpf_prog {
	unsigned int len, max;
	struct sock_filter *insn;
	unsigned int leaf_calls, jump_max;
};

static int emit(struct bpf_prog *p, uint16_t code, uint32_t jt, uint32_t jf,
		uint32_t k)
{
	/* jt and jf are 8 bits: a call with ways that long is a bug here. */
	if (p->len == p->max || jt > 255 || jf > 255)
		return -E2BIG;
	p->insn[p->len++] = (struct sock_filter){ code, jt, jf, k };
	return 0;
}

#define ARG_LO(n)	(offsetof(struct seccomp_data, args) + 8 * (n))
#define ARG_HI(n)	(ARG_LO(n) + 4)

/* Instructions one 32-bit half of a test takes: load, and?, compare. */
static unsigned int half_len(uint32_t mask, uint32_t val)
{
	if (!mask && !val)
		return 0;	/* always true */
	return mask == ~0U ? 2 : 3;
}

static unsigned int rule_len(const struct rule *a)
{
	unsigned int i, n = 1;	/* its return */

	for (i = 0; i < a->nr_tests; i++) {
		const struct arg_test *t = &a->test[i];

		n += half_len(t->mask, t->val);
		n += half_len(t->mask >> 32, t->val >> 32);
	}
	return n;
}

/*
 * One half of a test: on a mismatch, jump past what is left of the way
 * (*left instructions after this half's compare), to the next way.
 */
static int emit_half(struct bpf_prog *p, uint32_t off, uint32_t mask,
		     uint32_t val, unsigned int *left)
{
	unsigned int n = half_len(mask, val);
	int ret;

	if (!n)
		return 0;
	/* A value outside the mask can never match: a bug in the list. */
	if (val & ~mask)
		return -EINVAL;
	*left -= n;
	ret = emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
	if (!ret && n == 3)
		ret = emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, mask);
	return ret ?: emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, *left, val);
}

/* Whether rule i is the first of its call in the list. */
static bool first_of_call(const struct rule_list *t, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (t->r[j].nr == t->r[i].nr)
			return false;
	return true;
}

/* Call t->r[first].nr's ways: their length, and how many there are. */
static unsigned int ways_len(const struct rule_list *t, unsigned int first,
			     unsigned int *ways)
{
	unsigned int i, body = 0;

	*ways = 0;
	for (i = first; i < t->n; i++) {
		if (t->r[i].nr != t->r[first].nr)
			continue;
		body += rule_len(&t->r[i]);
		(*ways)++;
	}
	return body;
}

/* The instructions emit_call() takes for call t->r[first].nr. */
static unsigned int call_len(const struct rule_list *t, unsigned int first)
{
	unsigned int ways, body = ways_len(t, first, &ways);

	if (ways == 1 && !t->r[first].nr_tests)
		return 2;
	return 1 + body + 1;
}

/*
 * Call t->r[first].nr: its number, then each of its ways in turn; a
 * different number jumps past all of it, to what follows.
 */
static int emit_call(struct bpf_prog *p, const struct rule_list *t,
		     unsigned int first)
{
	const struct rule *f = &t->r[first];
	unsigned int i, j, ways, body = ways_len(t, first, &ways), left;
	int ret;

	for (i = first; i < t->n; i++)
		if (t->r[i].nr == f->nr && t->r[i].action != f->action)
			return -EINVAL;
	/* A way that always holds: no tests, no EPERM after it. */
	if (ways == 1 && !f->nr_tests) {
		ret = emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, f->nr);
		return ret ?: emit(p, BPF_RET | BPF_K, 0, 0, f->action);
	}
	/* Not this call: past its ways and the EPERM that closes them. */
	ret = emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, body + 1, f->nr);
	for (i = first; i < t->n && !ret; i++) {
		const struct rule *r = &t->r[i];

		if (r->nr != f->nr)
			continue;
		left = rule_len(r);
		for (j = 0; j < r->nr_tests && !ret; j++) {
			const struct arg_test *a = &r->test[j];

			ret = emit_half(p, ARG_LO(a->arg), a->mask, a->val,
					&left);
			ret = ret ?: emit_half(p, ARG_HI(a->arg),
					       a->mask >> 32, a->val >> 32,
					       &left);
		}
		ret = ret ?: emit(p, BPF_RET | BPF_K, 0, 0, r->action);
	}
	/* The call, but none of its ways: A no longer holds its number. */
	return ret ?: emit(p, BPF_RET | BPF_K, 0, 0, RET_ERRNO(EPERM));
}

/*
 * The calls after the first are found by a binary search on their
 * numbers, not a list walked top to bottom: when the filter is attached
 * the kernel runs it for every system call number (its cache of calls
 * always allowed), and a walk took 74 to 90 instructions for each
 * number not listed, where a search takes about 14 for any number.
 *
 * tree_len: the length of the search over calls lo..hi-1, given each
 * call's length (call_len(), counted once per call).
 */
static unsigned int tree_len(const struct bpf_prog *p,
			     const unsigned int *lens, unsigned int lo,
			     unsigned int hi)
{
	unsigned int i, n = 1, mid = lo + (hi - lo) / 2, left;

	if (hi - lo <= p->leaf_calls) {
		for (i = lo; i < hi; i++)
			n += lens[i];
		return n;	/* and the leaf's EPERM */
	}
	left = tree_len(p, lens, lo, mid);
	/* A left side longer than a jump reaches takes a JA over it. */
	return (left > p->jump_max ? 2 : 1) + left +
	       tree_len(p, lens, mid, hi);
}

/* The search over calls[lo..hi), the calls' first rules by number. */
static int emit_tree(struct bpf_prog *p, const struct rule_list *t,
		     const unsigned int *calls, const unsigned int *lens,
		     unsigned int lo, unsigned int hi)
{
	unsigned int i, mid = lo + (hi - lo) / 2, left;
	int ret = 0;

	if (hi - lo <= p->leaf_calls) {
		for (i = lo; i < hi && !ret; i++)
			ret = emit_call(p, t, calls[i]);
		return ret ?: emit(p, BPF_RET | BPF_K, 0, 0, RET_ERRNO(EPERM));
	}
	/* A >= the middle call's number: the right side. */
	left = tree_len(p, lens, lo, mid);
	if (left <= p->jump_max) {
		ret = emit(p, BPF_JMP | BPF_JGE | BPF_K, left, 0,
			   t->r[calls[mid]].nr);
	} else {
		ret = emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1,
			   t->r[calls[mid]].nr);
		ret = ret ?: emit(p, BPF_JMP | BPF_JA, 0, 0, left);
	}
	ret = ret ?: emit_tree(p, t, calls, lens, lo, mid);
	return ret ?: emit_tree(p, t, calls, lens, mid, hi);
}

static int assemble(struct bpf_prog *p, const struct rule_list *t)
{
	unsigned int calls[MAX_RULES], lens[MAX_RULES], n = 0, i, j;
	int ret;

	/*
	 * Each call's first rule; after the first call, by number, compared
	 * unsigned as the program's JGE compares it.
	 */
	for (i = 0; i < t->n; i++) {
		if (!first_of_call(t, i))
			continue;
		for (j = n; j > 1 && (uint32_t)t->r[calls[j - 1]].nr >
				     (uint32_t)t->r[i].nr; j--)
			calls[j] = calls[j - 1];
		calls[j] = i;
		n++;
	}
	for (i = 0; i < n; i++)
		lens[i] = call_len(t, calls[i]);
	p->len = 0;
	/* Another arch's numbers mean other calls: refuse them all. */
	ret = emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		   offsetof(struct seccomp_data, arch));
	ret = ret ?: emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, SECCOMP_ARCH);
	ret = ret ?: emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
	ret = ret ?: emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
			  offsetof(struct seccomp_data, nr));
#ifdef __x86_64__
	/* x32's calls share x86_64's arch, with bit 30 set: refused too. */
	ret = ret ?: emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000);
	ret = ret ?: emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_KILL_PROCESS);
#endif
	if (ret || !n)
		return ret ?: emit(p, BPF_RET | BPF_K, 0, 0, RET_ERRNO(EPERM));
	/* The list's first call (ioctl: KVM_RUN) is tested before any. */
	ret = emit_call(p, t, calls[0]);
	return ret ?: emit_tree(p, t, calls, lens, 1, n);
}

int seccomp_filter_layout(const struct seccomp_policy *pol,
			  struct sock_filter *insn, unsigned int max,
			  unsigned int leaf_calls, unsigned int jump_max)
{
	struct bpf_prog prog = {
		.max = max, .insn = insn,
		.leaf_calls = leaf_calls ?: 1,
		.jump_max = jump_max < 255 ? jump_max : 255,
	};
	/* Static: some 10 KiB, more than a stack frame should take. */
	static struct rule_list rules;
	int ret;

	ret = build_rules(&rules, pol);
	ret = ret ?: assemble(&prog, &rules);
	return ret ?: (int)prog.len;
}

int seccomp_filter_build(const struct seccomp_policy *pol,
			 struct sock_filter *insn, unsigned int max)
{
	/* Leaves of 4 calls: the shortest program, ~14 tests a number. */
	return seccomp_filter_layout(pol, insn, max, 4, 255);
}

bool seccomp_available(void)
{
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

	/*
	 * seccomp() with the action the filter needs (Linux 4.14): ENOSYS
	 * or EINVAL, or any answer but 0, mean no filtering here.
	 */
	return !syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
}

int seccomp_lock_down(const struct seccomp_policy *pol, bool *on)
{
	/* pocvm's program is some 300 instructions. */
	static struct sock_filter insn[1024];
	struct sock_fprog fprog;
	long ret;
	int len;

	*on = false;
	/*
	 * A kernel without CONFIG_SECCOMP_FILTER (or qemu-user): say so,
	 * run on.
	 */
	if (!seccomp_available()) {
		pr_warn("seccomp: this kernel cannot filter system calls; "
			"running without the allow-list");
		return 0;
	}
	len = seccomp_filter_build(pol, insn, ARRAY_SIZE(insn));
	if (len < 0)
		return err_set(len, "seccomp: cannot build the filter: %s",
			       strerror(-len));
	fprog.len = len;
	fprog.filter = insn;
	/* No privileges to gain from here on: the filter then needs none. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return err_set(-errno, "seccomp: no_new_privs: %s",
			       strerror(errno));
	/* Every thread, should set-up ever start one before this. */
	ret = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		      SECCOMP_FILTER_FLAG_TSYNC, &fprog);
	if (!ret) {
		*on = true;
		return 0;
	}
	/* TSYNC's answer: the id of a thread that could not follow. */
	if (ret > 0)
		return err_set(-EBUSY, "seccomp: thread %ld cannot take the "
			       "filter (--no-seccomp runs without it)", ret);
	return err_set(-errno, "seccomp: cannot install the filter: %s "
		       "(--no-seccomp runs without it)", strerror(errno));
}
