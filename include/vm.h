/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_VM_H
#define POCVM_VM_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "console.h"
#include "device.h"
#include "guest-mem.h"
#include "loader.h"
#include "poc-clean.h"

#define VM_MAX_DEVICES	48

struct event_loop;
struct control_server;
struct kvm_run;

/* --psci: a VCPU's power state, as PSCI AFFINITY_INFO reports it. */
enum psci_state {
	PSCI_STATE_OFF,
	PSCI_STATE_ON_PENDING,	/* CPU_ON done, the VCPU not yet reset */
	PSCI_STATE_ON,
};

struct vcpu {
	struct vm *vm;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	uint64_t mpidr;		/* what KVM gave it: the DT's reg */
	pthread_t thread;
	bool thread_started;
	/* what ended this VCPU's run loop, for the failure report */
	int error;
	bool run_failed;	/* KVM_RUN itself returned an error */
	uint64_t traced_sctlr;	/* --trace-boot: SCTLR_EL1 last seen */
	uint64_t traced_pc;	/* ... and the PC its last line showed */
	unsigned int traced_rewrites;	/* ... rewrites reported, M still 1 */
	uint32_t exit_reason;
	struct log_ratelimit log_rl;	/* accesses to nothing */
	struct {			/* --psci, under vm->psci_lock */
		enum psci_state state;
		uint64_t entry, context;	/* of a pending CPU_ON */
	} psci;
};

/* Why the guest stopped; exit.c maps these to pocvm's exit status. */
enum vm_stop {
	VM_RUNNING = 0,
	VM_POWEROFF,
	VM_RESET,
	VM_FAILURE,
	VM_PANIC,
	VM_TIMEOUT,
	VM_SIGINT,
	VM_SIGTERM,
	VM_STOPPED,		/* `pocvm stop` */
	VM_COMMAND_FAILED,	/* powered off after a non-zero status */
};

struct machine_layout;

struct vm {
	const struct config *cfg;
	const struct machine_layout *layout;	/* from cfg->machine */
	int kvm_fd;
	int vm_fd;
	unsigned int ipa_bits;
	long run_size;
	struct guest_mem mem;

	struct device devices[VM_MAX_DEVICES];
	unsigned int nr_devices;
	const char *stdout_path;	/* set by the console device */
	struct console console;

	struct vcpu *vcpus;
	unsigned int nr_vcpus;		/* -c, or the host's default */
	/* VCPU features, resolved once against KVM (arm64/vcpu-features.c) */
	struct {
		bool aarch32, sve, ptrauth, pvtime;
		void *pvtime_mem;	/* the stolen-time memslot's pages */
	} cpu;

	uint64_t granules;		/* page sizes the guest CPU can use */
	enum irqchip_kind gic;		/* resolved */
	bool mte;			/* KVM_CAP_ARM_MTE enabled */
	int gic_fd;
	int its_fd;

	/* KVM_ARM_FLUSH_RANGE: 1 works, 0 absent (why says why) */
	int flush_ioctl;
	const char *flush_ioctl_why;
	/* its work, counted by KVM in a binary stat; -1: not available */
	int stats_fd;
	uint64_t flush_stat_off;
	struct flush_report flush;	/* the last PoC clean */

	struct load_result boot;
	size_t dtb_size;
	uint32_t boot_count;		/* 1, then +1 per in-place reboot */
	int signal_fd;
	struct event_loop *loop;

	pthread_mutex_t stop_lock;
	pthread_cond_t stop_cond;
	enum vm_stop stop;		/* first reason wins */
	pthread_mutex_t psci_lock;	/* every VCPU's psci state */
	int failed_vcpu;		/* -1: none */
	/* `pocvm pause`: VCPU threads park outside KVM_RUN (stop_lock) */
	bool paused;
	unsigned int nr_parked;
	uint64_t paused_counter;	/* guest counter when paused */
	bool counter_saved;		/* paused_counter is this pause's */
	struct gdb *gdb;		/* --gdb stub, NULL if none */
	/*
	 * A VCPU's KVM_EXIT_DEBUG (breakpoint, step, watchpoint), for whoever
	 * set up the guest debug state: the gdb stub sets it, and arm64/
	 * calls it without knowing the stub. NULL: nobody; the exit is
	 * ignored.
	 */
	void (*debug_exit)(struct vcpu *vcpu);

	/* --boot-report: CLOCK_MONOTONIC ns of each step, 0 if not reached */
	struct {
		uint64_t start, created, loaded, sandboxed, cleaned,
			 first_run, guest_init, stopped;
	} boot_times;
	int timer_fd;			/* --timeout */
	int statm_fd;			/* --boot-report: /proc/self/statm */
	int initrd_fd;			/* host-rootfs initramfs, -1: none */

	/* what the guest reported on its exit-status port; -1: nothing */
	int guest_status;

	const char *name;
	struct control_server *control;	/* NULL: no control socket */

	/* Processes pocvm started (passt): the sandbox lets it end them. */
	pid_t children[CONFIG_MAX_NETS];
	unsigned int nr_children;
};

/* Note a child that pocvm ends at exit (seccomp allows that pid). */
static inline int vm_add_child(struct vm *vm, pid_t pid)
{
	if (vm->nr_children == CONFIG_MAX_NETS)
		return -ENOSPC;
	vm->children[vm->nr_children++] = pid;
	return 0;
}

/* The guest's program reported its exit status (virtio-console port). */
void vm_set_guest_status(struct vm *vm, int status);

/* Records why the VM stops (first caller wins) and wakes everyone up. */
void vm_request_stop(struct vm *vm, enum vm_stop why, int vcpu_index);

/*
 * Pause parks every VCPU thread outside KVM_RUN and freezes the guest's
 * counter; resume restores it, so the guest sees no time pass. Called from
 * the event loop (the control socket); VCPU threads call
 * vm_vcpu_checkpoint() before each KVM_RUN.
 */
int vm_pause(struct vm *vm);
/* Ask VCPUs to park without waiting (a VCPU thread stopping for gdb). */
void vm_pause_request(struct vm *vm);
int vm_resume(struct vm *vm);
bool vm_is_paused(struct vm *vm);
void vm_vcpu_checkpoint(struct vcpu *vcpu);
void vm_kick_vcpus(struct vm *vm);

/* Devices: claim an MMIO window; returns the device slot or NULL. */
struct device *vm_add_device(struct vm *vm, const struct device_ops *ops,
			     uint64_t base, uint64_t size, unsigned int spi,
			     void *priv);
/* Route a trapped access to its device; false if nothing is there. */
bool vm_mmio_access(struct vm *vm, uint64_t gpa, void *data,
		    unsigned int len, bool is_write);
int vm_set_irq(struct vm *vm, unsigned int spi, int level);

/* Set up guest RAM (and flash) from the config, registered with KVM. */
int vm_init_memory(struct vm *vm);
/* Just the flash banks' memory, no KVM (vm_init_memory() calls it). */
int vm_add_flash(struct vm *vm);
/*
 * The flash bank at gpa as a read-only memslot (mapped: reads go to
 * memory) or none (every access exits to the flash device).
 */
int vm_rom_map(struct vm *vm, uint64_t gpa, bool mapped);

#endif
