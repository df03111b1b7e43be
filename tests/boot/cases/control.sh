# Guests run in the background under names: listed, paused (their clock
# stops), resumed, dumped (SCTLR_EL1.M=1 once Linux runs) and stopped
# (exit 0), two at once; nothing is left behind.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 240
export XDG_RUNTIME_DIR=/tmp/xdg
mkdir -p -m 700 $XDG_RUNTIME_DIR
uptime_l1() { cut -d' ' -f1 /proc/uptime; }
last_clock() { grep -a '^POCVM-CLOCK' "$1" | tail -n 1 | cut -d' ' -f2 | tr -d '\r'; }

$POCVM run -k $IMAGE -i $INITRD --name g1 -p "quiet guest_action=clock" \
	< /dev/null > g1.log 2>&1 &
pid1=$!
$POCVM run -k $IMAGE -i $INITRD --name g2 -c 2 -p "quiet guest_action=clock" \
	< /dev/null > g2.log 2>&1 &
pid2=$!
i=0
until grep -q '^POCVM-CLOCK' g1.log && grep -q '^POCVM-CLOCK' g2.log; do
	i=$((i + 1))
	[ $i -lt 300 ] || { cat g1.log g2.log; kill $pid1 $pid2; fail "guests did not come up"; }
	sleep 0.2
done
[ "$(stat -c %a /tmp/xdg/pocvm/g1.sock)" = 600 ] || fail "socket mode is not 0600"

expect_exit 0 list.log $POCVM list
expect_line list.log "^g1 $pid1 running"
expect_line list.log "^g2 $pid2 running"

expect_exit 0 pause.log $POCVM pause -n g1
expect_line pause.log '^paused'
expect_exit 0 list2.log $POCVM list
expect_line list2.log "^g1 $pid1 paused"
t1=$(last_clock g1.log) h1=$(uptime_l1)
sleep 4
expect_exit 0 resume.log $POCVM resume -n g1
sleep 2
t2=$(last_clock g1.log) h2=$(uptime_l1)
echo "guest clock ${t1}s -> ${t2}s while the host went ${h1}s -> ${h2}s"
awk "BEGIN { exit !(($t2 - $t1) < ($h2 - $h1) - 3) }" ||
	fail "the guest's clock did not stop while paused"
awk "BEGIN { exit !($t2 > $t1) }" || fail "the guest did not run after resume"

expect_exit 0 debug.log $POCVM debug -n g2
expect_line debug.log '^VCPU 0: '
expect_line debug.log '^VCPU 1: '
expect_line debug.log 'SCTLR_EL1 [0-9a-f]+ \(M=1 '
expect_line debug.log '^pocvm: flush: boot 1: method'
expect_exit 0 list3.log $POCVM list
expect_line list3.log "^g2 $pid2 running"

expect_exit 0 stop1.log $POCVM stop -n g1
wait $pid1 || fail "g1: exit status $? after 'pocvm stop', expected 0"
expect_exit 0 stopall.log $POCVM stop -a
wait $pid2 || fail "g2: exit status $? after 'pocvm stop -a', expected 0"
expect_exit 2 gone.log $POCVM stop -n g1
expect_line gone.log '^pocvm: g1: no such guest'
nothing_left
