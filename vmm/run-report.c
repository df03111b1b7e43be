// SPDX-License-Identifier: GPL-2.0
/* What a run says on stderr when it ends: the stop, the boot report. */
#include <stdio.h>
#include <unistd.h>

#include "arm64.h"
#include "exit-codes.h"
#include "log.h"
#include "run-report.h"
#include "vm.h"

/*
 * pocvm's own memory: its resident set less the guest RAM pages that are
 * resident, which are the guest's, not pocvm's overhead.
 */
void run_memory_report(struct vm *vm)
{
	unsigned long long size, resident;
	uint64_t guest = guest_mem_resident(&vm->mem);
	long page = sysconf(_SC_PAGESIZE);
	char buf[128];
	ssize_t n;

	/* Opened before the sandbox, which would refuse it now. */
	n = pread(vm->statm_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &size, &resident) != 2)
		return;
	resident *= page;
	fprintf(stderr, "pocvm: memory: %llu KiB resident = %llu KiB guest RAM "
		"+ %llu KiB pocvm's own\n", resident >> 10,
		(unsigned long long)guest >> 10,
		(resident - (resident > guest ? guest : resident)) >> 10);
}

static void print_boot_report(struct vm *vm)
{
	static const char *const names[] = {
		"VM, RAM and VCPUs created", "images and device tree loaded",
		"sandbox entered", "RAM cleaned to PoC", "first KVM_RUN",
		"first console byte", "guest init (boot timer)",
		"guest stopped",
	};
	uint64_t t[] = {
		vm->boot_times.created, vm->boot_times.loaded,
		vm->boot_times.sandboxed, vm->boot_times.cleaned,
		vm->boot_times.first_run, vm->console.first_byte_ns,
		vm->boot_times.guest_init, vm->boot_times.stopped,
	};
	unsigned int i;

	fprintf(stderr, "pocvm: boot report (ms after pocvm started):\n");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!t[i]) {
			fprintf(stderr, "pocvm:   %10s  %s\n", "-", names[i]);
			continue;
		}
		fprintf(stderr, "pocvm:   %10.3f  %s\n",
			(t[i] - vm->boot_times.start) / 1e6, names[i]);
	}
	/* What the clean covered (RAM and flash), unless already said. */
	if (!vm->cfg->debug_flush)
		flush_report_print(&vm->flush, stderr);
	run_memory_report(vm);
}

/* After vm_destroy(): how long stopping the devices and the rest took. */
void run_report_teardown(const struct vm *vm, uint64_t done_ns)
{
	if (!vm->cfg->boot_report || !vm->boot_times.stopped)
		return;
	fprintf(stderr, "pocvm:   %10.3f  torn down (devices stopped; the "
		"VM and its RAM go with the exit)\n",
		(done_ns - vm->boot_times.start) / 1e6);
}

/*
 * lkvm says "KVM session ended normally." when its guest shut down (or
 * reset, or was stopped) and scripts grep for it. Where lkvm would print
 * it, so does pocvm: by default and at --loglevel info or debug, not
 * with --loglevel warning or error (lkvm's default level is info).
 */
static void kvmtool_session_end(struct vm *vm, enum vm_stop why)
{
	const struct config *cfg = vm->cfg;

	if (cfg->loglevel_given && cfg->loglevel < LOG_INFO)
		return;
	if (why == VM_POWEROFF || why == VM_RESET || why == VM_STOPPED ||
	    why == VM_COMMAND_FAILED)
		fprintf(stderr, "pocvm: KVM session ended normally.\n");
}

/* Say on stderr what a CI log needs to know about how the guest ended. */
void run_report_stop(struct vm *vm, enum vm_stop why)
{
	unsigned int i;

	switch (why) {
	case VM_FAILURE:
		pr_err("%s", vm_stop_name(why));
		if (vm->failed_vcpu >= 0)
			arm64_vcpu_dump(&vm->vcpus[vm->failed_vcpu], stderr);
		break;
	case VM_COMMAND_FAILED:
		pr_err("guest command failed: it reported exit status %d",
		       vm->guest_status);
		break;
	case VM_PANIC:
		pr_err("guest panic; its last console lines:");
		console_print_tail(&vm->console, stderr, 20);
		break;
	case VM_TIMEOUT:
		pr_err("--timeout: guest still running after %u s; stopped it",
		       vm->cfg->timeout);
		for (i = 0; i < vm->nr_vcpus; i++)
			pr_err("VCPU %u was at PC 0x%llx", i,
			       (unsigned long long)arm64_vcpu_pc(&vm->vcpus[i]));
		break;
	default:
		pr_info("%s", vm_stop_name(why));
		break;
	}
	kvmtool_session_end(vm, why);
	if (vm->cfg->boot_report)
		print_boot_report(vm);
}

