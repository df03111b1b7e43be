// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "arch.h"
#include "arm64.h"
#include "log.h"
#include "unit.h"

#define G4K	(1ULL << 12)
#define G16K	(1ULL << 14)
#define G64K	(1ULL << 16)

START_TEST(granules)
{
	/* Cortex-A57-like: 4K and 64K, no 16K. */
	ck_assert_uint_eq(arm64_granules_from_mmfr0(0x00001124), G4K | G64K);
	/* All three (TGran16 = 1). */
	ck_assert_uint_eq(arm64_granules_from_mmfr0(0x00101125),
			  G4K | G16K | G64K);
	/* 16K only: TGran4 = 0xf, TGran64 = 0xf, TGran16 = 2 (52-bit). */
	ck_assert_uint_eq(arm64_granules_from_mmfr0(0xff200000ULL), G16K);
}
END_TEST

/* Bit vq - 1 of the KVM_REG_ARM64_SVE_VLS words. */
static void vls_set(uint64_t *vls, unsigned int vq)
{
	vls[(vq - 1) / 64] |= 1ULL << ((vq - 1) % 64);
}

static bool vls_has(const uint64_t *vls, unsigned int vq)
{
	return vls[(vq - 1) / 64] & (1ULL << ((vq - 1) % 64));
}

START_TEST(sve_lengths)
{
	uint64_t vls[ARM64_SVE_VLS_WORDS];
	unsigned int vq;

	/* QEMU's max CPU: 128 to 2048 bits, every power of two. */
	memset(vls, 0, sizeof(vls));
	for (vq = 1; vq <= 16; vq <<= 1)
		vls_set(vls, vq);
	ck_assert_uint_eq(arm64_sve_vls_max_vq(vls), 16);
	/* --sve-max-vl 256: 128 and 256 stay, the longer ones go. */
	ck_assert_int_eq(arm64_sve_vls_limit(vls, 2), 0);
	ck_assert(vls_has(vls, 1) && vls_has(vls, 2));
	ck_assert(!vls_has(vls, 4) && !vls_has(vls, 16));
	ck_assert_uint_eq(arm64_sve_vls_max_vq(vls), 2);
	/* A length the host does not offer is refused, the set untouched. */
	ck_assert_int_eq(arm64_sve_vls_limit(vls, 4), -ENOENT);
	ck_assert_uint_eq(arm64_sve_vls_max_vq(vls), 2);
	memset(vls, 0, sizeof(vls));
	vls_set(vls, 1);
	vls_set(vls, 3);
	ck_assert_int_eq(arm64_sve_vls_limit(vls, 2), -ENOENT);
	/* The top of KVM's range, in the last word. */
	vls_set(vls, ARM64_SVE_VQ_MAX);
	ck_assert_uint_eq(arm64_sve_vls_max_vq(vls), ARM64_SVE_VQ_MAX);
	ck_assert_int_eq(arm64_sve_vls_limit(vls, 3), 0);
	ck_assert(!vls_has(vls, ARM64_SVE_VQ_MAX));
	ck_assert_int_eq(arm64_sve_vls_limit(vls, 0), -ENOENT);
	ck_assert_int_eq(arm64_sve_vls_limit(vls, ARM64_SVE_VQ_MAX + 1),
			 -ENOENT);
	memset(vls, 0, sizeof(vls));
	ck_assert_uint_eq(arm64_sve_vls_max_vq(vls), 0);
}
END_TEST

START_TEST(vcpu_count)
{
	struct config cfg = { .nr_cpus = 32, .cpus_default = false };
	unsigned int n = 0;
	int ret;

	ck_assert_int_eq(arm64_vcpu_count(&cfg, IRQCHIP_GICV3, 512, &n), 0);
	ck_assert_uint_eq(n, 32);
	err_clear();
	ret = arm64_vcpu_count(&cfg, IRQCHIP_GICV3, 16, &n);
	ck_assert_int_eq(ret, -ENODEV);
	ck_assert_str_eq(err_message(ret), "--cpus 32: KVM on this host "
			 "allows at most 16 VCPUs per VM (KVM_CAP_MAX_VCPUS)");
	/* --irqchip auto on a GICv2-only host: refused, not cut. */
	cfg.nr_cpus = 9;
	err_clear();
	ret = arm64_vcpu_count(&cfg, IRQCHIP_GICV2, 512, &n);
	ck_assert_int_eq(ret, -ENODEV);
	ck_assert_ptr_nonnull(strstr(err_message(ret), "at most 8"));
	/* Without -c: the host's CPUs, capped quietly by GIC and KVM. */
	cfg.nr_cpus = 96;
	cfg.cpus_default = true;
	ck_assert_int_eq(arm64_vcpu_count(&cfg, IRQCHIP_GICV3_ITS, 512, &n),
			 0);
	ck_assert_uint_eq(n, 96);
	ck_assert_int_eq(arm64_vcpu_count(&cfg, IRQCHIP_GICV2, 512, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_int_eq(arm64_vcpu_count(&cfg, IRQCHIP_GICV3, 64, &n), 0);
	ck_assert_uint_eq(n, 64);
	ck_assert_int_eq(arm64_vcpu_count(&cfg, IRQCHIP_GICV2, 4, &n), 0);
	ck_assert_uint_eq(n, 4);
	/* QEMU's virt map: room for 123 redistributors from 0x080a0000 */
	cfg.machine = MACHINE_VIRT;
	cfg.nr_cpus = 200;
	ck_assert_int_eq(arm64_vcpu_count(&cfg, IRQCHIP_GICV3, 512, &n), 0);
	ck_assert_uint_eq(n, 123);
	cfg.cpus_default = false;
	cfg.nr_cpus = 124;
	err_clear();
	ret = arm64_vcpu_count(&cfg, IRQCHIP_GICV3, 512, &n);
	ck_assert_int_eq(ret, -ENODEV);
	ck_assert_str_eq(err_message(ret), "--cpus 124: the virt machine has "
			 "room for 123 GICv3 redistributors");
	cfg.nr_cpus = 123;
	ck_assert_int_eq(arm64_vcpu_count(&cfg, IRQCHIP_GICV3_ITS, 512, &n),
			 0);
	ck_assert_uint_eq(n, 123);
}
END_TEST

static Suite *cpu_id_suite(void)
{
	Suite *s = suite_create("cpu-id");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, granules);
	tcase_add_test(tc, sve_lengths);
	tcase_add_test(tc, vcpu_count);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(cpu_id_suite)
