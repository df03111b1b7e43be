// SPDX-License-Identifier: GPL-2.0
/*
 * The seccomp allow-list every pocvm thread runs under once set-up is
 * done: what is left to do then is KVM_RUN, device I/O on descriptors
 * already open, the event loop, thread start-up and the way out. Files,
 * sockets and processes can no longer be made, so a guest that takes over
 * a device emulation bug gets little more than the guest already had.
 *
 * A refused call fails with EPERM rather than killing pocvm: a path the
 * list missed then shows up as an error pocvm reports, never as lost
 * guest data. Hand-built BPF: libseccomp is not in the static build.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "seccomp.h"

#if defined(__aarch64__)
#define AUDIT_ARCH_NATIVE	AUDIT_ARCH_AARCH64
#elif defined(__x86_64__)
#define AUDIT_ARCH_NATIVE	AUDIT_ARCH_X86_64
#else
#error "seccomp: no audit arch for this target"
#endif

/*
 * Allowed with any arguments. Without a BPF JIT the filter is
 * interpreted on every call, in order: the hot ones come first.
 */
static const unsigned int plain_calls[] = {
	/* the event loop, device and console I/O on descriptors already open */
	__NR_read, __NR_write, __NR_epoll_pwait, __NR_futex,
	__NR_readv, __NR_writev, __NR_pread64, __NR_pwrite64,
	__NR_preadv, __NR_pwritev, __NR_io_submit, __NR_io_getevents,
	__NR_ppoll, __NR_pselect6, __NR_clock_gettime, __NR_epoll_ctl,
	__NR_lseek, __NR_close, __NR_fcntl, __NR_fstat, __NR_newfstatat,
	__NR_fsync, __NR_fdatasync, __NR_fallocate,
	__NR_io_destroy, __NR_io_cancel,
	__NR_eventfd2, __NR_timerfd_settime, __NR_timerfd_gettime,
	/* the control socket and the gdb stub */
	__NR_accept4, __NR_recvfrom, __NR_sendto, __NR_recvmsg,
	__NR_sendmsg, __NR_shutdown, __NR_setsockopt, __NR_getsockopt,
	/* the control socket goes away on exit */
	__NR_unlinkat,
	/* memory and threads (glibc's malloc and pthreads) */
	__NR_mmap, __NR_munmap, __NR_mprotect, __NR_madvise, __NR_mremap,
	__NR_brk, __NR_mincore, __NR_set_robust_list, __NR_sched_yield,
	__NR_sched_getaffinity, __NR_membarrier,
	/* signals: VCPU kicks, SIGINT/SIGTERM through the signalfd */
	__NR_rt_sigreturn, __NR_rt_sigprocmask, __NR_rt_sigaction,
	__NR_sigaltstack, __NR_tgkill, __NR_tkill, __NR_restart_syscall,
	/* time and identity */
	__NR_clock_nanosleep, __NR_nanosleep,
	__NR_gettimeofday, __NR_getpid, __NR_gettid, __NR_getrandom,
	__NR_exit, __NR_exit_group,
#ifdef __NR_rseq
	__NR_rseq,
#endif
#ifdef __NR_epoll_wait
	/* x86_64 only: the unit tests' build */
	__NR_epoll_wait, __NR_poll, __NR_select, __NR_unlink,
	__NR_arch_prctl,
#endif
};

/*
 * ioctl: by the type byte of the request. KVM's and vhost's own, and 'T'
 * for the terminal (TCGETS/TCSETS, FIONBIO) and tun (TUNSET*).
 */
static const unsigned int ioctl_types[] = { 0xae, 0xaf, 'T' };

#define INSNS_MAX	256

struct bpf_prog {
	struct sock_filter insn[INSNS_MAX];
	unsigned int len;
};

static void emit(struct bpf_prog *p, uint16_t code, uint8_t jt, uint8_t jf,
		 uint32_t k)
{
	if (p->len < INSNS_MAX)
		p->insn[p->len] = (struct sock_filter)BPF_JUMP(code, k, jt, jf);
	p->len++;
}

#define LOAD(off)	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, (off))
#define RET(v)		emit(p, BPF_RET | BPF_K, 0, 0, (v))
#define ARG_LO(n)	(offsetof(struct seccomp_data, args[(n)]))
#define DENY		(SECCOMP_RET_ERRNO | EPERM)

/*
 * For system call nr only: load its argument arg, and return match when
 * test (BPF_JEQ or BPF_JSET) holds against k, else other. Other calls
 * go on past these five instructions.
 */
static void arg_rule(struct bpf_prog *p, unsigned int nr, unsigned int arg,
		     uint16_t test, uint32_t k, uint32_t match, uint32_t other)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, nr);
	LOAD(ARG_LO(arg));
	emit(p, BPF_JMP | test | BPF_K, 0, 1, k);
	RET(match);
	RET(other);
}

/* Build the filter; -E2BIG if it outgrew INSNS_MAX (a bug, caught in tests). */
static int build_filter(struct bpf_prog *p)
{
	const unsigned int nr_plain =
		sizeof(plain_calls) / sizeof(plain_calls[0]);
	const unsigned int nr_types =
		sizeof(ioctl_types) / sizeof(ioctl_types[0]);
	unsigned int i;

	p->len = 0;
	/* Another arch's numbers mean other calls: refuse them all. */
	LOAD(offsetof(struct seccomp_data, arch));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_NATIVE);
	RET(SECCOMP_RET_KILL_PROCESS);
	LOAD(offsetof(struct seccomp_data, nr));
#ifdef __X32_SYSCALL_BIT
	emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, __X32_SYSCALL_BIT);
	RET(DENY);
#endif
	/* ioctl first: KVM_RUN is the call made most. By type byte. */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4 + 2 * nr_types, __NR_ioctl);
	LOAD(ARG_LO(1));
	emit(p, BPF_ALU | BPF_RSH | BPF_K, 0, 0, 8);
	emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, 0xff);
	for (i = 0; i < nr_types; i++) {
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, ioctl_types[i]);
		RET(SECCOMP_RET_ALLOW);
	}
	RET(DENY);
	for (i = 0; i < nr_plain; i++) {
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, plain_calls[i]);
		RET(SECCOMP_RET_ALLOW);
	}
	/* Threads, never processes: clone must share the address space. */
	arg_rule(p, __NR_clone, 0, BPF_JSET, CLONE_THREAD, SECCOMP_RET_ALLOW,
		 DENY);
	/* clone3's flags are out of reach: ENOSYS makes glibc use clone. */
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, __NR_clone3);
	RET(SECCOMP_RET_ERRNO | ENOSYS);
	/*
	 * openat, never to create: --reboot reads the images again and a
	 * virtio-net reset opens /dev/vhost-net anew.
	 */
	arg_rule(p, __NR_openat, 2, BPF_JSET, O_CREAT, DENY, SECCOMP_RET_ALLOW);
	/* prctl only to name a thread. */
	arg_rule(p, __NR_prctl, 0, BPF_JEQ, PR_SET_NAME, SECCOMP_RET_ALLOW,
		 DENY);
	RET(DENY);
	return p->len > INSNS_MAX ? -E2BIG : 0;
}

int seccomp_lock_down(void)
{
	struct bpf_prog p;
	struct sock_fprog prog;
	int ret;

	ret = build_filter(&p);
	if (ret)
		return err_set(ret, "seccomp: the filter is too long");
	prog.len = p.len;
	prog.filter = p.insn;
	/* Without it, a filter may only be added with CAP_SYS_ADMIN. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return err_set(-errno, "seccomp: PR_SET_NO_NEW_PRIVS failed");
	/* TSYNC: threads started during set-up get the filter too. */
	if (!syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_TSYNC, &prog))
		return 0;
	/* A kernel built without CONFIG_SECCOMP_FILTER: say so, run on. */
	if (errno == ENOSYS || errno == EINVAL) {
		pr_warn("seccomp: this kernel cannot filter system calls; "
			"running without the allow-list");
		return 0;
	}
	return err_set(-errno, "seccomp: cannot install the filter: %s "
		       "(--no-seccomp runs without it)", strerror(errno));
}
