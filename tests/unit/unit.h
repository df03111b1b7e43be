/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_UNIT_H
#define POCVM_UNIT_H

#include <check.h>

/*
 * Each test file registers its suites itself, so adding tests touches
 * one file: UNIT_SUITE(loader_suite) where Suite *loader_suite(void).
 */
void unit_register(Suite *(*make)(void));

#define UNIT_SUITE(fn)							\
	static void __attribute__((constructor)) fn##_register(void)	\
	{								\
		unit_register(fn);					\
	}

#endif
