# Helpers for boot-test cases; sourced inside the L1 host before a case.
# A case passes when it exits 0.
# shellcheck shell=sh

POCVM=/rig/bin/pocvm
GUEST=/rig/guest
IMAGE=$GUEST/Image
INITRD=$GUEST/guest.cpio
STOCK_IMAGE=$GUEST/stock-Image
STOCK_INITRD=$GUEST/stock.cpio

fail() {
	echo "FAIL: $*"
	exit 1
}

# expect_exit CODE LOG cmd...: run cmd with its output in LOG (and shown),
# fail unless it exits with CODE.
expect_exit() {
	want=$1 log=$2
	shift 2
	echo "+ $*"
	"$@" > "$log" 2>&1
	got=$?
	cat "$log"
	[ "$got" = "$want" ] || fail "exit status $got, expected $want: $*"
}

# nothing_left: no pocvm run process and no control socket in
# $XDG_RUNTIME_DIR/pocvm (busybox has no pgrep: ps it is).
nothing_left() {
	[ -z "$(ls -A $XDG_RUNTIME_DIR/pocvm 2>/dev/null)" ] ||
		fail "socket left behind: $(ls -A $XDG_RUNTIME_DIR/pocvm)"
	ps | grep -v grep | grep -q 'pocvm run' && fail "a pocvm process is left"
	true
}

# expect_line LOG PATTERN: LOG has a line matching the extended regex.
expect_line() {
	grep -Eq "$2" "$1" || fail "no line matching '$2' in $1"
}

# wait_for LOG PATTERN SECONDS: LOG gets a line matching the extended
# regex in time (for a guest driven through its console).
wait_for() {
	_i=0
	while ! grep -Eq "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -le $(($3 * 5)) ] || return 1
		sleep 0.2
	done
}
