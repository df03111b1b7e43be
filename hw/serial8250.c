// SPDX-License-Identifier: GPL-2.0
/*
 * An 8250/16550A UART on MMIO: the default console. Output goes to stdout
 * as the guest writes it; input comes from stdin through the event loop,
 * with the interrupt raised and lowered as a 16550A would.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "console.h"
#include "event-loop.h"
#include "fdt-build.h"
#include "layout.h"
#include "log.h"
#include "vm.h"

#define UART_CLOCK	1843200
#define RX_FIFO_SIZE	64

/* Register offsets (reg-shift 0) and bits. */
#define UART_RX		0	/* RBR; THR on write; DLL with DLAB */
#define UART_IER	1	/* DLM with DLAB */
#define UART_IIR	2	/* FCR on write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define IER_RDI		0x01
#define IER_THRI	0x02
#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO	0xc0
#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02
#define LCR_DLAB	0x80
#define MCR_LOOP	0x10
#define LSR_DR		0x01
#define LSR_BI		0x10	/* the byte at the FIFO's head came with a break */
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define MSR_DEFAULT	0xb0	/* DCD, DSR, CTS: a line that is always up */

struct serial8250 {
	struct device *dev;
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thr_pending;	/* THR-empty interrupt waiting for IIR read */
	bool irq_level;
	uint8_t rx[RX_FIFO_SIZE];
	bool rx_break[RX_FIFO_SIZE];	/* that byte is a break's NUL */
	unsigned int rx_head, rx_count;
	int in_fd;		/* -1: no input */
	bool in_paused;
	struct console_input input;
	char path[32];		/* DT path, for /chosen/stdout-path */
};

static void uart_update_irq(struct serial8250 *u)
{
	bool level = ((u->ier & IER_RDI) && u->rx_count) ||
		     ((u->ier & IER_THRI) && u->thr_pending);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	vm_set_irq(u->dev->vm, u->dev->spi, level);
}

static void uart_output(struct serial8250 *u, uint8_t c)
{
	console_write(&u->dev->vm->console, &c, 1);
}

static uint8_t uart_read(struct serial8250 *u, unsigned int reg)
{
	uint8_t v = 0;

	switch (reg) {
	case UART_RX:
		if (u->lcr & LCR_DLAB)
			return u->dll;
		if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_break[u->rx_head] = false;
			u->rx_head = (u->rx_head + 1) % RX_FIFO_SIZE;
			u->rx_count--;
			/* Room again: let the event loop read more input. */
			if (u->in_paused && u->in_fd >= 0) {
				u->in_paused = false;
				event_loop_mod(u->dev->vm->loop, u->in_fd,
					       EPOLLIN);
			}
		}
		break;
	case UART_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case UART_IIR:
		if ((u->ier & IER_RDI) && u->rx_count) {
			v = IIR_RDI;
		} else if ((u->ier & IER_THRI) && u->thr_pending) {
			v = IIR_THRI;
			/* Reading IIR acknowledges a THR-empty interrupt. */
			u->thr_pending = false;
		} else {
			v = IIR_NO_INT;
		}
		if (u->fcr & FCR_ENABLE)
			v |= IIR_FIFO;
		break;
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		v = LSR_THRE | LSR_TEMT;
		if (u->rx_count)
			v |= LSR_DR;
		if (u->rx_count && u->rx_break[u->rx_head])
			v |= LSR_BI;
		return v;
	case UART_MSR:
		return (u->mcr & MCR_LOOP) ? 0 : MSR_DEFAULT;
	case UART_SCR:
		return u->scr;
	}
	uart_update_irq(u);
	return v;
}

static void uart_write(struct serial8250 *u, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case UART_RX:
		if (u->lcr & LCR_DLAB) {
			u->dll = v;
			return;
		}
		if (!(u->mcr & MCR_LOOP))
			uart_output(u, v);
		/* Sent at once, so the holding register is empty again. */
		u->thr_pending = true;
		break;
	case UART_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
			return;
		}
		/* Enabling THRI with THR empty raises it, as on a 16550A. */
		if ((v & IER_THRI) && !(u->ier & IER_THRI))
			u->thr_pending = true;
		u->ier = v & 0x0f;
		break;
	case UART_IIR:
		u->fcr = v;
		if (v & FCR_CLEAR_RX)
			u->rx_count = 0;
		break;
	case UART_LCR:
		u->lcr = v;
		return;
	case UART_MCR:
		u->mcr = v;
		return;
	case UART_SCR:
		u->scr = v;
		return;
	default:
		return;
	}
	uart_update_irq(u);
}

static void serial8250_mmio(struct device *dev, uint64_t off, void *data,
			    unsigned int len, bool is_write)
{
	struct serial8250 *u = dev->priv;
	uint8_t *bytes = data;

	/* reg-io-width is 1; wider accesses act on their first byte. */
	if (is_write)
		uart_write(u, off, bytes[0]);
	else {
		memset(data, 0, len);
		bytes[0] = uart_read(u, off);
	}
}

/* One byte into the receive FIFO, which the caller knows has room. */
static void uart_rx_put(struct serial8250 *u, uint8_t c, bool brk)
{
	unsigned int slot = (u->rx_head + u->rx_count++) % RX_FIFO_SIZE;

	u->rx[slot] = c;
	u->rx_break[slot] = brk;
}

/*
 * `pocvm debug -s C`: Linux's magic SysRq on a serial console, as a
 * terminal sends it: a break (a NUL received with LSR.BI, which Linux
 * drops and which arms SysRq for 5 s), then C. kvmtool does the same.
 */
static int serial8250_sysrq(struct serial8250 *u, const char *args, FILE *out)
{
	unsigned char c = args[0];

	if (!c || args[1] || c < 0x21 || c > 0x7e) {
		fprintf(out, "error: not one printable sysrq character\n");
		return 0;
	}
	if (RX_FIFO_SIZE - u->rx_count < 2) {
		fprintf(out, "error: the console's input is full; try again\n");
		return 0;
	}
	uart_rx_put(u, 0, true);
	uart_rx_put(u, c, false);
	uart_update_irq(u);
	fprintf(out, "sysrq %c sent\n", c);
	return 0;
}

static int serial8250_control(struct device *dev, const char *cmd,
			      const char *args, FILE *out)
{
	int ret;

	if (strcmp(cmd, "sysrq"))
		return -ENOENT;
	pthread_mutex_lock(&dev->lock);
	ret = serial8250_sysrq(dev->priv, args, out);
	pthread_mutex_unlock(&dev->lock);
	return ret;
}

static void serial8250_input(void *arg, uint32_t events)
{
	struct serial8250 *u = arg;
	struct device *dev = u->dev;
	uint8_t buf[RX_FIFO_SIZE];
	unsigned int room, i;
	bool quit;
	ssize_t n;

	pthread_mutex_lock(&dev->lock);
	room = RX_FIFO_SIZE - u->rx_count;
	if (!room) {
		u->in_paused = true;
		event_loop_mod(dev->vm->loop, u->in_fd, 0);
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	n = read(u->in_fd, buf, room);
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			pthread_mutex_unlock(&dev->lock);
			return;
		}
		/* End of input (e.g. /dev/null): stop watching it. */
		event_loop_del(dev->vm->loop, u->in_fd);
		u->in_fd = -1;
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	n = console_filter_input(&u->input, buf, n, &quit);
	for (i = 0; i < (unsigned int)n; i++)
		uart_rx_put(u, buf[i], false);
	if (quit)
		vm_request_stop(dev->vm, VM_SIGINT, -1);
	uart_update_irq(u);
	pthread_mutex_unlock(&dev->lock);
}

static void serial8250_reset(struct device *dev)
{
	struct serial8250 *u = dev->priv;

	u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
	u->thr_pending = false;
	u->rx_count = 0;
	if (u->irq_level) {
		u->irq_level = false;
		vm_set_irq(dev->vm, dev->spi, 0);
	}
}

static int serial8250_start(struct device *dev)
{
	struct serial8250 *u = dev->priv;
	int ret;

	if (u->in_fd < 0)
		return 0;
	ret = event_loop_add(dev->vm->loop, u->in_fd, EPOLLIN,
			     serial8250_input, u);
	if (ret == -EPERM) {
		/* A regular file as stdin cannot be polled: no input. */
		u->in_fd = -1;
		return 0;
	}
	return ret;
}

static int serial8250_fdt_node(const struct device *dev, void *fdt,
			       uint32_t gic_phandle)
{
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "uart@%llx",
		 (unsigned long long)dev->base);
	ret = fdt_begin_mmio_device(fdt, name, "ns16550a", dev->base,
				    dev->size, dev->spi, gic_phandle, false);
	ret = ret ?: fdt_property_u32(fdt, "clock-frequency", UART_CLOCK);
	ret = ret ?: fdt_property_u32(fdt, "reg-io-width", 1);
	return ret ?: fdt_end_node(fdt);
}

static void serial8250_teardown(struct device *dev)
{
	free(dev->priv);
	dev->priv = NULL;
}

static const struct device_ops serial8250_ops = {
	.name = "serial8250",
	.fdt_node = serial8250_fdt_node,
	.mmio = serial8250_mmio,
	.reset = serial8250_reset,
	.start = serial8250_start,
	.teardown = serial8250_teardown,
	.control = serial8250_control,
};

static int serial8250_create(struct vm *vm)
{
	struct serial8250 *u;
	struct device *dev;

	/* Only with --console serial: vmm/cmd-run.c decides. */
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	dev = vm_add_device(vm, &serial8250_ops, vm->layout->uart_base,
			    LAYOUT_UART_SIZE, vm->layout->uart_spi, u);
	if (!dev) {
		free(u);
		return -ENOSPC;
	}
	u->dev = dev;
	u->in_fd = STDIN_FILENO;
	u->input.tty = isatty(STDIN_FILENO);
	snprintf(u->path, sizeof(u->path), "/uart@%llx",
		 (unsigned long long)dev->base);
	vm->stdout_path = u->path;
	return 0;
}

const struct device_type serial8250_type = {
	.name = "serial8250",
	.create = serial8250_create,
};
