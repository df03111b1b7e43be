# seccomp: once set-up is done every pocvm thread (main, which serves the
# event loop, and the VCPUs) runs under the allow-list filter, with
# no_new_privs and no capabilities, while the guest boots, is managed
# over the control socket and stopped; --no-seccomp runs without the
# filter (the rest stays).
#
# The refusals themselves: a running pocvm never makes the calls an
# escaped guest would, so they are tried by the unit tests' seccomp and
# sandbox suites, run here on this L1 kernel (aarch64, with seccomp and
# Landlock): a child enters the sandbox through the calls pocvm run
# makes (sandbox_init/sandbox_enter on a parsed command line, or
# seccomp_lock_down) and finds TIOCSTI, TIOCLINUX, unlinkat,
# openat(O_TRUNC) of a file not given and mprotect(PROT_EXEC) refused.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 300
export XDG_RUNTIME_DIR=/tmp/xdg
mkdir -p -m 700 $XDG_RUNTIME_DIR

# field_of PID FIELD: FIELD of each of its threads' status, counted.
field_of() {
	for s in /proc/$1/task/*/status; do
		awk -v f="$2:" '$1 == f { $1 = ""; print substr($0, 2) }' "$s"
	done | sort | uniq -c |
		awk '{ n = $1; $1 = ""; print n ":" substr($0, 2) }'
}

# every_thread PID FIELD VALUE: all its threads have FIELD = VALUE.
every_thread() {
	field_of $1 $2 > field.txt
	echo "$2 $(tr '\n' ' ' < field.txt)"
	[ "$(wc -l < field.txt)" = 1 ] && grep -qx "$threads:$3" field.txt ||
		fail "not every thread has $2 $3"
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
	threads=$(ls /proc/$pid/task | wc -l)
	# main (which serves the event loop) and two VCPUs at least
	[ "$threads" -ge 3 ] || fail "only $threads threads"
	if [ $mode = on ]; then
		every_thread $pid Seccomp 2
	else
		every_thread $pid Seccomp 0
	fi
	every_thread $pid NoNewPrivs 1
	every_thread $pid CapEff 0000000000000000
	every_thread $pid CapPrm 0000000000000000
	every_thread $pid CapBnd 0000000000000000
	expect_exit 0 pause-$mode.log $POCVM pause -n sc-$mode
	expect_exit 0 resume-$mode.log $POCVM resume -n sc-$mode
	expect_exit 0 stop-$mode.log $POCVM stop -n sc-$mode
	wait $pid
	st=$?
	cat run-$mode.log
	[ $st = 0 ] || fail "pocvm $opt exited $st after 'pocvm stop'"
	[ ! -e /tmp/xdg/pocvm/sc-$mode.sock ] || fail "socket left behind"
done

[ -x /rig/bin/unit-tests ] ||
	fail "no /rig/bin/unit-tests in L1: 'make boot' or 'make unit' builds it"
for suite in seccomp sandbox; do
	echo "+ CK_RUN_SUITE=$suite unit-tests on Linux $(uname -r)"
	# REQUIRE: a kernel that cannot filter fails here, never skips.
	POCVM_REQUIRE_SANDBOX=1 CK_RUN_SUITE=$suite \
		/rig/bin/unit-tests > unit-$suite.log 2>&1
	st=$?
	cat unit-$suite.log
	[ $st = 0 ] || fail "unit suite $suite failed"
	expect_line unit-$suite.log \
		'^100%: Checks: [1-9][0-9]*, Failures: 0, Errors: 0'
	! grep -q skipped unit-$suite.log || fail "unit suite $suite skipped"
done
