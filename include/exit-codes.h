/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_EXIT_CODES_H
#define POCVM_EXIT_CODES_H

#include "vm.h"

/* pocvm's exit status, so a CI script learns what happened from it. */
#define EXIT_GUEST_POWEROFF	0
#define EXIT_USAGE		2	/* bad option or input file */
#define EXIT_GUEST_RESET	32
#define EXIT_VMM_FAILURE	33
#define EXIT_GUEST_PANIC	34
#define EXIT_GUEST_COMMAND	35	/* non-zero status, then poweroff */
#define EXIT_TIMEOUT		124
#define EXIT_SIGINT		130
#define EXIT_SIGTERM		143

int exit_code_for(enum vm_stop why);
const char *vm_stop_name(enum vm_stop why);

#endif
