/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A bare-metal payload with no Image header: prints "pocvm-flat-ok" on the
 * 8250 at its kvmtool address (MMU off, so a plain store is a device
 * access), then asks PSCI for SYSTEM_OFF. The smallest guest there is:
 * the exec-to-exit benchmark uses it too.
 */
	.text
	.globl	_start
_start:
	mov	x1, #0x01000000		/* UART THR */
	adr	x2, msg
1:	ldrb	w3, [x2], #1
	cbz	w3, 2f
	strb	w3, [x1]
	b	1b
2:	movz	w0, #0x0008
	movk	w0, #0x8400, lsl #16	/* PSCI_0_2_FN_SYSTEM_OFF */
	hvc	#0
	b	.
msg:	.asciz	"pocvm-flat-ok\n"
