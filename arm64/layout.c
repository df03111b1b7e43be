// SPDX-License-Identifier: GPL-2.0
/* The two memory maps --machine chooses from. */
#include <stddef.h>

#include "layout.h"

/* kvmtool's, from arm/include/arm-common/kvm-arch.h and its devices. */
static const struct machine_layout kvmtool_layout = {
	.name = "kvmtool",
	.ram_base = LAYOUT_RAM_BASE,
	.pl011 = false,
	.uart_base = LAYOUT_UART_BASE,
	.uart_spi = LAYOUT_SPI_UART(0),
	.pvpanic_base = LAYOUT_PVPANIC_BASE,
	.boot_timer_base = LAYOUT_BOOT_TIMER_BASE,
	.pvtime_base = LAYOUT_PVTIME_BASE,
	.virtio_base = LAYOUT_VIRTIO_BASE,
	.virtio_spi = LAYOUT_SPI_VIRTIO(0),
	.gic_dist = LAYOUT_GIC_DIST_BASE,
	.gicv2_cpu = LAYOUT_GICV2_CPU_BASE,
	.gicv2_cpu_size = LAYOUT_GICV2_CPU_SIZE,
	.gicv3_redist = 0,
	.gicv3_max_cpus = CONFIG_MAX_CPUS,
	.its = 0,
};

/*
 * QEMU's virt board (hw/arm/virt.c, base_memmap and a15irqmap): flash
 * banks at 0 and 64 MiB, the GIC at 0x08000000 with its redistributors
 * from 0x080a0000 (room for 123), the PL011 at 0x09000000 on SPI 1,
 * stolen time at 0x090a0000, 32 virtio-mmio slots of 0x200 from
 * 0x0a000000 on SPIs 16-47, RAM from 1 GiB. pocvm's own helpers (pvpanic,
 * the boot timer) take unused 64 KiB slots after QEMU's last device.
 */
static const struct machine_layout virt_layout = {
	.name = "virt",
	.ram_base = 0x40000000ULL,
	.ram_min = 0x40000000ULL,
	.pl011 = true,
	.uart_base = 0x09000000ULL,
	.uart_spi = 1,
	.pvpanic_base = 0x090c0000ULL,
	.boot_timer_base = 0x090d0000ULL,
	.pvtime_base = 0x090a0000ULL,
	.virtio_base = 0x0a000000ULL,
	.virtio_spi = 16,
	.gic_dist = 0x08000000ULL,
	.gicv2_cpu = 0x08010000ULL,
	.gicv2_cpu_size = 0x10000ULL,
	.gicv3_redist = 0x080a0000ULL,
	.gicv3_max_cpus = 0x00f60000ULL / LAYOUT_GICV3_REDIST_SIZE,
	.its = 0x08080000ULL,
	.flash_base = { 0, 0x04000000ULL },
	.flash_size = 0x04000000ULL,
};

const struct machine_layout *machine_layout(enum machine_kind kind)
{
	return kind == MACHINE_VIRT ? &virt_layout : &kvmtool_layout;
}

uint64_t layout_gicv3_redist(const struct machine_layout *l,
			     unsigned int ncpu)
{
	if (l->gicv3_redist)
		return l->gicv3_redist;
	return l->gic_dist - (uint64_t)ncpu * LAYOUT_GICV3_REDIST_SIZE;
}

uint64_t layout_its(const struct machine_layout *l, unsigned int ncpu)
{
	if (l->its)
		return l->its;
	return layout_gicv3_redist(l, ncpu) - LAYOUT_GIC_ITS_SIZE;
}
