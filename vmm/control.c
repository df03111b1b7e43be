// SPDX-License-Identifier: GPL-2.0
/* The per-guest control socket: server (in the event loop) and client. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "arm64.h"
#include "config.h"
#include "control.h"
#include "event-loop.h"
#include "log.h"
#include "poc-clean.h"
#include "vm.h"

#define NAME_MAX_LEN	CONFIG_NAME_MAX

int control_dir(char *buf, size_t len)
{
	const char *run = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");
	int n;

	if (run && *run)
		n = snprintf(buf, len, "%s/pocvm", run);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.pocvm", home);
	else
		return err_set(-ENOENT, "control socket: neither "
			       "XDG_RUNTIME_DIR nor HOME is set");
	if (n < 0 || (size_t)n >= len)
		return err_set(-ENAMETOOLONG, "control socket: directory "
			       "name too long");
	return 0;
}

static int socket_path(const char *name, struct sockaddr_un *sa)
{
	char dir[sizeof(sa->sun_path)];
	int ret, n;

	ret = control_dir(dir, sizeof(dir));
	if (ret)
		return ret;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s.sock", dir,
		     name);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
		return err_set(-ENAMETOOLONG, "control socket path too long");
	return 0;
}

static int connect_to(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Answer one command; runs in the event loop thread. */
static void control_answer(struct vm *vm, const char *cmd, FILE *out)
{
	bool was_paused;
	unsigned int i;

	if (!strcmp(cmd, "status")) {
		fprintf(out, "%s %d %s\n", vm->name, (int)getpid(),
			vm_is_paused(vm) ? "paused" : "running");
	} else if (!strcmp(cmd, "stop")) {
		vm_request_stop(vm, VM_STOPPED, -1);
		fprintf(out, "stopping\n");
	} else if (!strcmp(cmd, "pause")) {
		fprintf(out, vm_pause(vm) ? "error: not running\n" : "paused\n");
	} else if (!strcmp(cmd, "resume")) {
		vm_resume(vm);
		fprintf(out, "running\n");
	} else if (!strcmp(cmd, "debug")) {
		/* Registers can only be read from VCPUs outside KVM_RUN. */
		was_paused = vm_is_paused(vm);
		if (!was_paused && vm_pause(vm)) {
			fprintf(out, "error: not running\n");
			return;
		}
		fprintf(out, "guest %s, pid %d, %s, boot %u\n", vm->name,
			(int)getpid(), was_paused ? "paused" : "running",
			vm->boot_count);
		for (i = 0; i < vm->nr_vcpus; i++)
			arm64_vcpu_dump(&vm->vcpus[i], out);
		flush_report_print(&vm->flush, out);
		if (!was_paused)
			vm_resume(vm);
	} else {
		fprintf(out, "error: unknown command '%s'\n", cmd);
	}
}

static void control_accept(void *arg, uint32_t events)
{
	struct timeval tmo = { .tv_sec = 1 };
	struct vm *vm = arg;
	char cmd[32];
	FILE *out;
	ssize_t n;
	int fd;

	fd = accept4(vm->control_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* A client that connects and says nothing must not stall us. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo));
	n = read(fd, cmd, sizeof(cmd) - 1);
	if (n <= 0) {
		close(fd);
		return;
	}
	cmd[n] = '\0';
	cmd[strcspn(cmd, "\r\n")] = '\0';
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		return;
	}
	control_answer(vm, cmd, out);
	fclose(out);
}

int control_listen(struct vm *vm)
{
	struct sockaddr_un sa;
	char dir[sizeof(sa.sun_path)];
	int fd, ret;

	ret = control_dir(dir, sizeof(dir));
	ret = ret ?: socket_path(vm->name, &sa);
	if (ret)
		return ret;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(-errno, "%s: %s", dir, strerror(errno));
	fd = connect_to(&sa);
	if (fd >= 0) {
		close(fd);
		return err_set(-EEXIST, "--name %s: a guest of that name is "
			       "already running", vm->name);
	}
	/* Nobody answers: a socket left by a pocvm that died. */
	unlink(sa.sun_path);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return err_set(-errno, "control socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(sa.sun_path, 0600) < 0 || listen(fd, 4) < 0) {
		ret = err_set(-errno, "%s: %s", sa.sun_path, strerror(errno));
		close(fd);
		unlink(sa.sun_path);
		return ret;
	}
	vm->control_fd = fd;
	snprintf(vm->socket_path, sizeof(vm->socket_path), "%s", sa.sun_path);
	ret = event_loop_add(vm->loop, fd, EPOLLIN, control_accept, vm);
	if (ret)
		control_close(vm);
	return ret;
}

void control_close(struct vm *vm)
{
	if (vm->control_fd < 0)
		return;
	close(vm->control_fd);
	vm->control_fd = -1;
	unlink(vm->socket_path);
}

int control_request(const char *name, const char *cmd, FILE *out)
{
	struct sockaddr_un sa;
	char buf[4096];
	ssize_t n;
	int fd, ret;

	if (config_name_valid(name))
		return err_set(-EINVAL, "-n: '%s' is not a guest name", name);
	ret = socket_path(name, &sa);
	if (ret)
		return ret;
	fd = connect_to(&sa);
	if (fd < 0) {
		if (fd == -ECONNREFUSED)
			unlink(sa.sun_path);
		return err_set(-ESRCH, "%s: no such guest", name);
	}
	/* One send: the guest may answer and close as soon as it has it. */
	snprintf(buf, sizeof(buf), "%s\n", cmd);
	if (send(fd, buf, strlen(buf), MSG_NOSIGNAL) < 0) {
		ret = err_set(-errno, "%s: %s", name, strerror(errno));
		close(fd);
		return ret;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, out);
	close(fd);
	return 0;
}

int control_for_each(int (*fn)(const char *name, void *arg), void *arg)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct dirent *de;
	DIR *d;
	int ret;

	ret = control_dir(dir, sizeof(dir));
	if (ret)
		return ret;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : err_set(-errno, "%s: %s", dir,
						     strerror(errno));
	while ((de = readdir(d))) {
		char name[NAME_MAX_LEN + 1];
		size_t len = strlen(de->d_name);
		struct sockaddr_un sa;
		int fd;

		if (len < 6 || len - 5 > NAME_MAX_LEN ||
		    strcmp(de->d_name + len - 5, ".sock"))
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if (config_name_valid(name) || socket_path(name, &sa))
			continue;
		fd = connect_to(&sa);
		if (fd < 0) {
			if (fd == -ECONNREFUSED)
				unlink(sa.sun_path);
			continue;
		}
		close(fd);
		ret = fn(name, arg);
		if (ret)
			break;
	}
	closedir(d);
	return ret;
}
