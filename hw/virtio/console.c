// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (device ID 3, virtio 1.2 section 5.3), multiport. Port 0
 * is the guest's hvc0 when --console virtio is given; port 1 is always
 * there, named "org.pocvm.exit-status": a guest program writes its exit
 * status to it as a decimal line, and pocvm exits 35 if the guest then
 * powers off after reporting a non-zero status (see README.md).
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "console.h"
#include "event-loop.h"
#include "log.h"
#include "virtio.h"
#include "vm.h"

#define CONSOLE_F_MULTIPORT	1

#define CONS_QUEUE_SIZE		128
#define CONS_NR_PORTS		2
#define PORT_CONSOLE		0
#define PORT_STATUS		1
#define STATUS_PORT_NAME	"org.pocvm.exit-status"

/* Queues: port 0 rx/tx, control rx/tx, then rx/tx for ports 1, 2, ... */
#define Q_CTRL_RX		2
#define Q_CTRL_TX		3
#define CONS_NR_QUEUES		(2 + 2 * CONS_NR_PORTS)

/* Control events (section 5.3.6.2). */
#define CTRL_DEVICE_READY	0
#define CTRL_PORT_ADD		1
#define CTRL_PORT_READY		3
#define CTRL_CONSOLE_PORT	4
#define CTRL_PORT_OPEN		6
#define CTRL_PORT_NAME		7

struct ctrl_msg {
	uint32_t id;
	uint16_t event;
	uint16_t value;
} __attribute__((packed));

#define OUTBOX_SIZE		8
#define INPUT_BUF		256
#define STATUS_LINE_MAX		16

struct vconsole {
	struct virtio_dev *vdev;
	struct vm *vm;
	bool has_console;		/* port 0 exists: --console virtio */
	/* Control messages waiting for a buffer on the control rx queue. */
	struct ctrl_msg outbox[OUTBOX_SIZE];
	unsigned int out_head, out_count;
	/* Keyboard bytes waiting for a buffer on port 0's rx queue. */
	uint8_t in_buf[INPUT_BUF];
	unsigned int in_len;
	int in_fd;			/* -1: no input */
	bool in_paused;
	struct console_input input;
	char status_line[STATUS_LINE_MAX];
	unsigned int status_len;
	bool status_warned;
};

static unsigned int port_rx_queue(unsigned int port)
{
	return port ? 2 + 2 * port : 0;
}

static void cons_send_pending(struct vconsole *c)
{
	struct virtq *vq = &c->vdev->vqs[Q_CTRL_RX];
	struct virtq_req req;
	struct ctrl_msg *m;
	uint8_t msg[sizeof(*m) + sizeof(STATUS_PORT_NAME)];
	uint64_t len;
	bool pushed = false;
	int ret;

	while (c->out_count && vq->ready) {
		ret = virtq_pop(vq, &req);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			virtio_dev_broken(c->vdev);
			return;
		}
		m = &c->outbox[c->out_head];
		memcpy(msg, m, sizeof(*m));
		len = sizeof(*m);
		/* The port's name follows the header of a PORT_NAME. */
		if (le16toh(m->event) == CTRL_PORT_NAME) {
			memcpy(msg + len, STATUS_PORT_NAME,
			       strlen(STATUS_PORT_NAME));
			len += strlen(STATUS_PORT_NAME);
		}
		len = virtq_req_fill(&req, msg, len);
		pr_debug("virtio-console: sent event %u port %u value %u",
			 le16toh(m->event), le32toh(m->id), le16toh(m->value));
		c->out_head = (c->out_head + 1) % OUTBOX_SIZE;
		c->out_count--;
		if (virtq_push(vq, req.head, len))
			break;
		pushed = true;
	}
	if (pushed)
		virtio_notify(c->vdev, vq);
}

static void cons_queue_ctrl(struct vconsole *c, uint32_t id, uint16_t event,
			    uint16_t value)
{
	struct ctrl_msg *m;

	/* The driver answers each message before we send more than 8. */
	if (c->out_count == OUTBOX_SIZE) {
		pr_guest(&c->vdev->log_rl, LOG_WARN,
			 "virtio-console: control messages lost");
		return;
	}
	m = &c->outbox[(c->out_head + c->out_count++) % OUTBOX_SIZE];
	m->id = htole32(id);
	m->event = htole16(event);
	m->value = htole16(value);
}

static void cons_port_ready(struct vconsole *c, uint32_t id)
{
	if (id == PORT_CONSOLE && c->has_console) {
		cons_queue_ctrl(c, id, CTRL_CONSOLE_PORT, 1);
	} else if (id == PORT_STATUS) {
		cons_queue_ctrl(c, id, CTRL_PORT_NAME, 1);
	} else {
		return;
	}
	/* pocvm's end is always connected: writes must not block. */
	cons_queue_ctrl(c, id, CTRL_PORT_OPEN, 1);
}

static void cons_control(struct vconsole *c, const struct ctrl_msg *m)
{
	uint32_t id = le32toh(m->id);
	uint16_t value = le16toh(m->value);

	/* The handshake that makes hvc0, for --loglevel debug. */
	pr_debug("virtio-console: guest says event %u port %u value %u",
		 le16toh(m->event), id, value);
	switch (le16toh(m->event)) {
	case CTRL_DEVICE_READY:
		if (!value)
			break;
		if (c->has_console)
			cons_queue_ctrl(c, PORT_CONSOLE, CTRL_PORT_ADD, 0);
		cons_queue_ctrl(c, PORT_STATUS, CTRL_PORT_ADD, 0);
		break;
	case CTRL_PORT_READY:
		if (value)
			cons_port_ready(c, id);
		else
			pr_guest(&c->vdev->log_rl, LOG_WARN,
				 "virtio-console: guest failed to add port %u",
				 id);
		break;
	default:
		/* PORT_OPEN and the rest need nothing from pocvm. */
		break;
	}
}

/* The guest's exit status: one decimal line, e.g. "3\n". */
static void cons_status_byte(struct vconsole *c, char ch)
{
	char *end;
	long v;

	if (ch != '\n') {
		if (c->status_len < STATUS_LINE_MAX - 1)
			c->status_line[c->status_len++] = ch;
		return;
	}
	c->status_line[c->status_len] = '\0';
	c->status_len = 0;
	errno = 0;
	v = strtol(c->status_line, &end, 10);
	if (errno || end == c->status_line || *end || v < 0 || v > 255) {
		if (!c->status_warned)
			pr_guest(&c->vdev->log_rl, LOG_WARN,
				 "%s: '%s' is not an exit status (0-255)",
				 STATUS_PORT_NAME, c->status_line);
		c->status_warned = true;
		return;
	}
	pr_guest(&c->vdev->log_rl, LOG_INFO,
		 "guest reported exit status %ld", v);
	vm_set_guest_status(c->vm, v);
}

static void cons_port_output(struct vconsole *c, unsigned int port,
			     const struct virtq_req *req)
{
	unsigned int i;
	uint64_t j;

	for (i = 0; i < req->nr_out; i++) {
		const char *p = req->iov[i].iov_base;

		if (port == PORT_CONSOLE) {
			console_write(&c->vm->console, p, req->iov[i].iov_len);
			continue;
		}
		for (j = 0; j < req->iov[i].iov_len; j++)
			cons_status_byte(c, p[j]);
	}
}

static void cons_fill_input(struct vconsole *c)
{
	struct virtq *vq = &c->vdev->vqs[port_rx_queue(PORT_CONSOLE)];
	struct virtq_req req;
	uint64_t n;
	bool pushed = false;
	int ret;

	while (c->in_len && vq->ready) {
		ret = virtq_pop(vq, &req);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			virtio_dev_broken(c->vdev);
			return;
		}
		n = virtq_req_fill(&req, c->in_buf, c->in_len);
		memmove(c->in_buf, c->in_buf + n, c->in_len - n);
		c->in_len -= n;
		if (virtq_push(vq, req.head, n))
			break;
		pushed = true;
	}
	if (pushed)
		virtio_notify(c->vdev, vq);
	/* Room again: take more keyboard input. */
	if (c->in_paused && c->in_len < INPUT_BUF) {
		c->in_paused = false;
		event_loop_mod(c->vm->loop, c->in_fd, EPOLLIN);
	}
}

static void cons_queue_notify(struct virtio_dev *vdev, struct virtq *vq)
{
	struct vconsole *c = vdev->priv;
	struct virtq_req req;
	struct ctrl_msg m;
	bool pushed = false;
	int ret;

	if (vq->index == Q_CTRL_RX) {
		cons_send_pending(c);
		return;
	}
	if (vq->index == port_rx_queue(PORT_CONSOLE)) {
		cons_fill_input(c);
		return;
	}
	if (!(vq->index & 1))
		return;		/* other rx queues: pocvm never sends there */
	while ((ret = virtq_pop(vq, &req)) == 0) {
		if (vq->index == Q_CTRL_TX) {
			if (virtq_req_gather(&req, &m, sizeof(m),
					     sizeof(m)) == sizeof(m))
				cons_control(c, &m);
		} else {
			cons_port_output(c, vq->index == 1 ? PORT_CONSOLE :
					 (vq->index - 3) / 2, &req);
		}
		if (virtq_push(vq, req.head, 0))
			break;
		pushed = true;
	}
	if (ret && ret != -EAGAIN) {
		virtio_dev_broken(vdev);
		return;
	}
	if (pushed)
		virtio_notify(vdev, vq);
	if (vq->index == Q_CTRL_TX)
		cons_send_pending(c);
}

static void cons_input(void *arg, uint32_t events)
{
	struct vconsole *c = arg;
	struct device *dev = c->vdev->dev;
	uint8_t buf[INPUT_BUF];
	size_t room;
	bool quit;
	ssize_t n;

	pthread_mutex_lock(&dev->lock);
	room = INPUT_BUF - c->in_len;
	if (!room) {
		/* The guest is not reading: wait for its rx buffers. */
		c->in_paused = true;
		event_loop_mod(c->vm->loop, c->in_fd, 0);
		goto out;
	}
	n = read(c->in_fd, buf, room);
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			goto out;
		/* End of input (e.g. /dev/null): stop watching it. */
		event_loop_del(c->vm->loop, c->in_fd);
		c->in_fd = -1;
		goto out;
	}
	n = console_filter_input(&c->input, buf, n, &quit);
	memcpy(c->in_buf + c->in_len, buf, n);
	c->in_len += n;
	if (quit)
		vm_request_stop(c->vm, VM_SIGINT, -1);
	cons_fill_input(c);
out:
	pthread_mutex_unlock(&dev->lock);
}

/*
 * `pocvm debug -s C` on a guest whose console is hvc0: Linux's hvc
 * driver takes ^O then C on its console as SysRq C, so that is what
 * port 0 receives, after any typed-ahead input.
 */
static int cons_control_cmd(struct virtio_dev *vdev, const char *cmd,
			    const char *args, FILE *out)
{
	struct vconsole *c = vdev->priv;
	unsigned char ch = args[0];

	if (strcmp(cmd, "sysrq") || !c->has_console)
		return -ENOENT;
	if (!ch || args[1] || ch < 0x21 || ch > 0x7e) {
		fprintf(out, "error: not one printable sysrq character\n");
		return 0;
	}
	if (INPUT_BUF - c->in_len < 2) {
		fprintf(out, "error: the console's input is full; try again\n");
		return 0;
	}
	c->in_buf[c->in_len++] = '\x0f';
	c->in_buf[c->in_len++] = ch;
	cons_fill_input(c);
	fprintf(out, "sysrq %c sent\n", ch);
	return 0;
}

static int cons_start(struct virtio_dev *vdev)
{
	struct vconsole *c = vdev->priv;
	int ret;

	c->vdev = vdev;
	if (c->in_fd < 0)
		return 0;
	ret = event_loop_add(c->vm->loop, c->in_fd, EPOLLIN, cons_input, c);
	if (ret == -EPERM) {
		/* A regular file as stdin cannot be polled: no input. */
		c->in_fd = -1;
		return 0;
	}
	return ret;
}

static void cons_config_read(struct virtio_dev *vdev, uint32_t off,
			     void *data, unsigned int len)
{
	/* cols, rows (unused without F_SIZE), max_nr_ports, emerg_wr */
	uint8_t cfg[12] = { 0 };
	uint32_t ports = htole32(CONS_NR_PORTS);

	memcpy(cfg + 4, &ports, sizeof(ports));
	memcpy(data, cfg + off, len);
}

static void cons_reset(struct virtio_dev *vdev)
{
	struct vconsole *c = vdev->priv;

	c->out_head = c->out_count = 0;
	c->status_len = 0;
	c->status_warned = false;
	/* Typed-ahead input survives: the next driver gets it. */
}

static void cons_teardown(struct virtio_dev *vdev)
{
	free(vdev->priv);
	vdev->priv = NULL;
}

static const struct virtio_dev_ops console_ops = {
	.name = "virtio-console",
	.device_id = 3,
	.features = 1ULL << CONSOLE_F_MULTIPORT,
	.nr_queues = CONS_NR_QUEUES,
	.queue_num_max = CONS_QUEUE_SIZE,
	.config_size = 12,
	.config_read = cons_config_read,
	.queue_notify = cons_queue_notify,
	.reset = cons_reset,
	.start = cons_start,
	.teardown = cons_teardown,
	.control = cons_control_cmd,
	/* the exit status, written right before the guest powers off */
	.drain_at_stop = true,
};

static int console_create(struct vm *vm)
{
	struct vconsole *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->vm = vm;
	c->in_fd = -1;
	c->has_console = vm->cfg->console == CONSOLE_VIRTIO;
	if (c->has_console) {
		c->in_fd = STDIN_FILENO;
		c->input.tty = isatty(STDIN_FILENO);
	}
	ret = virtio_mmio_add(vm, &console_ops, c);
	if (ret)
		free(c);
	return ret;
}

const struct device_type virtio_console_type = {
	.name = "virtio-console",
	.create = console_create,
};
