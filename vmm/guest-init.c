// SPDX-License-Identifier: GPL-2.0
/*
 * Host-rootfs guests, the guest's side: pocvm itself as the initramfs's
 * /init (PID 1). It loads the modules pocvm packed, mounts the host's
 * tree (virtio-9p, tag pocvm-root) as the root, read-only under a tmpfs
 * overlay unless --rw, then /proc /sys /dev /tmp /run; brings up lo and
 * the user-mode network's interface, names the host, runs the command
 * as the invoking user in the invoking directory (or a shell), reports
 * its status on the exit-status port and powers off. Everything comes
 * from the kernel command line: pocvm_uid, pocvm_gid, pocvm_rw,
 * pocvm_cwd, pocvm_net and pocvm_argc as environment, the command as
 * the last pocvm_argc arguments.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <termios.h>
#include <unistd.h>

#include "rootfs.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE	4
#endif
#define EXIT_PORT_NAME	"org.pocvm.exit-status"
#define GUEST_HOSTNAME	"pocvm"
#define P9_OPTS		"trans=virtio,version=9p2000.L,msize=131072,cache=mmap"

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pocvm guest-init: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int mount_one(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) == 0)
		return 0;
	return -errno;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* pocvm named them NN-FILE in dependency order: load them sorted. */
static void load_modules(void)
{
	struct dirent **names;
	char path[PATH_MAX];
	bool packed;
	int i, n, fd;

	n = scandir("/modules", &names, NULL, by_name);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] == '.')
			goto next;
		snprintf(path, sizeof(path), "/modules/%s", names[i]->d_name);
		packed = !strstr(path, ".ko") || strstr(path, ".ko")[3];
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 ||
		    (syscall(SYS_finit_module, fd, "",
			     packed ? MODULE_INIT_COMPRESSED_FILE : 0) &&
		     errno != EEXIST)) {
			if (packed && (errno == EOPNOTSUPP || errno == EINVAL))
				say("%s: the kernel cannot load compressed "
				    "modules (CONFIG_MODULE_DECOMPRESS)", path);
			else
				say("%s: %s", path, strerror(errno));
		}
		if (fd >= 0)
			close(fd);
next:
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

/* The root at /root: the share itself (--rw), or a tmpfs overlay on it. */
static int mount_root(bool rw)
{
	int ret;

	if (rw) {
		ret = mount_one(ROOTFS_TAG, "/root", "9p", 0, P9_OPTS);
		goto out;
	}
	ret = mount_one(ROOTFS_TAG, "/lower", "9p", MS_RDONLY, P9_OPTS);
	if (ret)
		goto out;
	ret = mount_one("tmpfs", "/rw", "tmpfs", 0, "mode=0755");
	if (!ret && (mkdir("/rw/upper", 0755) || mkdir("/rw/work", 0755)))
		ret = -errno;
	if (!ret)
		ret = mount_one("overlay", "/root", "overlay", 0,
				"lowerdir=/lower,upperdir=/rw/upper,"
				"workdir=/rw/work");
	if (!ret)
		return 0;
	/* The writes then go to /tmp and /run only: say so, once. */
	say("no overlay (CONFIG_OVERLAY_FS?): %s; the root is read-only, "
	    "/tmp and /run are tmpfs", strerror(-ret));
	ret = mount_one("/lower", "/root", NULL, MS_MOVE, NULL);
out:
	if (ret)
		say("cannot mount the root (9p tag %s): %s (CONFIG_9P_FS, "
		    "CONFIG_NET_9P_VIRTIO?)", ROOTFS_TAG, strerror(-ret));
	return ret;
}

/* /proc /sys /dev /tmp /run in the new root, where it has the dirs. */
static void mount_api(void)
{
	static const struct {
		const char *dst, *type, *data;
	} m[] = {
		{ "/root/proc", "proc", NULL },
		{ "/root/sys", "sysfs", NULL },
		{ "/root/dev", "devtmpfs", NULL },
		{ "/root/dev/pts", "devpts", "gid=5,mode=620,ptmxmode=666" },
		{ "/root/tmp", "tmpfs", "mode=1777" },
		{ "/root/run", "tmpfs", "mode=0755" },
	};
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (!strcmp(m[i].type, "devpts"))
			mkdir(m[i].dst, 0755);
		ret = mount_one(m[i].type, m[i].dst, m[i].type,
				MS_NOSUID | (strcmp(m[i].type, "devtmpfs") ?
					     MS_NODEV : 0), m[i].data);
		if (ret)
			say("%s: %s", m[i].dst + 5, strerror(-ret));
	}
}

static int switch_root(void)
{
	if (chdir("/root") || mount(".", "/", NULL, MS_MOVE, NULL) ||
	    chroot(".") || chdir("/")) {
		say("switching to the new root: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void bring_up_lo(void)
{
	struct sockaddr_in *sin;
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ioctl(fd, SIOCSIFADDR, &ifr) && errno != EEXIST)
		say("lo: address: %s", strerror(errno));
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			say("lo: up: %s", strerror(errno));
	}
	close(fd);
}

/* The name of the interface with MAC mac, into name; false if none. */
static bool find_if(int fd, const uint8_t mac[6], char name[IF_NAMESIZE])
{
	struct if_nameindex *ifs, *i;
	struct ifreq ifr;
	bool found = false;

	ifs = if_nameindex();
	for (i = ifs; i && i->if_index && !found; i++) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) ||
		    memcmp(ifr.ifr_hwaddr.sa_data, mac, 6))
			continue;
		snprintf(name, IF_NAMESIZE, "%s", i->if_name);
		found = true;
	}
	if (ifs)
		if_freenameindex(ifs);
	return found;
}

static void set_in4(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = a };

	memcpy(sa, &sin, sizeof(sin));
}

/*
 * pocvm_net=MAC,ADDR/PREFIX,GATEWAY: what passt was told to hand out.
 * The interface with that MAC gets the address and the default route,
 * with the kernel's ioctls: nothing in the root's userspace is needed.
 */
static void bring_up_net(const char *spec)
{
	unsigned int m[6], prefix, i;
	struct in_addr addr, gw, mask;
	char a[16], g[16], name[IF_NAMESIZE];
	struct rtentry rt = { 0 };
	struct ifreq ifr = { 0 };
	uint8_t mac[6];
	int fd, tries;

	if (sscanf(spec, "%x:%x:%x:%x:%x:%x,%15[0-9.]/%u,%15[0-9.]",
		   &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], a, &prefix,
		   g) != 9 || prefix > 32 || !inet_aton(a, &addr) ||
	    !inet_aton(g, &gw)) {
		say("pocvm_net=%s: not MAC,ADDR/PREFIX,GATEWAY", spec);
		return;
	}
	for (i = 0; i < 6; i++)
		mac[i] = m[i];
	mask.s_addr = prefix ? htonl(~0U << (32 - prefix)) : 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		say("network: socket: %s", strerror(errno));
		return;
	}
	/* A driver loaded from /modules has probed by now; allow 1 s. */
	for (tries = 0; !find_if(fd, mac, name); tries++) {
		if (tries == 10) {
			say("network: no interface has MAC %.17s "
			    "(CONFIG_VIRTIO_NET?)", spec);
			close(fd);
			return;
		}
		usleep(100 * 1000);
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	set_in4(&ifr.ifr_addr, addr);
	if (ioctl(fd, SIOCSIFADDR, &ifr))
		goto fail;
	set_in4(&ifr.ifr_netmask, mask);
	if (ioctl(fd, SIOCSIFNETMASK, &ifr) || ioctl(fd, SIOCGIFFLAGS, &ifr))
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		goto fail;
	set_in4(&rt.rt_dst, (struct in_addr){ 0 });
	set_in4(&rt.rt_genmask, (struct in_addr){ 0 });
	set_in4(&rt.rt_gateway, gw);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = name;
	if (ioctl(fd, SIOCADDRT, &rt) && errno != EEXIST)
		goto fail;
	close(fd);
	return;
fail:
	say("network: %s %s/%u via %s: %s", name, a, prefix, g,
	    strerror(errno));
	close(fd);
}

/* The exit-status port's device, once virtio-console has met it: 5 s. */
static int open_exit_port(void)
{
	char path[PATH_MAX], name[64];
	struct dirent *e;
	int i, fd;
	DIR *d;
	FILE *f;

	for (i = 0; i < 50; i++) {
		d = opendir("/sys/class/virtio-ports");
		while (d && (e = readdir(d))) {
			snprintf(path, sizeof(path),
				 "/sys/class/virtio-ports/%s/name", e->d_name);
			f = fopen(path, "re");
			if (!f)
				continue;
			if (!fgets(name, sizeof(name), f))
				name[0] = '\0';
			fclose(f);
			name[strcspn(name, "\n")] = '\0';
			if (strcmp(name, EXIT_PORT_NAME))
				continue;
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd >= 0) {
				closedir(d);
				return fd;
			}
		}
		if (d)
			closedir(d);
		usleep(100 * 1000);
	}
	say("no virtio-console port %s: the status stays in the guest",
	    EXIT_PORT_NAME);
	return -1;
}

/* HOME and the login shell of uid, from the root's /etc/passwd. */
static void passwd_entry(unsigned int uid, char *home, char *shell,
			 size_t len)
{
	char line[1024], *f[7], *p;
	unsigned int i;
	FILE *pw = fopen("/etc/passwd", "re");

	snprintf(home, len, "/");
	snprintf(shell, len, "/bin/sh");
	while (pw && fgets(line, sizeof(line), pw)) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0, p = line; i < 7 && p; i++) {
			f[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (i < 7 || strtoul(f[2], NULL, 10) != uid)
			continue;
		if (*f[5])
			snprintf(home, len, "%s", f[5]);
		if (*f[6] && !access(f[6], X_OK))
			snprintf(shell, len, "%s", f[6]);
		break;
	}
	if (pw)
		fclose(pw);
}

/* The console's own tty, so that the command gets job control and ^C. */
static void console_ctty(void)
{
	char buf[256], path[300], *name;
	FILE *f = fopen("/sys/class/tty/console/active", "re");
	int fd;

	if (!f)
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	name = strrchr(buf, ' ');
	name = name ? name + 1 : buf;
	if (!*name)
		return;
	snprintf(path, sizeof(path), "/dev/%s", name);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	ioctl(0, TIOCSCTTY, 0);
}

/*
 * When a session's leader exits, Linux hangs up its controlling tty (a
 * serial console is no pty), and the hang-up drops whatever the tty has
 * yet to send: the command's last lines. So the leader is not the
 * command but this process, which waits for it, lets the tty drain and
 * exits with its status (128 + the signal for a killed command, as PID 1
 * reports it). It ignores the terminal's signals, which are the
 * command's to take.
 */
static void lead_session(pid_t pid)
{
	int wstatus = 1 << 8;

	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);	/* tcdrain() from the background */
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	tcdrain(STDOUT_FILENO);
	if (WIFEXITED(wstatus))
		_exit(WEXITSTATUS(wstatus));
	_exit(128 + WTERMSIG(wstatus));
}

static void run_child(char **cmd, unsigned int uid, unsigned int gid,
		      const char *cwd)
{
	char home[PATH_MAX], shell[PATH_MAX], *sh_argv[] = { shell, NULL };
	char *path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
		     "/usr/bin:/sbin:/bin";
	pid_t pid;

	setsid();
	console_ctty();
	pid = fork();
	if (pid > 0)
		lead_session(pid);
	if (pid < 0)
		say("fork: %s: the command's last lines may be lost",
		    strerror(errno));
	passwd_entry(uid, home, shell, sizeof(home));
	clearenv();
	putenv(path);
	setenv("HOME", home, 1);
	setenv("TERM", "linux", 1);
	setenv("SHELL", shell, 1);
	if (setgroups(0, NULL) && uid == 0)
		say("setgroups: %s", strerror(errno));
	if (setgid(gid) || setuid(uid)) {
		say("uid %u gid %u: %s", uid, gid, strerror(errno));
		_exit(126);
	}
	if (chdir(cwd) && chdir(home) && chdir("/"))
		say("cd %s: %s", cwd, strerror(errno));
	if (!cmd)
		cmd = sh_argv;
	execvp(cmd[0], cmd);
	say("%s: %s", cmd[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static unsigned int env_uint(const char *name, unsigned int dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 10) : dflt;
}

static void power_off(void)
{
	kill(-1, SIGKILL);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void report(int port, int status)
{
	char line[16];

	snprintf(line, sizeof(line), "%d\n", status);
	if (write(port, line, strlen(line)) < 0)
		say("reporting status %d: %s", status, strerror(errno));
}

/* No root: status 1 on the exit port (pocvm exits 35), then off. */
static void fail_boot(void)
{
	int port;

	mount_one("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount_one("sysfs", "/sys", "sysfs", 0, NULL);
	port = open_exit_port();
	if (port >= 0)
		report(port, 1);
	power_off();
}

int guest_init_main(int argc, char **argv)
{
	unsigned int argc_cmd = env_uint("pocvm_argc", 0);
	unsigned int uid = env_uint("pocvm_uid", 0);
	unsigned int gid = env_uint("pocvm_gid", 0);
	const char *cwd = getenv("pocvm_cwd");
	const char *net = getenv("pocvm_net");
	char **cmd = NULL;
	int port, status, wstatus = 0;
	pid_t child, pid;

	if (argc_cmd && argc_cmd < (unsigned int)argc)
		cmd = argv + argc - argc_cmd;
	mount_one("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount_one("proc", "/proc", "proc", 0, NULL);
	mount_one("sysfs", "/sys", "sysfs", 0, NULL);
	load_modules();
	/* Our own mounts go with the old root: the new one mounts anew. */
	umount("/proc");
	umount("/sys");
	umount("/dev");
	if (mount_root(env_uint("pocvm_rw", 0)) || (mount_api(), switch_root()))
		fail_boot();
	bring_up_lo();
	if (net && *net)
		bring_up_net(net);
	if (sethostname(GUEST_HOSTNAME, strlen(GUEST_HOSTNAME)))
		say("hostname: %s", strerror(errno));
	port = open_exit_port();
	child = fork();
	if (child == 0)
		run_child(cmd, uid, gid, cwd && *cwd ? cwd : "/");
	if (child < 0) {
		say("fork: %s", strerror(errno));
		power_off();
	}
	/* PID 1 reaps every orphan until its own child is done. */
	do {
		pid = wait(&wstatus);
	} while (pid != child && !(pid < 0 && errno != EINTR));
	if (pid != child)
		status = 1;
	else if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else
		status = 128 + WTERMSIG(wstatus);
	/*
	 * The command's last lines may still sit in the console's transmit
	 * buffer, which the power-off would drop.
	 */
	tcdrain(STDOUT_FILENO);
	if (cmd && port >= 0)
		report(port, status);
	power_off();
	return 0;
}
