// SPDX-License-Identifier: GPL-2.0
/* What the control socket's commands do to a running guest. */
#include <unistd.h>

#include "arm64.h"
#include "control.h"
#include "poc-clean.h"
#include "vm.h"

/* Each runs in the event loop thread. */
static void do_status(void *arg, FILE *out)
{
	struct vm *vm = arg;

	fprintf(out, "%s %d %s\n", vm->name, (int)getpid(),
		vm_is_paused(vm) ? "paused" : "running");
}

static void do_stop(void *arg, FILE *out)
{
	vm_request_stop(arg, VM_STOPPED, -1);
	fprintf(out, "stopping\n");
}

static void do_pause(void *arg, FILE *out)
{
	fprintf(out, vm_pause(arg) ? "error: not running\n" : "paused\n");
}

static void do_resume(void *arg, FILE *out)
{
	vm_resume(arg);
	fprintf(out, "running\n");
}

static void do_debug(void *arg, FILE *out)
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

static const struct control_command vm_commands[] = {
	{ "status", do_status },
	{ "stop", do_stop },
	{ "pause", do_pause },
	{ "resume", do_resume },
	{ "debug", do_debug },
	{ NULL, NULL },
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
