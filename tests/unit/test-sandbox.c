// SPDX-License-Identifier: GPL-2.0
/*
 * The whole sandbox as `pocvm run` enters it: a config parsed from a
 * command line, sandbox_init() and sandbox_enter(), the very calls
 * cmd-run.c makes once start-up is done. A child process enters it and
 * then tries what a guest that took over pocvm would: truncate a file
 * it was not given, read one, remove one, inject keystrokes, make memory
 * executable. What needs a VM (KVM_RUN, devices) is not here; the rig's
 * sandbox case shows a running pocvm's threads under the same filter.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "privdrop.h"
#include "sandbox.h"
#include "sandbox-test.h"
#include "unit.h"

static char dir[64];
static char kernel[96], other[96], ctl[96], sock[128], sibling[128];
static const char *user_opt;	/* --user for the next child, or NULL */

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
}

/* DIR/kernel (given), DIR/other (not), DIR/ctl/{t,u}.sock. */
static void make_files(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pocvm-sandbox-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* --user nobody must be able to look inside */
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(kernel, sizeof(kernel), "%s/kernel", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl", dir);
	snprintf(sock, sizeof(sock), "%s/t.sock", ctl);
	snprintf(sibling, sizeof(sibling), "%s/u.sock", ctl);
	write_file(kernel, "kernel", 0644);
	write_file(other, "precious", 0644);
	ck_assert_int_eq(mkdir(ctl, 0700), 0);
	write_file(sock, "", 0600);
	write_file(sibling, "", 0600);
}

static void remove_files(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static bool file_is(const char *path, const char *text)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n == (ssize_t)strlen(text) && !memcmp(buf, text, n);
}

/* A field of /proc/self/status, read through fd (opened beforehand). */
static bool status_field(int fd, const char *name, char *val, size_t len)
{
	char buf[4096], *p;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, name);
	if (!p)
		return false;
	p += strlen(name);
	p += strspn(p, " \t");
	snprintf(val, len, "%.*s", (int)strcspn(p, "\n"), p);
	return true;
}

#define EXPECT(call, err)	sbt_expect(r, #call, (long)(call), (err))

static void expect_status(struct sbt_report *r, int fd, const char *name,
			  const char *want)
{
	char val[128];

	if (!status_field(fd, name, val, sizeof(val)))
		sbt_fail(r, "%s not in /proc/self/status", name);
	else if (strncmp(val, want, strlen(want)))
		sbt_fail(r, "%s is '%s', expected '%s'", name, val, want);
}

static void sandboxed_child(struct sbt_report *r)
{
	const char *argv[] = { "run", "-k", kernel, "--reboot", "--name", "t",
			       user_opt ? "--user" : NULL, user_opt, NULL };
	struct config cfg;
	struct sandbox sb;
	char c = 'x';
	int status_fd, fds[2], fd, ctl_fd, argc = 0;
	void *p;

	while (argv[argc])
		argc++;
	status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (status_fd < 0 || pipe(fds) ||
	    config_parse_run(&cfg, argc, (char **)argv) ||
	    sandbox_init(&sb, &cfg)) {
		sbt_fail(r, "set-up: %s", err_message(-EINVAL));
		return;
	}
	/* As the control server holds it: removal goes through this fd. */
	ctl_fd = open(ctl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctl_fd < 0 || sandbox_enter(&sb, ctl_fd, ctl)) {
		sbt_fail(r, "sandbox_enter: %s", err_message(-EINVAL));
		return;
	}
	if (!sb.seccomp_on || !sb.landlock_abi) {
		r->skipped = true;
		return;
	}
	/* what --reboot needs */
	fd = open(kernel, O_RDONLY | O_CLOEXEC);
	EXPECT(fd < 0 ? -1 : 0, 0);
	/* Landlock: a file pocvm was not given does not even open */
	EXPECT(open(other, O_RDONLY), EACCES);
	/* seccomp: neither truncated nor written, given or not */
	EXPECT(open(other, O_WRONLY | O_TRUNC), EPERM);
	EXPECT(open(kernel, O_RDONLY | O_TRUNC), EPERM);
	EXPECT(open(kernel, O_RDWR), EPERM);
	EXPECT(unlinkat(AT_FDCWD, other, 0), EPERM);
	EXPECT(unlinkat(sb.ctl_dir_fd, "../other", 0), EACCES);
	EXPECT(ioctl(fds[0], TIOCSTI, &c), EPERM);
	EXPECT(ioctl(fds[0], TIOCLINUX, &c), EPERM);
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(p == MAP_FAILED ? -1 : 0, 0);
	EXPECT(mprotect(p, 4096, PROT_READ | PROT_EXEC), EPERM);
	/* the kernel's view of this process */
	expect_status(r, status_fd, "Seccomp:", "2");
	expect_status(r, status_fd, "NoNewPrivs:", "1");
	expect_status(r, status_fd, "CapEff:", "0000000000000000");
	expect_status(r, status_fd, "CapPrm:", "0000000000000000");
	if (user_opt) {
		expect_status(r, status_fd, "Uid:", "65534\t65534\t65534");
		expect_status(r, status_fd, "Gid:", "65534\t65534\t65534");
		expect_status(r, status_fd, "Groups:", "65534");
		expect_status(r, status_fd, "CapBnd:", "0000000000000000");
	}
	/* at exit: the control server removes its socket through its fd */
	unlinkat(ctl_fd, strrchr(sock, '/') + 1, 0);
}

START_TEST(test_sandbox_as_started)
{
	make_files();
	user_opt = NULL;
	sbt_run_child(sandboxed_child);
	ck_assert(file_is(other, "precious"));
	ck_assert(file_is(kernel, "kernel"));
	ck_assert(file_is(sibling, ""));
	if (!sbt_last_skipped)
		ck_assert_msg(access(sock, F_OK), "socket not removed");
	remove_files();
}
END_TEST

/*
 * As root, --user 65534 --group 65534. The socket then stays: the
 * directory is root's, and nobody may not remove from it (the next
 * pocvm client that finds it dead does).
 */
START_TEST(test_sandbox_user)
{
	if (geteuid()) {
		fprintf(stderr, "unit: sandbox --user: skipped, not root\n");
		return;
	}
	make_files();
	user_opt = "65534";
	sbt_run_child(sandboxed_child);
	ck_assert(file_is(other, "precious"));
	ck_assert(file_is(sibling, ""));
	if (!sbt_last_skipped)
		ck_assert_msg(!access(sock, F_OK), "nobody removed root's "
			      "socket");
	remove_files();
}
END_TEST

static void unreadable_child(struct sbt_report *r)
{
	const char *argv[] = { "run", "-k", kernel, "--reboot", "--user",
			       "65534", "--group", "65534" };
	struct config cfg;
	struct sandbox sb;
	int ret;

	if (config_parse_run(&cfg, 8, (char **)argv) ||
	    sandbox_init(&sb, &cfg)) {
		sbt_fail(r, "set-up");
		return;
	}
	ret = sandbox_enter(&sb, -1, NULL);
	if (ret != -EACCES || !sb.bad_input ||
	    !strstr(err_message(ret), "--reboot: ") ||
	    !strstr(err_message(ret), "cannot be read again"))
		sbt_fail(r, "sandbox_enter: %d (%s), bad_input %d", ret,
			 err_message(ret), sb.bad_input);
}

/* --reboot with a kernel --user cannot read: exit 2 at start-up. */
START_TEST(test_sandbox_user_cannot_reboot)
{
	if (geteuid()) {
		fprintf(stderr, "unit: sandbox --user: skipped, not root\n");
		return;
	}
	make_files();
	ck_assert_int_eq(chmod(kernel, 0600), 0);
	sbt_run_child(unreadable_child);
	remove_files();
}
END_TEST

static void not_root_child(struct sbt_report *r)
{
	struct identity id = { .change = true, .uid = 4242, .gid = 4242 };
	int ret;

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534)) {
		sbt_fail(r, "set-up: %s", strerror(errno));
		return;
	}
	ret = privileges_drop(&id);
	if (ret != -EPERM || !strstr(err_message(ret), "only root can"))
		sbt_fail(r, "privileges_drop: %d (%s)", ret, err_message(ret));
	if (getuid() != 65534)
		sbt_fail(r, "uid %u", (unsigned int)getuid());
}

/* --user from a user that is not root: refused, with why. */
START_TEST(test_privileges_not_root)
{
	if (geteuid()) {
		fprintf(stderr, "unit: sandbox --user: skipped, not root\n");
		return;
	}
	sbt_run_child(not_root_child);
}
END_TEST

static void *block(void *arg)
{
	pause();
	return arg;
}

static void threaded_child(struct sbt_report *r)
{
	const char *argv[] = { "run", "-k", "K" };
	struct config cfg;
	struct sandbox sb;
	pthread_t t;
	int ret;

	if (config_parse_run(&cfg, 3, (char **)argv) ||
	    sandbox_init(&sb, &cfg) || pthread_create(&t, NULL, block, NULL)) {
		sbt_fail(r, "set-up");
		return;
	}
	ret = sandbox_enter(&sb, -1, NULL);
	if (ret != -EBUSY || !strstr(err_message(ret), "2 threads run"))
		sbt_fail(r, "sandbox_enter: %d (%s)", ret, err_message(ret));
}

/* A thread started before the sandbox would escape Landlock: refused. */
START_TEST(test_sandbox_one_thread)
{
	sbt_run_child(threaded_child);
}
END_TEST

static const char *tmp_file(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/pocvm-ids-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_identity_resolve)
{
	char passwd[64], group[64];
	struct identity id;
	int ret;

	strcpy(passwd, tmp_file("root:x:0:0:root:/root:/bin/sh\n"
				"kvmuser:x:1000:1001::/home/k:/bin/sh\n"));
	strcpy(group, tmp_file("root:x:0:\nkvm:x:107:kvmuser\n"));
	/* nothing asked: no change */
	ck_assert_int_eq(identity_resolve(NULL, NULL, passwd, group, &id), 0);
	ck_assert(!id.change);
	/* a name: its uid and primary group */
	ck_assert_int_eq(identity_resolve("kvmuser", NULL, passwd, group,
					  &id), 0);
	ck_assert(id.change);
	ck_assert_uint_eq(id.uid, 1000);
	ck_assert_uint_eq(id.gid, 1001);
	/* a group by name overrides it */
	ck_assert_int_eq(identity_resolve("kvmuser", "kvm", passwd, group,
					  &id), 0);
	ck_assert_uint_eq(id.gid, 107);
	/* numbers: a known uid brings its group; any gid */
	ck_assert_int_eq(identity_resolve("1000", NULL, passwd, group, &id),
			 0);
	ck_assert_uint_eq(id.gid, 1001);
	ck_assert_int_eq(identity_resolve("4242", "4343", passwd, group,
					  &id), 0);
	ck_assert_uint_eq(id.uid, 4242);
	ck_assert_uint_eq(id.gid, 4343);
	/* bad input, each named */
	ret = identity_resolve("nosuch", NULL, passwd, group, &id);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(err_message(ret),
				     "--user nosuch: no such user"));
	ret = identity_resolve("4242", NULL, passwd, group, &id);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(err_message(ret), "give --group too"));
	ret = identity_resolve(NULL, "nogroup", passwd, group, &id);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_nonnull(strstr(err_message(ret),
				     "--group nogroup: no such group"));
	ret = identity_resolve("4294967295", "1", passwd, group, &id);
	ck_assert_int_eq(ret, -EINVAL);
	unlink(passwd);
	unlink(group);
}
END_TEST

/* openat2 below dirfd as the 9p server makes it: 0, or -1 and errno. */
static long open_beneath(int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC | O_NOFOLLOW,
		.mode = (flags & O_CREAT) ? 0600 : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

/*
 * --9p DIR/rw,rw --9p DIR/ro,ro,ro: below rw the server may create,
 * move across directories (Landlock's REFER) and remove; below ro only
 * read; elsewhere nothing, even through descriptors opened before.
 */
static void p9_child(struct sbt_report *r)
{
	char rw[128], ro[128], a1[160], a2[160];
	const char *argv[] = { "run", "-k", kernel, "--9p", a1, "--9p", a2,
			       NULL };
	int rwfd, rofd, topfd;
	struct config cfg;
	struct sandbox sb;

	snprintf(rw, sizeof(rw), "%s/rw", dir);
	snprintf(ro, sizeof(ro), "%s/ro", dir);
	snprintf(a1, sizeof(a1), "%s,rw", rw);
	snprintf(a2, sizeof(a2), "%s,ro,ro", ro);
	rwfd = open(rw, O_PATH | O_DIRECTORY | O_CLOEXEC);
	rofd = open(ro, O_PATH | O_DIRECTORY | O_CLOEXEC);
	topfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rwfd < 0 || rofd < 0 || topfd < 0 ||
	    config_parse_run(&cfg, 7, (char **)argv) ||
	    sandbox_init(&sb, &cfg) || sandbox_enter(&sb, -1, "")) {
		sbt_fail(r, "set-up: %s", err_message(-EINVAL));
		return;
	}
	if (!sb.seccomp_on || !sb.landlock_abi ||
	    (open_beneath(rofd, "file", O_RDONLY) && errno == ENOSYS)) {
		r->skipped = true;
		return;
	}
	EXPECT(open_beneath(rwfd, "new", O_WRONLY | O_CREAT), 0);
	EXPECT(mkdirat(rwfd, "d", 0700), 0);
	EXPECT(renameat(rwfd, "new", rwfd, "d/moved"), 0);
	EXPECT(symlinkat("x", rwfd, "ln"), 0);
	EXPECT(unlinkat(rwfd, "ln", 0), 0);
	EXPECT(open_beneath(rofd, "file", O_RDONLY), 0);
	EXPECT(open_beneath(rofd, "file", O_WRONLY), EACCES);
	EXPECT(open_beneath(rofd, "new", O_WRONLY | O_CREAT), EACCES);
	EXPECT(mkdirat(rofd, "d", 0700), EACCES);
	EXPECT(unlinkat(rofd, "file", 0), EACCES);
	EXPECT(open_beneath(topfd, "other", O_RDONLY), EACCES);
	EXPECT(mkdirat(topfd, "d", 0700), EACCES);
	/* no moving a file out of the share either */
	EXPECT(renameat(rwfd, "d/moved", topfd, "stolen"), EACCES);
	config_release(&cfg);
}

START_TEST(test_sandbox_9p)
{
	char path[128];

	make_files();
	snprintf(path, sizeof(path), "%s/rw", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/ro", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/ro/file", dir);
	write_file(path, "shared", 0644);
	sbt_run_child(p9_child);
	ck_assert(file_is(path, "shared"));
	ck_assert(file_is(other, "precious"));
	if (!sbt_last_skipped) {
		snprintf(path, sizeof(path), "%s/rw/d/moved", dir);
		ck_assert_int_eq(access(path, F_OK), 0);
	}
	remove_files();
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("sandbox");

	tcase_add_test(tc, test_sandbox_as_started);
	tcase_add_test(tc, test_sandbox_9p);
	tcase_add_test(tc, test_sandbox_user);
	tcase_add_test(tc, test_sandbox_user_cannot_reboot);
	tcase_add_test(tc, test_identity_resolve);
	tcase_add_test(tc, test_sandbox_one_thread);
	tcase_add_test(tc, test_privileges_not_root);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(sandbox_suite)
