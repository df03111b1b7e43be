// SPDX-License-Identifier: GPL-2.0
/*
 * The guest-management commands' options, kvmtool's spelling: balloon,
 * stat, debug and list. Bad input is one message naming the option.
 */
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "unit.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))
#define BALLOON(...) (err_clear(), balloon_parse(ARGC(__VA_ARGS__), \
				ARGV(__VA_ARGS__), &ba))
#define STAT(...) (err_clear(), stat_parse(ARGC(__VA_ARGS__), \
			       ARGV(__VA_ARGS__), &sa))
#define DEBUG(...) (err_clear(), debug_parse(ARGC(__VA_ARGS__), \
				ARGV(__VA_ARGS__), &da))
#define LIST(...) (err_clear(), list_parse(ARGC(__VA_ARGS__), \
			       ARGV(__VA_ARGS__), &la))

static struct balloon_args ba;
static struct stat_args sa;
static struct debug_args da;
static struct list_args la;

static void assert_error(int ret, const char *words)
{
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_msg(strstr(err_message(ret), words),
		      "message '%s' lacks '%s'", err_message(ret), words);
}

START_TEST(balloon)
{
	ck_assert_int_eq(BALLOON("balloon", "-n", "vm1", "-i", "64"), 0);
	ck_assert_str_eq(ba.name, "vm1");
	ck_assert_int_eq(ba.mb, 64);
	ck_assert_int_eq(BALLOON("balloon", "--name", "g", "--deflate", "8"),
			 0);
	ck_assert_int_eq(ba.mb, -8);
	ck_assert_int_eq(BALLOON("balloon", "-d1", "-ng"), 0);
	ck_assert_int_eq(ba.mb, -1);
	ck_assert_int_eq(BALLOON("balloon", "-n", "g", "-i", "1048576"), 0);

	assert_error(BALLOON("balloon", "-n", "g"), "give -n NAME and -i MB");
	assert_error(BALLOON("balloon", "-i", "64"), "give -n NAME");
	assert_error(BALLOON("balloon", "-n", "g", "-i", "0"), "-i '0'");
	assert_error(BALLOON("balloon", "-n", "g", "-i", "-5"), "-i '-5'");
	assert_error(BALLOON("balloon", "-n", "g", "-d", "+5"), "-d '+5'");
	assert_error(BALLOON("balloon", "-n", "g", "-i", "64M"), "-i '64M'");
	assert_error(BALLOON("balloon", "-n", "g", "-i", "1048577"),
		     "not a size in MiB");
	assert_error(BALLOON("balloon", "-n", "g", "-i",
			     "99999999999999999999"), "not a size");
	assert_error(BALLOON("balloon", "-n", "g", "-i", "1", "-d", "1"),
		     "one of -i MB or -d MB");
	assert_error(BALLOON("balloon", "-n", "g", "-i"), "-i needs a value");
	assert_error(BALLOON("balloon", "-n", "g", "-x"), "bad option '-x'");
	assert_error(BALLOON("balloon", "-n", "g", "-i", "1", "more"),
		     "unexpected argument 'more'");
}
END_TEST

START_TEST(stat)
{
	ck_assert_int_eq(STAT("stat", "-n", "vm1", "-m"), 0);
	ck_assert_str_eq(sa.name, "vm1");
	ck_assert(sa.mem && !sa.all);
	ck_assert_int_eq(STAT("stat", "--memory", "--all"), 0);
	ck_assert(sa.mem && sa.all && !sa.name);

	assert_error(STAT("stat", "-n", "vm1"), "give -m");
	assert_error(STAT("stat", "-m"), "either -n NAME or -a");
	assert_error(STAT("stat", "-m", "-a", "-n", "x"), "either -n NAME");
	assert_error(STAT("stat", "-m", "-n"), "-n needs a value");
	assert_error(STAT("stat", "-m", "-q"), "bad option '-q'");
}
END_TEST

START_TEST(debug)
{
	/* pocvm's own form: no action is the dump, without the sysrq. */
	ck_assert_int_eq(DEBUG("debug", "-n", "vm1"), 0);
	ck_assert(da.dump && !da.sysrq_after && !da.sysrq);
	ck_assert_int_eq(da.nmi, -1);
	ck_assert_int_eq(DEBUG("debug", "-n", "vm1", "-d"), 0);
	ck_assert(da.dump && da.sysrq_after);
	ck_assert_int_eq(DEBUG("debug", "-a", "-s", "h"), 0);
	ck_assert(da.all && !da.dump);
	ck_assert_int_eq(da.sysrq, 'h');
	ck_assert_int_eq(DEBUG("debug", "--name", "g", "--nmi", "3"), 0);
	ck_assert_int_eq(da.nmi, 3);
	ck_assert(!da.dump);
	ck_assert_int_eq(DEBUG("debug", "-n", "g", "--sysrq", "t", "-d"), 0);
	ck_assert(da.dump && da.sysrq == 't');

	assert_error(DEBUG("debug", "-d"), "either -n NAME or -a");
	assert_error(DEBUG("debug", "-n", "g", "-s", "hh"), "-s 'hh'");
	assert_error(DEBUG("debug", "-n", "g", "-s", ""), "-s ''");
	assert_error(DEBUG("debug", "-n", "g", "-s", " "), "one sysrq");
	assert_error(DEBUG("debug", "-n", "g", "-s", "\x7f"), "one sysrq");
	assert_error(DEBUG("debug", "-n", "g", "-m", "-1"), "-m '-1'");
	assert_error(DEBUG("debug", "-n", "g", "-m", "x"), "not a VCPU");
	assert_error(DEBUG("debug", "-n", "g", "-m", "512"), "-m '512'");
	assert_error(DEBUG("debug", "-n", "g", "-z"), "bad option '-z'");
}
END_TEST

START_TEST(list)
{
	ck_assert_int_eq(LIST("list"), 0);
	ck_assert(la.run && la.rootfs);
	ck_assert_int_eq(LIST("list", "-i"), 0);
	ck_assert(la.run && !la.rootfs);
	ck_assert_int_eq(LIST("list", "--rootfs"), 0);
	ck_assert(!la.run && la.rootfs);
	ck_assert_int_eq(LIST("list", "-ir"), 0);
	ck_assert(la.run && la.rootfs);

	assert_error(LIST("list", "-x"), "bad option '-x'");
	assert_error(LIST("list", "vm1"), "unexpected argument 'vm1'");
}
END_TEST

static Suite *commands_suite(void)
{
	Suite *s = suite_create("commands");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, balloon);
	tcase_add_test(tc, stat);
	tcase_add_test(tc, debug);
	tcase_add_test(tc, list);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(commands_suite)
