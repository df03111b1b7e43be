// SPDX-License-Identifier: GPL-2.0
/*
 * 9P's wire format: little-endian integers, strings as len[2] bytes, a
 * qid as type[1] version[4] path[8]. Every read is checked against the
 * request's length first (in 64-bit arithmetic); running out marks the
 * request bad instead of reading on, so a handler can parse straight
 * through and look once at the end.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "p9-int.h"

static const uint8_t *take(struct p9_in *in, uint64_t n)
{
	const uint8_t *p;

	if (in->bad || n > (uint64_t)in->len - in->pos) {
		in->bad = true;
		return NULL;
	}
	p = in->p + in->pos;
	in->pos += n;
	return p;
}

uint8_t p9_get8(struct p9_in *in)
{
	const uint8_t *p = take(in, 1);

	return p ? *p : 0;
}

uint16_t p9_get16(struct p9_in *in)
{
	const uint8_t *p = take(in, 2);
	uint16_t v;

	if (!p)
		return 0;
	memcpy(&v, p, 2);
	return le16toh(v);
}

uint32_t p9_get32(struct p9_in *in)
{
	const uint8_t *p = take(in, 4);
	uint32_t v;

	if (!p)
		return 0;
	memcpy(&v, p, 4);
	return le32toh(v);
}

uint64_t p9_get64(struct p9_in *in)
{
	const uint8_t *p = take(in, 8);
	uint64_t v;

	if (!p)
		return 0;
	memcpy(&v, p, 8);
	return le64toh(v);
}

const uint8_t *p9_get_bytes(struct p9_in *in, uint64_t len)
{
	return take(in, len);
}

int p9_get_str(struct p9_in *in, char *buf, size_t size)
{
	uint16_t len = p9_get16(in);
	const uint8_t *p = take(in, len);

	if (!p)
		return -EPROTO;
	if ((size_t)len >= size)
		return -ENAMETOOLONG;
	if (memchr(p, 0, len))
		return -EINVAL;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return 0;
}

uint8_t *p9_put_room(struct p9_out *out, size_t len)
{
	uint8_t *p;

	if (out->overflow || len > out->cap - out->pos) {
		out->overflow = true;
		return NULL;
	}
	p = out->p + out->pos;
	out->pos += len;
	return p;
}

void p9_put8(struct p9_out *out, uint8_t v)
{
	uint8_t *p = p9_put_room(out, 1);

	if (p)
		*p = v;
}

void p9_put16(struct p9_out *out, uint16_t v)
{
	uint8_t *p = p9_put_room(out, 2);

	v = htole16(v);
	if (p)
		memcpy(p, &v, 2);
}

void p9_put32(struct p9_out *out, uint32_t v)
{
	uint8_t *p = p9_put_room(out, 4);

	v = htole32(v);
	if (p)
		memcpy(p, &v, 4);
}

void p9_put64(struct p9_out *out, uint64_t v)
{
	uint8_t *p = p9_put_room(out, 8);

	v = htole64(v);
	if (p)
		memcpy(p, &v, 8);
}

void p9_put_str(struct p9_out *out, const char *s)
{
	size_t len = strlen(s);
	uint8_t *p;

	if (len > UINT16_MAX) {
		out->overflow = true;
		return;
	}
	p9_put16(out, len);
	p = p9_put_room(out, len);
	if (p)
		memcpy(p, s, len);
}

void p9_put_qid(struct p9_out *out, const struct p9_qid *qid)
{
	p9_put8(out, qid->type);
	p9_put32(out, qid->version);
	p9_put64(out, qid->path);
}
