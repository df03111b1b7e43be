// SPDX-License-Identifier: GPL-2.0
/*
 * A GDB remote serial protocol stub, all-stop: when the debugger has
 * control every VCPU is parked outside KVM_RUN (the same parking as
 * `pocvm pause`) and the guest's counter is frozen. One thread per VM
 * serves one debugger connection at a time; VCPUs are gdb threads 1..n.
 * This file is the connection and the VCPU stops; the protocol, which
 * is arch-neutral, is vmm/gdb-proto.c; registers and debug hardware are
 * in arm64/gdb-arm64.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb-stub.h"
#include "log.h"
#include "util.h"
#include "vm.h"

/*
 * A VCPU stopped for a breakpoint set by a debugger that has gone since:
 * there is nobody to tell, so let the guest run on.
 */
static void release_orphan_stop(struct gdb *g)
{
	bool stopped;

	pthread_mutex_lock(&g->lock);
	stopped = g->stop_vcpu >= 0;
	g->stop_vcpu = -1;
	pthread_mutex_unlock(&g->lock);
	if (stopped) {
		vm_pause(g->vm);
		vm_resume(g->vm);
	}
}

static void disconnect(struct gdb *g)
{
	gdb_remove_all_debug(g);
	close(g->fd);
	g->fd = -1;
	g->in_len = 0;
	g->no_ack = false;
	pthread_mutex_lock(&g->lock);
	g->stop_vcpu = -1;
	pthread_mutex_unlock(&g->lock);
	g->running = true;
	vm_resume(g->vm);
	pr_info("gdb: debugger detached; the guest runs on");
}

static void accept_debugger(struct gdb *g)
{
	int one = 1;

	g->fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (g->fd < 0)
		return;
	setsockopt(g->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* The debugger starts out in control: stop the guest for it. */
	gdb_stop_guest(g);
	g->g_vcpu = g->c_vcpu = 0;
	pr_info("gdb: debugger attached");
}

static void *gdb_thread(void *arg)
{
	struct gdb *g = arg;
	struct pollfd pfd[2];
	uint64_t count;
	ssize_t n;

	for (;;) {
		pfd[0].fd = g->fd >= 0 ? g->fd : g->listen_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = g->wake_fd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			if (read(g->wake_fd, &count, sizeof(count)) < 0)
				count = 0;
			if (g->ending)
				break;
			if (g->fd >= 0)
				gdb_report_stop(g);
			else
				release_orphan_stop(g);
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (g->fd < 0) {
			accept_debugger(g);
			continue;
		}
		n = recv(g->fd, g->in + g->in_len, PACKET_MAX - g->in_len, 0);
		if (n > 0)
			g->in_len += n;
		if (n <= 0 || !gdb_handle_input(g)) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				pr_debug("gdb: connection ends: %s",
					 n ? strerror(errno) : "closed");
			disconnect(g);
			continue;
		}
		if (g->in_len >= PACKET_MAX)
			g->in_len = 0;	/* garbage: drop it */
	}
	if (g->fd >= 0) {
		char msg[8];

		snprintf(msg, sizeof(msg), "W%02x", g->exit_code & 0xff);
		gdb_send_packet(g, msg);
	}
	return NULL;
}

static int parse_listen_addr(const struct config *cfg, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(cfg->gdb_port);
	if (inet_pton(AF_INET, cfg->gdb_host, &sa->sin_addr) != 1)
		return err_set(-EINVAL, "--gdb: '%s' is not an IPv4 address",
			       cfg->gdb_host);
	return 0;
}

int gdb_serve(struct vm *vm)
{
	struct gdb *g = vm->gdb;
	int ret;

	if (!g || g->thread_started)
		return 0;
	g->running = !vm_is_paused(vm);
	ret = pthread_create(&g->thread, NULL, gdb_thread, g);
	if (ret)
		return err_set(-ret, "gdb: cannot start the stub's thread");
	g->thread_started = true;
	pr_info("gdb: waiting for a debugger on %s:%u (%u hardware "
		"breakpoints, %u watchpoints)%s", vm->cfg->gdb_host,
		vm->cfg->gdb_port, g->nr_hw_bps, g->nr_wps,
		vm_is_paused(vm) ? "; the guest waits for it" : "");
	return 0;
}

int gdb_listen(struct vm *vm)
{
	struct sockaddr_in sa;
	struct gdb *g;
	int one = 1, ret;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->vm = vm;
	g->fd = -1;
	g->stop_vcpu = -1;
	g->wake_fd = g->listen_fd = -1;
	pthread_mutex_init(&g->lock, NULL);
	gdb_arch_hw_slots(vm, &g->nr_hw_bps, &g->nr_wps);
	ret = parse_listen_addr(vm->cfg, &sa);
	if (ret)
		goto fail;
	g->wake_fd = eventfd(0, EFD_CLOEXEC);
	g->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (g->wake_fd < 0 || g->listen_fd < 0) {
		ret = -errno;
		goto fail;
	}
	setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(g->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(g->listen_fd, 1)) {
		ret = err_set(-errno, "--gdb: cannot listen on %s:%u: %s",
			      vm->cfg->gdb_host, vm->cfg->gdb_port,
			      strerror(errno));
		goto fail;
	}
	vm->gdb = g;
	vm->debug_exit = gdb_vcpu_debug_exit;
	return 0;
fail:
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	if (g->wake_fd >= 0)
		close(g->wake_fd);
	free(g);
	return ret;
}

void gdb_vcpu_debug_exit(struct vcpu *vcpu)
{
	struct gdb *g = vcpu->vm->gdb;
	uint64_t one = 1, addr;
	enum gdb_stop_kind kind;

	if (!g)
		return;
	kind = gdb_arch_stop_kind(vcpu, &addr);
	pr_debug("gdb: VCPU %u: debug exit, kind %d", vcpu->index, kind);
	pthread_mutex_lock(&g->lock);
	/* The first VCPU to stop is the one reported. */
	if (g->stop_vcpu < 0) {
		g->stop_vcpu = vcpu->index;
		g->stop_kind = kind;
		g->stop_addr = addr;
	}
	pthread_mutex_unlock(&g->lock);
	/* This VCPU parks at its next checkpoint; the others get kicked. */
	vm_pause_request(vcpu->vm);
	if (write(g->wake_fd, &one, sizeof(one)) < 0)
		pr_warn("gdb: cannot wake the stub: %s", strerror(errno));
}

void gdb_shutdown(struct vm *vm, int code)
{
	struct gdb *g = vm->gdb;
	uint64_t one = 1;

	if (!g)
		return;
	g->exit_code = code;
	__atomic_store_n(&g->ending, true, __ATOMIC_RELEASE);
	if (write(g->wake_fd, &one, sizeof(one)) < 0)
		pr_warn("gdb: cannot wake the stub: %s", strerror(errno));
	if (g->thread_started)
		pthread_join(g->thread, NULL);
	if (g->fd >= 0)
		close(g->fd);
	close(g->listen_fd);
	close(g->wake_fd);
	vm->debug_exit = NULL;
	vm->gdb = NULL;
	free(g);
}
