// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's plumbing: the directory it lives in, taking a
 * guest's name, serving clients from the event loop without ever waiting
 * on one, and the client side. What a line means is control-proto.c's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "event-loop.h"
#include "log.h"

#define SUN_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)
#define LEAF_MAX	(CONFIG_NAME_MAX + sizeof(".sock"))
/* A client waits longer than the guest would keep it. */
#define CLIENT_TIMEOUT_S	(CONTROL_DEADLINE_MS / 1000 * 2)
/* accept() failing for want of fds or memory: try again after this. */
#define ACCEPT_RETRY_NS		(1000ULL * 1000 * 1000)

struct control_client {
	struct control_server *srv;
	int fd;				/* -1: a free slot */
	bool writing;			/* waiting for room to send */
	uint64_t deadline;		/* CLOCK_MONOTONIC ns */
	struct control_conn conn;
};

struct control_server {
	struct event_loop *loop;
	const struct control_command *cmds;
	void *arg;
	uint64_t deadline_ns;
	int dir_fd;
	int fd;				/* listening */
	int timer_fd;
	uint64_t accept_resume;		/* 0: accepting */
	char leaf[LEAF_MAX];		/* NAME.sock */
	struct control_client clients[CONTROL_MAX_CLIENTS];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

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

/*
 * The directory's fd, once it is known to be a real directory of ours
 * that nobody else may enter: whoever can write there can take a guest's
 * name or stand in for it. Made 0700 if missing and create is set.
 */
static int open_dir(const char *dir, bool create)
{
	bool made = false;
	struct stat st;
	int fd, err;

	if (create) {
		if (!mkdir(dir, 0700))
			made = true;
		else if (errno != EEXIST)
			return err_set(-errno, "%s: %s", dir, strerror(errno));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT && !create)
			return err;
		if (err != -ELOOP && err != -ENOTDIR)
			return err_set(err, "%s: %s", dir, strerror(-err));
		return err_set(-EPERM, "%s: %s: refusing to use it for "
			       "control sockets", dir,
			       !lstat(dir, &st) && S_ISLNK(st.st_mode) ?
			       "a symlink, not a directory" :
			       "not a directory");
	}
	/* The umask may have taken bits mkdir() was given. */
	if ((made && fchmod(fd, 0700)) || fstat(fd, &st)) {
		err = err_set(-errno, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		err = err_set(-EPERM, "%s: owned by uid %u, not by this user "
			      "(uid %u): refusing to use it for control "
			      "sockets", dir, (unsigned int)st.st_uid,
			      (unsigned int)geteuid());
		goto fail;
	}
	if (st.st_mode & 077) {
		err = err_set(-EPERM, "%s: mode %04o lets others in (want "
			      "0700): refusing to use it for control sockets",
			      dir, (unsigned int)(st.st_mode & 07777));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

/* dir/NAME.sock as an address, and NAME.sock alone for the *at() calls. */
static int socket_addr(const char *dir, const char *name,
		       struct sockaddr_un *sa, char leaf[LEAF_MAX])
{
	int n;

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(leaf, LEAF_MAX, "%s.sock", name);
	if (n < 0 || (size_t)n >= LEAF_MAX)
		return err_set(-ENAMETOOLONG, "'%s': name too long", name);
	n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", dir, leaf);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path))
		return err_set(-ENAMETOOLONG, "control socket path too long");
	return 0;
}

/*
 * Who is at sa, without waiting: -EEXIST someone answers, -ECONNREFUSED
 * a socket nobody listens on (its pocvm died), -ENOENT nothing; any
 * other error (EACCES, EAGAIN: a full backlog) means we cannot tell.
 */
static int probe(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int ret;

	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) ?
	      -errno : -EEXIST;
	close(fd);
	return ret;
}

/*
 * Remove a socket its pocvm left behind. Under the directory's lock, so
 * that it cannot be a new guest's, bound but not yet listening.
 */
static void remove_stale(int dir_fd, const char *leaf,
			 const struct sockaddr_un *sa)
{
	if (flock(dir_fd, LOCK_EX))
		return;
	if (probe(sa) == -ECONNREFUSED)
		unlinkat(dir_fd, leaf, 0);
	flock(dir_fd, LOCK_UN);
}

/* The next thing the timer has to do: a client's deadline, accepting. */
static void arm_timer(struct control_server *srv)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	uint64_t next = srv->accept_resume;
	unsigned int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		const struct control_client *cl = &srv->clients[i];

		if (cl->fd >= 0 && (!next || cl->deadline < next))
			next = cl->deadline;
	}
	if (next) {
		/* 0 would disarm: a deadline at 0 ns is long past anyway. */
		its.it_value.tv_sec = next / 1000000000ULL;
		its.it_value.tv_nsec = next % 1000000000ULL ?: 1;
	}
	if (timerfd_settime(srv->timer_fd, TFD_TIMER_ABSTIME, &its, NULL))
		pr_warn("control socket: timer: %s", strerror(errno));
}

static void client_drop(struct control_client *cl)
{
	struct control_server *srv = cl->srv;

	event_loop_del(srv->loop, cl->fd);
	close(cl->fd);
	cl->fd = -1;
	cl->writing = false;
	control_conn_release(&cl->conn);
	arm_timer(srv);
}

/*
 * Closing with unread input makes the client's read() fail (ECONNRESET)
 * instead of ending at our reply: take what came after the line.
 */
static void discard_input(int fd)
{
	char buf[256];
	int i;

	for (i = 0; i < 4; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
}

/* Send what the socket takes now; the rest when it has room. */
static void client_send(struct control_client *cl)
{
	size_t left;
	ssize_t n;

	while ((left = control_conn_pending(&cl->conn))) {
		n = send(cl->fd, cl->conn.reply + cl->conn.reply_sent, left,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (!cl->writing &&
			    event_loop_mod(cl->srv->loop, cl->fd, EPOLLOUT))
				break;
			cl->writing = true;
			return;
		}
		if (n <= 0)
			break;
		if (control_conn_sent(&cl->conn, n))
			discard_input(cl->fd);
	}
	/* All sent, or the client is gone: either way, done. */
	client_drop(cl);
}

static void on_client(void *arg, uint32_t events)
{
	struct control_client *cl = arg;
	char buf[256];
	ssize_t n;

	/* Events may still arrive for a slot dropped in the same batch. */
	if (cl->fd < 0)
		return;
	while (!cl->conn.reply) {
		n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;		/* a partial line: wait for more */
		if (n <= 0 || control_conn_input(&cl->conn, cl->srv->cmds,
						 cl->srv->arg, buf, n) < 0) {
			client_drop(cl);
			return;
		}
	}
	client_send(cl);
}

static void client_start(struct control_server *srv, int fd)
{
	static const char busy[] = "error: too many control clients at once\n";
	struct control_client *cl = NULL;
	unsigned int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS && !cl; i++)
		if (srv->clients[i].fd < 0)
			cl = &srv->clients[i];
	if (!cl) {
		/* Best effort: this client gets one try to read it. */
		if (send(fd, busy, sizeof(busy) - 1,
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			pr_debug("control socket: %s", strerror(errno));
		discard_input(fd);
		close(fd);
		return;
	}
	memset(&cl->conn, 0, sizeof(cl->conn));
	cl->deadline = now_ns() + srv->deadline_ns;
	cl->writing = false;
	if (event_loop_add(srv->loop, fd, EPOLLIN, on_client, cl)) {
		close(fd);
		return;
	}
	cl->fd = fd;
	arm_timer(srv);
}

static void on_accept(void *arg, uint32_t events)
{
	struct control_server *srv = arg;
	unsigned int i;
	int fd;

	/* Bounded: a flood of connects cannot keep the loop here. */
	for (i = 0; i < 2 * CONTROL_MAX_CLIENTS; i++) {
		fd = accept4(srv->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd >= 0) {
			client_start(srv, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN) {
			/* Out of fds or memory: not a reason to spin. */
			pr_warn("control socket: accept: %s", strerror(errno));
			if (!event_loop_mod(srv->loop, srv->fd, 0)) {
				srv->accept_resume = now_ns() + ACCEPT_RETRY_NS;
				arm_timer(srv);
			}
		}
		return;
	}
}

static void on_timer(void *arg, uint32_t events)
{
	struct control_server *srv = arg;
	uint64_t expirations, now;
	unsigned int i;

	if (read(srv->timer_fd, &expirations, sizeof(expirations)) < 0 &&
	    errno != EAGAIN)
		pr_debug("control socket: timer: %s", strerror(errno));
	now = now_ns();
	if (srv->accept_resume && srv->accept_resume <= now &&
	    !event_loop_mod(srv->loop, srv->fd, EPOLLIN))
		srv->accept_resume = 0;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &srv->clients[i];

		if (cl->fd >= 0 && cl->deadline <= now)
			client_drop(cl);
	}
	arm_timer(srv);
}

/*
 * The name is taken already: by a guest that answers (-EEXIST), or by a
 * socket its pocvm left when it died, removed here (0: try again).
 */
static int reclaim_name(struct control_server *srv, const char *name,
			const struct sockaddr_un *sa)
{
	int ret = probe(sa);

	if (ret == -EEXIST)
		return err_set(-EEXIST, "--name %s: a guest of that name is "
			       "already running", name);
	/* Nobody answers: a socket left by a pocvm that died. */
	if (ret == -ECONNREFUSED && unlinkat(srv->dir_fd, srv->leaf, 0) &&
	    errno != ENOENT)
		return err_set(-errno, "%s: %s", sa->sun_path, strerror(errno));
	if (ret != -ECONNREFUSED && ret != -ENOENT)
		return err_set(-EEXIST, "--name %s: cannot tell whether a "
			       "guest of that name runs (%s: %s); not "
			       "replacing its socket", name, sa->sun_path,
			       strerror(-ret));
	return 0;
}

/*
 * Take name in the directory (held locked): -EEXIST if it is in use.
 * bind() first, which fails on a name taken: only then is there anyone
 * to ask, so a start-up (and pocvm's are short) makes no probe at all.
 */
static int take_name(struct control_server *srv, const char *name,
		     const struct sockaddr_un *sa)
{
	int ret, tries;

	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			 0);
	if (srv->fd < 0)
		return err_set(-errno, "control socket: %s", strerror(errno));
	for (tries = 0;; tries++) {
		if (!bind(srv->fd, (const struct sockaddr *)sa, sizeof(*sa)))
			break;
		ret = errno == EADDRINUSE && !tries ?
		      reclaim_name(srv, name, sa) :
		      err_set(-errno, "%s: %s", sa->sun_path, strerror(errno));
		if (ret) {
			close(srv->fd);
			srv->fd = -1;
			return ret;
		}
	}
	if (fchmodat(srv->dir_fd, srv->leaf, 0600, 0) < 0 ||
	    listen(srv->fd, CONTROL_MAX_CLIENTS) < 0) {
		ret = err_set(-errno, "%s: %s", sa->sun_path, strerror(errno));
		close(srv->fd);
		srv->fd = -1;
		unlinkat(srv->dir_fd, srv->leaf, 0);
		return ret;
	}
	return 0;
}

int control_server_open(struct control_server **srvp, const char *name,
			struct event_loop *loop,
			const struct control_command *cmds, void *arg,
			unsigned int deadline_ms)
{
	struct control_server *srv = calloc(1, sizeof(*srv));
	char dir[SUN_PATH_MAX];
	struct sockaddr_un sa;
	unsigned int i;
	int ret;

	if (!srv)
		return err_set(-ENOMEM, "control socket: out of memory");
	srv->loop = loop;
	srv->cmds = cmds;
	srv->arg = arg;
	srv->deadline_ns = deadline_ms * 1000000ULL;
	srv->fd = srv->timer_fd = -1;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		srv->clients[i].srv = srv;
		srv->clients[i].fd = -1;
	}
	ret = control_dir(dir, sizeof(dir));
	ret = ret ?: socket_addr(dir, name, &sa, srv->leaf);
	if (ret)
		goto fail;
	srv->dir_fd = ret = open_dir(dir, true);
	if (ret < 0)
		goto fail;
	/* Another pocvm starting under the same name waits its turn. */
	if (flock(srv->dir_fd, LOCK_EX)) {
		ret = err_set(-errno, "%s: %s", dir, strerror(errno));
		goto fail_dir;
	}
	ret = take_name(srv, name, &sa);
	flock(srv->dir_fd, LOCK_UN);
	if (ret)
		goto fail_dir;

	srv->timer_fd = timerfd_create(CLOCK_MONOTONIC,
				       TFD_CLOEXEC | TFD_NONBLOCK);
	if (srv->timer_fd < 0) {
		ret = err_set(-errno, "control socket: timerfd: %s",
			      strerror(errno));
		goto fail_sock;
	}
	ret = event_loop_add(loop, srv->timer_fd, EPOLLIN, on_timer, srv);
	if (ret) {
		ret = err_set(ret, "control socket: %s", strerror(-ret));
		goto fail_sock;
	}
	ret = event_loop_add(loop, srv->fd, EPOLLIN, on_accept, srv);
	if (ret) {
		event_loop_del(loop, srv->timer_fd);
		ret = err_set(ret, "control socket: %s", strerror(-ret));
		goto fail_sock;
	}
	*srvp = srv;
	return 0;

fail_sock:
	if (srv->timer_fd >= 0)
		close(srv->timer_fd);
	close(srv->fd);
	unlinkat(srv->dir_fd, srv->leaf, 0);
fail_dir:
	close(srv->dir_fd);
fail:
	free(srv);
	return ret;
}

int control_server_dir_fd(const struct control_server *srv)
{
	return srv->dir_fd;
}

void control_server_close(struct control_server *srv)
{
	unsigned int i;

	if (!srv)
		return;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		if (srv->clients[i].fd < 0)
			continue;
		close(srv->clients[i].fd);
		control_conn_release(&srv->clients[i].conn);
	}
	close(srv->fd);
	close(srv->timer_fd);
	unlinkat(srv->dir_fd, srv->leaf, 0);
	close(srv->dir_fd);
	free(srv);
}

/*
 * A client's connection, bounded in time both ways: a guest that is
 * stopped (SIGSTOP) or wedged must not hang `pocvm list`.
 */
static int connect_client(const struct sockaddr_un *sa)
{
	struct timeval tmo = { .tv_sec = CLIENT_TIMEOUT_S };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	/* SO_SNDTIMEO also bounds connect() on a full backlog. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) ||
	    connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* The directory if it exists and is safe; -ENOENT: no guest ever ran. */
static int client_dir(char dir[SUN_PATH_MAX])
{
	int ret = control_dir(dir, SUN_PATH_MAX);

	return ret ?: open_dir(dir, false);
}

int control_request(const char *name, const char *cmd, FILE *out)
{
	char dir[SUN_PATH_MAX], leaf[LEAF_MAX], buf[4096];
	int dir_fd, fd, ret, err;
	bool answered = false;
	struct sockaddr_un sa;
	ssize_t n;

	if (config_name_valid(name))
		return err_set(-EINVAL, "-n: '%s' is not a guest name", name);
	dir_fd = client_dir(dir);
	if (dir_fd == -ENOENT)
		return err_set(-ESRCH, "%s: no such guest", name);
	if (dir_fd < 0)
		return dir_fd;
	ret = socket_addr(dir, name, &sa, leaf);
	if (ret)
		goto out_dir;
	fd = connect_client(&sa);
	if (fd == -ECONNREFUSED)
		remove_stale(dir_fd, leaf, &sa);
	if (fd == -ECONNREFUSED || fd == -ENOENT) {
		ret = err_set(-ESRCH, "%s: no such guest", name);
		goto out_dir;
	}
	if (fd < 0) {
		ret = err_set(fd, "%s: cannot reach it at %s: %s", name,
			      sa.sun_path, strerror(-fd));
		goto out_dir;
	}
	/*
	 * One send: the guest may answer and close as soon as it has it.
	 * If the send fails, the guest may still have said why (busy).
	 */
	snprintf(buf, sizeof(buf), "%s\n", cmd);
	err = send(fd, buf, strlen(buf), MSG_NOSIGNAL) < 0 ? errno : 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, n, out);
		answered = true;
	}
	if (n < 0 && !err)
		err = errno;
	/* A reset after the answer (the guest closed first) is no error. */
	if (!answered && err)
		ret = err_set(-err, "%s: no answer: %s", name, strerror(err));
	close(fd);
out_dir:
	close(dir_fd);
	return ret;
}

int control_ask(const char *name, const char *cmd, char **reply)
{
	size_t len = 0;
	FILE *out;
	int ret;

	*reply = NULL;
	out = open_memstream(reply, &len);
	if (!out)
		return err_set(-ENOMEM, "out of memory");
	ret = control_request(name, cmd, out);
	if (fclose(out) && !ret)
		ret = err_set(-ENOMEM, "out of memory");
	if (ret) {
		free(*reply);
		*reply = NULL;
	}
	return ret;
}

const char *control_reply_error(const char *reply)
{
	static const char prefix[] = "error: ";

	if (strncmp(reply, prefix, sizeof(prefix) - 1))
		return NULL;
	return reply + sizeof(prefix) - 1;
}

int control_ask_ok(const char *name, const char *cmd, char **reply)
{
	const char *err;
	int ret;

	ret = control_ask(name, cmd, reply);
	if (ret)
		return ret;
	err = control_reply_error(*reply);
	if (!err)
		return 0;
	ret = err_set(-ENODEV, "%s: %.*s", name, (int)strcspn(err, "\n"),
		      err);
	free(*reply);
	*reply = NULL;
	return ret;
}

int control_for_each(int (*fn)(const char *name, void *arg), void *arg)
{
	char dir[SUN_PATH_MAX], leaf[LEAF_MAX];
	struct dirent *de;
	int dir_fd, ret = 0;
	DIR *d;

	dir_fd = client_dir(dir);
	if (dir_fd == -ENOENT)
		return 0;
	if (dir_fd < 0)
		return dir_fd;
	d = fdopendir(dir_fd);
	if (!d) {
		ret = err_set(-errno, "%s: %s", dir, strerror(errno));
		close(dir_fd);
		return ret;
	}
	while ((de = readdir(d))) {
		char name[CONFIG_NAME_MAX + 1];
		size_t len = strlen(de->d_name);
		struct sockaddr_un sa;
		int fd;

		if (len < 6 || len - 5 > CONFIG_NAME_MAX ||
		    strcmp(de->d_name + len - 5, ".sock"))
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if (config_name_valid(name) ||
		    socket_addr(dir, name, &sa, leaf))
			continue;
		fd = probe(&sa);
		if (fd == -ECONNREFUSED)
			remove_stale(dir_fd, leaf, &sa);
		/* A full backlog is a busy guest, not a dead one. */
		if (fd != -EEXIST && fd != -EAGAIN)
			continue;
		ret = fn(name, arg);
		if (ret)
			break;
	}
	closedir(d);
	return ret;
}
