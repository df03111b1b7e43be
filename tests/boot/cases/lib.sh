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

# passt_root DIR: a chroot on a tmpfs at DIR with L1's programs, /dev,
# /proc and users root and nobody. passt confines itself with
# pivot_root, which refuses the initramfs that is L1's root (EINVAL):
# pocvm -n mode=user runs as "chroot DIR pocvm ...".
passt_root() {
	mkdir -p $1 && mount -t tmpfs tmpfs $1 || fail "cannot mount $1"
	for d in bin sbin usr rig dev; do
		mkdir -p $1/$d && mount -o bind /$d $1/$d ||
			fail "cannot bind /$d"
	done
	mkdir -p $1/proc $1/etc $1/tmp && mount -t proc proc $1/proc
	chmod 1777 $1/tmp
	printf 'root:x:0:0::/tmp:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n' \
		> $1/etc/passwd
	printf 'root:x:0:\nnogroup:x:65534:\n' > $1/etc/group
}

passt_root_end() {
	umount $1/proc $1/bin $1/sbin $1/usr $1/rig $1/dev $1
}
