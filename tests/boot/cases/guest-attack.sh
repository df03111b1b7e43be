# guest-attack: a bare-metal payload (payloads/attack/attack.c) drives
# pocvm's virtio-mmio devices as a hostile guest would: 1000 times it
# takes DRIVER_OK (and FEATURES_OK) back without a reset, on virtio-net
# served by vhost-net and on virtio-blk with reads in flight; then it
# sends a discard whose chain sums to 2^36 + 16 bytes. pocvm must live
# (exit 0, or 34 for a guest that gave up), tell the driver (NEEDS_RESET,
# an I/O error), hold no more fds after the toggles than before, and
# leave the disk image as it was.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 900
TAP=atap0

# busybox's ip has no tuntap; its tunctl makes the same persistent tap.
ip tuntap add dev $TAP mode tap 2>/dev/null || tunctl -t $TAP >/dev/null ||
	fail "cannot create tap $TAP"
ip link set $TAP up || fail "cannot bring $TAP up"
# Else the leak this looks for could not happen.
[ -c /dev/vhost-net ] || fail "no /dev/vhost-net in L1"

# On tmpfs, which punches holes: pocvm offers discard for this image.
dd if=/dev/urandom of=disk.img bs=64k count=16 2>/dev/null
before=$(md5sum < disk.img)
mkfifo in.fifo
echo "+ pocvm run -k attack.bin -m 1G --disk disk.img" \
	"-n mode=tap,tapif=$TAP,vhost=1 < in.fifo"
$POCVM run -k $GUEST/attack.bin -m 1G --timeout 800 --disk disk.img \
	-n mode=tap,tapif=$TAP,vhost=1 < in.fifo > console.log 2> pocvm.log &
pid=$!
exec 3> in.fifo
# A pocvm that dies under us must not take this script with it.
trap '' PIPE

# alive: pocvm runs (a zombie would still answer kill -0).
alive() {
	[ -d /proc/$pid ] && ! grep -q '^State:.*Z' /proc/$pid/status
}

# At each phase the payload waits for a byte from us: count pocvm's fds
# while it is held there. A pocvm that died stops the wait.
: > fds.txt
for ph in net-toggles-start net-toggles-done blk-toggles-start \
	  blk-toggles-done; do
	until grep -q "^PHASE $ph" console.log; do
		alive || break 2
		sleep 0.2
	done
	n=$(ls /proc/$pid/fd | wc -l)
	echo "$ph $n" >> fds.txt
	echo "phase $ph: pocvm holds $n fds"
	printf g >&3
done
wait $pid
rc=$?
exec 3>&-
ip link del $TAP 2>/dev/null || tunctl -d $TAP >/dev/null

cat console.log
# A pocvm that warns on every toggle would bury the rest: its first lines.
echo "pocvm's messages ($(wc -l < pocvm.log) lines), the first 20:"
head -n 20 pocvm.log

# Every broken promise is listed, not only the first.
bad=
problem() {
	echo "PROBLEM: $*"
	bad="$bad; $*"
}

case $rc in
0|34) ;;
*) problem "pocvm exit status $rc$([ $rc -gt 128 ] &&
	echo " (signal $((rc - 128)))")" ;;
esac
grep -q '^PHASE done' console.log ||
	problem "the payload did not get to its end"

# The toggles: the driver sees NEEDS_RESET, pocvm says so, no fd leaks.
for dev in net blk; do
	grep -Eq "^ATTACK-TOGGLES $dev .* needs-reset=1" console.log ||
		problem "$dev: the toggles did not set NEEDS_RESET"
	w="^pocvm: warning: virtio-$dev: .*without a reset"
	echo "virtio-$dev: $(grep -Ec "$w" pocvm.log) toggle warning(s)"
	grep -Eq "$w" pocvm.log ||
		problem "$dev: pocvm did not report the toggles"
	s=$(sed -n "s/^$dev-toggles-start //p" fds.txt)
	e=$(sed -n "s/^$dev-toggles-done //p" fds.txt)
	[ -n "$s" ] && [ -n "$e" ] ||
		problem "$dev: pocvm gone before its fds were counted"
	[ -n "$s" ] && [ -n "$e" ] && [ "$e" -gt "$s" ] &&
		problem "$dev: pocvm's fds went from $s to $e over the toggles"
done

# The 2^36 + 16 byte chain: an error for the driver, nothing written.
grep -q '^ATTACK-EVIL-CHAIN ' console.log ||
	problem "no discard or write zeroes offered: the chain was not sent"
while read -r tag type done st dst; do
	[ -n "$tag" ] || continue
	st=${st#status-byte=} dst=${dst#device-status=}
	if [ "$done" = completed=1 ]; then
		[ "$st" = 1 ] || [ "$st" = 2 ] ||
			problem "$type: the chain completed with status $st"
	elif [ $((dst & 0x40)) = 0 ]; then
		problem "$type: no completion and no NEEDS_RESET ($dst)"
	fi
done <<EOF
$(grep '^ATTACK-EVIL-RESULT ' console.log)
EOF
[ "$(md5sum < disk.img)" = "$before" ] ||
	problem "the disk image changed"

[ -z "$bad" ] || fail "${bad#; }"
nothing_left
