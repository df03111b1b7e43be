// SPDX-License-Identifier: GPL-2.0
/*
 * Host-rootfs guests, the host's side: `pocvm run -k Image -- CMD` with
 * no -i boots the host's own tree. The initramfs is built here, in
 * memory (a memfd the loader reads again on each boot): this very binary
 * as /init (it runs guest-init as PID 1), a
 * console node, and for a modular kernel the modules that reach the root
 * (virtio-mmio, virtio-console, 9p, overlay) in dependency order. The
 * root itself is a virtio-9p share; what guest-init needs to know goes
 * on the kernel command line.
 *
 * With no -n at all the guest gets user-mode networking through passt,
 * as virtme-ng gives one, or none if passt is not there: that default
 * must not break a run. guest-init sets up the first mode=user
 * network's address itself, from the command line: the host's tree
 * need have no DHCP client.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <zlib.h>

#include "config-opts.h"
#include "cpio.h"
#include "kmod.h"
#include "log.h"
#include "passt.h"
#include "rootfs.h"
#include "util.h"

/* Bigger than any arm64 Image, compressed or not. */
#define ROOTFS_FILE_MAX		(512ULL << 20)
#define ROOTFS_MODULES_MAX	64
#define ARM64_IMAGE_MAGIC_OFF	0x38
#define ARRAY_LEN(a)		(sizeof(a) / sizeof((a)[0]))

static const struct kmod_want wanted[] = {
	{ "virtio_mmio", "CONFIG_VIRTIO_MMIO", true },
	{ "virtio_console", "CONFIG_VIRTIO_CONSOLE", true },
	{ "9pnet", "CONFIG_NET_9P", true },
	{ "9pnet_virtio", "CONFIG_NET_9P_VIRTIO", true },
	{ "9p", "CONFIG_9P_FS", true },
	/* without it guest-init falls back to tmpfs over a read-only root */
	{ "overlay", "CONFIG_OVERLAY_FS", false },
	/* last: only with a network (nr_wanted()) */
	{ "virtio_net", "CONFIG_VIRTIO_NET", false },
};

/* The modules of wanted[] this guest needs: virtio_net with a network. */
static unsigned int nr_wanted(const struct config *cfg)
{
	return ARRAY_LEN(wanted) - !cfg->nr_nets;
}

/* The whole of path, NUL-terminated; -ENOENT and friends unrecorded. */
static int read_file(const char *path, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > ROOTFS_FILE_MAX) {
		close(fd);
		return -EINVAL;
	}
	*buf = malloc(st.st_size + 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, *buf + got, st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

/* A gzip'd Image, inflated: the banner is only readable that way. */
static int gunzip(const char *in, size_t inlen, char **out, size_t *outlen)
{
	z_stream z = { 0 };
	size_t cap = inlen * 4;
	char *buf = NULL, *p;
	int ret;

	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)in;
	z.avail_in = inlen;
	do {
		if (!buf || !z.avail_out) {
			if (buf)
				cap *= 2;
			if (cap > ROOTFS_FILE_MAX ||
			    !(p = realloc(buf, cap))) {
				ret = Z_MEM_ERROR;
				break;
			}
			buf = p;
			z.next_out = (Bytef *)buf + z.total_out;
			z.avail_out = cap - z.total_out;
		}
		ret = inflate(&z, Z_NO_FLUSH);
	} while (ret == Z_OK);
	*outlen = z.total_out;
	inflateEnd(&z);
	if (ret != Z_STREAM_END) {
		free(buf);
		return -EINVAL;
	}
	*out = buf;
	return 0;
}

/*
 * The kernel, uncompressed, or NULL when it cannot be read or inflated:
 * the loader then says what is wrong with it, in its own words.
 */
static char *read_image(const char *path, size_t *len)
{
	char *raw, *image = NULL;
	size_t rawlen;

	if (read_file(path, &raw, &rawlen))
		return NULL;
	if (rawlen > 2 && (uint8_t)raw[0] == 0x1f && (uint8_t)raw[1] == 0x8b) {
		if (gunzip(raw, rawlen, &image, len))
			image = NULL;
		free(raw);
		return image;
	}
	*len = rawlen;
	return raw;
}

static bool is_arm64_image(const char *image, size_t len)
{
	return image && len > ARM64_IMAGE_MAGIC_OFF + 4 &&
	       !memcmp(image + ARM64_IMAGE_MAGIC_OFF, "ARM\x64", 4);
}

static int add_file(struct cpio *c, const char *name, const char *path)
{
	size_t len;
	char *buf;
	int ret;

	ret = read_file(path, &buf, &len);
	if (ret)
		return err_set(ret, "%s: %s", path, strerror(-ret));
	ret = cpio_add(c, name, S_IFREG | 0755, 0, buf, len);
	free(buf);
	return ret;
}

/*
 * The modules of a modular kernel, in load order, as modules/NN-FILE:
 * guest-init loads them sorted. A kernel with no module tree of its own
 * is taken to have it all built in (guest-init says so if not).
 */
static int add_modules(struct cpio *c, const struct config *cfg,
		       const char *release)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], name[96];
	const char *order[ROOTFS_MODULES_MAX], *missing;
	char *dep = NULL, *builtin = NULL;
	size_t len;
	unsigned int i, n;
	int ret;

	if (cfg->modules)
		snprintf(dir, sizeof(dir), "%s", cfg->modules);
	else if (*release)
		snprintf(dir, sizeof(dir), "/lib/modules/%s", release);
	else
		return 0;
	snprintf(path, sizeof(path), "%s/modules.dep", dir);
	ret = read_file(path, &dep, &len);
	if (ret && !cfg->modules) {
		pr_info("no %s: taking the kernel's virtio and 9p as built in",
			path);
		return 0;
	}
	if (ret)
		return err_set(ret, "--modules %s: %s: %s", dir, path,
			       strerror(-ret));
	snprintf(path, sizeof(path), "%s/modules.builtin", dir);
	read_file(path, &builtin, &len);
	ret = kmod_resolve(dep, builtin, wanted, nr_wanted(cfg), order,
			   ROOTFS_MODULES_MAX, &n, &missing);
	if (ret == -ENOENT && missing)
		err_set(ret, "--kernel %s (%s): no %s: neither built in nor a "
			"module in %s", cfg->kernel, *release ? release : "?",
			missing, dir);
	else if (ret)
		err_set(ret, "%s/modules.dep: %s", dir, strerror(-ret));
	for (i = 0; !ret && i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, order[i]);
		snprintf(name, sizeof(name), "modules/%02u-%s", i,
			 path_base_name(order[i]));
		ret = add_file(c, name, path);
		pr_info("initramfs: %s", name);
	}
	free(dep);
	free(builtin);
	return ret;
}

static int build_initramfs(struct cpio *c, const struct config *cfg,
			   const char *release)
{
	static const char *const dirs[] = {
		"dev", "proc", "sys", "modules", "root", "lower", "rw",
	};
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_LEN(dirs); i++)
		ret = cpio_add(c, dirs[i], S_IFDIR | 0755, 0, NULL, 0);
	/* The kernel opens it for init's stdin/out/err before /dev is up. */
	ret = ret ?: cpio_add(c, "dev/console", S_IFCHR | 0600,
			      makedev(5, 1), NULL, 0);
	ret = ret ?: add_file(c, "init", "/proc/self/exe");
	ret = ret ?: add_modules(c, cfg, release);
	return ret ?: cpio_finish(c);
}

/* The share: DIR and its tag in one allocation, as --9p's are. */
static int add_share(struct config *cfg, const char *dir)
{
	struct share_config *s;
	unsigned int i;
	char *buf;

	for (i = 0; i < cfg->nr_shares; i++)
		if (!strcmp(cfg->shares[i].tag, ROOTFS_TAG))
			return err_set(-EINVAL, "--9p %s: tag '%s' is the "
				       "guest's root", cfg->shares[i].dir,
				       ROOTFS_TAG);
	if (cfg->nr_shares == CONFIG_MAX_SHARES)
		return err_set(-EINVAL, "--9p: at most %d shares beside the "
			       "root", CONFIG_MAX_SHARES - 1);
	buf = malloc(strlen(dir) + sizeof(ROOTFS_TAG) + 1);
	if (!buf)
		return -ENOMEM;
	strcpy(buf, dir);
	strcpy(buf + strlen(dir) + 1, ROOTFS_TAG);
	s = &cfg->shares[cfg->nr_shares++];
	s->dir = buf;
	s->tag = buf + strlen(dir) + 1;
	s->ro = !cfg->rootfs_rw;
	return 0;
}

/*
 * The current directory as the guest sees it, under DIR: "/" when it is
 * outside DIR or the command line cannot carry it.
 */
static void guest_cwd(const char *root, char *out, size_t len)
{
	char cwd[PATH_MAX];
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	snprintf(out, len, "/");
	if (!getcwd(cwd, sizeof(cwd)) || strpbrk(cwd, "\"\n"))
		return;
	if (!strcmp(root, "/") || n == 1)
		snprintf(out, len, "%s", cwd);
	else if (!strncmp(cwd, root, n) && (!cwd[n] || cwd[n] == '/'))
		snprintf(out, len, "%s", cwd[n] ? cwd + n : "/");
}

/*
 * No -n: mode=user if passt is there (the network -n mode=user would
 * give), else no network and one info line. An explicit --passt that
 * is not there is an error, as with -n mode=user. The first mode=user
 * network is guest-init's to set up.
 */
static int add_network(struct config *cfg)
{
	char path[PATH_MAX];
	unsigned int i;
	int ret;

	if (!cfg->net_given) {
		ret = passt_find(cfg->passt, getenv("PATH"), path,
				 sizeof(path));
		if (ret && cfg->passt)
			return ret;
		if (ret) {
			pr_info("host-rootfs guest: no network: passt is not "
				"on PATH (Debian's passt package)");
			return 0;
		}
		ret = config_parse_network(cfg, "mode=user");
		if (ret)
			return ret;
		cfg->nets[cfg->nr_nets - 1].by_default = true;
	}
	for (i = 0; i < cfg->nr_nets; i++) {
		if (cfg->nets[i].mode == NET_USER) {
			cfg->nets[i].guest_static = true;
			break;
		}
	}
	return 0;
}

/* pocvm_net=MAC,ADDR/PREFIX,GATEWAY for guest-init, or "". */
static void net_param(const struct config *cfg, char *out, size_t len)
{
	const uint8_t *m;
	unsigned int i;

	*out = '\0';
	for (i = 0; i < cfg->nr_nets; i++) {
		if (!cfg->nets[i].guest_static)
			continue;
		m = cfg->nets[i].guest_mac;
		snprintf(out, len, " pocvm_net=%02x:%02x:%02x:%02x:%02x:%02x,"
			 "%s/%s,%s", m[0], m[1], m[2], m[3], m[4], m[5],
			 PASST_GUEST_ADDR, PASST_GUEST_PREFIX, PASST_GATEWAY);
	}
}

static int make_params(struct config *cfg, struct rootfs *rf, uid_t uid,
		       gid_t gid)
{
	char cwd[PATH_MAX], root[PATH_MAX], net[96];
	int n;

	/* --rootfs . or ../tree: compared with getcwd()'s absolute path */
	if (!realpath(cfg->rootfs ? cfg->rootfs : "/", root))
		snprintf(root, sizeof(root), "%s", cfg->rootfs);
	guest_cwd(root, cwd, sizeof(cwd));
	net_param(cfg, net, sizeof(net));
	/* Unknown key=value words are guest-init's environment. */
	n = asprintf(&rf->params, "%s%spocvm_uid=%u pocvm_gid=%u pocvm_rw=%d "
		     "pocvm_cwd=\"%s\"%s", cfg->params ? cfg->params : "",
		     cfg->params ? " " : "", (unsigned int)uid,
		     (unsigned int)gid, cfg->rootfs_rw, cwd, net);
	if (n < 0) {
		rf->params = NULL;
		return -ENOMEM;
	}
	cfg->params = rf->params;
	return 0;
}

static bool wants_rootfs(const struct config *cfg)
{
	if (cfg->rootfs || cfg->rootfs_rw || cfg->modules)
		return true;
	return cfg->kernel && !cfg->initrd && !cfg->firmware &&
	       !cfg->aarch32 && !cfg->nodefaults && !cfg->dump_dtb &&
	       !(cfg->params && strstr(cfg->params, "root="));
}

int rootfs_prepare(struct config *cfg, struct rootfs *rf, uid_t uid,
		   gid_t gid)
{
	char release[KMOD_VERSION_MAX] = "";
	const char *dir = cfg->rootfs ? cfg->rootfs : "/";
	bool asked = cfg->rootfs || cfg->rootfs_rw || cfg->modules;
	struct cpio c = { 0 };
	struct stat st;
	size_t len = 0;
	char *image;
	int ret;

	rf->memfd = -1;
	rf->params = NULL;
	if (!wants_rootfs(cfg))
		return cfg->passt && !cfg->net_given ?
		       err_set(-EINVAL, "--passt: only -n mode=user or a "
			       "host-rootfs guest starts passt") : 0;
	image = read_image(cfg->kernel, &len);
	if (!image)
		return 0;
	if (!is_arm64_image(image, len)) {
		free(image);
		return asked ? err_set(-EINVAL, "--kernel %s: a host-rootfs "
				       "guest needs an arm64 Linux Image",
				       cfg->kernel) : 0;
	}
	kmod_find_version(image, len, release, sizeof(release));
	free(image);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return err_set(-EINVAL, "--rootfs %s: not a directory", dir);
	ret = add_network(cfg);
	if (ret)
		return ret;

	ret = build_initramfs(&c, cfg, release);
	if (!ret) {
		rf->memfd = memfd_create("pocvm-initramfs", MFD_CLOEXEC);
		if (rf->memfd < 0)
			ret = err_set(-errno, "initramfs: memfd_create: %s",
				      strerror(errno));
	}
	if (!ret && write_full(rf->memfd, c.data, c.len))
		ret = err_set(-EIO, "initramfs: cannot write it to memory");
	if (!ret)
		pr_info("initramfs for %s: %zu bytes, root %s%s",
			*release ? release : "an unknown release", c.len, dir,
			cfg->rootfs_rw ? " (rw)" : "");
	cpio_free(&c);
	ret = ret ?: add_share(cfg, dir);
	ret = ret ?: make_params(cfg, rf, uid, gid);
	if (ret) {
		rootfs_release(rf);
		return ret;
	}
	return 0;
}

void rootfs_release(struct rootfs *rf)
{
	if (rf->memfd >= 0)
		close(rf->memfd);
	rf->memfd = -1;
	free(rf->params);
	rf->params = NULL;
}
