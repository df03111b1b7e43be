/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARM64_LAYOUT_H
#define POCVM_ARM64_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/*
 * kvmtool's guest-physical memory map (the default), kept compatible so
 * that existing earlycon= lines and scripts keep working.
 */
#define LAYOUT_UART_BASE	0x01000000ULL	/* + n * LAYOUT_UART_STRIDE */
#define LAYOUT_UART_STRIDE	0x1000ULL
#define LAYOUT_UART_SIZE	0x8ULL
#define LAYOUT_PVPANIC_BASE	0x01020000ULL
/* Documented for guests: write anything here when init is reached. */
#define LAYOUT_BOOT_TIMER_BASE	0x01030000ULL
#define LAYOUT_BOOT_TIMER_SIZE	0x8ULL
/*
 * Stolen time: 64 bytes per VCPU that KVM updates, guest memory outside
 * RAM (its own memslot), 64 KiB so any host page size maps it. kvmtool
 * has it at 0x01020000, where pocvm's pvpanic already was; the guest
 * learns the address through SMCCC (PV_TIME_ST), never from the DT, so
 * the next free 64 KiB does as well.
 */
#define LAYOUT_PVTIME_BASE	0x01040000ULL
#define LAYOUT_PVTIME_SIZE	0x10000ULL
#define LAYOUT_PVTIME_STRIDE	64ULL	/* per VCPU, 64-byte aligned */
#define LAYOUT_VIRTIO_BASE	0x03000000ULL	/* + n * LAYOUT_VIRTIO_STRIDE */
#define LAYOUT_VIRTIO_STRIDE	0x200ULL
#define LAYOUT_VIRTIO_MAX	32

#define LAYOUT_GIC_DIST_BASE	0x3fff0000ULL
#define LAYOUT_GIC_DIST_SIZE	0x10000ULL
#define LAYOUT_GICV2_CPU_SIZE	0x20000ULL
#define LAYOUT_GICV2_CPU_BASE	(LAYOUT_GIC_DIST_BASE - LAYOUT_GICV2_CPU_SIZE)
#define LAYOUT_GICV3_REDIST_SIZE 0x20000ULL	/* per VCPU */
#define LAYOUT_GICV3_REDIST_BASE(ncpu) \
	(LAYOUT_GIC_DIST_BASE - (ncpu) * LAYOUT_GICV3_REDIST_SIZE)
#define LAYOUT_GIC_ITS_SIZE	0x20000ULL
#define LAYOUT_GIC_ITS_BASE(ncpu) \
	(LAYOUT_GICV3_REDIST_BASE(ncpu) - LAYOUT_GIC_ITS_SIZE)

#define LAYOUT_RAM_BASE		0x80000000ULL
/* Bare payloads without an Image header, and the v0 default text_offset. */
#define LAYOUT_FLAT_OFFSET	0x80000ULL
/* --aarch32: a zImage (or flat binary) goes where 32-bit ARM puts it. */
#define LAYOUT_AARCH32_OFFSET	0x8000ULL
/* The DTB sits 2 MiB aligned near the top of the first 512 MiB of RAM. */
#define LAYOUT_DTB_WINDOW	(512ULL << 20)
#define LAYOUT_DTB_MAX		(2ULL << 20)

/* SPIs: the first is INTID 32; devices get SPIs from LAYOUT_SPI_FIRST. */
#define LAYOUT_SPI_UART(n)	(0 + (n))
#define LAYOUT_SPI_PVPANIC	4
#define LAYOUT_SPI_VIRTIO(n)	(8 + (n))

/* PPIs of the architected timer and the PMU, as INTIDs. */
#define LAYOUT_PPI_VTIMER	27
#define LAYOUT_PPI_PTIMER	30
#define LAYOUT_PPI_HYP_TIMER	26
#define LAYOUT_PPI_SEC_TIMER	29
#define LAYOUT_PPI_PMU		23

/*
 * A machine's memory map, as the devices, the GIC and the loader see it:
 * one table per --machine, chosen once per run (vm->layout). kvmtool's
 * is the default; QEMU's "virt" board (hw/arm/virt.c's memmap and irqmap)
 * is what Debian's u-boot and EDK2 builds for QEMU expect.
 */
#define LAYOUT_FLASH_BANKS	2

struct machine_layout {
	const char *name;
	uint64_t ram_base;		/* default */
	uint64_t ram_min;		/* -m ...@ADDR: not below (0: any) */
	bool pl011;			/* the machine's own UART is a PL011 */
	uint64_t uart_base;
	unsigned int uart_spi;
	uint64_t pvpanic_base;
	uint64_t boot_timer_base;
	uint64_t pvtime_base;
	uint64_t virtio_base;		/* + n * LAYOUT_VIRTIO_STRIDE */
	unsigned int virtio_spi;	/* + n */
	uint64_t gic_dist;
	uint64_t gicv2_cpu, gicv2_cpu_size;
	/* 0: the redistributors sit just below the distributor */
	uint64_t gicv3_redist;
	unsigned int gicv3_max_cpus;	/* what fits the redistributor room */
	uint64_t its;			/* 0: just below the redistributors */
	/* CFI flash banks; flash_size 0: none */
	uint64_t flash_base[LAYOUT_FLASH_BANKS];
	uint64_t flash_size;
};

const struct machine_layout *machine_layout(enum machine_kind kind);
uint64_t layout_gicv3_redist(const struct machine_layout *l,
			     unsigned int ncpu);
uint64_t layout_its(const struct machine_layout *l, unsigned int ncpu);

#endif
