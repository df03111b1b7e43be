// SPDX-License-Identifier: GPL-2.0
/* The one table from "why the guest stopped" to pocvm's exit status. */
#include "exit-codes.h"

static const struct {
	int code;
	const char *name;
} stop_table[] = {
	[VM_RUNNING] = { EXIT_VMM_FAILURE, "running" },
	[VM_POWEROFF] = { EXIT_GUEST_POWEROFF, "guest powered off" },
	[VM_RESET] = { EXIT_GUEST_RESET, "guest reset" },
	[VM_FAILURE] = { EXIT_VMM_FAILURE, "VMM or KVM failure" },
	[VM_PANIC] = { EXIT_GUEST_PANIC, "guest panic" },
	[VM_TIMEOUT] = { EXIT_TIMEOUT, "timeout" },
	[VM_SIGINT] = { EXIT_SIGINT, "interrupted (SIGINT)" },
	[VM_SIGTERM] = { EXIT_SIGTERM, "terminated (SIGTERM)" },
	[VM_STOPPED] = { EXIT_GUEST_POWEROFF, "stopped by 'pocvm stop'" },
	[VM_COMMAND_FAILED] = { EXIT_GUEST_COMMAND, "guest command failed" },
};

int exit_code_for(enum vm_stop why)
{
	if ((unsigned int)why >= sizeof(stop_table) / sizeof(stop_table[0]))
		return EXIT_VMM_FAILURE;
	return stop_table[why].code;
}

const char *vm_stop_name(enum vm_stop why)
{
	if ((unsigned int)why >= sizeof(stop_table) / sizeof(stop_table[0]))
		return "unknown";
	return stop_table[why].name;
}
