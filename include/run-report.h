/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_RUN_REPORT_H
#define POCVM_RUN_REPORT_H

#include "vm.h"

/* pocvm's own resident memory, less the guest RAM it holds. */
void run_memory_report(struct vm *vm);
/*
 * Say on stderr how the guest ended (and, with --boot-report, when each
 * boot step happened), in words a CI log and lkvm's users look for.
 */
void run_report_stop(struct vm *vm, enum vm_stop why);
/* --boot-report's last line, once the VM is closed: done_ns is now. */
void run_report_teardown(const struct vm *vm, uint64_t done_ns);

#endif
