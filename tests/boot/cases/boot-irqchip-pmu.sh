# --irqchip and --pmu reach the guest; a GIC the host cannot emulate is
# refused with exit 2 before anything runs.
# matrix: hosts=patched,stock cpus=max gics=3,2
# timeout: 180
if [ "$pocvm_gic" = 3 ]; then
	expect_exit 0 its.log $POCVM run -k $IMAGE -i $INITRD --irqchip gicv3-its \
		--pmu -p "quiet guest_action=info"
	expect_line its.log '^POCVM-GUEST-GIC GICv3'
	expect_line its.log '^POCVM-GUEST-ITS 1'
	expect_line its.log '^POCVM-GUEST-PMU .*armv8_pmuv3'
	expect_exit 0 v3.log $POCVM run -k $IMAGE -i $INITRD --irqchip gicv3 \
		-p "quiet guest_action=info"
	expect_line v3.log '^POCVM-GUEST-ITS 0'
	# auto, the default: a GICv3 without an ITS (nothing of pocvm's
	# sends an MSI for one to translate).
	expect_exit 0 auto.log $POCVM run -k $IMAGE -i $INITRD \
		-p "quiet guest_action=info"
	expect_line auto.log '^POCVM-GUEST-GIC GICv3'
	expect_line auto.log '^POCVM-GUEST-ITS 0'
	# Without --pmu the guest has no PMU.
	grep -q '^POCVM-GUEST-PMU .*armv8_pmuv3' v3.log && fail "PMU without --pmu"
	expect_exit 2 v2.log $POCVM run -k $IMAGE --irqchip gicv2 \
		--console-log never.log
	expect_line v2.log '^pocvm: --irqchip gicv2: this host cannot emulate a GICv2'
	# Options are checked against the host before any file is opened.
	[ ! -e never.log ] || fail "--console-log file made before the checks"
else
	expect_exit 0 v2.log $POCVM run -k $IMAGE -i $INITRD --irqchip gicv2 \
		--pmu -p "quiet guest_action=info"
	expect_line v2.log '^POCVM-GUEST-GIC GIC-0'
	expect_line v2.log '^POCVM-GUEST-PMU .*armv8_pmuv3'
	expect_exit 2 v3.log $POCVM run -k $IMAGE --irqchip gicv3
	expect_line v3.log '^pocvm: --irqchip gicv3: this host has no GICv3'
fi
