# -n mode=user: pocvm starts passt (Debian's arm64 build, in L1's image)
# and the guest gets its address by DHCP, fetches a file from a server
# on L1's loopback (passt takes the gateway address there) and checks
# its sum, sends 32 MiB up to L1 (sums compared), makes 1000 short
# connections in a row, and serves L1 through a hostfwd; again as a
# user who may open /dev/kvm and nothing else. SIGKILL of pocvm leaves
# no passt; a missing passt is one line, exit 2.
# A host-rootfs guest with no -n gets the same network, set up by
# guest-init (no DHCP), or none when there is no passt; -n mode=user
# without passt stays exit 2.
# passt needs user namespaces: on an L1 kernel without CONFIG_USER_NS
# only the error paths run. passt also confines
# itself with pivot_root, which the initramfs that is L1's root refuses
# (EINVAL): the guest runs happen on a tmpfs root (in_passt_root).
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 2400
TAP=pnet0
CONNS=${usernet_conns:-1000}

# passt processes (run through the rig's ld.so wrapper), as ps shows them.
passts() {
	ps | grep -v grep | grep -c 'libexec/passt'
}

# No passt: one line naming the option, exit 2, on every host.
expect_exit 2 nopasst.log env PATH=/bin $POCVM run -k $IMAGE -i $INITRD \
	-n mode=user
one_error nopasst.log '^pocvm: --network: mode=user needs passt, which is not on PATH'
expect_exit 2 badpasst.log $POCVM run -k $IMAGE -n mode=user \
	--passt /nonexistent/passt
one_error badpasst.log '^pocvm: --passt: /nonexistent/passt: No such file'
# An error found once passt runs is one line too: what passt says about
# the host (as root here: "Don't run as root", no syslog) waits in its
# pipe until the guest runs, and this guest never does.
expect_exit 2 late.log $POCVM run -k $IMAGE -i /nonexistent/initrd \
	-n mode=user
one_error late.log '^pocvm: .*/nonexistent/initrd'

if [ ! -e /proc/self/ns/user ]; then
	echo "skipped: the guest runs: this L1 kernel has no user" \
	     "namespaces (CONFIG_USER_NS), which passt needs"
	exit 0
fi

# passt takes its addresses from the interface with the default route:
# a tap nobody reads gives it one; no packet ever goes there.
ip tuntap add dev $TAP mode tap 2>/dev/null || tunctl -t $TAP >/dev/null ||
	fail "cannot create tap $TAP"
ip addr add 192.168.102.1/24 dev $TAP && ip link set $TAP up &&
	ip route add default via 192.168.102.2 dev $TAP ||
	fail "cannot configure $TAP"

# The server on L1's loopback: a 512 KiB file and a small one.
mkdir -p www
dd if=/dev/urandom of=www/blob bs=1024 count=512 2>/dev/null
echo small > www/small
# (blob, not want: expect_exit sets want)
blob=$(sha256sum < www/blob)
blob=${blob%% *}
httpd -f -p 127.0.0.1:8000 -h $PWD/www &
hpid=$!
# A failing step must not leave it holding the case's output open.
trap 'kill $hpid 2>/dev/null' EXIT

# usernet LOG CONNS HOSTPORT [pocvm options...]: one guest run, its
# hostfwd called from L1 once it serves; the run must exit 0.
usernet() {
	log=$1 conns=$2 port=$3
	shift 3
	echo "+ pocvm run ... -n mode=user,hostfwd=tcp:$port:8080 $*"
	"$@" < /dev/null > $log 2>&1 &
	pid=$!
	wait_line $log '^POCVM-USERNET-SERVING' $pid 600
	i=0
	until [ "$(nc 127.0.0.1 $port < /dev/null 2>/dev/null)" = \
		"hello from the guest" ]; do
		i=$((i + 1))
		[ $i -lt 30 ] || { cat $log; kill $pid; fail "hostfwd $port: no answer"; }
		sleep 1
	done
	echo "hostfwd tcp:$port:8080 answered"
	wait $pid
	rc=$?
	cat $log
	[ $rc = 0 ] || fail "$log: pocvm exited $rc"
	expect_line $log '^POCVM-USERNET-LEASE 192\.168\.102\.1 192\.168\.102\.2'
	expect_line $log "^POCVM-USERNET-SUM $blob"
	expect_line $log "^POCVM-USERNET-CONNS $conns/$conns"
	expect_line $log '^POCVM-USERNET-SERVED'
	[ "$(passts)" = 0 ] || fail "passt is left after pocvm exited"
}

# As root, with passt from PATH (/rig/bin), the MAC asked for; 32 MiB
# from the guest into up.bin, which takes the rig longer than the 24 s
# after which Debian 12's passt resets a connection whose server never
# sent (tcpbench.c): tcpbench save greets it.
tcpbench save 9100 up.bin > save.log 2>&1 &
savepid=$!
usernet root.log $CONNS 18080 in_passt_root $POCVM run -k $IMAGE -i $INITRD -m 256 \
	--loglevel info \
	-n mode=user,guest_mac=02:70:6f:63:00:0c,hostfwd=tcp:18080:8080 \
	-p "quiet guest_action=usernet usernet_conns=$CONNS usernet_up_kib=32768"
expect_line root.log '^pocvm: info: virtio-net: passt .*/passt \(pid [0-9]+\)'
grep -q '^POCVM-USERNET-UP ' root.log || { kill $savepid; fail "no upload"; }
wait $savepid || fail "tcpbench save: $(cat save.log)"
up=$(sha256sum < up.bin)
echo "L1 got $(wc -c < up.bin) bytes from the guest"
expect_line root.log "^POCVM-USERNET-UP ${up%% *}"

# As a user whose only privilege is /dev/kvm.
kvm_mode=$(stat -c %a /dev/kvm)
chmod 666 /dev/kvm
usernet user.log 20 18081 in_passt_root su -s /bin/sh netu -c "
	export XDG_RUNTIME_DIR=/tmp/xdg-net
	echo uid \$(id -u)
	exec $POCVM run -k $IMAGE -i $INITRD -m 256 --passt /rig/bin/passt \
		-n mode=user,hostfwd=tcp:18081:8080 \
		-p 'quiet guest_action=usernet usernet_conns=20'"
chmod $kvm_mode /dev/kvm
expect_line user.log '^uid 1001'

# SIGKILL: pocvm cannot clean up, and passt still goes.
echo "+ pocvm run -n mode=user & ... kill -9"
in_passt_root $POCVM run -k $IMAGE -i $INITRD -m 256 -n mode=user \
	-p "quiet guest_action=hang" < /dev/null > kill.log 2>&1 &
sub=$!
i=0
until [ "$(passts)" = 1 ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || { kill $sub; fail "no passt running"; }
	sleep 0.2
done
# pocvm itself (in_passt_root runs in a subshell of ours).
vm=$(ps -o pid,args | awk -v p=$POCVM '$2 == p && $3 == "run" {print $1}')
[ -n "$vm" ] || fail "no pocvm process"
kill -9 $vm
wait $sub
i=0
until [ "$(passts)" = 0 ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || { ps; fail "passt outlived a SIGKILLed pocvm"; }
	sleep 0.2
done
echo "passt is gone after SIGKILL"

# A host-rootfs guest (L1's tree as its root) with no -n: passt from
# PATH, the address guest-init sets up from pocvm's command line, and
# the same server through the gateway address pocvm gave passt.
expect_exit 0 rootfs.log in_passt_root $POCVM run -k $IMAGE -m 256 \
	--loglevel info -- \
	sh -c 'busybox wget -q -O - http://10.0.2.2:8000/blob | busybox sha256sum' \
	< /dev/null
expect_line rootfs.log '^pocvm: info: virtio-net: passt .*/passt \(pid [0-9]+\)'
expect_line rootfs.log "^$blob"
expect_line rootfs.log '^pocvm: info: guest reported exit status 0'
[ "$(passts)" = 0 ] || fail "passt is left after pocvm exited"
# No passt there: no network, one info line, and the command runs.
expect_exit 0 rootfs-nopasst.log env PATH=/bin:/sbin $POCVM run -k $IMAGE \
	-m 256 --loglevel info -- sh -c 'echo no-net; exit 0' < /dev/null
expect_line rootfs-nopasst.log '^pocvm: info: host-rootfs guest: no network: passt is not on PATH'
expect_line rootfs-nopasst.log '^no-net'
# Asked for, it is still an error.
expect_exit 2 rootfs-user.log env PATH=/bin:/sbin $POCVM run -k $IMAGE \
	-m 256 -n mode=user -- true < /dev/null
one_error rootfs-user.log '^pocvm: --network: mode=user needs passt'

kill $hpid
ip link del $TAP 2>/dev/null || tunctl -d $TAP >/dev/null
