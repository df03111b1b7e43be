/* SPDX-License-Identifier: GPL-2.0 */
#ifndef POCVM_ARM64_LAYOUT_H
#define POCVM_ARM64_LAYOUT_H

/*
 * The guest-physical memory map, kept compatible with kvmtool's so that
 * existing earlycon= lines and scripts keep working.
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

#endif
