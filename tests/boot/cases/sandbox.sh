# sandbox: Landlock and the privilege drop in a running pocvm.
#
# Landlock: once started, pocvm opens nothing it was not given. --reboot
# loads the kernel again by the path it was given; here that path is a
# symlink, pointed at a copy of the kernel (a file pocvm was never given)
# once the guest is up. The reboot is then refused (EACCES, exit 2);
# pointed back at the kernel it was given, the same reboot works.
#
# --user/--group: a root-started pocvm runs as nobody with no
# capabilities in every thread, boots, writes its disk and reboots in
# place; bad names are one line and exit 2.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 900
export XDG_RUNTIME_DIR=/tmp/xdg
mkdir -p -m 700 $XDG_RUNTIME_DIR
mkdir -p /sys/kernel/security
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)
echo "L1 LSMs: $lsm"
case ",$lsm," in
*,landlock,*) ;;
*) fail "Landlock is not enabled in L1" ;;
esac

# wait_line LOG PATTERN PID: until LOG has a line matching PATTERN.
wait_line() {
	i=0
	until grep -q "$2" "$1"; do
		i=$((i + 1))
		[ $i -lt 600 ] || { cat "$1"; kill $3; fail "no '$2' in $1"; }
		sleep 0.2
	done
}

# reboot_through_link TARGET LOG: boot through kernel-link, point it at
# TARGET once the guest is up, reboot in place; returns pocvm's status.
reboot_through_link() {
	ln -sf $IMAGE kernel-link
	rm -f in.fifo && mkfifo in.fifo
	echo "+ pocvm run -k kernel-link --reboot; kernel-link -> $1; reboot"
	$POCVM run -k $PWD/kernel-link -i $INITRD --reboot \
		-p "quiet guest_action=shell" < in.fifo > $2 2>&1 &
	pid=$!
	exec 3> in.fifo
	wait_line $2 '^POCVM-SHELL-READY' $pid
	ln -sf "$1" kernel-link
	printf 'reboot -f\n' >&3
	# Where the reboot works, the second boot's shell powers off.
	( sleep 1; while kill -0 $pid 2>/dev/null; do
		grep -q 'boot=2' $2 && { printf 'poweroff -f\n' >&3; break; }
		sleep 0.2
	done ) &
	wait $pid
	st=$?
	exec 3>&-
	cat $2
	return $st
}

cp $IMAGE other-Image
reboot_through_link $PWD/other-Image ll-other.log
st=$?
[ $st = 2 ] || fail "reboot onto a file never given: exit $st, not 2"
expect_line ll-other.log 'kernel-link: Permission denied'
reboot_through_link $IMAGE ll-same.log
st=$?
[ $st = 0 ] || fail "reboot onto the kernel given: exit $st"
expect_line ll-same.log '^POCVM-GUEST-UP .* boot=2'

# --user/--group: names come from /etc/passwd and /etc/group.
mkdir -p /etc
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> /etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null ||
	echo 'nogroup:x:65534:' >> /etc/group
for bad in "--user nosuchuser" "--user nobody --group nosuchgroup" \
	   "--user 4242" "--user ''"; do
	eval "set -- $bad"
	expect_exit 2 bad.log $POCVM run -k $IMAGE -i $INITRD "$@"
	[ "$(wc -l < bad.log)" = 1 ] || fail "$bad: not one line"
	expect_line bad.log '^pocvm: --(user|group)'
done

# Running as nobody: every thread.
$POCVM run -k $IMAGE -i $INITRD -c 2 --name sb-user --user nobody \
	-p "quiet guest_action=clock" < /dev/null > user.log 2>&1 &
pid=$!
wait_line user.log '^POCVM-CLOCK' $pid
threads=$(ls /proc/$pid/task | wc -l)
# main (which serves the event loop) and two VCPUs at least
[ "$threads" -ge 3 ] || fail "only $threads threads"
for f in Uid Gid Groups CapEff CapPrm CapBnd NoNewPrivs Seccomp; do
	for s in /proc/$pid/task/*/status; do
		grep "^$f:" $s
	done | sort | uniq -c > field.txt
	echo "$threads threads: $(cat field.txt)"
	[ "$(wc -l < field.txt)" = 1 ] || fail "threads differ in $f"
done
ids='[[:space:]]*65534[[:space:]]*65534[[:space:]]*65534[[:space:]]*65534'
grep -q "^Uid:$ids" /proc/$pid/status || fail "not uid 65534"
grep -q "^Gid:$ids" /proc/$pid/status || fail "not gid 65534"
grep -q "^CapEff:[[:space:]]*0000000000000000" /proc/$pid/status ||
	fail "capabilities left"
expect_exit 0 user-stop.log $POCVM stop -n sb-user
wait $pid
st=$?
cat user.log
[ $st = 0 ] || fail "pocvm --user exited $st after 'pocvm stop'"
# nobody cannot remove its socket from root's directory: the next
# client finds it dead, removes it and does not list the guest.
expect_exit 0 list.log $POCVM list
! grep -q sb-user list.log || fail "pocvm list shows a guest that is gone"
[ ! -e $XDG_RUNTIME_DIR/pocvm/sb-user.sock ] || fail "stale socket kept"

# As nobody the disks work (opened as root before the drop), and an
# in-place reboot reads the images again (readable by all).
mkdir -p /etc && ln -sf /proc/mounts /etc/mtab
dd if=/dev/zero of=fs.img bs=1M count=0 seek=64 2>/dev/null
/rig/bin/mke2fs -q -t ext4 -F fs.img || fail "mke2fs"
dd if=/dev/urandom of=src.img bs=1M count=16 2>/dev/null
dd if=/dev/zero of=dst.img bs=1M count=0 seek=16 2>/dev/null
expect_exit 0 user-blk.log $POCVM run -k $IMAGE -i $INITRD \
	--user nobody --group nogroup \
	--disk fs.img --disk src.img,ro --disk dst.img \
	-p "quiet guest_action=blk"
expect_line user-blk.log '^POCVM-BLK-FS ok'
expect_line user-blk.log '^POCVM-BLK-COPY ok'
expect_line user-blk.log '^POCVM-BLK-RO-WRITE refused'
[ "$(/rig/bin/debugfs -R 'cat /hello.txt' fs.img 2>/dev/null)" = \
  "written by the pocvm guest" ] || fail "/hello.txt differs"
cmp src.img dst.img || fail "the raw copy differs"
expect_exit 0 user-reboot.log $POCVM run -k $IMAGE -i $INITRD --reboot \
	--user 65534 --group 65534 --disk src.img,ro \
	-p "quiet guest_action=blk-reboot"
expect_line user-reboot.log '^POCVM-GUEST-UP .* boot=2'
md5=$(md5sum < src.img | cut -d' ' -f1)
expect_line user-reboot.log "^POCVM-BLK-MD5 $md5 "
# Their unnamed sockets stayed too, until a client finds them dead.
ls $XDG_RUNTIME_DIR/pocvm
expect_exit 0 list2.log $POCVM list
nothing_left
