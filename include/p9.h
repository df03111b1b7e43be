/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_P9_H
#define POCVM_P9_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A 9P2000.L file server on one host directory (hw/p9/). It knows no
 * transport: a request goes in as bytes, a reply comes out as bytes, so
 * the unit tests and the fuzz target speak 9P to it directly and the
 * virtio device (hw/virtio/9p.c) only moves messages.
 *
 * p9_handle() may run on several threads at once: the fid table has its
 * own lock, and file I/O runs with no lock held.
 */

/* The largest message either side may send (Tversion's msize). */
#define P9_MAX_MSIZE	(128 * 1024)
/* The smallest msize we accept: a header and a useful payload. */
#define P9_MIN_MSIZE	4096
#define P9_HDR_SIZE	7	/* size[4] type[1] tag[2] */

#define P9_TFLUSH	108

struct p9_server;

/*
 * Serve dir (ro: refuse every change with EROFS). Opens dir now, and
 * fails with -ENOSYS and one line when the host has no openat2(), which
 * the confinement needs.
 */
int p9_server_new(const char *dir, bool ro, struct p9_server **out);
void p9_server_free(struct p9_server *srv);

/*
 * Answer one request of req_len bytes with a reply of at most reply_max
 * bytes (at least P9_HDR_SIZE + 4, for an Rlerror) written to reply.
 * Returns the reply's length. A malformed request gets an Rlerror (EPROTO
 * or EINVAL); nothing a request holds can make it fail otherwise.
 */
size_t p9_handle(struct p9_server *srv, const uint8_t *req, size_t req_len,
		 uint8_t *reply, size_t reply_max);

/* A request's tag and type, or -EINVAL if it has no complete header. */
int p9_peek(const uint8_t *req, size_t len, uint8_t *type, uint16_t *tag);

/* An Rflush for tag into reply (P9_HDR_SIZE bytes); returns its length. */
size_t p9_rflush(uint16_t tag, uint8_t *reply);

/* The msize the guest and we agreed on (P9_MAX_MSIZE before Tversion). */
uint32_t p9_msize(const struct p9_server *srv);

#endif
