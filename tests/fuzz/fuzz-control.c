// SPDX-License-Identifier: GPL-2.0
/*
 * The control protocol (control-proto.c) as the control socket drives
 * it: client bytes arrive in pieces of any size, interleaved over several
 * connections; each completed line is answered, the reply leaves in
 * pieces, and the connection starts over on the bytes that follow, so
 * one input is many lines. A model kept here byte by byte says when each
 * reply is due and what it must say.
 *
 * Input: u8 seed (how the bytes are split and spread over connections),
 * then the client bytes.
 */
#include "control.h"
#include "fuzz.h"
#include "log.h"

#define NR_CONNS	3
#define BIG_REPLY	5000

static unsigned int ran[5];

static void run_status(void *arg, const char *args, FILE *out)
{
	ran[0]++;
	fputs("fuzz 1 running\n", out);
}

static void run_stop(void *arg, const char *args, FILE *out)
{
	ran[1]++;
	fputs("stopping\n", out);
}

/* Says nothing: an empty reply must still end the exchange. */
static void run_pause(void *arg, const char *args, FILE *out)
{
	ran[2]++;
}

static void run_debug(void *arg, const char *args, FILE *out)
{
	unsigned int i;

	ran[3]++;
	for (i = 0; i < BIG_REPLY; i++)
		fputc('0' + i % 10, out);
}

/* Takes arguments, like balloon MB: its reply echoes them. */
static void run_balloon(void *arg, const char *args, FILE *out)
{
	ran[4]++;
	fprintf(out, "[%s]\n", args);
}

static const struct control_command cmds[] = {
	{ "status", run_status, false },
	{ "stop", run_stop, false },
	{ "pause", run_pause, false },
	{ "debug", run_debug, false },
	{ "balloon", run_balloon, true },
	{ NULL, NULL, false },
};

/* What one connection has been sent since it started, as the model. */
struct model {
	uint8_t line[CONTROL_LINE_MAX];
	size_t len;
};

struct client {
	struct control_conn conn;
	struct model m;
};

static uint32_t lcg;

static unsigned int next_rand(unsigned int bound)
{
	lcg = lcg * 1103515245 + 12345;
	return (lcg >> 16) % bound;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_verbose_init();
	return 0;
}

static void check_reply(const struct control_conn *c, const char *want,
			size_t want_len)
{
	FUZZ_CHECK(c->reply);
	FUZZ_CHECK(c->reply_len == want_len);
	FUZZ_CHECK(!memcmp(c->reply, want, want_len));
}

/*
 * The reply the model expects for the line it holds (newline seen);
 * before: how often each command had run until the line came in.
 */
static void check_answer(struct client *cl, const unsigned int *before)
{
	static const char *const fixed[] = {
		"fuzz 1 running\n", "stopping\n", "",
	};
	static const char arg_cmd[] = "balloon";
	size_t len = cl->m.len, n = 0, an = sizeof(arg_cmd) - 1;
	char want[32 + 4 * CONTROL_LINE_MAX];
	unsigned int i, j;

	if (len && cl->m.line[len - 1] == '\r')
		len--;
	/* The command with arguments: its name, then nothing or a space. */
	if (len >= an && !memcmp(cl->m.line, arg_cmd, an) &&
	    (len == an || (cl->m.line[an] == ' ' &&
			   !memchr(cl->m.line + an + 1, 0, len - an - 1)))) {
		for (j = 0; j < 5; j++)
			FUZZ_CHECK(ran[j] == before[j] + (j == 4));
		n = sprintf(want, "[");
		if (len > an) {
			memcpy(want + n, cl->m.line + an + 1, len - an - 1);
			n += len - an - 1;
		}
		n += sprintf(want + n, "]\n");
		check_reply(&cl->conn, want, n);
		return;
	}
	for (i = 0; cmds[i].name; i++) {
		if (cmds[i].takes_args)
			continue;
		if (strlen(cmds[i].name) != len ||
		    memcmp(cmds[i].name, cl->m.line, len))
			continue;
		/* It ran once, when its line completed; nothing else did. */
		for (j = 0; j < 5; j++)
			FUZZ_CHECK(ran[j] == before[j] + (i == j));
		if (i < 3) {
			check_reply(&cl->conn, fixed[i], strlen(fixed[i]));
		} else {
			FUZZ_CHECK(cl->conn.reply_len == BIG_REPLY);
			FUZZ_CHECK(cl->conn.reply[BIG_REPLY - 1] == '9');
		}
		return;
	}
	n += sprintf(want + n, "error: unknown command '");
	for (i = 0; i < len; i++) {
		uint8_t ch = cl->m.line[i];

		if (ch < 0x20 || ch > 0x7e || ch == '\\' || ch == '\'')
			n += sprintf(want + n, "\\x%02x", ch);
		else
			want[n++] = ch;
	}
	n += sprintf(want + n, "'\n");
	check_reply(&cl->conn, want, n);
	FUZZ_CHECK(!memcmp(before, ran, sizeof(ran)));
}

/* The reply leaves in pieces; then the connection starts over. */
static void finish(struct client *cl)
{
	size_t total = cl->conn.reply_len, sent = 0, piece;
	bool done = !total;

	FUZZ_CHECK(control_conn_pending(&cl->conn) == total);
	while (!done) {
		piece = 1 + next_rand(2048);
		done = control_conn_sent(&cl->conn, piece);
		sent += piece;
		FUZZ_CHECK(done == (sent >= total));
		FUZZ_CHECK(control_conn_pending(&cl->conn) ==
			   (sent >= total ? 0 : total - sent));
	}
	control_conn_release(&cl->conn);
	memset(&cl->m, 0, sizeof(cl->m));
}

/*
 * Feed data to cl, one reply's worth at a time: the model finds where
 * the reply falls due, the code gets everything up to there in one call.
 */
static void feed(struct client *cl, const uint8_t *data, size_t n)
{
	unsigned int before[5];
	size_t i, start = 0;
	int ret;

	for (i = 0; i < n; i++) {
		uint8_t b = data[i];
		bool newline = b == '\n';
		bool too_long = !newline && cl->m.len == CONTROL_LINE_MAX - 1;

		if (!newline && !too_long) {
			cl->m.line[cl->m.len++] = b;
			continue;
		}
		memcpy(before, ran, sizeof(ran));
		ret = control_conn_input(&cl->conn, cmds, NULL, data + start,
					 i + 1 - start);
		fuzz_report("control_conn_input", ret < 0 ? ret : 0);
		FUZZ_CHECK(ret == 1);
		if (newline) {
			check_answer(cl, before);
		} else {
			static const char msg[] = "error: command longer than";

			FUZZ_CHECK(cl->conn.reply_len > sizeof(msg) - 1);
			FUZZ_CHECK(!memcmp(cl->conn.reply, msg,
					   sizeof(msg) - 1));
			FUZZ_CHECK(!memcmp(before, ran, sizeof(ran)));
		}
		/* Bytes after the line change nothing. */
		FUZZ_CHECK(control_conn_input(&cl->conn, cmds, NULL,
					      data + i, n - i) == 1);
		finish(cl);
		start = i + 1;
	}
	if (start < n) {
		ret = control_conn_input(&cl->conn, cmds, NULL, data + start,
					 n - start);
		FUZZ_CHECK(ret == 0);
		FUZZ_CHECK(!control_conn_pending(&cl->conn));
		FUZZ_CHECK(cl->conn.len == cl->m.len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client clients[NR_CONNS];
	size_t off = 1, piece;
	unsigned int i;

	if (!size)
		return 0;
	memset(clients, 0, sizeof(clients));
	memset(ran, 0, sizeof(ran));
	lcg = data[0];
	while (off < size) {
		/* Mostly short pieces, as a dribbling client sends them. */
		piece = next_rand(4) ? 1 + next_rand(8) : 1 + next_rand(300);
		if (piece > size - off)
			piece = size - off;
		feed(&clients[next_rand(NR_CONNS)], data + off, piece);
		off += piece;
	}
	/* Clients that hang up mid-line leave nothing behind. */
	for (i = 0; i < NR_CONNS; i++)
		control_conn_release(&clients[i].conn);
	err_clear();
	return 0;
}
