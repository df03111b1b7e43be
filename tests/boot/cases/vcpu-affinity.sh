# --vcpu-affinity pins every VCPU thread (kvmtool's meaning: one list for
# all of them), as L1's /proc shows; the main thread, which serves the
# event loop, stays free.
# A list with no CPU of this host is one line and exit 2.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 240
export XDG_RUNTIME_DIR=/tmp/xdg-affinity
mkdir -p -m 700 $XDG_RUNTIME_DIR
$POCVM run -k $IMAGE -i $INITRD -c 2 --vcpu-affinity 1 --name aff \
	-p "quiet guest_action=hang" > aff.log 2>&1 &
pid=$!
i=0
until grep -q '^POCVM-GUEST-UP' aff.log; do
	i=$((i + 1))
	[ $i -lt 1200 ] || { cat aff.log; fail "the guest did not come up"; }
	kill -0 $pid 2>/dev/null || { cat aff.log; fail "pocvm ended"; }
	sleep 0.1
done
vcpus=0 free=0
for t in /proc/$pid/task/*; do
	name=$(cat $t/comm)
	cpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' $t/status)
	echo "thread $(basename $t) $name: CPUs $cpus"
	case $name in
	vcpu*)
		[ "$cpus" = 1 ] || fail "$name may run on CPUs $cpus"
		vcpus=$((vcpus + 1)) ;;
	*)
		[ "$cpus" = 0-1 ] && free=$((free + 1)) ;;
	esac
done
[ $vcpus = 2 ] || fail "$vcpus VCPU threads, not 2"
[ $free -ge 1 ] || fail "no thread of pocvm's own left unpinned"
expect_exit 0 stop.log $POCVM stop -n aff
wait $pid || fail "pocvm exit status $?"

expect_exit 2 bad.log $POCVM run -k $IMAGE --vcpu-affinity 7
[ "$(wc -l < bad.log)" = 1 ] || fail "bad.log: not exactly one line"
expect_line bad.log '^pocvm: --vcpu-affinity 7: no CPU of the list is online'
nothing_left
