// SPDX-License-Identifier: GPL-2.0
/*
 * CFI parallel NOR flash with the Intel/Sharp command set (CFI ID 0x0001),
 * the two banks of QEMU's virt board: bank 0 holds the firmware the guest
 * executes in place, bank 1 its variable store (-F/--flash FILE). Each
 * bank is 32 bits wide, two x16 devices side by side, in 256 KiB blocks,
 * as QEMU builds it and as u-boot's cfi_flash and EDK2's NorFlashDxe
 * expect.
 *
 * In read-array mode a bank is a read-only memslot: the guest's reads and
 * instruction fetches never exit, its writes do (KVM_EXIT_MMIO), and a
 * write is a command. A command that changes what reads return (status,
 * identifier, CFI query) takes the memslot away until the guest returns
 * to read-array mode, so every read then comes here. Taking it away also
 * drops the bank's stage-2 mappings; KVM cleans each page to PoC as it
 * maps it again, so a caches-off guest reads what was programmed.
 *
 * Everything here is guest-controlled: offsets, lengths and counts are
 * checked against the bank before any byte is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdt-build.h"
#include "layout.h"
#include "log.h"
#include "vm.h"

#define BANK_WIDTH	4		/* bytes per bus word */
#define DEV_WIDTH	2		/* each of the two devices is x16 */
#define NR_DEVS		(BANK_WIDTH / DEV_WIDTH)
#define BLOCK_SIZE	(256ULL << 10)	/* erase block of the bank */
/* Write buffer of each device, 2^11 bytes, so 4 KiB of the bank. */
#define WBUF_LOG2	11
#define WBUF_WORDS	((NR_DEVS << WBUF_LOG2) / BANK_WIDTH)
#define CFI_TABLE	0x40

/* Commands (the low byte of what the guest writes). */
#define CMD_READ_ARRAY	0xff
#define CMD_READ_ARRAY0	0x00	/* what the model's reset state reads as */
#define CMD_PROGRAM	0x40
#define CMD_PROGRAM_ALT	0x10
#define CMD_ERASE	0x20
#define CMD_CLEAR_SR	0x50
#define CMD_LOCK	0x60
#define CMD_READ_SR	0x70
#define CMD_READ_ID	0x90
#define CMD_QUERY	0x98
#define CMD_BUFFERED	0xe8
#define CMD_AMD_RESET	0xf0	/* u-boot probes for AMD parts with it */
#define CMD_CONFIRM	0xd0
#define CMD_LOCK_SET	0x01

/* Status register bits. */
#define SR_READY	0x80
#define SR_ERASE_ERR	0x20
#define SR_PROG_ERR	0x10

#define ID_MANUFACTURER	0x89		/* Intel */
#define ID_DEVICE	0x18

struct cfi_bank {
	struct device *dev;
	unsigned int index;
	uint8_t *mem;		/* the bank, as guest memory holds it */
	uint64_t size;
	bool writable;
	int fd;			/* --flash FILE for bank 1, -1: none */
	const char *path;
	uint8_t cmd;		/* CMD_READ_ARRAY0: read array */
	unsigned int cycle;	/* bus cycles of cmd seen so far */
	uint8_t status;
	uint32_t words_left;	/* CMD_BUFFERED: data words still to come */
	bool wbuf_open;		/* ... the first has come and set: */
	uint64_t wbuf_start;	/* the write buffer's window in the bank */
	bool mapped;		/* the read-only memslot is there */
	uint8_t cfi[CFI_TABLE];	/* one device's query table */
};

static unsigned int log2_u64(uint64_t v)
{
	unsigned int n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

/*
 * One device's CFI query answer (JEDEC JESD68.01): "QRY", the command
 * set, timings that say "instant", the geometry of its half of the bank
 * and the Intel primary extended table ("PRI" 1.0) right after.
 */
static void build_cfi_table(struct cfi_bank *b)
{
	uint64_t dev_size = b->size / NR_DEVS;
	uint64_t dev_block = BLOCK_SIZE / NR_DEVS;
	uint64_t blocks = b->size / BLOCK_SIZE;
	uint8_t *t = b->cfi;

	memset(t, 0, CFI_TABLE);
	t[0x10] = 'Q';
	t[0x11] = 'R';
	t[0x12] = 'Y';
	t[0x13] = 0x01;			/* Intel/Sharp extended set */
	t[0x15] = 0x31;			/* its table at 0x31 */
	t[0x1b] = 0x45;			/* Vcc 4.5-5.5 V, no Vpp */
	t[0x1c] = 0x55;
	t[0x1f] = 0x04;			/* typical times: 2^n us / ms */
	t[0x20] = 0x0a;
	t[0x21] = 0x0a;
	t[0x23] = 0x04;			/* maximum: typical * 2^n */
	t[0x24] = 0x04;
	t[0x25] = 0x04;
	t[0x27] = log2_u64(dev_size);
	t[0x28] = 0x02;			/* x8/x16 interface */
	t[0x2a] = WBUF_LOG2;
	t[0x2c] = 1;			/* one region of uniform blocks */
	t[0x2d] = (blocks - 1) & 0xff;
	t[0x2e] = (blocks - 1) >> 8;
	t[0x2f] = (dev_block >> 8) & 0xff;
	t[0x30] = dev_block >> 16;
	t[0x31] = 'P';
	t[0x32] = 'R';
	t[0x33] = 'I';
	t[0x34] = '1';
	t[0x35] = '0';
	t[0x3f] = 1;			/* protection fields */
}

static void set_mapped(struct cfi_bank *b, bool mapped)
{
	int ret;

	if (b->mapped == mapped)
		return;
	ret = vm_rom_map(b->dev->vm, b->dev->base, mapped);
	if (ret) {
		/* Still correct, just slower: every read then comes here. */
		pr_guest(&b->dev->log_rl, LOG_WARN, "flash bank %u: %s",
			 b->index, err_message(ret));
		return;
	}
	b->mapped = mapped;
}

static void read_array(struct cfi_bank *b)
{
	b->cmd = CMD_READ_ARRAY0;
	b->cycle = 0;
	set_mapped(b, true);
}

/* One device's answer in each x16 lane of the bus word. */
static uint32_t lanes(uint16_t v)
{
	return (uint32_t)v | (uint32_t)v << 16;
}

/* The bus word at a BANK_WIDTH-aligned offset, in the current mode. */
static uint32_t bank_word(const struct cfi_bank *b, uint64_t off)
{
	uint64_t idx = off / BANK_WIDTH;
	uint32_t w;

	switch (b->cmd) {
	case CMD_READ_ARRAY0:
		memcpy(&w, b->mem + off, sizeof(w));
		return w;
	case CMD_READ_ID:
		/* Per block: manufacturer, device, then its lock (0: none). */
		idx = (off % BLOCK_SIZE) / BANK_WIDTH;
		return idx == 0 ? lanes(ID_MANUFACTURER) :
		       idx == 1 ? lanes(ID_DEVICE) : 0;
	case CMD_QUERY:
		return idx < CFI_TABLE ? lanes(b->cfi[idx]) : 0;
	default:
		/* Every other command reads the status register. */
		return lanes(b->status);
	}
}

/* Keep bank 1's file in step with what the guest programmed. */
static void save(struct cfi_bank *b, uint64_t off, uint64_t len)
{
	ssize_t n;

	if (b->fd < 0)
		return;
	n = pwrite(b->fd, b->mem + off, len, off);
	if (n != (ssize_t)len)
		pr_guest(&b->dev->log_rl, LOG_WARN, "--flash %s: cannot save "
			 "%llu bytes at 0x%llx: %s", b->path,
			 (unsigned long long)len, (unsigned long long)off,
			 n < 0 ? strerror(errno) : "short write");
}

/* NOR programming only clears bits; an erase sets them again. */
static void program(struct cfi_bank *b, uint64_t off, const uint8_t *data,
		    unsigned int len)
{
	unsigned int i;

	if (!b->writable) {
		b->status |= SR_PROG_ERR | SR_READY;
		return;
	}
	for (i = 0; i < len; i++)
		b->mem[off + i] &= data[i];
	save(b, off, len);
	b->status |= SR_READY;
}

static void erase(struct cfi_bank *b, uint64_t off)
{
	off -= off % BLOCK_SIZE;
	if (!b->writable) {
		b->status |= SR_ERASE_ERR | SR_READY;
		return;
	}
	memset(b->mem + off, 0xff, BLOCK_SIZE);
	save(b, off, BLOCK_SIZE);
	b->status |= SR_READY;
}

/* The first cycle of a command. */
static void command(struct cfi_bank *b, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_ARRAY0:
	case CMD_READ_ARRAY:
	case CMD_AMD_RESET:
		read_array(b);
		return;
	case CMD_CLEAR_SR:
		b->status = 0;
		read_array(b);
		return;
	case CMD_READ_SR:
	case CMD_READ_ID:
	case CMD_QUERY:
	case CMD_PROGRAM:
	case CMD_PROGRAM_ALT:
	case CMD_ERASE:
	case CMD_LOCK:
		break;
	case CMD_BUFFERED:
		/* Buffer available at once: the status says ready. */
		b->status |= SR_READY;
		break;
	default:
		pr_guest(&b->dev->log_rl, LOG_INFO, "flash bank %u: unknown "
			 "command 0x%02x", b->index, cmd);
		read_array(b);
		return;
	}
	b->cmd = cmd;
	b->cycle = 1;
	set_mapped(b, false);
}

static void flash_write(struct cfi_bank *b, uint64_t off, const uint8_t *data,
			unsigned int len)
{
	uint8_t cmd = data[0];
	uint16_t count;

	if (b->cycle == 0 || b->cmd == CMD_READ_ARRAY0 ||
	    b->cmd == CMD_READ_SR || b->cmd == CMD_READ_ID ||
	    b->cmd == CMD_QUERY) {
		command(b, cmd);
		return;
	}
	switch (b->cmd) {
	case CMD_PROGRAM:
	case CMD_PROGRAM_ALT:
		program(b, off, data, len);
		/* The status stays readable until the next command. */
		b->cycle = 0;
		b->cmd = CMD_READ_SR;
		return;
	case CMD_ERASE:
		if (cmd == CMD_CONFIRM)
			erase(b, off);
		else
			b->status |= SR_ERASE_ERR | SR_PROG_ERR;
		b->cycle = 0;
		b->cmd = CMD_READ_SR;
		return;
	case CMD_LOCK:
		/* Blocks never lock: set, clear and lock-down all succeed. */
		if (cmd != CMD_CONFIRM && cmd != CMD_LOCK_SET && cmd != 0x2f)
			b->status |= SR_ERASE_ERR | SR_PROG_ERR;
		b->status |= SR_READY;
		b->cycle = 0;
		b->cmd = CMD_READ_SR;
		return;
	case CMD_BUFFERED:
		break;
	default:
		read_array(b);
		return;
	}
	/* Write to buffer: word count, the words, then the confirm. */
	if (b->cycle == 1) {
		memcpy(&count, data, len < 2 ? len : 2);
		if (len < 2)
			count &= 0xff;
		if (count >= WBUF_WORDS) {
			b->status |= SR_PROG_ERR | SR_READY;
			b->cmd = CMD_READ_SR;
			b->cycle = 0;
			return;
		}
		/* The count goes to the block; the data picks the window. */
		b->words_left = count + 1;
		b->wbuf_open = false;
		b->cycle = 2;
		return;
	}
	if (b->cycle == 2) {
		if (!b->wbuf_open) {
			b->wbuf_start = off - off % (WBUF_WORDS * BANK_WIDTH);
			b->wbuf_open = true;
		}
		/* Data outside the buffer's window is a programming error. */
		if (off < b->wbuf_start ||
		    off - b->wbuf_start >= WBUF_WORDS * BANK_WIDTH)
			b->status |= SR_PROG_ERR;
		else
			program(b, off, data, len);
		if (!--b->words_left)
			b->cycle = 3;
		return;
	}
	if (cmd != CMD_CONFIRM)
		b->status |= SR_PROG_ERR;
	b->status |= SR_READY;
	b->cmd = CMD_READ_SR;
	b->cycle = 0;
}

static void flash_mmio(struct device *dev, uint64_t off, void *data,
		       unsigned int len, bool is_write)
{
	struct cfi_bank *b = dev->priv;
	uint8_t *bytes = data;
	unsigned int i;

	/* The bus checked the window; the checks are cheap, so again. */
	if (!len || len > 8 || off >= b->size || len > b->size - off) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (is_write) {
		flash_write(b, off, bytes, len);
		return;
	}
	for (i = 0; i < len; i++) {
		uint64_t o = off + i;
		uint32_t w = bank_word(b, o - o % BANK_WIDTH);

		bytes[i] = w >> (8 * (o % BANK_WIDTH));
	}
}

static void flash_reset(struct device *dev)
{
	struct cfi_bank *b = dev->priv;

	b->status = 0;
	read_array(b);
}

/* One node for both banks, as QEMU writes it: bank 0 writes it. */
static int flash_fdt_node(const struct device *dev, void *fdt,
			  uint32_t gic_phandle)
{
	const struct machine_layout *l = dev->vm->layout;
	const struct cfi_bank *b = dev->priv;
	fdt64_t reg[LAYOUT_FLASH_BANKS * 2];
	char name[32];
	unsigned int i;
	int ret;

	if (b->index)
		return 0;
	for (i = 0; i < LAYOUT_FLASH_BANKS; i++) {
		reg[2 * i] = cpu_to_fdt64(l->flash_base[i]);
		reg[2 * i + 1] = cpu_to_fdt64(l->flash_size);
	}
	snprintf(name, sizeof(name), "flash@%llx",
		 (unsigned long long)l->flash_base[0]);
	ret = fdt_begin_node(fdt, name);
	ret = ret ?: fdt_property_string(fdt, "compatible", "cfi-flash");
	ret = ret ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	ret = ret ?: fdt_property_u32(fdt, "bank-width", BANK_WIDTH);
	return ret ?: fdt_end_node(fdt);
}

static void flash_teardown(struct device *dev)
{
	struct cfi_bank *b = dev->priv;

	if (b->fd >= 0) {
		if (fsync(b->fd))
			pr_warn("--flash %s: %s", b->path, strerror(errno));
		close(b->fd);
	}
	free(b);
	dev->priv = NULL;
}

static const struct device_ops flash_ops = {
	.name = "cfi-flash",
	.fdt_node = flash_fdt_node,
	.mmio = flash_mmio,
	.reset = flash_reset,
	.teardown = flash_teardown,
};

/*
 * --flash FILE: exactly one bank's size, as QEMU wants its pflash drive
 * (an all-zero file is fine: firmware erases what it needs); locked
 * against a second pocvm, and read into the bank.
 */
static int open_flash_file(struct cfi_bank *b, const char *path)
{
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct stat st;
	uint64_t done = 0;
	ssize_t n;

	b->path = path;
	b->fd = open(path, O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		return err_set(-errno, "--flash %s: %s", path,
			       strerror(errno));
	if (fstat(b->fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != b->size)
		return err_set(-EINVAL, "--flash %s: not a file of %llu MiB, "
			       "the size of a flash bank (truncate -s %lluM "
			       "makes one)", path,
			       (unsigned long long)(b->size >> 20),
			       (unsigned long long)(b->size >> 20));
	if (fcntl(b->fd, F_OFD_SETLK, &lk))
		return err_set(-EBUSY, "--flash %s: in use by another process",
			       path);
	while (done < b->size) {
		n = pread(b->fd, b->mem + done, b->size - done, done);
		if (n <= 0)
			return err_set(-EIO, "--flash %s: %s", path,
				       n ? strerror(errno) : "short read");
		done += n;
	}
	return 0;
}

static int add_bank(struct vm *vm, unsigned int index)
{
	const struct machine_layout *l = vm->layout;
	const struct mem_region *r;
	struct cfi_bank *b;
	struct device *dev;
	int ret = 0;

	r = guest_mem_region(&vm->mem, l->flash_base[index]);
	if (!r || !r->rom || r->size != l->flash_size)
		return err_set(-EINVAL, "flash bank %u: no memory for it",
			       index);
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->index = index;
	b->mem = r->host;
	b->size = r->size;
	b->fd = -1;
	/* Bank 0 is the firmware: read-only, as QEMU's -bios. */
	b->writable = index == 1;
	b->mapped = true;	/* vm_init_memory() made the memslot */
	build_cfi_table(b);
	if (index == 1 && vm->cfg->flash)
		ret = open_flash_file(b, vm->cfg->flash);
	if (!ret) {
		dev = vm_add_device(vm, &flash_ops, l->flash_base[index],
				    l->flash_size, 0, b);
		if (!dev)
			ret = -ENOSPC;
		else
			b->dev = dev;
	}
	if (ret) {
		if (b->fd >= 0)
			close(b->fd);
		free(b);
	}
	return ret;
}

static int cfi_flash_create(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; i < LAYOUT_FLASH_BANKS; i++) {
		ret = add_bank(vm, i);
		if (ret)
			return ret;
	}
	return 0;
}

const struct device_type cfi_flash_type = {
	.name = "cfi-flash",
	.create = cfi_flash_create,
};
