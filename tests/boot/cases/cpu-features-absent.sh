# On a CPU without SVE, pointer authentication or AArch32 EL1 (QEMU's
# Neoverse-N1), a guest boots without them, and asking for them is one
# line and exit 2 before anything runs.
# matrix: hosts=patched cpus=neoverse-n1 gics=3
# timeout: 150
expect_exit 0 boot.log $POCVM run -k $IMAGE -i $INITRD -c 1 \
	-p "quiet guest_action=cpu"
grep -Eq '^POCVM-CPU-FEATURES .* (sve|paca|pacg)([^a-z0-9]|$)' boot.log &&
	fail "the guest has features this host lacks"
expect_line boot.log '^POCVM-SVE-VL none[[:space:]]*$'
for opt in "--sve-max-vl 256" "--aarch32"; do
	log=$(echo "$opt" | tr -d ' -').log
	expect_exit 2 $log $POCVM run -k $IMAGE $opt --console-log never.log
	[ "$(wc -l < $log)" = 1 ] || fail "$log: not exactly one line"
done
expect_line svemaxvl256.log '^pocvm: --sve-max-vl: this host offers guests no SVE'
expect_line aarch32.log '^pocvm: --aarch32: this host cannot run 32-bit EL1 guests'
[ ! -e never.log ] || fail "--console-log file made before the checks"
