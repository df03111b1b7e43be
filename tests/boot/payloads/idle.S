/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest that waits for interrupts for ever, doing nothing: a VMM's
 * steady state with no device work, for the memory profile
 * (bench/profile.sh reads the VMM's smaps while it runs). 64 bytes, as
 * off.S, for lkvm.
 */
	.text
	.globl	_start
_start:
	wfi
	b	_start
	.balign	64, 0
