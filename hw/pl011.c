// SPDX-License-Identifier: GPL-2.0
/*
 * An ARM PrimeCell PL011 UART (r1p5, per ARM DDI 0183G): the console of
 * QEMU's virt board, so what u-boot's pl01x, EDK2's PL011UartLib and
 * Linux's amba-pl011 (ttyAMA0, earlycon pl011) drive. Output goes out as
 * the guest writes DR, so the transmit FIFO is always empty; input comes
 * from stdin through the event loop into a 32-entry receive FIFO.
 */
#include <errno.h>
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

#define PL011_SIZE	0x1000ULL
#define PL011_FIFO	32
#define PL011_CLOCK	24000000	/* apb_pclk and uartclk, as QEMU's */
/* The clock's phandle: clear of the GIC's and the CPUs' (fdt-arm64.h). */
#define PL011_CLK_PHANDLE	0x8000

/* Registers (word offsets into the 4 KiB window). */
#define UARTDR		0x000
#define UARTRSR		0x004	/* UARTECR on write */
#define UARTFR		0x018
#define UARTILPR	0x020
#define UARTIBRD	0x024
#define UARTFBRD	0x028
#define UARTLCR_H	0x02c
#define UARTCR		0x030
#define UARTIFLS	0x034
#define UARTIMSC	0x038
#define UARTRIS		0x03c
#define UARTMIS		0x040
#define UARTICR		0x044
#define UARTDMACR	0x048
#define UARTPERIPHID0	0xfe0	/* ... to UARTPCELLID3 at 0xffc */

#define DR_BE		(1U << 10)	/* the byte came with a break */
#define FR_RXFE		(1U << 4)
#define FR_RXFF		(1U << 6)
#define FR_TXFE		(1U << 7)
#define FR_CTS		(1U << 0)
#define FR_DSR		(1U << 1)
#define FR_DCD		(1U << 2)
#define LCR_H_FEN	(1U << 4)
#define CR_RESET	0x300		/* TXE | RXE */
#define IFLS_RESET	0x12		/* both FIFOs at half */
#define INT_RX		(1U << 4)
#define INT_TX		(1U << 5)
#define INT_RT		(1U << 6)
#define INT_ALL		0x7ff

/* PeriphID: part 0x011, designer ARM (0x41), revision 3 (r1p5); CellID. */
static const uint8_t pl011_id[8] = {
	0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

struct pl011 {
	struct device *dev;
	uint32_t lcr_h, cr, ifls, imsc, ibrd, fbrd, ilpr, dmacr;
	bool tx_int;		/* TXRIS: set by each write of DR */
	bool irq_level;
	uint16_t rx[PL011_FIFO];	/* data and DR error bits */
	unsigned int rx_head, rx_count;
	int in_fd;		/* -1: no input */
	bool in_paused;
	struct console_input input;
	char path[32];		/* DT path, for /chosen/stdout-path */
};

/* With the FIFOs off, the receiver holds one character. */
static unsigned int rx_room(const struct pl011 *u)
{
	unsigned int cap = (u->lcr_h & LCR_H_FEN) ? PL011_FIFO : 1;

	return u->rx_count >= cap ? 0 : cap - u->rx_count;
}

/* RXIFLSEL: 1/8, 1/4, 1/2, 3/4, 7/8 full; reserved values as 1/2. */
static unsigned int rx_trigger(const struct pl011 *u)
{
	static const unsigned int eighths[8] = { 1, 2, 4, 6, 7, 4, 4, 4 };

	if (!(u->lcr_h & LCR_H_FEN))
		return 1;
	return PL011_FIFO * eighths[(u->ifls >> 3) & 7] / 8;
}

/*
 * The raw status. RX follows the FIFO level against its trigger; the
 * receive timeout fires as soon as anything waits below it, since no
 * more characters are coming from a host that has handed over all it had.
 */
static uint32_t pl011_ris(const struct pl011 *u)
{
	uint32_t ris = u->tx_int ? INT_TX : 0;

	if (u->rx_count >= rx_trigger(u))
		ris |= INT_RX;
	if (u->rx_count && (u->lcr_h & LCR_H_FEN))
		ris |= INT_RT;
	return ris;
}

static void pl011_update_irq(struct pl011 *u)
{
	bool level = (pl011_ris(u) & u->imsc) != 0;

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	vm_set_irq(u->dev->vm, u->dev->spi, level);
}

static void resume_input(struct pl011 *u)
{
	if (u->in_paused && u->in_fd >= 0) {
		u->in_paused = false;
		event_loop_mod(u->dev->vm->loop, u->in_fd, EPOLLIN);
	}
}

static uint32_t read_dr(struct pl011 *u)
{
	uint32_t v;

	if (!u->rx_count)
		return 0;
	v = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % PL011_FIFO;
	u->rx_count--;
	resume_input(u);
	return v;
}

static uint32_t pl011_read_reg(struct pl011 *u, uint64_t reg)
{
	uint32_t fr;

	if (reg >= UARTPERIPHID0)
		return pl011_id[(reg - UARTPERIPHID0) / 4];
	switch (reg) {
	case UARTDR:
		return read_dr(u);
	case UARTFR:
		/* Modem lines up, transmitter idle and empty. */
		fr = FR_TXFE | FR_CTS | FR_DSR | FR_DCD;
		fr |= u->rx_count ? 0 : FR_RXFE;
		fr |= rx_room(u) ? 0 : FR_RXFF;
		return fr;
	case UARTILPR:	return u->ilpr;
	case UARTIBRD:	return u->ibrd;
	case UARTFBRD:	return u->fbrd;
	case UARTLCR_H:	return u->lcr_h;
	case UARTCR:	return u->cr;
	case UARTIFLS:	return u->ifls;
	case UARTIMSC:	return u->imsc;
	case UARTRIS:	return pl011_ris(u);
	case UARTMIS:	return pl011_ris(u) & u->imsc;
	case UARTDMACR:	return u->dmacr;
	}
	/* UARTRSR: no receive errors; reserved and test registers: 0 */
	return 0;
}

static void pl011_write_reg(struct pl011 *u, uint64_t reg, uint32_t v)
{
	uint8_t c;

	switch (reg) {
	case UARTDR:
		c = v;
		console_write(&u->dev->vm->console, &c, 1);
		/* Sent at once: the FIFO is empty again. */
		u->tx_int = true;
		break;
	case UARTILPR:	u->ilpr = v & 0xff; return;
	case UARTIBRD:	u->ibrd = v & 0xffff; return;
	case UARTFBRD:	u->fbrd = v & 0x3f; return;
	case UARTLCR_H:
		u->lcr_h = v & 0xff;
		resume_input(u);
		break;
	case UARTCR:	u->cr = v & 0xff87; return;
	case UARTIFLS:	u->ifls = v & 0x3f; break;
	case UARTIMSC:	u->imsc = v & INT_ALL; break;
	case UARTICR:
		/* RX and RT follow the FIFO; only TX is latched. */
		if (v & INT_TX)
			u->tx_int = false;
		break;
	case UARTDMACR:	u->dmacr = v & 7; return;
	default:	/* UARTECR, read-only and reserved registers */
		return;
	}
	pl011_update_irq(u);
}

/*
 * Registers are 32-bit words; Linux's earlycon writes DR a byte at a
 * time and the amba driver uses 16-bit accesses, so narrower accesses
 * at a word's start act on its low bits. An access that does not start
 * a word is the guest's mistake: reads give 0, writes are dropped.
 */
static void pl011_mmio(struct device *dev, uint64_t off, void *data,
		       unsigned int len, bool is_write)
{
	struct pl011 *u = dev->priv;
	uint32_t v = 0;

	if (len > 8 || off >= PL011_SIZE || len > PL011_SIZE - off ||
	    (off & 3)) {
		if (!is_write)
			memset(data, 0, len);
		pr_guest(&dev->log_rl, LOG_WARN, "pl011: %u-byte %s at "
			 "+0x%llx ignored", len, is_write ? "write" : "read",
			 (unsigned long long)off);
		return;
	}
	if (is_write) {
		memcpy(&v, data, len < 4 ? len : 4);
		pl011_write_reg(u, off, v);
		return;
	}
	memset(data, 0, len);
	v = pl011_read_reg(u, off);
	memcpy(data, &v, len < 4 ? len : 4);
	pl011_update_irq(u);
}

/* Bytes for the guest, as many as the receiver has room for. */
static void pl011_rx_put(struct pl011 *u, uint16_t v)
{
	unsigned int slot = (u->rx_head + u->rx_count++) % PL011_FIFO;

	u->rx[slot] = v;
}

static void pl011_input(void *arg, uint32_t events)
{
	struct pl011 *u = arg;
	struct device *dev = u->dev;
	uint8_t buf[PL011_FIFO];
	unsigned int room, i;
	bool quit;
	ssize_t n;

	pthread_mutex_lock(&dev->lock);
	room = rx_room(u);
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
		pl011_rx_put(u, buf[i]);
	if (quit)
		vm_request_stop(dev->vm, VM_SIGINT, -1);
	pl011_update_irq(u);
	pthread_mutex_unlock(&dev->lock);
}

/*
 * `pocvm debug -s C`: a break (a NUL with DR's BE bit, which arms
 * Linux's SysRq), then C, as a terminal sends it.
 */
static int pl011_control(struct device *dev, const char *cmd,
			 const char *args, FILE *out)
{
	struct pl011 *u = dev->priv;
	unsigned char c = args[0];

	if (strcmp(cmd, "sysrq"))
		return -ENOENT;
	if (!c || args[1] || c < 0x21 || c > 0x7e) {
		fprintf(out, "error: not one printable sysrq character\n");
		return 0;
	}
	pthread_mutex_lock(&dev->lock);
	if (PL011_FIFO - u->rx_count < 2) {
		pthread_mutex_unlock(&dev->lock);
		fprintf(out, "error: the console's input is full; try again\n");
		return 0;
	}
	pl011_rx_put(u, DR_BE);
	pl011_rx_put(u, c);
	pl011_update_irq(u);
	pthread_mutex_unlock(&dev->lock);
	fprintf(out, "sysrq %c sent\n", c);
	return 0;
}

static void pl011_reset(struct device *dev)
{
	struct pl011 *u = dev->priv;

	u->lcr_h = u->imsc = u->ibrd = u->fbrd = u->ilpr = u->dmacr = 0;
	u->cr = CR_RESET;
	u->ifls = IFLS_RESET;
	u->tx_int = false;
	u->rx_count = 0;
	if (u->irq_level) {
		u->irq_level = false;
		vm_set_irq(dev->vm, dev->spi, 0);
	}
}

static int pl011_start(struct device *dev)
{
	struct pl011 *u = dev->priv;
	int ret;

	if (u->in_fd < 0)
		return 0;
	ret = event_loop_add(dev->vm->loop, u->in_fd, EPOLLIN, pl011_input, u);
	if (ret == -EPERM) {
		/* A regular file as stdin cannot be polled: no input. */
		u->in_fd = -1;
		return 0;
	}
	return ret;
}

/* Linux's AMBA bus will not probe a PrimeCell without its apb_pclk. */
static int clock_node(void *fdt)
{
	int ret;

	ret = fdt_begin_node(fdt, "apb-pclk");
	ret = ret ?: fdt_property_string(fdt, "compatible", "fixed-clock");
	ret = ret ?: fdt_property_u32(fdt, "#clock-cells", 0);
	ret = ret ?: fdt_property_u32(fdt, "clock-frequency", PL011_CLOCK);
	ret = ret ?: fdt_property_string(fdt, "clock-output-names",
					 "clk24mhz");
	ret = ret ?: fdt_property_u32(fdt, "phandle", PL011_CLK_PHANDLE);
	return ret ?: fdt_end_node(fdt);
}

static int pl011_fdt_node(const struct device *dev, void *fdt,
			  uint32_t gic_phandle)
{
	static const char compatible[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	const fdt32_t clocks[2] = {
		cpu_to_fdt32(PL011_CLK_PHANDLE),
		cpu_to_fdt32(PL011_CLK_PHANDLE),
	};
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "pl011@%llx",
		 (unsigned long long)dev->base);
	ret = clock_node(fdt);
	ret = ret ?: fdt_begin_mmio_device_list(fdt, name, compatible,
						sizeof(compatible), dev->base,
						dev->size, dev->spi,
						gic_phandle, false);
	ret = ret ?: fdt_property(fdt, "clocks", clocks, sizeof(clocks));
	ret = ret ?: fdt_property(fdt, "clock-names", clock_names,
				  sizeof(clock_names));
	return ret ?: fdt_end_node(fdt);
}

static void pl011_teardown(struct device *dev)
{
	free(dev->priv);
	dev->priv = NULL;
}

static const struct device_ops pl011_ops = {
	.name = "pl011",
	.fdt_node = pl011_fdt_node,
	.mmio = pl011_mmio,
	.reset = pl011_reset,
	.start = pl011_start,
	.teardown = pl011_teardown,
	.control = pl011_control,
};

static int pl011_create(struct vm *vm)
{
	struct pl011 *u;
	struct device *dev;

	/* With --console pl011, or serial on a machine whose UART it is. */
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	dev = vm_add_device(vm, &pl011_ops, vm->layout->uart_base, PL011_SIZE,
			    vm->layout->uart_spi, u);
	if (!dev) {
		free(u);
		return -ENOSPC;
	}
	u->dev = dev;
	u->in_fd = STDIN_FILENO;
	u->input.tty = isatty(STDIN_FILENO);
	snprintf(u->path, sizeof(u->path), "/pl011@%llx",
		 (unsigned long long)dev->base);
	vm->stdout_path = u->path;
	pl011_reset(dev);
	return 0;
}

const struct device_type pl011_type = {
	.name = "pl011",
	.create = pl011_create,
};
