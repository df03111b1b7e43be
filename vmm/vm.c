// SPDX-License-Identifier: GPL-2.0
/* The VM: its RAM slots, its MMIO bus, its interrupt lines, its stop. */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "arm64.h"
#include "event-loop.h"
#include "hugetlbfs.h"
#include "layout.h"
#include "log.h"
#include "vm.h"

void vm_request_stop(struct vm *vm, enum vm_stop why, int vcpu_index)
{
	pthread_mutex_lock(&vm->stop_lock);
	if (vm->stop == VM_RUNNING) {
		vm->stop = why;
		vm->failed_vcpu = vcpu_index;
	}
	pthread_cond_broadcast(&vm->stop_cond);
	pthread_mutex_unlock(&vm->stop_lock);
	/* The main thread serves the event loop until this. */
	if (vm->loop)
		event_loop_wake(vm->loop);
}

void vm_set_guest_status(struct vm *vm, int status)
{
	pthread_mutex_lock(&vm->stop_lock);
	vm->guest_status = status;
	pthread_mutex_unlock(&vm->stop_lock);
}

/* Bring every VCPU thread out of KVM_RUN (they look at vm state then). */
void vm_kick_vcpus(struct vm *vm)
{
	unsigned int i;

	/* immediate_exit first, so a kick that lands early is not lost. */
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpus[i].thread_started)
			continue;
		vm->vcpus[i].run->immediate_exit = 1;
		pthread_kill(vm->vcpus[i].thread, SIGUSR1);
	}
}

static unsigned int started_vcpus(struct vm *vm)
{
	unsigned int i, n = 0;

	for (i = 0; i < vm->nr_vcpus; i++)
		n += vm->vcpus[i].thread_started;
	return n;
}

void vm_pause_request(struct vm *vm)
{
	pthread_mutex_lock(&vm->stop_lock);
	if (!vm->paused && vm->stop == VM_RUNNING) {
		__atomic_store_n(&vm->paused, true, __ATOMIC_RELEASE);
		vm->counter_saved = false;
		vm_kick_vcpus(vm);
	}
	pthread_mutex_unlock(&vm->stop_lock);
}

int vm_pause(struct vm *vm)
{
	int ret;

	vm_pause_request(vm);
	pthread_mutex_lock(&vm->stop_lock);
	if (!vm->paused) {
		pthread_mutex_unlock(&vm->stop_lock);
		return -ESRCH;
	}
	while (vm->nr_parked < started_vcpus(vm) && vm->stop == VM_RUNNING)
		pthread_cond_wait(&vm->stop_cond, &vm->stop_lock);
	/* Once per pause, however many callers wait for it. */
	if (!vm->counter_saved && vm->stop == VM_RUNNING &&
	    started_vcpus(vm)) {
		ret = arm64_counter_save(vm);
		if (ret)
			pr_warn("pause: guest clock not frozen: %s",
				strerror(-ret));
		vm->counter_saved = !ret;
	}
	pthread_mutex_unlock(&vm->stop_lock);
	return 0;
}

int vm_resume(struct vm *vm)
{
	int ret;

	pthread_mutex_lock(&vm->stop_lock);
	if (!vm->paused) {
		pthread_mutex_unlock(&vm->stop_lock);
		return 0;
	}
	/* All VCPUs are parked: nobody runs while the counter moves back. */
	if (vm->counter_saved) {
		ret = arm64_counter_restore(vm);
		if (ret)
			pr_warn("resume: guest clock not restored: %s",
				strerror(-ret));
		vm->counter_saved = false;
	}
	__atomic_store_n(&vm->paused, false, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&vm->stop_cond);
	pthread_mutex_unlock(&vm->stop_lock);
	return 0;
}

bool vm_is_paused(struct vm *vm)
{
	return __atomic_load_n(&vm->paused, __ATOMIC_ACQUIRE);
}

void vm_vcpu_checkpoint(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	if (!vm_is_paused(vm)) {
		/*
		 * Kicked for a pause that was over before we got here: the
		 * kick must not make every KVM_RUN return at once for good.
		 */
		if (vcpu->run->immediate_exit) {
			pthread_mutex_lock(&vm->stop_lock);
			if (!vm->paused && vm->stop == VM_RUNNING)
				vcpu->run->immediate_exit = 0;
			pthread_mutex_unlock(&vm->stop_lock);
		}
		return;
	}
	pthread_mutex_lock(&vm->stop_lock);
	vm->nr_parked++;
	pthread_cond_broadcast(&vm->stop_cond);
	while (vm->paused && vm->stop == VM_RUNNING)
		pthread_cond_wait(&vm->stop_cond, &vm->stop_lock);
	vm->nr_parked--;
	/* A stop keeps its kick: immediate_exit stays set then. */
	if (vm->stop == VM_RUNNING)
		vcpu->run->immediate_exit = 0;
	pthread_mutex_unlock(&vm->stop_lock);
}

struct device *vm_add_device(struct vm *vm, const struct device_ops *ops,
			     uint64_t base, uint64_t size, unsigned int spi,
			     void *priv)
{
	struct device *dev;
	unsigned int i;

	if (vm->nr_devices == VM_MAX_DEVICES) {
		err_set(-ENOSPC, "%s: too many devices", ops->name);
		return NULL;
	}
	for (i = 0; i < vm->nr_devices; i++) {
		dev = &vm->devices[i];
		if (base < dev->base + dev->size && dev->base < base + size) {
			err_set(-EBUSY, "%s: MMIO window 0x%llx overlaps %s",
				ops->name, (unsigned long long)base,
				dev->ops->name);
			return NULL;
		}
	}
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
	return dev;
}

/*
 * --debug-mmio: every access on stderr, as the guest made it. Not rate
 * limited: the user asked for each one. An access to nothing is said in
 * kvmtool's words too.
 */
static void log_mmio(const struct device *dev, uint64_t gpa,
		     const void *data, unsigned int len, bool is_write)
{
	uint64_t v = 0;

	memcpy(&v, data, len < sizeof(v) ? len : sizeof(v));
	if (!dev) {
		fprintf(stderr, "MMIO warning: Ignoring MMIO %s at %016llx "
			"(length %u)\n", is_write ? "write" : "read",
			(unsigned long long)gpa, len);
		return;
	}
	fprintf(stderr, "pocvm: mmio: %-5s 0x%09llx %u bytes 0x%0*llx  "
		"%s+0x%llx\n", is_write ? "write" : "read", (unsigned long long)gpa, len,
		(int)(len < 8 ? len : 8) * 2, (unsigned long long)v,
		dev->ops->name, (unsigned long long)(gpa - dev->base));
}

static struct device *find_device(struct vm *vm, uint64_t gpa,
				  unsigned int len)
{
	unsigned int i;

	for (i = 0; i < vm->nr_devices; i++) {
		struct device *dev = &vm->devices[i];

		if (gpa < dev->base || gpa - dev->base >= dev->size)
			continue;
		/* An access straddling the window's end is not the device's. */
		return len > dev->size - (gpa - dev->base) ? NULL : dev;
	}
	return NULL;
}

bool vm_mmio_access(struct vm *vm, uint64_t gpa, void *data,
		    unsigned int len, bool is_write)
{
	struct device *dev = find_device(vm, gpa, len);

	if (dev) {
		pthread_mutex_lock(&dev->lock);
		dev->ops->mmio(dev, gpa - dev->base, data, len, is_write);
		pthread_mutex_unlock(&dev->lock);
	}
	if (vm->cfg->debug_mmio)
		log_mmio(dev, gpa, data, len, is_write);
	return dev != NULL;
}

int vm_set_irq(struct vm *vm, unsigned int spi, int level)
{
	return arm64_irq_line(vm, spi, level);
}

/*
 * Region i as memslot i; flash read-only, so that the guest's reads run
 * at memory speed and its writes (flash commands) exit to the device.
 */
static int set_slot(struct vm *vm, unsigned int i, bool mapped)
{
	const struct mem_region *r = &vm->mem.regions[i];
	struct kvm_userspace_memory_region slot = {
		.slot = i,
		.flags = r->rom ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = r->gpa,
		.memory_size = mapped ? r->size : 0,
		.userspace_addr = (uintptr_t)r->host,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		return err_set(-errno, "KVM_SET_USER_MEMORY_REGION "
			       "(%llu MiB at 0x%llx%s): %s",
			       (unsigned long long)(r->size >> 20),
			       (unsigned long long)r->gpa,
			       r->rom ? ", read-only" : "",
			       strerror(errno));
	return 0;
}

/* The machine's flash banks: bank 0 the firmware, 1 its variables. */
int vm_add_flash(struct vm *vm)
{
	unsigned int i;
	int ret;

	for (i = 0; vm->layout->flash_size && i < LAYOUT_FLASH_BANKS; i++) {
		ret = guest_mem_add_rom(&vm->mem, vm->layout->flash_base[i],
					vm->layout->flash_size);
		if (ret)
			return ret;
	}
	return 0;
}

int vm_init_memory(struct vm *vm)
{
	const struct config *cfg = vm->cfg;
	unsigned int i;
	int ret;

	if (cfg->hugetlbfs) {
		uint64_t page;
		void *host;

		ret = hugetlbfs_map(cfg->hugetlbfs, cfg->ram_size, &host,
				    &page);
		if (ret)
			return ret;
		ret = guest_mem_add_host(&vm->mem, cfg->ram_base, cfg->ram_size,
					 host);
		if (ret) {
			munmap(host, cfg->ram_size);
			return ret;
		}
		pr_info("RAM: %llu MiB from hugetlbfs %s (%llu KiB pages)",
			(unsigned long long)(cfg->ram_size >> 20),
			cfg->hugetlbfs, (unsigned long long)(page >> 10));
	} else {
		ret = guest_mem_add_region(&vm->mem, cfg->ram_base,
					   cfg->ram_size);
		if (ret)
			return ret;
	}
	ret = vm_add_flash(vm);
	if (ret)
		return ret;
	for (i = 0; i < vm->mem.nr_regions; i++) {
		ret = set_slot(vm, i, true);
		if (ret)
			return ret;
	}
	return 0;
}

int vm_rom_map(struct vm *vm, uint64_t gpa, bool mapped)
{
	unsigned int i;

	for (i = 0; i < vm->mem.nr_regions; i++)
		if (vm->mem.regions[i].rom && vm->mem.regions[i].gpa == gpa)
			return set_slot(vm, i, mapped);
	return -ENOENT;
}
