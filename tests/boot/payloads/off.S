/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The least a guest can do: PSCI SYSTEM_OFF, at once. No console byte,
 * no MMIO exit, so that exec to exit of it is a VMM's own start-up and
 * teardown (the side-by-side benchmark runs it under pocvm and lkvm).
 * Loaded at RAM + 0x80000 by lkvm (no Image header), at RAM by pocvm.
 * 64 bytes long: lkvm reads that much for the header it then finds not
 * there, and refuses anything shorter.
 */
	.text
	.globl	_start
_start:
	ldr	w0, =0x84000008		/* PSCI_0_2_FN_SYSTEM_OFF */
	hvc	#0
	b	.
	.balign	8
	.ltorg
	.balign	64, 0
