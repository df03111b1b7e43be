// SPDX-License-Identifier: GPL-2.0
/* What the control socket's commands do to a running guest. */
#include <errno.h>
#include <unistd.h>

#include "arm64.h"
#include "control.h"
#include "poc-clean.h"
#include "vm.h"

/* Each runs in the event loop thread. */
static void do_status(void *arg, const char *args, FILE *out)
{
	struct vm *vm = arg;

	fprintf(out, "%s %d %s\n", vm->name, (int)getpid(),
		vm_is_paused(vm) ? "paused" : "running");
}

static void do_stop(void *arg, const char *args, FILE *out)
{
	vm_request_stop(arg, VM_STOPPED, -1);
	fprintf(out, "stopping\n");
}

static void do_pause(void *arg, const char *args, FILE *out)
{
	fprintf(out, vm_pause(arg) ? "error: not running\n" : "paused\n");
}

static void do_resume(void *arg, const char *args, FILE *out)
{
	vm_resume(arg);
	fprintf(out, "running\n");
}

static void do_debug(void *arg, const char *args, FILE *out)
{
	struct vm *vm = arg;
	bool was_paused;
	unsigned int i;

	/* Registers can only be read from VCPUs outside KVM_RUN. */
	was_paused = vm_is_paused(vm);
	if (!was_paused && vm_pause(vm)) {
		fprintf(out, "error: not running\n");
		return;
	}
	fprintf(out, "guest %s, pid %d, %s, boot %u\n", vm->name,
		(int)getpid(), was_paused ? "paused" : "running",
		vm->boot_count);
	for (i = 0; i < vm->nr_vcpus; i++)
		arm64_vcpu_dump(&vm->vcpus[i], out);
	flush_report_print(&vm->flush, out);
	if (!was_paused)
		vm_resume(vm);
}

/*
 * A command some device serves: the first that knows it answers. none
 * is the answer when no device of this run does.
 */
static void device_command(struct vm *vm, const char *cmd, const char *args,
			   FILE *out, const char *none)
{
	unsigned int i;

	for (i = 0; i < vm->nr_devices; i++) {
		struct device *dev = &vm->devices[i];

		if (dev->ops->control &&
		    dev->ops->control(dev, cmd, args, out) != -ENOENT)
			return;
	}
	fprintf(out, "error: %s\n", none);
}

/* balloon MB: move the balloon's target (virtio-balloon). */
static void do_balloon(void *arg, const char *args, FILE *out)
{
	device_command(arg, "balloon", args, out,
		       "no balloon device (run the guest with --balloon)");
}

/* memstat: the guest's memory statistics (virtio-balloon's stats queue). */
static void do_memstat(void *arg, const char *args, FILE *out)
{
	device_command(arg, "memstat", args, out,
		       "no balloon device (run the guest with --balloon)");
}

/*
 * sysrq C: through the guest's console, a break and C on the 8250, ^O
 * and C on hvc0 (--console virtio).
 */
static void do_sysrq(void *arg, const char *args, FILE *out)
{
	device_command(arg, "sysrq", args, out,
		       "no console to send a sysrq through");
}

static const struct control_command vm_commands[] = {
	{ "status", do_status, false },
	{ "stop", do_stop, false },
	{ "pause", do_pause, false },
	{ "resume", do_resume, false },
	{ "debug", do_debug, false },
	{ "balloon", do_balloon, true },
	{ "memstat", do_memstat, false },
	{ "sysrq", do_sysrq, true },
	{ NULL, NULL, false },
};

int control_listen(struct vm *vm)
{
	return control_server_open(&vm->control, vm->name, vm->loop,
				   vm_commands, vm, CONTROL_DEADLINE_MS);
}

void control_close(struct vm *vm)
{
	control_server_close(vm->control);
	vm->control = NULL;
}
