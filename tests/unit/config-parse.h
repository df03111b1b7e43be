/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing a `pocvm run` command line in a config test, shared by the
 * test-config*.c files: PARSE("-k", "K", ...) fills the file's cfg.
 */
#ifndef POCVM_TEST_CONFIG_PARSE_H
#define POCVM_TEST_CONFIG_PARSE_H

#include <errno.h>
#include <string.h>

#include "config.h"
#include "unit.h"

static struct config cfg;

#define PARSE(...) parse((const char *[]){ "run", __VA_ARGS__, NULL })

static inline int parse(const char **words)
{
	int argc = 0;

	while (words[argc])
		argc++;
	err_clear();
	/* What the last test's parse left: not this test's to account. */
	config_release(&cfg);
	return config_parse_run(&cfg, argc, (char **)words);
}

/* A usage error: -EINVAL, one line, naming what WORDS says. */
static inline void assert_error(int ret, const char *words)
{
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_msg(strstr(err_message(ret), words),
		      "message '%s' lacks '%s'", err_message(ret), words);
	ck_assert_ptr_null(strchr(err_message(ret), '\n'));
}

#endif
