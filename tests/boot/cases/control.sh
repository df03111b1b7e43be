# Guests run in the background under names: listed, paused (their clock
# stops), resumed, dumped (SCTLR_EL1.M=1 once Linux runs) and stopped
# (exit 0), two at once; nothing is left behind. A dead guest's socket is
# replaced, a live one's name is not taken, and a socket directory open
# to others (or a symlink) is refused.
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
expect_line list.log "^ *$pid1 g1 +running$"
expect_line list.log "^ *$pid2 g2 +running$"

expect_exit 0 pause.log $POCVM pause -n g1
expect_line pause.log '^paused'
expect_exit 0 list2.log $POCVM list
expect_line list2.log "^ *$pid1 g1 +paused$"
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
expect_line list3.log "^ *$pid2 g2 +running$"

expect_exit 0 stop1.log $POCVM stop -n g1
wait $pid1 || fail "g1: exit status $? after 'pocvm stop', expected 0"
expect_exit 0 stopall.log $POCVM stop -a
wait $pid2 || fail "g2: exit status $? after 'pocvm stop -a', expected 0"
expect_exit 2 gone.log $POCVM stop -n g1
expect_line gone.log '^pocvm: g1: no such guest'
nothing_left

# A pocvm killed outright leaves its socket: the next one of that name
# replaces it (connect() is refused there), and no one else's is taken.
$POCVM run -k $IMAGE -i $INITRD --name g3 -p "quiet guest_action=clock" \
	< /dev/null > g3.log 2>&1 &
pid3=$!
i=0
until grep -q '^POCVM-CLOCK' g3.log; do
	i=$((i + 1))
	[ $i -lt 300 ] || { cat g3.log; kill $pid3; fail "g3 did not come up"; }
	sleep 0.2
done
expect_exit 2 taken.log $POCVM run -k $IMAGE -i $INITRD --name g3 -p quiet
expect_line taken.log '^pocvm: --name g3: a guest of that name is already'
kill -KILL $pid3
wait $pid3
[ -S /tmp/xdg/pocvm/g3.sock ] || fail "no socket left by the killed pocvm"
expect_exit 0 again.log $POCVM run -k $IMAGE -i $INITRD --name g3 -p quiet
expect_line again.log '^POCVM-GUEST-UP'
nothing_left

# The socket directory must be ours alone: others' bits are refused, by
# run and by the commands, with the directory named; 0700 works again.
chmod 770 /tmp/xdg/pocvm
expect_exit 2 opendir.log $POCVM run -k $IMAGE -i $INITRD --name g4 -p quiet
expect_line opendir.log '^pocvm: /tmp/xdg/pocvm: mode 0770 lets others in'
expect_exit 2 opendir-list.log $POCVM list
expect_line opendir-list.log '^pocvm: /tmp/xdg/pocvm: mode 0770 lets others in'
expect_exit 2 opendir-stop.log $POCVM stop -a
expect_line opendir-stop.log '^pocvm: /tmp/xdg/pocvm: mode 0770 lets others in'
chmod 700 /tmp/xdg/pocvm
mv /tmp/xdg/pocvm /tmp/xdg/real
ln -s real /tmp/xdg/pocvm
expect_exit 2 symlink.log $POCVM run -k $IMAGE -i $INITRD -p quiet
expect_line symlink.log '^pocvm: /tmp/xdg/pocvm: a symlink, not a directory'
rm /tmp/xdg/pocvm
mv /tmp/xdg/real /tmp/xdg/pocvm
nothing_left
