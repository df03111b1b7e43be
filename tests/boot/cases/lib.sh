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

# one_error LOG PATTERN: the run said exactly one line, matching the
# extended regex PATTERN.
one_error() {
	expect_line "$1" "$2"
	[ "$(wc -l < "$1")" = 1 ] || fail "$1: more than one line"
}

# alive PID: PID runs, and is no zombie (kill -0 succeeds on one).
alive() {
	[ -e /proc/$1/status ] &&
		! grep -q '^State:[[:space:]]*Z' /proc/$1/status
}

# wait_line LOG PATTERN PID SECONDS: LOG gets a line matching the basic
# regex PATTERN while PID runs, within SECONDS; else the case fails with
# LOG shown (and PID killed if it still runs).
wait_line() {
	_i=0
	until grep -q "$2" "$1"; do
		_i=$((_i + 1))
		alive $3 || { cat "$1"; fail "no '$2' in $1"; }
		[ $_i -lt $(($4 * 5)) ] ||
			{ cat "$1"; kill $3; fail "no '$2' in $1"; }
		sleep 0.2
	done
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

# in_passt_root CMD [ARGS...]: CMD in a mount namespace of its own whose
# root is a tmpfs moved over /, as an initramfs's switch_root does, with
# L1's programs, /dev and /proc bound in and users root, nobody and netu
# (1001, with /tmp/xdg-net). passt confines itself with pivot_root, which
# refuses an initramfs root (EINVAL), and may not make a user namespace
# in a chroot (EPERM): here it is neither. CMD keeps this process's pid.
# Empty /sys and /run are there for a host-rootfs guest of this root:
# its init mounts them (sysfs finds the exit-status port).
in_passt_root() {
	unshare -m sh -c '
		mount --make-rprivate / 2>/dev/null
		r=/tmp/passt-root.$$
		mkdir -p $r && mount -t tmpfs tmpfs $r || exit 97
		for d in bin sbin usr rig dev; do
			mkdir -p $r/$d && mount -o bind /$d $r/$d || exit 97
		done
		mkdir -p $r/proc $r/sys $r/run $r/etc $r/tmp/xdg-net &&
			mount -t proc proc $r/proc || exit 97
		chmod 1777 $r/tmp
		chown 1001:1001 $r/tmp/xdg-net
		printf "%s\n" "root:x:0:0::/tmp:/bin/sh" \
			"nobody:x:65534:65534::/:/bin/false" \
			"netu:x:1001:1001::/tmp:/bin/sh" > $r/etc/passwd
		printf "%s\n" root:x:0: nogroup:x:65534: netu:x:1001: \
			> $r/etc/group
		cd $r && mount -o move . / && exec chroot . "$@"
		exit 97
	' sh "$@"
}
