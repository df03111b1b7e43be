// SPDX-License-Identifier: GPL-2.0
/*
 * The GDB remote serial protocol itself: packet framing, the commands,
 * software and hardware breakpoints, memory by virtual address. Registers
 * and debug hardware come from the arch (arm64/gdb-arm64.c); the
 * connection and the VCPU stops from vmm/gdb.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gdb-stub.h"
#include "log.h"
#include "util.h"
#include "vm.h"

#define SIGTRAP_GDB	5
#define SIGINT_GDB	2

static const char hex[] = "0123456789abcdef";

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse hex up to a char not in [0-9a-f]; NULL if there was none. */
static const char *parse_hex(const char *p, uint64_t *v)
{
	const char *start = p;
	int d;

	*v = 0;
	while ((d = hex_val(*p)) >= 0 && p - start < 16) {
		*v = (*v << 4) | d;
		p++;
	}
	return p == start ? NULL : p;
}

static void to_hex(char *dst, const uint8_t *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		dst[2 * i] = hex[src[i] >> 4];
		dst[2 * i + 1] = hex[src[i] & 0xf];
	}
	dst[2 * len] = '\0';
}

static int from_hex(uint8_t *dst, const char *src, size_t len)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < len; i++) {
		hi = hex_val(src[2 * i]);
		lo = hi < 0 ? -1 : hex_val(src[2 * i + 1]);
		if (lo < 0)
			return -EINVAL;
		dst[i] = hi << 4 | lo;
	}
	return 0;
}

int gdb_send_packet(struct gdb *g, const char *body)
{
	size_t len = strlen(body);
	unsigned int sum = 0;
	char *frame;
	size_t i;
	int ret;

	frame = malloc(len + 5);
	if (!frame)
		return -ENOMEM;
	frame[0] = '$';
	for (i = 0; i < len; i++)
		sum += (uint8_t)body[i];
	memcpy(frame + 1, body, len);
	sprintf(frame + 1 + len, "#%02x", sum & 0xff);
	/* Acks are not waited for: TCP does not lose packets. */
	ret = write_full(g->fd, frame, len + 4);
	free(frame);
	return ret;
}

static struct vcpu *vcpu_of(struct gdb *g, unsigned int index)
{
	return &g->vm->vcpus[index < g->vm->nr_vcpus ? index : 0];
}

/* Registers and memory are only touched with every VCPU parked. */
void gdb_stop_guest(struct gdb *g)
{
	vm_pause(g->vm);
	g->running = false;
}

static void stop_reply(struct gdb *g, char *out, int sig, int vcpu,
		       enum gdb_stop_kind kind, uint64_t addr)
{
	if (kind == GDB_STOP_WATCH)
		sprintf(out, "T%02xwatch:%llx;thread:%x;", sig,
			(unsigned long long)addr, vcpu + 1);
	else
		sprintf(out, "T%02xthread:%x;", sig, vcpu + 1);
}

/* A VCPU has reported a stop: wait for the others to park, tell gdb. */
void gdb_report_stop(struct gdb *g)
{
	enum gdb_stop_kind kind;
	uint64_t addr;
	int vcpu;

	pthread_mutex_lock(&g->lock);
	vcpu = g->stop_vcpu;
	kind = g->stop_kind;
	addr = g->stop_addr;
	pthread_mutex_unlock(&g->lock);
	if (vcpu < 0 || !g->running)
		return;
	gdb_stop_guest(g);
	g->g_vcpu = g->c_vcpu = vcpu;
	stop_reply(g, g->out, SIGTRAP_GDB, vcpu, kind, addr);
	pr_debug("gdb: -> %s", g->out);
	gdb_send_packet(g, g->out);
}

static int apply_debug(struct gdb *g, bool enable, bool step)
{
	unsigned int i;
	int ret;

	for (i = 0; i < g->vm->nr_vcpus; i++) {
		ret = gdb_arch_set_debug(&g->vm->vcpus[i], &g->regs, enable,
					 step && i == g->c_vcpu);
		if (ret)
			return ret;
	}
	return 0;
}

static int resume_guest(struct gdb *g, bool step)
{
	int ret;

	ret = apply_debug(g, true, step);
	if (ret)
		return ret;
	pthread_mutex_lock(&g->lock);
	g->stop_vcpu = -1;
	pthread_mutex_unlock(&g->lock);
	g->running = true;
	vm_resume(g->vm);
	return 0;
}

/* Read or write guest memory by virtual address, page by page. */
static int access_memory(struct gdb *g, uint64_t va, uint8_t *buf,
			 size_t len, bool write)
{
	struct vcpu *vcpu = vcpu_of(g, g->g_vcpu);
	size_t done = 0, chunk;
	uint64_t pa;
	void *host;

	while (done < len) {
		/* 4 KiB steps are safe for every granule. */
		chunk = 0x1000 - ((va + done) & 0xfff);
		if (chunk > len - done)
			chunk = len - done;
		if (gdb_arch_translate(vcpu, va + done, &pa))
			break;
		/* Flash is read-only to the debugger as to the guest. */
		host = write ? guest_mem_ptr(&g->vm->mem, pa, chunk) :
		       guest_mem_ptr_any(&g->vm->mem, pa, chunk);
		if (!host)
			break;
		if (write) {
			memcpy(host, buf + done, chunk);
			gdb_arch_sync_ram(host, chunk, true);
		} else {
			gdb_arch_sync_ram(host, chunk, false);
			memcpy(buf + done, host, chunk);
		}
		done += chunk;
	}
	return done;
}

static void cmd_read_memory(struct gdb *g, const char *p, char *out)
{
	uint8_t buf[PACKET_MAX / 2];
	uint64_t addr, len;
	int n;

	p = parse_hex(p, &addr);
	if (!p || *p++ != ',' || !parse_hex(p, &len)) {
		strcpy(out, "E01");
		return;
	}
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1;
	n = access_memory(g, addr, buf, len, false);
	if (n <= 0 && len) {
		strcpy(out, "E14");
		return;
	}
	to_hex(out, buf, n);
}

static void cmd_write_memory(struct gdb *g, const char *p, char *out)
{
	uint8_t buf[PACKET_MAX / 2];
	uint64_t addr, len;

	p = parse_hex(p, &addr);
	if (!p || *p++ != ',' || !(p = parse_hex(p, &len)) || *p++ != ':' ||
	    len > sizeof(buf) || strlen(p) != 2 * len ||
	    from_hex(buf, p, len)) {
		strcpy(out, "E01");
		return;
	}
	if ((uint64_t)access_memory(g, addr, buf, len, true) != len) {
		strcpy(out, "E14");
		return;
	}
	strcpy(out, "OK");
}

static void cmd_read_regs(struct gdb *g, char *out)
{
	struct vcpu *vcpu = vcpu_of(g, g->g_vcpu);
	uint8_t buf[8];
	unsigned int n, size;

	*out = '\0';
	for (n = 0; n < gdb_arch_nr_regs(); n++) {
		size = gdb_arch_reg_size(n);
		if (gdb_arch_read_reg(vcpu, n, buf)) {
			/* "xx" says unavailable, as gdbserver does */
			memset(out, 'x', 2 * size);
			out[2 * size] = '\0';
		} else {
			to_hex(out, buf, size);
		}
		out += 2 * size;
	}
}

static void cmd_write_regs(struct gdb *g, const char *p, char *out)
{
	struct vcpu *vcpu = vcpu_of(g, g->g_vcpu);
	uint8_t buf[8];
	unsigned int n, size;

	for (n = 0; n < gdb_arch_nr_regs() && *p; n++) {
		size = gdb_arch_reg_size(n);
		if (strlen(p) < 2 * size || from_hex(buf, p, size) ||
		    gdb_arch_write_reg(vcpu, n, buf)) {
			strcpy(out, "E01");
			return;
		}
		p += 2 * size;
	}
	strcpy(out, "OK");
}

static void cmd_one_reg(struct gdb *g, const char *p, char *out, bool write)
{
	struct vcpu *vcpu = vcpu_of(g, g->g_vcpu);
	unsigned int size;
	uint64_t n;
	uint8_t buf[8];

	p = parse_hex(p, &n);
	size = p ? gdb_arch_reg_size(n) : 0;
	if (!size) {
		strcpy(out, "E01");
		return;
	}
	if (!write) {
		if (gdb_arch_read_reg(vcpu, n, buf))
			strcpy(out, "E01");
		else
			to_hex(out, buf, size);
		return;
	}
	if (*p++ != '=' || strlen(p) != 2 * size || from_hex(buf, p, size) ||
	    gdb_arch_write_reg(vcpu, n, buf))
		strcpy(out, "E01");
	else
		strcpy(out, "OK");
}

static int sw_bp_insert(struct gdb *g, uint64_t addr)
{
	struct sw_bp *bp = NULL;
	uint64_t gpa;
	void *host;
	unsigned int i;

	for (i = 0; i < MAX_SW_BPS; i++) {
		if (g->sw[i].used && g->sw[i].addr == addr)
			return 0;
		if (!g->sw[i].used && !bp)
			bp = &g->sw[i];
	}
	if (!bp)
		return -ENOSPC;
	if (gdb_arch_translate(vcpu_of(g, g->g_vcpu), addr, &gpa))
		return -EFAULT;
	host = guest_mem_ptr(&g->vm->mem, gpa, sizeof(gdb_arch_bp_insn));
	if (!host)
		return -EFAULT;
	gdb_arch_sync_ram(host, sizeof(bp->saved), false);
	memcpy(bp->saved, host, sizeof(bp->saved));
	memcpy(host, gdb_arch_bp_insn, sizeof(gdb_arch_bp_insn));
	gdb_arch_sync_ram(host, sizeof(bp->saved), true);
	bp->addr = addr;
	bp->gpa = gpa;
	bp->used = true;
	g->regs.sw_bps = true;
	return 0;
}

static void sw_bp_restore(struct gdb *g, struct sw_bp *bp)
{
	void *host = guest_mem_ptr(&g->vm->mem, bp->gpa, sizeof(bp->saved));

	if (host) {
		memcpy(host, bp->saved, sizeof(bp->saved));
		gdb_arch_sync_ram(host, sizeof(bp->saved), true);
	}
	bp->used = false;
}

static int sw_bp_remove(struct gdb *g, uint64_t addr)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < MAX_SW_BPS; i++)
		if (g->sw[i].used && g->sw[i].addr == addr)
			sw_bp_restore(g, &g->sw[i]);
	for (i = 0; i < MAX_SW_BPS; i++)
		any |= g->sw[i].used;
	g->regs.sw_bps = any;
	return 0;
}

static int hw_bp_set(struct gdb *g, uint64_t addr, bool insert)
{
	unsigned int i;

	for (i = 0; i < g->nr_hw_bps; i++) {
		if (insert && !g->regs.hw_bp[i]) {
			g->regs.hw_bp[i] = addr;
			return 0;
		}
		if (!insert && g->regs.hw_bp[i] == addr) {
			g->regs.hw_bp[i] = 0;
			return 0;
		}
	}
	return insert ? -ENOSPC : 0;
}

static int watch_set(struct gdb *g, enum gdb_watch_type type, uint64_t addr,
		     uint64_t len, bool insert)
{
	unsigned int i;

	/* One watchpoint covers bytes of one aligned doubleword. */
	if (!len || len > 8 || (addr & 7) + len > 8)
		return -EINVAL;
	for (i = 0; i < g->nr_wps; i++) {
		if (insert && !g->regs.wp[i].len) {
			g->regs.wp[i].addr = addr;
			g->regs.wp[i].len = len;
			g->regs.wp[i].type = type;
			return 0;
		}
		if (!insert && g->regs.wp[i].len &&
		    g->regs.wp[i].addr == addr && g->regs.wp[i].type == type) {
			g->regs.wp[i].len = 0;
			return 0;
		}
	}
	return insert ? -ENOSPC : 0;
}

/* Z/z type,addr,kind */
static void cmd_breakpoint(struct gdb *g, const char *p, char *out,
			   bool insert)
{
	uint64_t type, addr, kind;
	int ret;

	p = parse_hex(p, &type);
	if (!p || *p++ != ',' || !(p = parse_hex(p, &addr)) || *p++ != ',' ||
	    !parse_hex(p, &kind)) {
		strcpy(out, "E01");
		return;
	}
	switch (type) {
	case 0:
		ret = insert ? sw_bp_insert(g, addr) : sw_bp_remove(g, addr);
		break;
	case 1:
		ret = hw_bp_set(g, addr, insert);
		break;
	case 2:
	case 3:
	case 4:
		ret = watch_set(g, type, addr, kind, insert);
		break;
	default:
		*out = '\0';	/* not supported */
		return;
	}
	strcpy(out, ret ? "E0e" : "OK");
}

void gdb_remove_all_debug(struct gdb *g)
{
	unsigned int i;

	for (i = 0; i < MAX_SW_BPS; i++)
		if (g->sw[i].used)
			sw_bp_restore(g, &g->sw[i]);
	memset(&g->regs, 0, sizeof(g->regs));
	apply_debug(g, false, false);
}

static void cmd_query(struct gdb *g, const char *p, char *out)
{
	const char *xml = gdb_arch_target_xml();
	uint64_t off, len, total = strlen(xml);
	unsigned int i;
	char *o;

	if (!strncmp(p, "qSupported", 10)) {
		sprintf(out, "PacketSize=%x;qXfer:features:read+;"
			"QStartNoAckMode+", PACKET_MAX);
	} else if (!strncmp(p, "qXfer:features:read:target.xml:", 31)) {
		p = parse_hex(p + 31, &off);
		if (!p || *p++ != ',' || !parse_hex(p, &len)) {
			strcpy(out, "E01");
			return;
		}
		if (len > PACKET_MAX - 2)
			len = PACKET_MAX - 2;
		if (off >= total) {
			strcpy(out, "l");
			return;
		}
		if (len > total - off)
			len = total - off;
		out[0] = off + len < total ? 'm' : 'l';
		memcpy(out + 1, xml + off, len);
		out[1 + len] = '\0';
	} else if (!strcmp(p, "qAttached")) {
		strcpy(out, "1");
	} else if (!strcmp(p, "qC")) {
		sprintf(out, "QC%x", g->g_vcpu + 1);
	} else if (!strcmp(p, "qfThreadInfo")) {
		o = out + sprintf(out, "m");
		for (i = 0; i < g->vm->nr_vcpus; i++)
			o += sprintf(o, "%s%x", i ? "," : "", i + 1);
	} else if (!strcmp(p, "qsThreadInfo")) {
		strcpy(out, "l");
	} else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
		char text[32];
		uint64_t tid;

		if (!parse_hex(p + 17, &tid) || !tid || tid > g->vm->nr_vcpus) {
			strcpy(out, "E01");
			return;
		}
		snprintf(text, sizeof(text), "VCPU %u",
			 (unsigned int)tid - 1);
		to_hex(out, (const uint8_t *)text, strlen(text));
	} else {
		*out = '\0';
	}
}

/* H[gc]TID and T TID: thread 0 or -1 means "any": keep the current one. */
static int parse_thread(struct gdb *g, const char *p, unsigned int *index)
{
	uint64_t tid;

	if (p[0] == '-' && p[1] == '1')
		return 0;
	if (!parse_hex(p, &tid) || tid > g->vm->nr_vcpus)
		return -EINVAL;
	if (tid)
		*index = tid - 1;
	return 0;
}

/* c/s [addr]: addr would set the PC first */
static void cmd_resume(struct gdb *g, const char *p, char *out, bool step)
{
	uint64_t pc;
	uint8_t buf[8];
	unsigned int i;

	if (*p && parse_hex(p, &pc)) {
		for (i = 0; i < 8; i++)
			buf[i] = pc >> (8 * i);
		/* register 32 is the PC in the aarch64 layout */
		gdb_arch_write_reg(vcpu_of(g, g->c_vcpu), 32, buf);
	}
	if (resume_guest(g, step))
		strcpy(out, "E01");
	else
		*out = '\0';	/* the stop reply comes later */
}

/* Returns false when the connection should end. */
static bool handle_packet(struct gdb *g, char *p)
{
	char *out = g->out;
	unsigned int index;

	*out = '\0';
	switch (p[0]) {
	case '?':
		stop_reply(g, out, SIGTRAP_GDB, g->g_vcpu, GDB_STOP_OTHER, 0);
		break;
	case 'q':
		cmd_query(g, p, out);
		break;
	case 'Q':
		if (!strcmp(p, "QStartNoAckMode")) {
			gdb_send_packet(g, "OK");
			g->no_ack = true;
			return true;
		}
		break;
	case 'H':
		index = p[1] == 'g' ? g->g_vcpu : g->c_vcpu;
		if (parse_thread(g, p + 2, &index)) {
			strcpy(out, "E01");
			break;
		}
		if (p[1] == 'g')
			g->g_vcpu = index;
		else
			g->c_vcpu = index;
		strcpy(out, "OK");
		break;
	case 'T':
		strcpy(out, parse_thread(g, p + 1, &index) ? "E01" : "OK");
		break;
	case 'g':
		cmd_read_regs(g, out);
		break;
	case 'G':
		cmd_write_regs(g, p + 1, out);
		break;
	case 'p':
		cmd_one_reg(g, p + 1, out, false);
		break;
	case 'P':
		cmd_one_reg(g, p + 1, out, true);
		break;
	case 'm':
		cmd_read_memory(g, p + 1, out);
		break;
	case 'M':
		cmd_write_memory(g, p + 1, out);
		break;
	case 'Z':
	case 'z':
		cmd_breakpoint(g, p + 1, out, p[0] == 'Z');
		break;
	case 'c':
	case 's':
		cmd_resume(g, p + 1, out, p[0] == 's');
		if (!*out)
			return true;
		break;
	case 'C':
	case 'S':
		/* The signal means nothing to a VM: resume as c/s [addr]. */
		cmd_resume(g, strchr(p, ';') ? strchr(p, ';') + 1 : "", out,
			   p[0] == 'S');
		if (!*out)
			return true;
		break;
	case 'D':
		gdb_remove_all_debug(g);
		gdb_send_packet(g, "OK");
		return false;
	case 'k':
		gdb_remove_all_debug(g);
		vm_request_stop(g->vm, VM_STOPPED, -1);
		return false;
	}
	gdb_send_packet(g, out);
	return true;
}

/* Take complete packets out of g->in; false when the connection ends. */
bool gdb_handle_input(struct gdb *g)
{
	char *start, *hash;
	size_t used;
	bool keep = true;

	for (;;) {
		/* ^C outside a packet: interrupt the running guest */
		while (g->in_len && g->in[0] != '$') {
			if (g->in[0] == 0x03 && g->running) {
				gdb_stop_guest(g);
				stop_reply(g, g->out, SIGINT_GDB, g->c_vcpu,
					   GDB_STOP_OTHER, 0);
				gdb_send_packet(g, g->out);
			}
			memmove(g->in, g->in + 1, --g->in_len);
		}
		g->in[g->in_len] = '\0';
		start = g->in;
		hash = strchr(start, '#');
		if (!g->in_len || !hash || hash + 3 > g->in + g->in_len)
			return keep;
		*hash = '\0';
		if (!g->no_ack)
			write_full(g->fd, "+", 1);
		pr_debug("gdb: <- %.60s", start + 1);
		/* Commands while the guest runs would race with it. */
		if (g->running && start[1] != '?')
			gdb_send_packet(g, "E10");
		else
			keep = handle_packet(g, start + 1);
		used = hash + 3 - g->in;
		memmove(g->in, g->in + used, g->in_len - used);
		g->in_len -= used;
		if (!keep)
			return false;
	}
}
