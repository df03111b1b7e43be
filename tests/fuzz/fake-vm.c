// SPDX-License-Identifier: GPL-2.0
/*
 * Stand-ins for the parts of a VM devices call into: vmm/vm.c,
 * hw/virtio/bus.c and vmm/event-loop.c. Those need KVM (or a running
 * loop) and are left out of the fuzz build, so nothing here can clash
 * with the real definitions. The fakes record what a device registered
 * and check the promises devices make to the bus.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "event-loop.h"
#include "fuzz.h"
#include "layout.h"
#include "log.h"
#include "virtio.h"
#include "vm.h"

struct vm fuzz_vm;
struct device *fuzz_last_device;
struct virtio_dev *fuzz_last_vdev;
struct config fuzz_cfg;

static struct virtio_dev vdev;
static int input_wr = -1;	/* the other end of the devices' stdin */
static int null_fd = -1;	/* where guest output goes */
static int irq_level[64];
static char loop_token;	/* devices only compare the loop to NULL */

/* The event loop: what devices watch, dispatched by fuzz_loop_run(). */
#define MAX_WATCHES	8
static struct watch {
	int fd;
	uint32_t events;
	event_fn fn;
	void *arg;
} watches[MAX_WATCHES];
static unsigned int nr_watches;

static struct watch *find_watch(int fd)
{
	unsigned int i;

	for (i = 0; i < nr_watches; i++)
		if (watches[i].fd == fd)
			return &watches[i];
	return NULL;
}

/*
 * Devices read keyboard input from stdin: make it a pipe the harness
 * writes into. libFuzzer itself never reads stdin while fuzzing.
 */
static void setup_once(void)
{
	int fds[2];

	if (input_wr >= 0)
		return;
	FUZZ_CHECK(!pipe2(fds, O_NONBLOCK | O_CLOEXEC));
	FUZZ_CHECK(dup2(fds[0], STDIN_FILENO) == STDIN_FILENO);
	close(fds[0]);
	input_wr = fds[1];
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	FUZZ_CHECK(null_fd >= 0);
	fuzz_verbose_init();
}

void fuzz_vm_reset(void)
{
	uint8_t junk[256];

	setup_once();
	/* Whatever the last run left unread must not leak into this one. */
	while (read(STDIN_FILENO, junk, sizeof(junk)) > 0)
		;
	memset(&fuzz_vm, 0, sizeof(fuzz_vm));
	console_init(&fuzz_vm.console);
	fuzz_vm.console.out_fd = null_fd;
	memset(&fuzz_cfg, 0, sizeof(fuzz_cfg));
	fuzz_vm.cfg = &fuzz_cfg;
	fuzz_vm.layout = machine_layout(MACHINE_KVMTOOL);
	fuzz_vm.loop = (struct event_loop *)&loop_token;
	fuzz_vm.vm_fd = fuzz_vm.kvm_fd = -1;
	fuzz_vm.guest_status = -1;
	fuzz_last_device = NULL;
	fuzz_last_vdev = NULL;
	nr_watches = 0;
	memset(irq_level, 0, sizeof(irq_level));
}

void fuzz_console_input(struct fuzz_in *in, unsigned int len)
{
	struct watch *w = find_watch(STDIN_FILENO);
	uint8_t buf[256];

	if (len > sizeof(buf))
		len = sizeof(buf);
	fuzz_bytes(in, buf, len);
	if (!w || !len)
		return;
	/* The pipe holds 64 KiB: a short write only means "full". */
	if (write(input_wr, buf, len) < 0)
		return;
	w->fn(w->arg, EPOLLIN);
}

/*
 * One turn of the event loop: every watched fd that is ready for what
 * it waits for (or has an error or hang-up, which epoll always reports)
 * gets its handler called, as vmm/event-loop.c would.
 */
unsigned int fuzz_loop_run(void)
{
	struct pollfd pfd[MAX_WATCHES];
	struct watch ready[MAX_WATCHES];
	unsigned int i, n = nr_watches, nr_ready = 0;

	for (i = 0; i < n; i++) {
		pfd[i].fd = watches[i].fd;
		pfd[i].events = watches[i].events & (EPOLLIN | EPOLLOUT);
		pfd[i].revents = 0;
	}
	if (poll(pfd, n, 0) <= 0)
		return 0;
	/* Handlers may add or drop watches: call from a copy. */
	for (i = 0; i < n; i++) {
		if (!pfd[i].revents)
			continue;
		ready[nr_ready] = watches[i];
		ready[nr_ready++].events = pfd[i].revents;
	}
	for (i = 0; i < nr_ready; i++)
		if (find_watch(ready[i].fd))
			ready[i].fn(ready[i].arg, ready[i].events);
	return nr_ready;
}

struct device *vm_add_device(struct vm *vm, const struct device_ops *ops,
			     uint64_t base, uint64_t size, unsigned int spi,
			     void *priv)
{
	struct device *dev;

	FUZZ_CHECK(vm->nr_devices < VM_MAX_DEVICES);
	dev = &vm->devices[vm->nr_devices++];
	memset(dev, 0, sizeof(*dev));
	dev->ops = ops;
	dev->vm = vm;
	dev->base = base;
	dev->size = size;
	dev->spi = spi;
	dev->priv = priv;
	dev->log_rl.name = ops->name;
	pthread_mutex_init(&dev->lock, NULL);
	fuzz_last_device = dev;
	return dev;
}

/*
 * vmm/vm.c's flash banks, without KVM: the memory alone, and a memslot
 * state per bank that the flash device promises only to toggle.
 */
static bool rom_mapped[LAYOUT_FLASH_BANKS];

int vm_add_flash(struct vm *vm)
{
	unsigned int i;

	for (i = 0; vm->layout->flash_size && i < LAYOUT_FLASH_BANKS; i++) {
		FUZZ_CHECK(!guest_mem_add_rom(&vm->mem,
					      vm->layout->flash_base[i],
					      vm->layout->flash_size));
		rom_mapped[i] = true;
	}
	return 0;
}

int vm_rom_map(struct vm *vm, uint64_t gpa, bool mapped)
{
	unsigned int i;

	for (i = 0; i < LAYOUT_FLASH_BANKS; i++) {
		if (vm->layout->flash_base[i] != gpa)
			continue;
		FUZZ_CHECK(rom_mapped[i] != mapped);
		rom_mapped[i] = mapped;
		return 0;
	}
	FUZZ_CHECK(!"vm_rom_map: not a flash bank");
	return -ENOENT;
}

/* Devices promise to report changes of their line, never repeats. */
int vm_set_irq(struct vm *vm, unsigned int spi, int level)
{
	FUZZ_CHECK(spi < 64);
	FUZZ_CHECK(level == 0 || level == 1);
	FUZZ_CHECK(irq_level[spi] != level);
	irq_level[spi] = level;
	return 0;
}

void vm_request_stop(struct vm *vm, enum vm_stop why, int vcpu_index)
{
	if (vm->stop == VM_RUNNING)
		vm->stop = why;
}

void vm_set_guest_status(struct vm *vm, int status)
{
	FUZZ_CHECK(status >= 0 && status <= 255);
	vm->guest_status = status;
}

static int fake_set_irq(struct virtio_dev *vdev, int level)
{
	return vm_set_irq(vdev->dev->vm, vdev->dev->spi, level);
}

/* hw/virtio/bus.c without KVM: one window, the line straight to the VM. */
static void fake_bus_mmio(struct device *dev, uint64_t off, void *data,
			  unsigned int len, bool is_write)
{
	virtio_mmio_access(dev->priv, off, data, len, is_write);
}

static const struct device_ops fake_bus_ops = {
	.name = "fake-virtio-mmio",
	.mmio = fake_bus_mmio,
};

int virtio_mmio_add(struct vm *vm, const struct virtio_dev_ops *ops,
		    void *priv)
{
	struct device *dev;
	int ret;

	ret = virtio_dev_init(&vdev, ops, vm->cfg->virtio_transport, &vm->mem,
			      priv);
	if (ret)
		return ret;
	dev = vm_add_device(vm, &fake_bus_ops, LAYOUT_VIRTIO_BASE,
			    VIRTIO_MMIO_SIZE, LAYOUT_SPI_VIRTIO(0), &vdev);
	vdev.dev = dev;
	vdev.set_irq = fake_set_irq;
	fuzz_last_vdev = &vdev;
	return 0;
}

int event_loop_add(struct event_loop *loop, int fd, uint32_t events,
		   event_fn fn, void *arg)
{
	FUZZ_CHECK(fd >= 0 && !find_watch(fd));
	FUZZ_CHECK(nr_watches < MAX_WATCHES);
	watches[nr_watches++] = (struct watch){ fd, events, fn, arg };
	return 0;
}

int event_loop_mod(struct event_loop *loop, int fd, uint32_t events)
{
	struct watch *w = find_watch(fd);

	FUZZ_CHECK(w);
	w->events = events;
	return 0;
}

void event_loop_del(struct event_loop *loop, int fd)
{
	struct watch *w = find_watch(fd);

	FUZZ_CHECK(w);
	*w = watches[--nr_watches];
}

/* What vmm/gdb.c needs of the VM: VCPUs park and run again. */
int vm_pause(struct vm *vm)
{
	vm->paused = true;
	return 0;
}

void vm_pause_request(struct vm *vm)
{
}

int vm_resume(struct vm *vm)
{
	vm->paused = false;
	return 0;
}

bool vm_is_paused(struct vm *vm)
{
	return vm->paused;
}
