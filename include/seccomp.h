/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_SECCOMP_H
#define POCVM_SECCOMP_H

/*
 * Put every thread of the process under pocvm's run-time allow-list
 * (vmm/seccomp.c). Irreversible; call once set-up has opened everything.
 */
int seccomp_lock_down(void);

#endif
