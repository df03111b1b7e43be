# virtio-net: TCP throughput guest -> L1 and L1 -> guest, and connection
# setups per second, over passt (-n mode=user), over a tap with pocvm
# moving the packets, and over a tap with vhost-net. Prints figures;
# asserts nothing. Debian's kernel as L1; all runs on a tmpfs root
# (in_passt_root: passt's pivot_root refuses an initramfs root). A run
# that stalls ends at netbench_timeout seconds with its log shown, so one
# backend's stall costs the others nothing.
# matrix: hosts=stock cpus=max gics=3
# timeout: 1800
TAP=pbench0
MIB=${netbench_mib:-32}

ip tuntap add dev $TAP mode tap 2>/dev/null || tunctl -t $TAP >/dev/null
ip addr add 192.168.103.1/24 dev $TAP
ip link set $TAP up
# passt's addresses come from the interface with the default route.
ip route add default via 192.168.103.2 dev $TAP
tcpbench sink 9001 > /dev/null &
sink=$!
tcpbench source 9002 $MIB > /dev/null &
source=$!
sleep 1

printf '%-22s %-34s %-34s %s\n' backend "guest -> L1" "L1 -> guest" \
	"connections"
for b in ${netbench_backends:-passt tap tap+vhost}; do
	case $b in
	passt) net=mode=user p= ;;
	tap) net=mode=tap,tapif=$TAP,vhost=0
	     p="net_addr=192.168.103.2/24 net_peer=192.168.103.1" ;;
	tap+vhost) net=mode=tap,tapif=$TAP,vhost=1
	     p="net_addr=192.168.103.2/24 net_peer=192.168.103.1" ;;
	esac
	in_passt_root $POCVM run -k $IMAGE -i $INITRD -m 256 -n $net \
		--timeout ${netbench_timeout:-500} \
		-p "quiet guest_action=netbench netbench_mib=$MIB $p" \
		< /dev/null > $b.log 2>&1 || cat $b.log
	fig() { sed -n "s/^POCVM-NETBENCH $1 //p" $b.log | tr -d '\r'; }
	printf '%-22s %-34s %-34s %s\n' "$b" "$(fig guest-to-host)" \
		"$(fig host-to-guest)" "$(fig connect)"
	# A figure that is missing says why here.
	grep -a '^tcpbench:\|^pocvm:' $b.log | sed "s/^/  $b: /"
done
kill $sink $source
ip link del $TAP 2>/dev/null || tunctl -d $TAP >/dev/null
