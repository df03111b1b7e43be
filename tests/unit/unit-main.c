// SPDX-License-Identifier: GPL-2.0
/* Runs every registered Check suite; exit status says whether all passed. */
#include <stdlib.h>

#include "unit.h"

#define MAX_SUITES 64

static Suite *(*suites[MAX_SUITES])(void);
static unsigned int nr_suites;

void unit_register(Suite *(*make)(void))
{
	if (nr_suites < MAX_SUITES)
		suites[nr_suites++] = make;
}

int main(void)
{
	SRunner *sr;
	unsigned int i;
	int failed;

	if (nr_suites == MAX_SUITES)
		return 2;	/* a suite could not register */
	sr = srunner_create(NULL);
	for (i = 0; i < nr_suites; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
