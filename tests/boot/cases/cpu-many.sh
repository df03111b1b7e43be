# -c beyond 8: 32 VCPUs come up on a GICv3 (its redistributors sized from
# the count, the device tree's cpu-map in two clusters of 16, as KVM's
# MPIDRs have them); a GICv2 is refused more than 8, in one line, exit 2.
# matrix: hosts=patched,stock cpus=max gics=3,2
# timeout: 1200
bad_gicv2() {
	expect_exit 2 $1 $POCVM run -k $IMAGE -c 9 $2 --console-log never.log
	[ "$(wc -l < $1)" = 1 ] || fail "$1: not exactly one line"
	[ ! -e never.log ] || fail "--console-log file made before the checks"
}
if [ "$pocvm_gic" = 2 ]; then
	# --irqchip auto finds only a GICv2 here.
	bad_gicv2 v2auto.log
	expect_line v2auto.log '^pocvm: --cpus 9: a GICv2 serves at most 8 CPUs'
	exit 0
fi
bad_gicv2 v2.log "--irqchip gicv2"
expect_line v2.log '^pocvm: --cpus 9: a GICv2 \(--irqchip gicv2\) serves at most 8'
# 2 L1 CPUs under TCG run 32 VCPUs: slow, so a quiet guest and a long wait.
expect_exit 0 many.log $POCVM run -k $IMAGE -i $INITRD -c 32 \
	-p "quiet guest_action=cpus"
expect_line many.log '^POCVM-GUEST-UP kernel=6\.12.* cpus=32 '
expect_line many.log '^POCVM-CPUS-ONLINE 0-31[[:space:]]*$'
expect_line many.log '^POCVM-CPU-MAP cluster0 cluster1 name'
expect_line many.log '^POCVM-LAST-CPU-CLUSTER 1[[:space:]]*$'
