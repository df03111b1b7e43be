// SPDX-License-Identifier: GPL-2.0
/*
 * --psci: what pocvm answers to each PSCI call, and the power states
 * CPU_ON and AFFINITY_INFO walk through, on a VM with no KVM behind it
 * (a CPU_ON's reset runs on the target's thread, in the rig's tests).
 */
#include <linux/kvm.h>
#include <linux/psci.h>
#include <stdlib.h>

#include "arm64.h"
#include "unit.h"
#include "vm.h"

#define NR	3

static struct config cfg;
static struct vm vm;
static struct vcpu vcpus[NR];
static struct kvm_run runs[NR];

static void setup(void)
{
	unsigned int i;

	memset(&vm, 0, sizeof(vm));
	memset(vcpus, 0, sizeof(vcpus));
	memset(runs, 0, sizeof(runs));
	cfg.psci = true;
	vm.cfg = &cfg;
	vm.vcpus = vcpus;
	vm.nr_vcpus = NR;
	vm.failed_vcpu = -1;
	pthread_mutex_init(&vm.stop_lock, NULL);
	pthread_cond_init(&vm.stop_cond, NULL);
	pthread_mutex_init(&vm.psci_lock, NULL);
	for (i = 0; i < NR; i++) {
		vcpus[i].vm = &vm;
		vcpus[i].index = i;
		vcpus[i].fd = -1;
		vcpus[i].run = &runs[i];
		/* KVM's MPIDRs: RES1 bit 31, Aff0 = index */
		vcpus[i].mpidr = 0x80000000ULL | i;
	}
	arm64_psci_reset(&vm);
}

static int64_t call(unsigned int cpu, uint32_t fn, uint64_t a1, uint64_t a2,
		    uint64_t a3, bool *reply)
{
	const uint64_t a[3] = { a1, a2, a3 };

	*reply = true;
	return arm64_psci_dispatch(&vcpus[cpu], fn, a, reply);
}

START_TEST(version_and_features)
{
	bool reply;

	ck_assert_int_eq(call(0, PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0, &reply),
			 PSCI_VERSION(1, 0));
	ck_assert(reply);
	ck_assert_int_eq(call(0, PSCI_1_0_FN_PSCI_FEATURES,
			      PSCI_0_2_FN64_CPU_ON, 0, 0, &reply), 0);
	ck_assert_int_eq(call(0, PSCI_1_0_FN_PSCI_FEATURES,
			      PSCI_0_2_FN_SYSTEM_OFF, 0, 0, &reply), 0);
	/* SMCCC_VERSION is KVM's, and Linux asks before using SMCCC 1.1 */
	ck_assert_int_eq(call(0, PSCI_1_0_FN_PSCI_FEATURES, 0x80000000U,
			      0, 0, &reply), 0);
	ck_assert_int_eq(call(0, PSCI_1_0_FN_PSCI_FEATURES,
			      PSCI_0_2_FN64_CPU_SUSPEND, 0, 0, &reply),
			 PSCI_RET_NOT_SUPPORTED);
	ck_assert_int_eq(call(0, PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, 0,
			      &reply), PSCI_0_2_TOS_MP);
	ck_assert_int_eq(call(0, PSCI_0_2_FN_BASE + 0x1f, 0, 0, 0, &reply),
			 PSCI_RET_NOT_SUPPORTED);
	/* there is no 64-bit PSCI_VERSION */
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_BASE, 0, 0, 0, &reply),
			 PSCI_RET_NOT_SUPPORTED);
}
END_TEST

START_TEST(cpu_on_states)
{
	bool reply;

	/* After a (re)boot only VCPU 0 is on. */
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_AFFINITY_INFO, 0, 0, 0, &reply),
			 PSCI_0_2_AFFINITY_LEVEL_ON);
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_AFFINITY_INFO, 2, 0, 0, &reply),
			 PSCI_0_2_AFFINITY_LEVEL_OFF);
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_CPU_ON, 2, 0x80201000, 0x42,
			      &reply), PSCI_RET_SUCCESS);
	/* the target is kicked and takes the entry on its own thread */
	ck_assert_int_eq(runs[2].immediate_exit, 1);
	ck_assert_int_eq(vcpus[2].psci.state, PSCI_STATE_ON_PENDING);
	ck_assert_uint_eq(vcpus[2].psci.entry, 0x80201000);
	ck_assert_uint_eq(vcpus[2].psci.context, 0x42);
	ck_assert_int_eq(runs[1].immediate_exit, 0);
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_AFFINITY_INFO, 2, 0, 0, &reply),
			 PSCI_0_2_AFFINITY_LEVEL_ON_PENDING);
	ck_assert_int_eq(call(1, PSCI_0_2_FN64_CPU_ON, 2, 0x80300000, 0,
			      &reply), PSCI_RET_ON_PENDING);
	/* the first CPU_ON's entry stands */
	ck_assert_uint_eq(vcpus[2].psci.entry, 0x80201000);
	ck_assert_int_eq(call(1, PSCI_0_2_FN_CPU_ON, 0, 0x80300000, 0,
			      &reply), PSCI_RET_ALREADY_ON);
	/* MPIDR affinity fields only: bit 31 (RES1) does not matter */
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_CPU_ON, 0x80000001ULL,
			      0x80400000, 0, &reply), PSCI_RET_SUCCESS);
	ck_assert_int_eq(vcpus[1].psci.state, PSCI_STATE_ON_PENDING);
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_CPU_ON, 0x100, 0, 0, &reply),
			 PSCI_RET_INVALID_PARAMS);
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_AFFINITY_INFO, 7, 0, 0, &reply),
			 PSCI_RET_INVALID_PARAMS);
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_AFFINITY_INFO, 1, 1, 0, &reply),
			 PSCI_RET_INVALID_PARAMS);
	ck_assert(reply);
	/* a reboot puts the secondaries off again */
	arm64_psci_reset(&vm);
	ck_assert_int_eq(vcpus[1].psci.state, PSCI_STATE_OFF);
	ck_assert_int_eq(vcpus[2].psci.state, PSCI_STATE_OFF);
}
END_TEST

START_TEST(system_off_and_reset)
{
	bool reply;

	call(1, PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0, &reply);
	ck_assert(!reply);
	ck_assert_int_eq(vm.stop, VM_POWEROFF);
	ck_assert_int_eq(vm.failed_vcpu, 1);
	setup();
	call(0, PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0, &reply);
	ck_assert(!reply);
	ck_assert_int_eq(vm.stop, VM_RESET);
	/* once stopping, a CPU_ON kicks no thread: they are being joined */
	setup();
	vm.stop = VM_POWEROFF;
	vcpus[1].thread_started = true;	/* pthread_kill would be wrong */
	ck_assert_int_eq(call(0, PSCI_0_2_FN64_CPU_ON, 1, 0, 0, &reply),
			 PSCI_RET_SUCCESS);
}
END_TEST

static Suite *psci_suite(void)
{
	Suite *s = suite_create("arm64-psci");
	TCase *tc = tcase_create("calls");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, version_and_features);
	tcase_add_test(tc, cpu_on_states);
	tcase_add_test(tc, system_off_and_reset);
	suite_add_tcase(s, tc);
	return s;
}
UNIT_SUITE(psci_suite)
