/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A payload that makes KVM give up: a load pair from the UART's MMIO
 * window has no instruction syndrome to emulate it from, so KVM_RUN
 * fails. pocvm must exit 33 and print this VCPU's registers.
 */
	.text
	.globl	_start
_start:
	movz	x5, #0x5eed
	mov	x1, #0x01000000
	ldp	x2, x3, [x1]
	b	.
