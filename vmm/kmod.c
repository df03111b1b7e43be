// SPDX-License-Identifier: GPL-2.0
/*
 * What a modular kernel needs loaded before a host-rootfs guest can mount
 * its root: the kernel's release (to find /lib/modules/RELEASE) and the
 * modules, dependencies first, from modules.dep ("path: dep dep ...").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kmod.h"

#define KMOD_DEPTH_MAX	32

static bool release_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("._+-~", c));
}

int kmod_find_version(const void *image, size_t len, char *out,
		      size_t outlen)
{
	static const char banner[] = "Linux version ";
	const size_t blen = sizeof(banner) - 1;
	const char *p = image, *end = p + len, *hit;
	size_t n;

	/* The first banner followed by a release: not a "%s" format. */
	while ((hit = memmem(p, end - p, banner, blen))) {
		hit += blen;
		for (n = 0; hit + n < end && release_char(hit[n]); n++)
			;
		if (n && n < outlen && hit + n < end && hit[n] == ' ') {
			memcpy(out, hit, n);
			out[n] = '\0';
			return 0;
		}
		p = hit;
	}
	return -ENOENT;
}

void kmod_name(const char *path, char *out, size_t outlen)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	size_t n, i;

	base = base ? base + 1 : path;
	dot = strstr(base, ".ko");
	n = dot ? (size_t)(dot - base) : strlen(base);
	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = base[i] == '-' ? '_' : base[i];
	out[n] = '\0';
}

struct kmod_entry {
	char *path;
	char *deps;		/* space-separated paths, may be "" */
	char name[64];
	int state;		/* 0 new, 1 being visited, 2 in the order */
};

struct kmod_ctx {
	struct kmod_entry *e;
	unsigned int nr;
	const char **order;
	unsigned int max, n;
};

static struct kmod_entry *by_path(struct kmod_ctx *k, const char *path)
{
	unsigned int i;

	for (i = 0; i < k->nr; i++)
		if (!strcmp(k->e[i].path, path))
			return &k->e[i];
	return NULL;
}

static struct kmod_entry *by_name(struct kmod_ctx *k, const char *name)
{
	unsigned int i;

	for (i = 0; i < k->nr; i++)
		if (!strcmp(k->e[i].name, name))
			return &k->e[i];
	return NULL;
}

static int visit(struct kmod_ctx *k, struct kmod_entry *e, int depth)
{
	char *deps, *tok, *save = NULL;
	struct kmod_entry *d;
	int ret = 0;

	if (e->state == 2)
		return 0;
	if (e->state == 1 || depth > KMOD_DEPTH_MAX)
		return -ELOOP;
	e->state = 1;
	deps = strdup(e->deps);
	if (!deps)
		return -ENOMEM;
	for (tok = strtok_r(deps, " \t", &save); tok && !ret;
	     tok = strtok_r(NULL, " \t", &save)) {
		d = by_path(k, tok);
		/* depmod lists every dependency: a stray one cannot load */
		ret = d ? visit(k, d, depth + 1) : -ENOENT;
	}
	free(deps);
	if (ret)
		return ret;
	if (k->n == k->max)
		return -E2BIG;
	k->order[k->n++] = e->path;
	e->state = 2;
	return 0;
}

static bool builtin_has(const char *builtin, const char *name)
{
	char line[256], mod[64];
	const char *p = builtin, *nl;
	size_t n;

	while (p && *p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			kmod_name(line, mod, sizeof(mod));
			if (!strcmp(mod, name))
				return true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static int parse_dep(struct kmod_ctx *k, char *dep)
{
	unsigned int lines = 1;
	char *p, *nl, *colon;

	for (p = dep; *p; p++)
		lines += *p == '\n';
	k->e = calloc(lines, sizeof(*k->e));
	if (!k->e)
		return -ENOMEM;
	for (p = dep; p && *p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		colon = strchr(p, ':');
		if (!colon)
			continue;
		*colon = '\0';
		k->e[k->nr].path = p;
		k->e[k->nr].deps = colon + 1;
		kmod_name(p, k->e[k->nr].name, sizeof(k->e[k->nr].name));
		k->nr++;
	}
	return 0;
}

int kmod_resolve(char *dep, const char *builtin, const struct kmod_want *want,
		 unsigned int nwant, const char **order, unsigned int max,
		 unsigned int *n, const char **missing)
{
	struct kmod_ctx k = { .order = order, .max = max };
	struct kmod_entry *e;
	unsigned int i;
	int ret;

	*n = 0;
	*missing = NULL;
	ret = parse_dep(&k, dep);
	for (i = 0; !ret && i < nwant; i++) {
		if (builtin_has(builtin, want[i].name))
			continue;
		e = by_name(&k, want[i].name);
		if (e) {
			ret = visit(&k, e, 0);
		} else if (want[i].required) {
			*missing = want[i].config;
			ret = -ENOENT;
		}
	}
	free(k.e);
	*n = k.n;
	return ret;
}
