/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_CONFIG_H
#define POCVM_CONFIG_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "log.h"

/* KVM's own limit on arm64 (KVM_MAX_VCPUS, the GICv3 maximum). */
#define CONFIG_MAX_CPUS		512
/* A GICv2 has eight CPU interfaces. */
#define CONFIG_MAX_CPUS_GICV2	8
/* --sve-max-vl: the architecture's vector lengths, in bits. */
#define CONFIG_SVE_VL_MIN	128
#define CONFIG_SVE_VL_MAX	2048
#define CONFIG_DEFAULT_RAM	(256ULL << 20)
#define CONFIG_NAME_MAX		64
#define CONFIG_MAX_DISKS	8
#define CONFIG_MAX_NETS		4
#define CONFIG_TAPIF_MAX	15	/* IFNAMSIZ - 1 */
#define CONFIG_MAX_FWDS		16	/* hostfwd= words per network */
#define CONFIG_MAX_SHARES	8
#define CONFIG_9P_TAG_MAX	64	/* bytes of a virtio-9p mount tag */

enum irqchip_kind {
	IRQCHIP_AUTO,
	IRQCHIP_GICV2,
	IRQCHIP_GICV3,
	IRQCHIP_GICV3_ITS,
};

enum flush_method {
	FLUSH_AUTO,	/* the ioctl when the kernel has it, else EL0 */
	FLUSH_IOCTL,	/* KVM_ARM_FLUSH_RANGE or fail */
	FLUSH_USER,	/* EL0 DC CIVAC over what pocvm wrote */
	FLUSH_NONE,	/* reproduce stale-data boots on real hardware */
};

enum console_kind {
	CONSOLE_SERIAL,		/* the machine's UART: 8250, or virt's PL011 */
	CONSOLE_VIRTIO,
	CONSOLE_PL011,		/* a PL011, whichever the machine */
};

/* --machine: whose memory map (arm64/layout.c). */
enum machine_kind {
	MACHINE_KVMTOOL,	/* the default */
	MACHINE_VIRT,		/* QEMU's virt board, for its firmware */
};

/* --virtio-transport: the register set every virtio-mmio device speaks. */
enum virtio_transport {
	VIRTIO_TRANSPORT_MMIO,		/* version 2 (virtio 1.x): default */
	VIRTIO_TRANSPORT_MMIO_LEGACY,	/* version 1, legacy (4.2.4) */
};

/* -d/--disk FILE[,ro][,direct] */
struct disk_config {
	const char *path;
	bool ro;
	bool direct;		/* O_DIRECT: bypass the host page cache */
};

/* --9p DIR,TAG[,ro]: a host directory the guest mounts by its tag. */
struct share_config {
	const char *dir;
	const char *tag;
	bool ro;
};

enum net_mode {
	NET_NONE,
	NET_TAP,
	NET_USER,	/* passt, the user-mode network daemon */
};

/* hostfwd=tcp|udp:HOSTPORT:GUESTPORT (mode=user: passt's -t and -u) */
struct net_fwd {
	bool udp;
	uint16_t host_port;
	uint16_t guest_port;
};

/*
 * -n/--network mode=tap|user|none[,tapif=NAME][,guest_mac=MAC]
 * [,vhost=0|1][,hostfwd=tcp:HOSTPORT:GUESTPORT...]
 */
struct net_config {
	enum net_mode mode;
	char tapif[CONFIG_TAPIF_MAX + 1];	/* "": let the kernel name it */
	uint8_t guest_mac[6];
	bool vhost;
	struct net_fwd fwds[CONFIG_MAX_FWDS];
	unsigned int nr_fwds;
	/*
	 * mode=user for a host-rootfs guest: guest-init sets the address
	 * up itself (the host's tree may have no DHCP client), so pocvm
	 * tells passt which one (PASST_GUEST_ADDR and friends).
	 */
	bool guest_static;
	/* No -n asked for it (a host-rootfs guest's): passt stays quiet. */
	bool by_default;
};

/*
 * Everything `pocvm run` was asked to do, as plain validated data. Parsing
 * opens no file: checks that need the files or /dev/kvm come later.
 */
struct config {
	const char *kernel;
	const char *initrd;
	const char *firmware;
	const char *flash;	/* -F/--flash: CFI flash bank 1's file */
	enum machine_kind machine;
	const char *dtb;
	const char *dump_dtb;
	const char *params;
	const char *name;
	const char *console_log;
	unsigned int timeout;		/* seconds, 0: none */
	bool boot_report;
	uint64_t ram_base;
	bool ram_base_given;	/* -m SIZE@ADDR: else the machine's */
	uint64_t ram_size;
	unsigned int nr_cpus;
	bool cpus_default;	/* no -c: the host's online CPUs, capped */
	enum irqchip_kind irqchip;
	enum console_kind console;
	enum virtio_transport virtio_transport;
	enum log_level loglevel;
	enum flush_method flush;
	bool debug_flush;
	bool pmu;
	bool aarch32;		/* a 32-bit EL1 guest (zImage) */
	bool no_pvtime;		/* no stolen-time region for the guest */
	unsigned int sve_max_vl;	/* bits; 0: all the host offers */
	const char *vcpu_affinity;	/* --vcpu-affinity as given */
	cpu_set_t vcpu_cpus;		/* ... and parsed */
	bool reboot;
	bool nodefaults;
	bool rng;		/* a virtio-rng device */
	bool balloon;		/* a virtio-balloon device */
	struct disk_config disks[CONFIG_MAX_DISKS];
	unsigned int nr_disks;
	struct share_config shares[CONFIG_MAX_SHARES];
	unsigned int nr_shares;
	struct net_config nets[CONFIG_MAX_NETS];
	unsigned int nr_nets;	/* mode=none entries are not counted */
	bool net_given;		/* any -n, mode=none too */
	const char *passt;	/* --passt PATH, NULL: "passt" on PATH */
	uint32_t vsock_cid;	/* --vsock CID, 0: no virtio-vsock */
	const char *gdb_host;	/* --gdb [HOST:]PORT, NULL: no stub */
	char gdb_host_buf[64];
	unsigned int gdb_port;
	bool gdb_wait;		/* hold VCPUs before their first instruction */
	bool trace_boot;	/* log the boot VCPU's SCTLR_EL1 M/C/I */
	bool no_seccomp;	/* run without the syscall allow-list */
	bool no_mte;		/* --disable-mte: no MTE even if KVM has it */
	/* kvmtool's run options (vmm/config-lkvm.c) */
	uint64_t firmware_addr;	/* --firmware-address, 0: RAM start */
	bool kaslr_seed_set;
	uint64_t kaslr_seed;	/* --kaslr-seed: /chosen/kaslr-seed */
	uint32_t cntfrq;	/* --override-bad-firmware-cntfrq, 0: none */
	bool psci;		/* PSCI in userspace (SMCCC filter) */
	const char *hugetlbfs;	/* guest RAM from this hugetlbfs */
	const char *kvm_dev;	/* --dev, default /dev/kvm */
	int tty;		/* --tty N: port N on a pty, -1: none */
	bool single_step;	/* --debug-single-step */
	bool debug_mmio;	/* --debug-mmio: log every access */
	bool no_dhcp;		/* --no-dhcp: accepted, see README */
	bool loglevel_given;	/* --loglevel (or --debug) was given */
	const char *user;	/* --user USER|UID after start-up, or NULL */
	const char *group;	/* --group GROUP|GID, or NULL */
	/* host-rootfs guests (vmm/rootfs.c): no -i, the host's tree as / */
	const char *rootfs;	/* --rootfs DIR, NULL: "/" */
	bool rootfs_rw;		/* --rw: guest writes reach DIR */
	const char *modules;	/* --modules DIR, NULL: /lib/modules/RELEASE */
	/* words after "--": the guest's init runs them (kernel cmdline) */
	char **guest_argv;
	int guest_argc;
};

/*
 * Fill defaults, parse `run` arguments (argv[0] is "run"), validate. On
 * success the caller owns what cfg holds until config_release(); on
 * failure there is nothing to release.
 */
int config_parse_run(struct config *cfg, int argc, char **argv);
void config_release(struct config *cfg);
/* 0 if name can name a guest (and its control socket), else -EINVAL. */
int config_name_valid(const char *name);
/* "0-3,6" into set; 0 or -EINVAL (a CPU past CPU_SETSIZE is invalid). */
int config_parse_cpulist(const char *list, cpu_set_t *set);
/* kvmtool's --dev default. */
#define CONFIG_KVM_DEV		"/dev/kvm"
/* --tty N: the serial ports pocvm has (one 8250, ttyS0). */
#define CONFIG_MAX_TTY		0

#endif
