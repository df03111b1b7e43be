/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_KMOD_H
#define POCVM_KMOD_H

#include <stdbool.h>
#include <stddef.h>

/* One module a host-rootfs guest needs, and the option that builds it. */
struct kmod_want {
	const char *name;	/* as modules.dep names it, '_' for '-' */
	const char *config;	/* CONFIG_..., for the error line */
	bool required;		/* else the guest copes without it */
};

#define KMOD_VERSION_MAX	128

/*
 * The release string of a Linux kernel image (uncompressed), as uname -r
 * prints it: found after "Linux version " in the banner. 0, or -ENOENT.
 */
int kmod_find_version(const void *image, size_t len, char *out,
		      size_t outlen);

/*
 * The module name of a modules.dep path: "kernel/fs/9p/9p.ko.xz" is
 * "9p", "virtio-mmio.ko" "virtio_mmio". out has room for outlen bytes.
 */
void kmod_name(const char *path, char *out, size_t outlen);

/*
 * From the text of modules.dep (modified in place) and modules.builtin
 * (may be NULL), the module files to load for want[], each after its
 * dependencies and each once: paths into dep, at most max of them.
 * 0; -ENOENT with *missing the CONFIG_ option of the first required
 * module that is neither built in nor in modules.dep; -E2BIG, -ENOMEM,
 * -ELOOP (a dependency cycle).
 */
int kmod_resolve(char *dep, const char *builtin, const struct kmod_want *want,
		 unsigned int nwant, const char **order, unsigned int max,
		 unsigned int *n, const char **missing);

#endif
