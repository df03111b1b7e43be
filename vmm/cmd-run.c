// SPDX-License-Identifier: GPL-2.0
/*
 * `pocvm run`: config -> VM -> RAM -> VCPUs -> GIC -> devices -> images
 * and device tree -> run -> exit status. Errors come back up here as
 * negative errno values and are reported once.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "arm64.h"
#include "control.h"
#include "event-loop.h"
#include "gdb.h"
#include "exit-codes.h"
#include "fdt-build.h"
#include "layout.h"
#include "loader.h"
#include "run-report.h"
#include "sandbox.h"
#include "log.h"
#include "util.h"
#include "rootfs.h"
#include "term.h"
#include "vm.h"

#define BOOTARGS_MAX	2048
#define ALL_GRANULES	((1ULL << 12) | (1ULL << 14) | (1ULL << 16))

/* A failed step: what to report and which exit status it earns. */
static int fail(int ret, int code)
{
	pr_err("%s", err_message(ret));
	return code;
}

static int kvm_open(struct vm *vm)
{
	const struct config *cfg = vm->cfg;
	int type;

	/* --dev: kvmtool's; a path the user gave that fails is their error. */
	bool own = strcmp(cfg->kvm_dev, CONFIG_KVM_DEV) != 0;
	const char *opt = own ? "--dev " : "";
	int api;

	vm->kvm_fd = open(cfg->kvm_dev, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return err_set(own ? -ENODEV : -errno, "%s%s: %s", opt,
			       cfg->kvm_dev, strerror(errno));
	api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api < 0)
		return err_set(own ? -ENODEV : -EINVAL, "%s%s: not a KVM "
			       "device (%s)", opt, cfg->kvm_dev,
			       strerror(errno));
	if (api != KVM_API_VERSION)
		return err_set(-EINVAL, "%s%s: unsupported KVM API version",
			       opt, cfg->kvm_dev);
	if (cfg->pmu && ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			      KVM_CAP_ARM_PMU_V3) <= 0)
		return err_set(-ENODEV, "--pmu: this host cannot give guests "
			       "a PMU");
	type = arm64_vm_type(vm, cfg->ram_base + cfg->ram_size);
	if (type < 0)
		return type;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, type);
	if (vm->vm_fd < 0)
		return err_set(-errno, "KVM_CREATE_VM (%u-bit IPA): %s",
			       vm->ipa_bits, strerror(errno));
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size < (long)sizeof(struct kvm_run))
		return err_set(-EINVAL, "KVM_GET_VCPU_MMAP_SIZE: %ld",
			       vm->run_size);
	return 0;
}

/*
 * Which kinds of device this run gets, decided here and nowhere else (the
 * README's device table and --dump-dtb follow it). A device exists because
 * the user asked for it or because something they asked for needs it;
 * without --nodefaults pocvm adds its own helpers too: the virtio-console
 * with the exit-status port, pvpanic and the boot timer. --nodefaults, as
 * lkvm's, adds nothing the user did not ask for, so a bare-metal guest
 * that probes what it finds meets only what its command line named.
 */
static bool device_wanted(const struct config *cfg,
			  const struct machine_layout *layout,
			  const struct device_type *type)
{
	bool defaults = !cfg->nodefaults;

	/* --console serial is the machine's own UART; pl011 is one anywhere. */
	if (type == &serial8250_type)
		return cfg->console == CONSOLE_SERIAL && !layout->pl011;
	if (type == &pl011_type)
		return cfg->console == CONSOLE_PL011 ||
		       (cfg->console == CONSOLE_SERIAL && layout->pl011);
	/* A machine with flash has it whatever the options: it is the board. */
	if (type == &cfi_flash_type)
		return layout->flash_size != 0;
	/* Port 1 carries a guest command's status back (-- CMD). */
	if (type == &virtio_console_type)
		return cfg->console == CONSOLE_VIRTIO || cfg->guest_argc ||
		       defaults;
	if (type == &pvpanic_type)
		return defaults;
	/* --boot-report's "guest init" line is read from the boot timer. */
	if (type == &boot_timer_type)
		return defaults || cfg->boot_report;
	/*
	 * virtio-rng, -blk, -net, -9p, -balloon: one per --rng, --disk,
	 * --network, --9p, --balloon, and for a host-rootfs guest the
	 * root share and, with no -n, its network (rootfs.c adds them).
	 */
	return true;
}

static int create_devices(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; device_types[i]; i++) {
		if (!device_wanted(vm->cfg, vm->layout, device_types[i]))
			continue;
		ret = device_types[i]->create(vm);
		if (ret)
			return ret;
	}
	return 0;
}

static bool uart_is_pl011(const struct config *cfg)
{
	return cfg->console == CONSOLE_PL011 ||
	       (cfg->console == CONSOLE_SERIAL &&
		machine_layout(cfg->machine)->pl011);
}

/*
 * The kernel command line: pocvm's defaults, -p, then "-- ARGS" for a
 * guest command, which Linux hands to init as its arguments.
 */
static int make_bootargs(const struct config *cfg, char *buf, size_t len)
{
	const char *console = cfg->console == CONSOLE_VIRTIO ?
			      "console=hvc0" : uart_is_pl011(cfg) ?
			      "console=ttyAMA0 earlycon" :
			      "console=ttyS0 earlycon";
	size_t n;
	int i;

	if (cfg->nodefaults)
		n = snprintf(buf, len, "%s", cfg->params ? cfg->params : "");
	else
		n = snprintf(buf, len, "%s%s%s", console,
			     cfg->params ? " " : "",
			     cfg->params ? cfg->params : "");
	/*
	 * Linux also hands init the unknown bare words before "--": the
	 * count, an environment variable for init, says where CMD starts.
	 */
	if (cfg->guest_argc && n < len)
		n += snprintf(buf + n, len - n, " pocvm_argc=%d --",
			      cfg->guest_argc);
	for (i = 0; i < cfg->guest_argc && n < len; i++) {
		const char *a = cfg->guest_argv[i];

		/* Linux can quote spaces but has no escape for a quote. */
		if (strpbrk(a, "\"\n"))
			return err_set(-EINVAL, "guest command: argument '%s' "
				       "has a quote or newline", a);
		n += snprintf(buf + n, len - n, strpbrk(a, " \t") || !*a ?
			      " \"%s\"" : " %s", a);
	}
	if (n >= len)
		return err_set(-E2BIG, "kernel command line longer than %zu "
			       "bytes (-p and the guest command)", len - 1);
	return 0;
}

static int read_user_dtb(const char *path, void **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(-errno, "--dtb %s: %s", path, strerror(errno));
	if (fstat(fd, &st) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > LAYOUT_DTB_MAX) {
		close(fd);
		return err_set(-EINVAL, "--dtb %s: not a device tree blob "
			       "(size)", path);
	}
	*buf = malloc(st.st_size);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	n = pread(fd, *buf, st.st_size, 0);
	close(fd);
	if (n != st.st_size) {
		free(*buf);
		return err_set(-EIO, "--dtb %s: short read", path);
	}
	*len = st.st_size;
	return 0;
}

static int write_dump(const char *path, const void *dtb, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return err_set(-errno, "--dump-dtb: %s: %s", path,
			       strerror(errno));
	n = write(fd, dtb, len);
	if (n != (ssize_t)len || close(fd))
		return err_set(-EIO, "--dump-dtb: %s: write failed", path);
	return 0;
}

/*
 * Images, then the device tree, into guest RAM: the part of a boot that
 * an in-place reboot repeats.
 */
static int load_boot_images(struct vm *vm, uint64_t granules)
{
	const struct config *cfg = vm->cfg;
	struct load_request req = {
		.kernel = cfg->kernel,
		.initrd = cfg->initrd,
		.initrd_from_fd = vm->initrd_fd >= 0,
		.initrd_fd = vm->initrd_fd,
		.firmware = cfg->firmware,
		.firmware_addr = cfg->firmware_addr,
		/* a machine with flash runs its firmware from bank 0 */
		.flash_gpa = vm->layout->flash_base[0],
		.flash_size = vm->layout->flash_size,
		.ram_base = cfg->ram_base,
		.ram_size = cfg->ram_size,
		.granules = granules,
		.aarch32 = cfg->aarch32,
	};
	struct device *devs[VM_MAX_DEVICES];
	struct fdt_params p = { 0 };
	char bootargs[BOOTARGS_MAX];
	void *dtb = NULL, *user = NULL;
	size_t user_len = 0, dtb_buf;
	unsigned int i;
	int ret;

	ret = loader_load(&vm->mem, &req, &vm->boot);
	if (ret)
		return ret;

	ret = make_bootargs(cfg, bootargs, sizeof(bootargs));
	if (ret)
		return ret;
	for (i = 0; i < vm->nr_devices; i++)
		devs[i] = &vm->devices[i];
	p.layout = vm->layout;
	p.ram_base = cfg->ram_base;
	p.ram_size = cfg->ram_size;
	p.initrd_gpa = vm->boot.initrd_gpa;
	p.initrd_size = vm->boot.initrd_size;
	p.bootargs = bootargs;
	p.stdout_path = vm->stdout_path;
	p.nr_cpus = vm->nr_vcpus;
	/* --dump-dtb has no VCPUs: KVM's numbering, computed. */
	for (i = 0; i < vm->nr_vcpus; i++)
		p.mpidr[i] = vm->vcpus ? vm->vcpus[i].mpidr :
			     arm64_vcpu_mpidr(i);
	p.gic = vm->gic;
	p.pmu = cfg->pmu;
	p.kaslr_seed_set = cfg->kaslr_seed_set;
	p.kaslr_seed = cfg->kaslr_seed;
	p.cntfrq = cfg->cntfrq;
	p.devices = devs;
	p.nr_devices = vm->nr_devices;
	p.boot_count = vm->boot_count;

	if (cfg->dtb) {
		ret = read_user_dtb(cfg->dtb, &user, &user_len);
		if (ret)
			return ret;
	}
	ret = fdt_build(&dtb, &dtb_buf, vm->boot.dtb_max, user, user_len,
			cfg->dtb, &p);
	free(user);
	if (ret > 0) {
		vm->dtb_size = ret;
		ret = guest_mem_write(&vm->mem, vm->boot.dtb_gpa, dtb, ret);
		if (ret)
			err_set(ret, "device tree does not fit in RAM");
	}
	if (!ret && cfg->dump_dtb)
		ret = write_dump(cfg->dump_dtb, dtb, vm->dtb_size);
	free(dtb);
	return ret;
}

static void kick_handler(int sig)
{
	/* Only here to make KVM_RUN return -EINTR. */
}

static void on_signal(void *arg, uint32_t events)
{
	struct vm *vm = arg;
	struct signalfd_siginfo si;
	int fd = vm->signal_fd;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	vm_request_stop(vm, si.ssi_signo == SIGINT ? VM_SIGINT : VM_SIGTERM,
			-1);
}

static void on_timeout(void *arg, uint32_t events)
{
	struct vm *vm = arg;
	uint64_t expirations;

	if (read(vm->timer_fd, &expirations, sizeof(expirations)) > 0)
		vm_request_stop(vm, VM_TIMEOUT, -1);
}

/* --timeout: counted from just before the guest starts, across reboots. */
static int setup_timeout(struct vm *vm)
{
	struct itimerspec its = { .it_value.tv_sec = vm->cfg->timeout };

	if (!vm->cfg->timeout)
		return 0;
	vm->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (vm->timer_fd < 0 || timerfd_settime(vm->timer_fd, 0, &its, NULL))
		return err_set(-errno, "--timeout: %s", strerror(errno));
	return event_loop_add(vm->loop, vm->timer_fd, EPOLLIN, on_timeout, vm);
}

/* Signals reach pocvm through the event loop, never mid-ioctl. */
static int setup_signals(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a kicked KVM_RUN must come back. */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	vm->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (vm->signal_fd < 0)
		return err_set(-errno, "signalfd: %s", strerror(errno));
	return event_loop_add(vm->loop, vm->signal_fd, EPOLLIN, on_signal, vm);
}

/*
 * --vcpu-affinity: a list with no CPU pocvm may run on is the user's
 * error, found before the sandbox. Each VCPU thread then pins itself (the
 * allow-list lets a thread set its own affinity only), so the event
 * loop's thread stays where it was.
 */
static int check_vcpu_affinity(const struct config *cfg)
{
	cpu_set_t allowed, both;

	if (!cfg->vcpu_affinity)
		return 0;
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return err_set(-errno, "--vcpu-affinity: %s", strerror(errno));
	CPU_AND(&both, &allowed, &cfg->vcpu_cpus);
	if (!CPU_COUNT(&both))
		return err_set(-EINVAL, "--vcpu-affinity %s: no CPU of the list "
			       "is online and allowed to pocvm",
			       cfg->vcpu_affinity);
	return 0;
}

static void *vcpu_thread_main(void *arg)
{
	struct vcpu *vcpu = arg;
	const struct config *cfg = vcpu->vm->cfg;

	if (cfg->vcpu_affinity &&
	    sched_setaffinity(0, sizeof(cfg->vcpu_cpus), &cfg->vcpu_cpus))
		pr_warn("VCPU %u: --vcpu-affinity %s: %s", vcpu->index,
			cfg->vcpu_affinity, strerror(errno));
	return arm64_vcpu_thread(arg);
}

static int start_vcpus(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_vcpus; i++) {
		ret = pthread_create(&vm->vcpus[i].thread, NULL,
				     vcpu_thread_main, &vm->vcpus[i]);
		if (ret) {
			vm_request_stop(vm, VM_FAILURE, -1);
			return err_set(-ret, "cannot start VCPU %u thread", i);
		}
		vm->vcpus[i].thread_started = true;
	}
	return 0;
}

static enum vm_stop wait_for_stop(struct vm *vm)
{
	unsigned int i;
	enum vm_stop why;

	/*
	 * The event loop runs here, on the main thread, until a stop wakes
	 * it (vm_request_stop): no thread of its own to start and join, in
	 * a run as short as a power-off at once. Should waiting fail, the
	 * stop still comes, without the loop.
	 */
	for (;;) {
		pthread_mutex_lock(&vm->stop_lock);
		why = vm->stop;
		pthread_mutex_unlock(&vm->stop_lock);
		if (why != VM_RUNNING || event_loop_run(vm->loop))
			break;
	}
	pthread_mutex_lock(&vm->stop_lock);
	while (vm->stop == VM_RUNNING)
		pthread_cond_wait(&vm->stop_cond, &vm->stop_lock);
	why = vm->stop;
	pthread_mutex_unlock(&vm->stop_lock);
	vm->boot_times.stopped = monotonic_ns();

	vm_kick_vcpus(vm);
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpus[i].thread_started)
			continue;
		pthread_join(vm->vcpus[i].thread, NULL);
		vm->vcpus[i].thread_started = false;
	}
	return why;
}

static void stopped_devices(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_devices; i++)
		if (vm->devices[i].ops->stopped)
			vm->devices[i].ops->stopped(&vm->devices[i]);
}

static void reset_devices(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < vm->nr_devices; i++)
		if (vm->devices[i].ops->reset)
			vm->devices[i].ops->reset(&vm->devices[i]);
}

static int start_devices(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vm->nr_devices; i++) {
		if (!vm->devices[i].ops->start)
			continue;
		ret = vm->devices[i].ops->start(&vm->devices[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The end of a run: what must happen before pocvm exits, and only that.
 * The gdb stub says goodbye, the control socket's name is removed, each
 * device finishes (a disk waits out its requests) and the console log is
 * flushed. Guest RAM, the kvm_run pages and every KVM descriptor are left
 * to the exit that follows, which undoes them all the same: unmapping and
 * closing them one by one first was a score of system calls (and, for
 * RAM, an MMU-notifier walk over all of it) in every run.
 */
static void vm_destroy(struct vm *vm)
{
	unsigned int i;

	gdb_shutdown(vm, EXIT_VMM_FAILURE);
	control_close(vm);
	for (i = 0; i < vm->nr_devices; i++)
		if (vm->devices[i].ops->teardown)
			vm->devices[i].ops->teardown(&vm->devices[i]);
	console_close(&vm->console);
}

/* --dump-dtb: the tree the guest would get, with no /dev/kvm needed. */
static int dump_dtb_only(struct vm *vm)
{
	int ret;

	vm->gic = vm->cfg->irqchip == IRQCHIP_AUTO ? IRQCHIP_GICV3 :
		  vm->cfg->irqchip;
	vm->cpu.aarch32 = vm->cfg->aarch32;
	ret = arm64_vcpu_count(vm->cfg, vm->gic, CONFIG_MAX_CPUS,
			       &vm->nr_vcpus);
	ret = ret ?: guest_mem_add_region(&vm->mem, vm->cfg->ram_base,
					  vm->cfg->ram_size);
	ret = ret ?: vm_add_flash(vm);
	ret = ret ?: create_devices(vm);
	ret = ret ?: load_boot_images(vm, ALL_GRANULES);
	return ret ? fail(ret, EXIT_USAGE) : 0;
}

/* Everything up to the first KVM_RUN; returns an exit status or -1. */
static int prepare(struct vm *vm, struct sandbox *sb)
{
	char ctl_dir[PATH_MAX] = "";
	int ret, ctl_fd;

	ret = kvm_open(vm);
	if (ret)
		return fail(ret, ret == -ENODEV || ret == -E2BIG ?
			    EXIT_USAGE : EXIT_VMM_FAILURE);
	ret = arm64_gic_probe(vm);
	ret = ret ?: arm64_cpu_probe(vm);
	ret = ret ?: poc_clean_probe(vm);
	ret = ret ?: check_vcpu_affinity(vm->cfg);
	/* Every option is checked against the host: now files may open. */
	ret = ret ?: console_open_log(&vm->console, vm->cfg->console_log);
	if (ret)
		return fail(ret, EXIT_USAGE);
	ret = arm64_vm_enable_mte(vm);
	ret = ret ?: vm_init_memory(vm);
	ret = ret ?: arm64_vcpus_create(vm);
	ret = ret ?: arm64_psci_init(vm);
	ret = ret ?: arm64_guest_granules(vm, &vm->granules);
	/* -ENODEV: the host lacks what was asked (--sve-max-vl N). */
	if (ret)
		return fail(ret, ret == -ENODEV ? EXIT_USAGE :
			    EXIT_VMM_FAILURE);
	vm->boot_times.created = monotonic_ns();
	if (vm->cfg->tty >= 0) {
		char pty[64];

		ret = term_pty(vm->cfg->tty, pty, sizeof(pty));
		if (ret)
			return fail(ret, EXIT_VMM_FAILURE);
		/* kvmtool's words, which scripts wait for to find the pty */
		fprintf(stderr, "pocvm: Assigned terminal %d to pty %s\n",
			vm->cfg->tty, pty);
	}
	/* A device fails on what the user gave (a disk, a tap), or ENOMEM. */
	ret = create_devices(vm);
	if (ret)
		return fail(ret, ret == -ENOMEM ? EXIT_VMM_FAILURE :
			    EXIT_USAGE);
	ret = load_boot_images(vm, vm->granules);
	if (ret)
		return fail(ret, EXIT_USAGE);
	vm->boot_times.loaded = monotonic_ns();
	ret = arm64_gic_create(vm);
	ret = ret ?: arm64_pmu_init(vm);
	if (ret)
		return fail(ret, EXIT_VMM_FAILURE);
	vm->loop = event_loop_create();
	if (!vm->loop)
		return fail(-ENOMEM, EXIT_VMM_FAILURE);
	ret = setup_signals(vm);
	if (ret)
		return fail(ret, EXIT_VMM_FAILURE);
	ret = setup_timeout(vm);
	if (ret)
		return fail(ret, EXIT_VMM_FAILURE);
	ret = control_listen(vm);
	/* A taken name or an unsafe directory is the user's to fix. */
	if (ret == -EEXIST || ret == -EPERM || (ret && vm->cfg->name))
		return fail(ret, EXIT_USAGE);
	/* A guest nobody named runs without a socket rather than not at all. */
	if (ret)
		pr_warn("%s; 'pocvm list' will not see this guest",
			err_message(ret));
	ret = start_devices(vm);
	if (ret)
		return fail(ret, EXIT_VMM_FAILURE);
	if (vm->cfg->gdb_host) {
		ret = gdb_listen(vm);
		if (ret)
			return fail(ret, EXIT_USAGE);
		/* Parked before their first instruction until gdb says go. */
		if (vm->cfg->gdb_wait)
			vm_pause_request(vm);
	}
	if (vm->cfg->boot_report)
		vm->statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	/* From here on nothing new opens: the guest is about to run. */
	ctl_fd = -1;
	if (vm->control && !control_dir(ctl_dir, sizeof(ctl_dir)))
		ctl_fd = control_server_dir_fd(vm->control);
	sb->children = vm->children;
	sb->nr_children = vm->nr_children;
	ret = sandbox_enter(sb, ctl_fd, ctl_dir);
	if (ret)
		return fail(ret, sb->bad_input ? EXIT_USAGE : EXIT_VMM_FAILURE);
	vm->boot_times.sandboxed = monotonic_ns();
	return -1;
}

/* The run loop, again after each in-place reboot; returns exit status. */
static int run(struct vm *vm)
{
	enum vm_stop why;
	int ret;

	for (;;) {
		reset_devices(vm);
		/*
		 * Nothing writes guest RAM after this clean. It comes before
		 * the VCPU reset: on a reboot without FWB, KVM_ARM_VCPU_INIT
		 * unmaps (and so cleans) all of stage 2, and the report should
		 * show what the previous boot left mapped.
		 */
		ret = poc_clean(vm);
		ret = ret ?: arm64_vcpus_reset(vm);
		if (ret)
			return fail(ret, EXIT_VMM_FAILURE);
		if (!vm->boot_times.cleaned)
			vm->boot_times.cleaned = monotonic_ns();
		if (!vm->boot_times.first_run)
			vm->boot_times.first_run = monotonic_ns();
		vm->guest_status = -1;
		ret = start_vcpus(vm);
		ret = ret ?: gdb_serve(vm);
		why = wait_for_stop(vm);
		if (ret)
			return fail(ret, EXIT_VMM_FAILURE);
		if (why != VM_RESET || !vm->cfg->reboot)
			break;
		pr_info("guest reset: rebooting in place");
		/* A soak test sees here whether pocvm's own memory grows. */
		if (vm->cfg->boot_report)
			run_memory_report(vm);
		vm->boot_count++;
		vm->stop = VM_RUNNING;
		ret = load_boot_images(vm, vm->granules);
		if (ret)
			return fail(ret, EXIT_USAGE);
	}
	term_restore();
	/*
	 * The loop ran on this thread: no handler is half-way through (its
	 * kick read, its work not done) when the devices serve what is
	 * still pending.
	 */
	if (why == VM_POWEROFF)
		stopped_devices(vm);
	/* A CI script learns from the status alone that its command failed. */
	if (why == VM_POWEROFF && vm->guest_status > 0)
		why = VM_COMMAND_FAILED;
	gdb_shutdown(vm, exit_code_for(why));
	run_report_stop(vm, why);
	return exit_code_for(why);
}

int cmd_run(int argc, char **argv)
{
	struct config cfg;
	struct vm vm = {
		.cfg = &cfg,
		.kvm_fd = -1, .vm_fd = -1, .gic_fd = -1, .its_fd = -1,
		.signal_fd = -1, .timer_fd = -1, .statm_fd = -1, .stats_fd = -1,
		.initrd_fd = -1,
		.failed_vcpu = -1,
		.boot_count = 1,
		.stop_lock = PTHREAD_MUTEX_INITIALIZER,
		.psci_lock = PTHREAD_MUTEX_INITIALIZER,
		.stop_cond = PTHREAD_COND_INITIALIZER,
	};
	char default_name[32];
	struct rootfs rootfs = { .memfd = -1 };
	struct sandbox sb;
	int status, ret;

	/*
	 * A fixed threshold: glibc would otherwise raise it after the first
	 * big buffer (reading the images) is freed, and keep the next boot's
	 * buffers in the heap, resident for good.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	ret = config_parse_run(&cfg, argc, argv);
	if (ret) {
		pr_err("%s", err_message(ret));
		return EXIT_USAGE;
	}
	log_threshold = cfg.loglevel;
	vm.layout = machine_layout(cfg.machine);
	/* --user's identity is the guest command's too. */
	ret = sandbox_init(&sb, &cfg);
	ret = ret ?: rootfs_prepare(&cfg, &rootfs,
				    sb.id.change ? sb.id.uid : getuid(),
				    sb.id.change ? sb.id.gid : getgid());
	vm.initrd_fd = rootfs.memfd;
	if (ret) {
		pr_err("%s", err_message(ret));
		rootfs_release(&rootfs);
		config_release(&cfg);
		return EXIT_USAGE;
	}
	vm.boot_times.start = monotonic_ns();
	/* The log file opens later, once the host checks have passed. */
	console_init(&vm.console);
	if (cfg.name) {
		vm.name = cfg.name;
	} else {
		snprintf(default_name, sizeof(default_name), "guest-%d",
			 (int)getpid());
		vm.name = default_name;
	}

	if (cfg.dump_dtb) {
		status = dump_dtb_only(&vm);
	} else {
		status = prepare(&vm, &sb);
		if (status < 0) {
			term_raw(STDIN_FILENO);
			status = run(&vm);
			term_restore();
		}
	}
	vm_destroy(&vm);
	run_report_teardown(&vm, monotonic_ns());
	rootfs_release(&rootfs);
	config_release(&cfg);
	return status;
}
