# seccomp: once set-up is done every pocvm thread (main, event loop,
# VCPUs) runs under the allow-list filter while the guest boots, is
# managed over the control socket and stopped; --no-seccomp runs without.
# The refusals themselves are shown by the unit test (test-seccomp.c).
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 240
export XDG_RUNTIME_DIR=/tmp/xdg
mkdir -p -m 700 $XDG_RUNTIME_DIR

# seccomp_modes PID: the Seccomp: field of each of its threads, sorted.
seccomp_modes() {
	for s in /proc/$1/task/*/status; do
		awk '$1 == "Seccomp:" { print $2 }' "$s"
	done | sort | uniq -c
}

for mode in on off; do
	opt=
	[ $mode = off ] && opt=--no-seccomp
	$POCVM run -k $IMAGE -i $INITRD -c 2 --name sc-$mode $opt \
		-p "quiet guest_action=clock" < /dev/null > run-$mode.log 2>&1 &
	pid=$!
	i=0
	until grep -q '^POCVM-CLOCK' run-$mode.log; do
		i=$((i + 1))
		[ $i -lt 300 ] || { cat run-$mode.log; kill $pid; fail "guest did not come up"; }
		sleep 0.2
	done
	seccomp_modes $pid | tee modes-$mode.txt
	threads=$(ls /proc/$pid/task | wc -l)
	# main, event loop, two VCPUs at least
	[ "$threads" -ge 4 ] || fail "only $threads threads"
	if [ $mode = on ]; then
		want=2
	else
		want=0
	fi
	[ "$(wc -l < modes-$mode.txt)" = 1 ] && grep -q " $threads $want\$" modes-$mode.txt ||
		fail "not every thread has Seccomp: $want"
	expect_exit 0 pause-$mode.log $POCVM pause -n sc-$mode
	expect_exit 0 resume-$mode.log $POCVM resume -n sc-$mode
	expect_exit 0 stop-$mode.log $POCVM stop -n sc-$mode
	wait $pid
	st=$?
	cat run-$mode.log
	[ $st = 0 ] || fail "pocvm $opt exited $st after 'pocvm stop'"
	[ ! -e /tmp/xdg/pocvm/sc-$mode.sock ] || fail "socket left behind"
done
