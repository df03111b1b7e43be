/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry of the guest-attack payload: pocvm jumps here with the MMU off,
 * x0 = DTB. The C code is linked for RAM + 0x80000 (where pocvm puts a
 * flat binary when RAM starts at 0x80000000): its descriptors carry
 * absolute addresses, so a payload loaded elsewhere must not run.
 */
	.section .text.start, "ax"
	.globl	_start
_start:
	adr	x1, _start
	ldr	x2, =_start
	cmp	x1, x2
	b.ne	off
	/* .bss is not in the file: RAM there is whatever the VMM left. */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	ldr	x1, =__stack_top
	mov	sp, x1
	bl	attack_main
off:	movz	w0, #0x0008
	movk	w0, #0x8400, lsl #16	/* PSCI_0_2_FN_SYSTEM_OFF */
	hvc	#0
	b	.
