# Soak: 50 boot/power-off cycles in a row, each a fresh pocvm that must
# exit 0, then 50 boots of one pocvm rebooting in place; pocvm's own
# memory (resident set less guest RAM pages, from --boot-report) must
# not grow across either.
# matrix: hosts=patched cpus=max gics=3
# timeout: 900
CYCLES=50
own() { sed -n "s/^pocvm: memory: .* + \([0-9]*\) KiB pocvm's own.*/\1/p" "$@"; }

i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	$POCVM run -k $IMAGE -i $INITRD -p quiet --boot-report \
		< /dev/null > cycle.log 2>&1
	st=$?
	grep -q '^POCVM-GUEST-UP' cycle.log && [ $st = 0 ] ||
		{ cat cycle.log; fail "cycle $i: exit status $st"; }
	own cycle.log >> fresh.txt
done
echo "fresh runs, pocvm's own KiB: $(tr '\n' ' ' < fresh.txt)"
[ "$(wc -l < fresh.txt)" = $CYCLES ] || fail "memory report missing"

expect_exit 0 reboot.log $POCVM run -k $IMAGE -i $INITRD --reboot \
	--boot-report -p "quiet guest_action=reboot-until guest_boots=$CYCLES"
[ "$(grep -c '^POCVM-GUEST-UP' reboot.log)" = $CYCLES ] ||
	fail "not $CYCLES boots"
own reboot.log > inplace.txt
echo "in-place reboots, pocvm's own KiB: $(tr '\n' ' ' < inplace.txt)"
[ "$(wc -l < inplace.txt)" = $CYCLES ] || fail "memory report missing"
# After the first boots have warmed up the allocator, a leak of even a
# few hundred bytes per boot would add up over 40 more.
for f in fresh.txt inplace.txt; do
	awk -v f=$f 'NR == 10 { base = $1 } NR > 10 && $1 > base + 128 {
		printf "%s: %d KiB at cycle %d, %d KiB at cycle 10\n", f, $1, NR, base
		bad = 1 } END { exit bad }' $f || fail "pocvm's own memory grew"
done
