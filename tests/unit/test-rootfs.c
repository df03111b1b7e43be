// SPDX-License-Identifier: GPL-2.0
/*
 * Host-rootfs guests, the host's side: the newc writer, the release
 * finder, module ordering from modules.dep, the options, and a whole
 * initramfs built against a fake /lib/modules tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
#include "config-parse.h"
#include "cpio.h"
#include "kmod.h"
#include "log.h"
#include "rootfs.h"
#include "unit.h"

/* One newc entry read back, the way Linux's unpacker reads it. */
struct entry {
	char name[256];
	unsigned int mode, size, rmaj, rmin, nlink;
	const uint8_t *body;
};

static unsigned int hex8(const uint8_t *p)
{
	char buf[9];

	memcpy(buf, p, 8);
	buf[8] = '\0';
	return strtoul(buf, NULL, 16);
}

/* The entry at *off, or -1 when the bytes do not hold one. */
static int next_entry(const uint8_t *a, size_t len, size_t *off,
		      struct entry *e)
{
	const uint8_t *h = a + *off;
	unsigned int namesz;
	size_t o;

	if (*off + 110 > len || memcmp(h, "070701", 6))
		return -1;
	ck_assert_uint_eq(*off % 4, 0);
	e->mode = hex8(h + 14);
	e->nlink = hex8(h + 38);
	e->size = hex8(h + 54);
	e->rmaj = hex8(h + 78);
	e->rmin = hex8(h + 86);
	namesz = hex8(h + 94);
	if (namesz > sizeof(e->name) || *off + 110 + namesz > len)
		return -1;
	memcpy(e->name, h + 110, namesz);
	ck_assert_int_eq(e->name[namesz - 1], '\0');
	o = (*off + 110 + namesz + 3) & ~3UL;
	e->body = a + o;
	if (o + e->size > len)
		return -1;
	*off = (o + e->size + 3) & ~3UL;
	return 0;
}

START_TEST(cpio_newc)
{
	struct cpio c = { 0 };
	struct entry e;
	size_t off = 0;

	ck_assert_int_eq(cpio_add(&c, "dev", S_IFDIR | 0755, 0, NULL, 0), 0);
	ck_assert_int_eq(cpio_add(&c, "dev/console", S_IFCHR | 0600,
				  makedev(5, 1), NULL, 0), 0);
	ck_assert_int_eq(cpio_add(&c, "init", S_IFREG | 0755, 0, "abcde",
				  5), 0);
	ck_assert_int_eq(cpio_finish(&c), 0);
	ck_assert_uint_eq(c.len % 4, 0);

	ck_assert_int_eq(next_entry(c.data, c.len, &off, &e), 0);
	ck_assert_str_eq(e.name, "dev");
	ck_assert_uint_eq(e.mode, S_IFDIR | 0755);
	ck_assert_uint_eq(e.nlink, 2);
	ck_assert_int_eq(next_entry(c.data, c.len, &off, &e), 0);
	ck_assert_str_eq(e.name, "dev/console");
	ck_assert_uint_eq(e.mode, S_IFCHR | 0600);
	ck_assert_uint_eq(e.rmaj, 5);
	ck_assert_uint_eq(e.rmin, 1);
	ck_assert_int_eq(next_entry(c.data, c.len, &off, &e), 0);
	ck_assert_str_eq(e.name, "init");
	ck_assert_uint_eq(e.size, 5);
	ck_assert_int_eq(memcmp(e.body, "abcde", 5), 0);
	ck_assert_int_eq(next_entry(c.data, c.len, &off, &e), 0);
	ck_assert_str_eq(e.name, "TRAILER!!!");
	ck_assert_uint_eq(off, c.len);
	cpio_free(&c);
}
END_TEST

/* What cpio(1) itself makes of the archive: the same names, in order. */
START_TEST(cpio_read_by_cpio_tool)
{
	char tmpl[] = "/tmp/pocvm-cpio-XXXXXX", cmd[128], out[256] = "";
	struct cpio c = { 0 };
	size_t n;
	FILE *p;
	int fd;

	if (access("/usr/bin/cpio", X_OK))
		return;		/* make deps installs it; nothing to ask */
	cpio_add(&c, "a", S_IFDIR | 0755, 0, NULL, 0);
	cpio_add(&c, "a/b7", S_IFREG | 0644, 0, "1234567", 7);
	cpio_add(&c, "l", S_IFLNK | 0777, 0, "a/b7", 4);
	cpio_finish(&c);
	fd = mkstemp(tmpl);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, c.data, c.len), (ssize_t)c.len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "cpio -it --quiet < %s", tmpl);
	p = popen(cmd, "r");
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	ck_assert_int_eq(pclose(p), 0);
	unlink(tmpl);
	ck_assert_str_eq(out, "a\na/b7\nl\n");
	cpio_free(&c);
}
END_TEST

START_TEST(cpio_refuses_long_name)
{
	struct cpio c = { 0 };
	char *name = malloc(5000);

	memset(name, 'x', 4999);
	name[4999] = '\0';
	ck_assert_int_eq(cpio_add(&c, name, S_IFREG, 0, NULL, 0), -EINVAL);
	ck_assert_uint_eq(c.len, 0);
	free(name);
	cpio_free(&c);
}
END_TEST

START_TEST(version_string)
{
	static const char img[] =
		"\0\0printk: Linux version %s\0junk Linux version \0"
		"Linux version 6.12.9-arm64 (debian-kernel@lists.debian.org) "
		"(gcc) #1 SMP Debian\0";
	static const char trunc[] = "xx Linux version 6.1";
	char v[KMOD_VERSION_MAX];

	ck_assert_int_eq(kmod_find_version(img, sizeof(img), v, sizeof(v)),
			 0);
	ck_assert_str_eq(v, "6.12.9-arm64");
	/* the banner cut off at the end of the image: no release */
	ck_assert_int_eq(kmod_find_version(trunc, sizeof(trunc) - 1, v,
					   sizeof(v)), -ENOENT);
	ck_assert_int_eq(kmod_find_version("nothing", 7, v, sizeof(v)),
			 -ENOENT);
	/* no room for it: not found rather than cut */
	ck_assert_int_eq(kmod_find_version(img, sizeof(img), v, 5), -ENOENT);
}
END_TEST

START_TEST(module_names)
{
	char n[64];

	kmod_name("kernel/fs/9p/9p.ko.xz", n, sizeof(n));
	ck_assert_str_eq(n, "9p");
	kmod_name("kernel/drivers/virtio/virtio-mmio.ko", n, sizeof(n));
	ck_assert_str_eq(n, "virtio_mmio");
	kmod_name("9pnet_virtio.ko.zst", n, sizeof(n));
	ck_assert_str_eq(n, "9pnet_virtio");
}
END_TEST

/* A Debian-like modules.dep: 9p needs netfs and 9pnet, and so on. */
static const char fake_dep[] =
	"kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko.xz\n"
	"kernel/fs/9p/9p.ko.xz: kernel/fs/netfs/netfs.ko.xz "
	"kernel/net/9p/9pnet.ko.xz\n"
	"kernel/net/9p/9pnet_virtio.ko.xz: kernel/net/9p/9pnet.ko.xz "
	"kernel/drivers/virtio/virtio_ring.ko.xz\n"
	"kernel/net/9p/9pnet.ko.xz:\n"
	"kernel/fs/netfs/netfs.ko.xz: kernel/fs/fscache.ko.xz\n"
	"kernel/fs/fscache.ko.xz:\n"
	"kernel/fs/overlayfs/overlay.ko.xz:\n"
	"kernel/drivers/virtio/virtio_ring.ko.xz:\n"
	"kernel/drivers/char/virtio_console.ko.xz: "
	"kernel/drivers/virtio/virtio_ring.ko.xz\n"
	"kernel/drivers/virtio/virtio_mmio.ko.xz: "
	"kernel/drivers/virtio/virtio_ring.ko.xz\n";

static const struct kmod_want want[] = {
	{ "virtio_mmio", "CONFIG_VIRTIO_MMIO", true },
	{ "virtio_console", "CONFIG_VIRTIO_CONSOLE", true },
	{ "9pnet", "CONFIG_NET_9P", true },
	{ "9pnet_virtio", "CONFIG_NET_9P_VIRTIO", true },
	{ "9p", "CONFIG_9P_FS", true },
	{ "overlay", "CONFIG_OVERLAY_FS", false },
};

static int position(const char **order, unsigned int n, const char *base)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strstr(order[i], base))
			return i;
	return -1;
}

START_TEST(module_order)
{
	char *dep = strdup(fake_dep);
	const char *order[16], *missing;
	unsigned int n, i, j;

	ck_assert_int_eq(kmod_resolve(dep, NULL, want, 6, order, 16, &n,
				      &missing), 0);
	/* everything wanted and what it needs, each once, no ext4 */
	ck_assert_uint_eq(n, 9);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			ck_assert_str_ne(order[i], order[j]);
	ck_assert_int_eq(position(order, n, "ext4"), -1);
	ck_assert_int_lt(position(order, n, "virtio_ring"),
			 position(order, n, "virtio_mmio"));
	ck_assert_int_lt(position(order, n, "fscache"),
			 position(order, n, "netfs"));
	ck_assert_int_lt(position(order, n, "netfs"),
			 position(order, n, "/9p.ko"));
	ck_assert_int_lt(position(order, n, "9pnet.ko"),
			 position(order, n, "9pnet_virtio"));
	ck_assert_int_ge(position(order, n, "overlay"), 0);
	free(dep);
}
END_TEST

START_TEST(module_builtin_and_missing)
{
	const char *builtin = "kernel/drivers/virtio/virtio_mmio.ko\n"
			      "kernel/fs/overlayfs/overlay.ko\n";
	char *dep = strdup(fake_dep), *nodep;
	const char *order[16], *missing;
	unsigned int n;

	/* built in: not packed */
	ck_assert_int_eq(kmod_resolve(dep, builtin, want, 6, order, 16, &n,
				      &missing), 0);
	ck_assert_int_eq(position(order, n, "virtio_mmio"), -1);
	ck_assert_int_eq(position(order, n, "overlay"), -1);
	ck_assert_int_ge(position(order, n, "virtio_ring"), 0);
	free(dep);

	/* no 9p anywhere: the option is named */
	nodep = strdup("kernel/drivers/virtio/virtio_mmio.ko:\n"
		       "kernel/drivers/char/virtio_console.ko:\n");
	ck_assert_int_eq(kmod_resolve(nodep, NULL, want, 6, order, 16, &n,
				      &missing), -ENOENT);
	ck_assert_str_eq(missing, "CONFIG_NET_9P");
	free(nodep);

	/* overlay alone missing is no error */
	nodep = strdup("a/virtio_mmio.ko:\na/virtio_console.ko:\n"
		       "a/9pnet.ko:\na/9pnet_virtio.ko: a/9pnet.ko\n"
		       "a/9p.ko: a/9pnet.ko\n");
	ck_assert_int_eq(kmod_resolve(nodep, NULL, want, 6, order, 16, &n,
				      &missing), 0);
	ck_assert_uint_eq(n, 5);
	free(nodep);

	/* a cycle, and too little room */
	nodep = strdup("a/virtio_mmio.ko: a/x.ko\na/x.ko: a/virtio_mmio.ko\n");
	ck_assert_int_eq(kmod_resolve(nodep, NULL, want, 6, order, 16, &n,
				      &missing), -ELOOP);
	free(nodep);
	dep = strdup(fake_dep);
	ck_assert_int_eq(kmod_resolve(dep, NULL, want, 6, order, 3, &n,
				      &missing), -E2BIG);
	free(dep);
}
END_TEST

START_TEST(rootfs_options)
{
	int ret;

	ck_assert_int_eq(PARSE("-k", "I", "--rootfs", "/srv", "--rw",
			       "--modules", "/m", "--", "id"), 0);
	ck_assert_str_eq(cfg.rootfs, "/srv");
	ck_assert(cfg.rootfs_rw);
	ck_assert_str_eq(cfg.modules, "/m");
	ck_assert_int_eq(cfg.guest_argc, 1);
	ck_assert_int_eq(PARSE("-k", "I"), 0);
	ck_assert_ptr_null(cfg.rootfs);
	ck_assert(!cfg.rootfs_rw);

	ret = PARSE("-k", "I", "-i", "initrd", "--rw");
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_str_eq(err_message(ret), "--rw does not go with "
			 "-i/--initrd: pocvm builds the initramfs itself");
	ret = PARSE("-k", "I", "--rootfs", "/", "--nodefaults");
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert(strstr(err_message(ret), "--rootfs needs an arm64"));
	ret = PARSE("-k", "I", "--rootfs", "");
	ck_assert_int_eq(ret, -EINVAL);
	ret = PARSE("-k", "I", "--rw=1");
	ck_assert_int_eq(ret, -EINVAL);
	ret = PARSE("-k", "I", "--modules");
	ck_assert_int_eq(ret, -EINVAL);
	config_release(&cfg);
}
END_TEST

/* A fake module tree and a fake Image, for rootfs_prepare() whole. */
static char tree[] = "/tmp/pocvm-rootfs-XXXXXX";

static void put(const char *rel, const char *text)
{
	char path[512], *slash;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	for (slash = strchr(path + strlen(tree) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	ck_assert_int_eq(system(cmd), 0);
}

static void fake_image(void)
{
	char img[4096] = { 0 }, path[512];
	int fd;

	memcpy(img + 0x38, "ARM\x64", 4);
	strcpy(img + 1000, "Linux version 6.99.0-fake (me@here) #1 SMP");
	snprintf(path, sizeof(path), "%s/Image", tree);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_eq(write(fd, img, sizeof(img)), (ssize_t)sizeof(img));
	close(fd);
}

static void make_tree(void)
{
	char *dep = strdup(fake_dep), *p, *nl, *colon, rel[512];

	ck_assert_ptr_nonnull(mkdtemp(tree));
	fake_image();
	put("mods/modules.dep", fake_dep);
	for (p = dep; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = '\0';
		colon = strchr(p, ':');
		*colon = '\0';
		snprintf(rel, sizeof(rel), "mods/%s", p);
		put(rel, p);	/* each module holds its own path */
	}
	free(dep);
}

START_TEST(initramfs_with_modules)
{
	char image[512], mods[512], *argv_k, body[256];
	const char *order[16];
	struct rootfs rf;
	struct entry e;
	uint8_t *a;
	size_t off = 0, len;
	int fd, ret, nmod = 0;
	struct stat st;
	bool have_init = false, have_console = false;

	make_tree();
	snprintf(image, sizeof(image), "%s/Image", tree);
	snprintf(mods, sizeof(mods), "%s/mods", tree);
	argv_k = image;
	ck_assert_int_eq(PARSE("-k", argv_k, "--modules", mods, "--rootfs",
			       tree, "--", "true"), 0);
	ret = rootfs_prepare(&cfg, &rf, getuid(), getgid());
	ck_assert_msg(!ret, "%s", err_message(ret));
	/* the loader reads the memfd: no path for -i's checks to see */
	ck_assert_ptr_null(cfg.initrd);
	ck_assert_int_ge(rf.memfd, 0);
	ck_assert_uint_eq(cfg.nr_shares, 1);
	ck_assert_str_eq(cfg.shares[0].tag, ROOTFS_TAG);
	ck_assert_str_eq(cfg.shares[0].dir, tree);
	ck_assert(cfg.shares[0].ro);
	ck_assert(strstr(cfg.params, "pocvm_uid="));
	ck_assert(strstr(cfg.params, "pocvm_rw=0"));
	/* not run from inside the tree: the guest starts in / */
	ck_assert(strstr(cfg.params, "pocvm_cwd=\"/\""));
	rootfs_release(&rf);
	config_release(&cfg);

	/* from tree/mods, with --rootfs given relative: /mods in the guest */
	ck_assert_int_eq(chdir(mods), 0);
	ck_assert_int_eq(PARSE("-k", argv_k, "--modules", mods, "--rootfs",
			       "..", "--rw", "--", "true"), 0);
	/* the identity given (--user's), not necessarily ours */
	ret = rootfs_prepare(&cfg, &rf, 1234, 5678);
	ck_assert_msg(!ret, "%s", err_message(ret));
	ck_assert_msg(strstr(cfg.params, "pocvm_uid=1234 pocvm_gid=5678 "
			     "pocvm_rw=1 pocvm_cwd=\"/mods\""), "%s",
		      cfg.params);
	ck_assert(!cfg.shares[0].ro);

	fd = rf.memfd;
	fstat(fd, &st);
	len = st.st_size;
	a = malloc(len);
	ck_assert_int_eq(pread(fd, a, len, 0), (ssize_t)len);
	while (!next_entry(a, len, &off, &e) && strcmp(e.name, "TRAILER!!!")) {
		if (!strcmp(e.name, "init"))
			have_init = e.size > 1000 && !memcmp(e.body, "\177ELF", 4);
		if (!strcmp(e.name, "dev/console"))
			have_console = e.rmaj == 5 && e.rmin == 1;
		if (strncmp(e.name, "modules/", 8) || !e.size)
			continue;
		/* modules/NN-name, NN the load order, body its path */
		ck_assert_int_eq(atoi(e.name + 8), nmod);
		ck_assert_uint_lt(e.size, sizeof(body));
		memcpy(body, e.body, e.size);
		body[e.size] = '\0';
		ck_assert_str_eq(e.name + 11, strrchr(body, '/') + 1);
		order[nmod] = strdup(body);
		nmod++;
	}
	ck_assert_str_eq(e.name, "TRAILER!!!");
	ck_assert(have_init);
	ck_assert(have_console);
	ck_assert_int_eq(nmod, 9);
	/* each after what it needs */
	ck_assert_int_lt(position(order, nmod, "virtio_ring"),
			 position(order, nmod, "virtio_mmio"));
	ck_assert_int_lt(position(order, nmod, "netfs"),
			 position(order, nmod, "/9p.ko"));
	free(a);
	remove_tree();
	rootfs_release(&rf);
	config_release(&cfg);
}
END_TEST

START_TEST(initramfs_kernel_without_9p)
{
	char image[512], mods[512];
	struct rootfs rf;
	int ret;

	make_tree();
	put("mods/modules.dep", "kernel/drivers/virtio/virtio_mmio.ko:\n");
	snprintf(image, sizeof(image), "%s/Image", tree);
	snprintf(mods, sizeof(mods), "%s/mods", tree);
	ck_assert_int_eq(PARSE("-k", image, "--modules", mods), 0);
	ret = rootfs_prepare(&cfg, &rf, getuid(), getgid());
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert_msg(strstr(err_message(ret), "(6.99.0-fake): no "
			     "CONFIG_VIRTIO_CONSOLE: neither built in nor a "
			     "module in"), "%s", err_message(ret));
	ck_assert_int_eq(rf.memfd, -1);
	remove_tree();
	config_release(&cfg);
}
END_TEST

/* Whether the initramfs in rf holds a module file named base. */
static bool has_module(const struct rootfs *rf, const char *base)
{
	struct entry e;
	struct stat st;
	size_t off = 0;
	bool found = false;
	uint8_t *a;

	ck_assert_int_eq(fstat(rf->memfd, &st), 0);
	a = malloc(st.st_size);
	ck_assert_int_eq(pread(rf->memfd, a, st.st_size, 0),
			 (ssize_t)st.st_size);
	while (!next_entry(a, st.st_size, &off, &e))
		if (!strncmp(e.name, "modules/", 8) &&
		    strstr(e.name + 8, base))
			found = true;
	free(a);
	return found;
}

/*
 * No -n: mode=user when passt is on PATH (virtio_net loaded, the
 * address on guest-init's command line), else no network and no error;
 * -n mode=none means none; a given -n mode=user is the one set up; an
 * explicit --passt that is not there fails.
 */
START_TEST(host_rootfs_network)
{
	static const char net_dep[] = "kernel/drivers/net/virtio_net.ko.xz: "
		"kernel/drivers/virtio/virtio_ring.ko.xz\n";
	char image[512], mods[512], bin[512], passt[600], *old_path;
	struct rootfs rf;
	int fd, ret;

	make_tree();
	put("mods/modules.dep", fake_dep);
	put("mods/kernel/drivers/net/virtio_net.ko.xz", "virtio_net");
	snprintf(mods, sizeof(mods), "%s/mods/modules.dep", tree);
	fd = open(mods, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, net_dep, strlen(net_dep)),
			 (ssize_t)strlen(net_dep));
	close(fd);
	snprintf(image, sizeof(image), "%s/Image", tree);
	snprintf(mods, sizeof(mods), "%s/mods", tree);
	snprintf(bin, sizeof(bin), "%s/bin", tree);
	snprintf(passt, sizeof(passt), "%s/passt", bin);
	mkdir(bin, 0755);
	old_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", bin, 1);

	/* no passt on PATH: no network, and the run goes on */
	ck_assert_int_eq(PARSE("-k", image, "--modules", mods, "--rootfs",
			       tree, "--", "true"), 0);
	ret = rootfs_prepare(&cfg, &rf, 0, 0);
	ck_assert_msg(!ret, "%s", err_message(ret));
	ck_assert_uint_eq(cfg.nr_nets, 0);
	ck_assert_ptr_null(strstr(cfg.params, "pocvm_net="));
	ck_assert(!has_module(&rf, "virtio_net"));
	rootfs_release(&rf);

	/* ... unless --passt names one: then that is an error */
	ck_assert_int_eq(PARSE("-k", image, "--modules", mods, "--passt",
			       passt), 0);
	ret = rootfs_prepare(&cfg, &rf, 0, 0);
	ck_assert_int_eq(ret, -ENOENT);
	ck_assert(strstr(err_message(ret), "--passt: "));

	/* passt on PATH: the default network, set up by guest-init */
	put("bin/passt", "#!/bin/sh\n");
	ck_assert_int_eq(chmod(passt, 0755), 0);
	ck_assert_int_eq(PARSE("-k", image, "--modules", mods), 0);
	ret = rootfs_prepare(&cfg, &rf, 0, 0);
	ck_assert_msg(!ret, "%s", err_message(ret));
	ck_assert_uint_eq(cfg.nr_nets, 1);
	ck_assert_int_eq(cfg.nets[0].mode, NET_USER);
	ck_assert(cfg.nets[0].guest_static);
	ck_assert_msg(strstr(cfg.params, " pocvm_net=02:15:15:15:15:00,"
			     "10.0.2.15/24,10.0.2.2"), "%s", cfg.params);
	ck_assert(has_module(&rf, "virtio_net"));
	rootfs_release(&rf);

	/* -n mode=none: none, passt or not */
	ck_assert_int_eq(PARSE("-k", image, "--modules", mods, "-n",
			       "mode=none"), 0);
	ret = rootfs_prepare(&cfg, &rf, 0, 0);
	ck_assert_msg(!ret, "%s", err_message(ret));
	ck_assert_uint_eq(cfg.nr_nets, 0);
	ck_assert_ptr_null(strstr(cfg.params, "pocvm_net="));
	rootfs_release(&rf);

	/* a tap, then a given mode=user: that one is guest-init's */
	ck_assert_int_eq(PARSE("-k", image, "--modules", mods, "-n",
			       "mode=tap", "-n", "mode=user,guest_mac="
			       "02:00:00:00:00:07"), 0);
	ret = rootfs_prepare(&cfg, &rf, 0, 0);
	ck_assert_msg(!ret, "%s", err_message(ret));
	ck_assert_uint_eq(cfg.nr_nets, 2);
	ck_assert(!cfg.nets[0].guest_static);
	ck_assert(cfg.nets[1].guest_static);
	ck_assert_msg(strstr(cfg.params, " pocvm_net=02:00:00:00:00:07,"),
		      "%s", cfg.params);
	rootfs_release(&rf);

	if (old_path)
		setenv("PATH", old_path, 1);
	free(old_path);
	remove_tree();
	config_release(&cfg);
}
END_TEST

/*
 * A flat binary (no Image magic) and no rootfs option: left alone; with
 * one, an error. A kernel that cannot be read: left to the loader.
 */
START_TEST(flat_binary_left_alone)
{
	char path[512];
	struct rootfs rf;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(tree));
	snprintf(path, sizeof(path), "%s/flat.bin", tree);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_eq(write(fd, "\x00\x00\xa0\xe3 flat", 9), 9);
	close(fd);
	ck_assert_int_eq(PARSE("-k", path), 0);
	ck_assert_int_eq(rootfs_prepare(&cfg, &rf, getuid(), getgid()), 0);
	ck_assert_int_eq(rf.memfd, -1);
	ck_assert_uint_eq(cfg.nr_shares, 0);
	ck_assert_int_eq(PARSE("-k", path, "--rw"), 0);
	ck_assert_int_eq(rootfs_prepare(&cfg, &rf, getuid(), getgid()), -EINVAL);
	/* a kernel it cannot read is the loader's to report, in its words */
	ck_assert_int_eq(PARSE("-k", "/nonexistent/Image"), 0);
	ck_assert_int_eq(rootfs_prepare(&cfg, &rf, getuid(), getgid()), 0);
	ck_assert_int_eq(rf.memfd, -1);
	ck_assert_int_eq(PARSE("-k", tree, "--rw"), 0);
	ck_assert_int_eq(rootfs_prepare(&cfg, &rf, getuid(), getgid()), 0);
	ck_assert_int_eq(rf.memfd, -1);
	remove_tree();
	config_release(&cfg);
}
END_TEST

static Suite *rootfs_suite(void)
{
	Suite *s = suite_create("rootfs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, cpio_newc);
	tcase_add_test(tc, cpio_read_by_cpio_tool);
	tcase_add_test(tc, cpio_refuses_long_name);
	tcase_add_test(tc, version_string);
	tcase_add_test(tc, module_names);
	tcase_add_test(tc, module_order);
	tcase_add_test(tc, module_builtin_and_missing);
	tcase_add_test(tc, rootfs_options);
	tcase_add_test(tc, initramfs_with_modules);
	tcase_add_test(tc, initramfs_kernel_without_9p);
	tcase_add_test(tc, flat_binary_left_alone);
	tcase_add_test(tc, host_rootfs_network);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_SUITE(rootfs_suite)
