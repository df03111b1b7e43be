// SPDX-License-Identifier: GPL-2.0
/* The control protocol alone: bytes in however split, one reply out. */
#include <string.h>

#include "control.h"
#include "unit.h"

static int runs;

static void run_ping(void *arg, const char *args, FILE *out)
{
	runs++;
	fprintf(out, "pong %s\n", (const char *)arg);
}

/* Echoes its arguments back, bracketed. */
static void run_echo(void *arg, const char *args, FILE *out)
{
	runs++;
	fprintf(out, "[%s]\n", args);
}

static const struct control_command cmds[] = {
	{ "ping", run_ping, false },
	{ "echo", run_echo, true },
	{ NULL, NULL, false },
};

static struct control_conn conn;

static void setup(void)
{
	memset(&conn, 0, sizeof(conn));
	runs = 0;
}

static void teardown(void)
{
	control_conn_release(&conn);
}

static int feed(const char *s, size_t n)
{
	return control_conn_input(&conn, cmds, "x", s, n);
}

static void assert_reply(const char *want)
{
	ck_assert_ptr_nonnull(conn.reply);
	ck_assert_uint_eq(conn.reply_len, strlen(want));
	ck_assert_mem_eq(conn.reply, want, conn.reply_len);
}

START_TEST(byte_by_byte)
{
	static const char line[] = "ping\r\n";
	unsigned int i;

	for (i = 0; i < sizeof(line) - 2; i++) {
		ck_assert_int_eq(feed(line + i, 1), 0);
		ck_assert_uint_eq(control_conn_pending(&conn), 0);
	}
	ck_assert_int_eq(feed(line + i, 1), 1);
	assert_reply("pong x\n");
	ck_assert_int_eq(runs, 1);
	/* What follows the line is not another command. */
	ck_assert_int_eq(feed("ping\n", 5), 1);
	ck_assert_int_eq(runs, 1);
}
END_TEST

START_TEST(exact_match_only)
{
	static const char *const bad[] = {
		"pin\n", "pings\n", " ping\n", "ping \n", "PING\n",
		"ping\r\r\n", "\n",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		control_conn_release(&conn);
		ck_assert_int_eq(feed(bad[i], strlen(bad[i])), 1);
		ck_assert_msg(!strncmp(conn.reply, "error: unknown command '",
				       24), "'%s' ran", bad[i]);
	}
	control_conn_release(&conn);
	/* A NUL does not end the comparison early. */
	ck_assert_int_eq(feed("ping\0x\n", 7), 1);
	assert_reply("error: unknown command 'ping\\x00x'\n");
	ck_assert_int_eq(runs, 0);
}
END_TEST

/*
 * A command that takes arguments gets what follows its name and one
 * space, as one string; without them, "". Hostile lines: a NUL inside
 * the arguments (which would hide the rest) and a name that only
 * starts the same are unknown commands, and nothing runs.
 */
START_TEST(arguments)
{
	static const char *const bad[] = {
		"echox\n", "echo\tx\n", "ech\n",
	};
	unsigned int i;

	ck_assert_int_eq(feed("echo -64 x\r\n", 12), 1);
	assert_reply("[-64 x]\n");
	control_conn_release(&conn);
	ck_assert_int_eq(feed("echo\n", 5), 1);
	assert_reply("[]\n");
	control_conn_release(&conn);
	ck_assert_int_eq(feed("echo \n", 6), 1);
	assert_reply("[]\n");
	control_conn_release(&conn);
	ck_assert_int_eq(feed("echo  a\n", 8), 1);
	assert_reply("[ a]\n");
	ck_assert_int_eq(runs, 4);
	runs = 0;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		control_conn_release(&conn);
		ck_assert_int_eq(feed(bad[i], strlen(bad[i])), 1);
		ck_assert_msg(!strncmp(conn.reply, "error: unknown command '",
				       24), "'%s' ran", bad[i]);
	}
	control_conn_release(&conn);
	ck_assert_int_eq(feed("echo 1\0002\n", 9), 1);
	assert_reply("error: unknown command 'echo 1\\x002'\n");
	ck_assert_int_eq(runs, 0);
}
END_TEST

START_TEST(unknown_escaped)
{
	ck_assert_int_eq(feed("\x1b[2J'\\\xff\n", 8), 1);
	assert_reply("error: unknown command "
		     "'\\x1b[2J\\x27\\x5c\\xff'\n");
}
END_TEST

START_TEST(longest_line)
{
	char line[CONTROL_LINE_MAX + 1];

	/* CONTROL_LINE_MAX bytes with the newline: still a command. */
	memset(line, 'a', CONTROL_LINE_MAX - 1);
	line[CONTROL_LINE_MAX - 1] = '\n';
	ck_assert_int_eq(feed(line, CONTROL_LINE_MAX), 1);
	ck_assert(!strncmp(conn.reply, "error: unknown command 'aaa", 27));

	control_conn_release(&conn);
	memset(line, 'a', CONTROL_LINE_MAX);
	line[CONTROL_LINE_MAX] = '\n';
	ck_assert_int_eq(feed(line, CONTROL_LINE_MAX - 1), 0);
	ck_assert_int_eq(feed(line, 1), 1);
	ck_assert(!strncmp(conn.reply, "error: command longer than", 26));
}
END_TEST

START_TEST(sent_in_pieces)
{
	ck_assert_int_eq(feed("ping\n", 5), 1);
	ck_assert_uint_eq(control_conn_pending(&conn), 7);
	ck_assert(!control_conn_sent(&conn, 3));
	ck_assert_uint_eq(control_conn_pending(&conn), 4);
	/* More than is left counts as what is left. */
	ck_assert(control_conn_sent(&conn, 100));
	ck_assert_uint_eq(control_conn_pending(&conn), 0);
}
END_TEST

static Suite *control_proto_suite(void)
{
	Suite *s = suite_create("control-proto");
	TCase *tc = tcase_create("line");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, byte_by_byte);
	tcase_add_test(tc, exact_match_only);
	tcase_add_test(tc, arguments);
	tcase_add_test(tc, unknown_escaped);
	tcase_add_test(tc, longest_line);
	tcase_add_test(tc, sent_in_pieces);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(control_proto_suite)
