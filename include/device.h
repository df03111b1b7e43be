/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_DEVICE_H
#define POCVM_DEVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"

struct vm;
struct device;

/*
 * One emulated device: an MMIO window, an SPI and a DT node. Nothing
 * outside the device's own file knows what is behind priv.
 */
struct device_ops {
	const char *name;
	/* Add the device's node under the root of fdt (libfdt sw tree). */
	int (*fdt_node)(const struct device *dev, void *fdt,
			uint32_t gic_phandle);
	/* data is little-endian, len 1, 2, 4 or 8; off is within the window */
	void (*mmio)(struct device *dev, uint64_t off, void *data,
		     unsigned int len, bool is_write);
	/* Called before the first run and on an in-place reboot. */
	void (*reset)(struct device *dev);
	/* Called once the VM is up (KVM fds exist): irqfd, ioeventfd... */
	int (*start)(struct device *dev);
	void (*teardown)(struct device *dev);
	/*
	 * The guest powered off and every VCPU thread is gone: finish what
	 * it handed over before (an ioeventfd kick the event loop has not
	 * served yet). May be NULL.
	 */
	void (*stopped)(struct device *dev);
	/*
	 * A control-socket command meant for devices (vmm/control-vm.c:
	 * balloon, memstat, sysrq), in the event loop thread: the answer
	 * goes to out. -ENOENT if this device does not serve cmd.
	 */
	int (*control)(struct device *dev, const char *cmd, const char *args,
		       FILE *out);
};

struct device {
	const struct device_ops *ops;
	struct vm *vm;
	uint64_t base;
	uint64_t size;
	unsigned int spi;	/* SPI number: INTID - 32 */
	void *priv;
	/* Held by the bus around mmio(); devices take it for other work. */
	pthread_mutex_t lock;
	struct log_ratelimit log_rl;	/* what the guest makes us log */
};

/*
 * A kind of device. create() looks at the VM's config and adds zero or
 * more instances with vm_add_device(). The list of kinds lives in
 * hw/devices.c: adding a device is one new file plus one line there.
 */
struct device_type {
	const char *name;
	int (*create)(struct vm *vm);
};

extern const struct device_type *const device_types[];

/* The kinds, for the one place that decides which a run gets. */
extern const struct device_type serial8250_type;
extern const struct device_type pl011_type;
extern const struct device_type cfi_flash_type;
extern const struct device_type pvpanic_type;
extern const struct device_type boot_timer_type;
extern const struct device_type virtio_rng_type;
extern const struct device_type virtio_console_type;
extern const struct device_type virtio_blk_type;
extern const struct device_type virtio_net_type;
extern const struct device_type virtio_9p_type;
extern const struct device_type virtio_balloon_type;
extern const struct device_type virtio_vsock_type;

#endif
