# virtio-net: -n mode=tap,tapif=NAME gives the guest a virtio-net device
# (ID 1) with the MAC asked for, and the guest pings the L1 host over the
# tap, with pocvm moving the packets (vhost=0) and with the kernel's
# vhost-net doing it (vhost=1); on our 6.12 kernel and Debian's. A bad
# tap, no /dev/net/tun or no /dev/vhost-net exit 2; mode=none adds nothing.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 900
TAP=ptap0

# busybox's ip has no tuntap; its tunctl makes the same persistent tap.
ip tuntap add dev $TAP mode tap 2>/dev/null || tunctl -t $TAP >/dev/null ||
	fail "cannot create tap $TAP"
ip addr add 192.168.100.1/24 dev $TAP || fail "cannot configure $TAP"
ip link set $TAP up || fail "cannot bring $TAP up"
# Else the vhost path would silently go untested.
[ -c /dev/vhost-net ] || fail "no /dev/vhost-net in L1"

# without FILE CODE LOG cmd...: expect_exit with FILE moved out of the way.
without() {
	f=$1
	shift
	mv "$f" "$f.hidden" || fail "cannot hide $f"
	(expect_exit "$@")
	rc=$?
	mv "$f.hidden" "$f"
	[ $rc = 0 ] || exit 1
}

for k in ours stock; do
	if [ $k = ours ]; then
		kernel=$IMAGE initrd=$INITRD
	else
		kernel=$STOCK_IMAGE initrd=$STOCK_INITRD
	fi
	for v in 0 1; do
		mac=02:70:6f:63:0$v:$([ $k = ours ] && echo 0a || echo 0b)
		log=net-$k-vhost$v.log
		expect_exit 0 $log $POCVM run -k $kernel -i $initrd \
			--loglevel info -p "quiet guest_action=net" \
			-n mode=tap,tapif=$TAP,guest_mac=$mac,vhost=$v
		expect_line $log "^POCVM-NET-IF eth0 $mac[[:space:]]*\$"
		expect_line $log '^POCVM-NET-PING-OK'
		expect_line $log "^pocvm: info: virtio-net: tap $TAP\$"
		# The queues went to vhost-net exactly when asked, no fallback.
		if [ $v = 1 ]; then
			expect_line $log "net $TAP: queues served by vhost-net"
		elif grep -q 'served by vhost-net' $log; then
			fail "$log: vhost-net used with vhost=0"
		fi
		! grep -q 'pocvm serves the queues' $log ||
			fail "$log: vhost-net fell back"
	done
done

# An in-place reboot resets the device: vhost-net lets go of the queues
# and takes them again for the next driver. The MAC is the default one.
expect_exit 0 reboot.log $POCVM run -k $IMAGE -i $INITRD --reboot \
	--loglevel info -p "quiet guest_action=net net_reboot=1" \
	-n mode=tap,tapif=$TAP,vhost=1
expect_line reboot.log '^POCVM-GUEST-UP .* boot=2'
expect_line reboot.log '^POCVM-NET-IF eth0 02:15:15:15:15:00[[:space:]]*$'
[ "$(grep -c '^POCVM-NET-PING-OK' reboot.log)" = 2 ] ||
	fail "reboot.log: not two successful pings"
[ "$(grep -c 'queues served by vhost-net' reboot.log)" = 2 ] ||
	fail "reboot.log: vhost-net did not serve both boots"

# mode=none counts for nothing: no device.
expect_exit 0 none.log $POCVM run -k $IMAGE -i $INITRD -n mode=none \
	-p "quiet guest_action=net"
expect_line none.log '^POCVM-NET-NODEV'

# Bad inputs: one line naming the option, exit 2, before any boot.
expect_exit 2 lo.log $POCVM run -k $IMAGE -n mode=tap,tapif=lo
one_error lo.log '^pocvm: --network: tapif=lo: .*not a tap interface'
without /dev/vhost-net 2 novhost.log \
	$POCVM run -k $IMAGE -n mode=tap,tapif=$TAP,vhost=1
one_error novhost.log '^pocvm: --network: vhost=1: /dev/vhost-net: '
without /dev/net/tun 2 notun.log $POCVM run -k $IMAGE -n mode=tap,tapif=$TAP
one_error notun.log '^pocvm: --network: /dev/net/tun: '

ip link del $TAP 2>/dev/null || tunctl -d $TAP >/dev/null
