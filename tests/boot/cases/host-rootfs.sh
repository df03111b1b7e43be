# Host-rootfs guests: `pocvm run -k Image -- CMD` with no -i. pocvm
# builds the initramfs itself (its own binary as /init), shares the root
# over virtio-9p and runs CMD as the invoking user in the invoking
# directory, reporting its status (exit 35 when it fails).
#   1. L1's own / (nothing else given): the kernel's release, uid 0, 35;
#      a command's output up to its last line, however much is still
#      on its way out of the serial port when the command exits.
#   2. --rootfs DIR (a small busybox tree), as root: the root is the 9p
#      share read-only under a tmpfs overlay. New files in /etc, $HOME
#      and the working directory, an appended host file and a removed
#      one are all seen in the guest and none of it on the host (the
#      tree's names, sizes and times are the same after the run); /tmp
#      is the guest's own.
#   3. --rootfs DIR --rw as uid 1000: id, cwd, and the write on the host,
#      owned by 1000.
#   4. bad --rootfs values, a command of more words than Linux hands
#      init: one line, exit 2.
#   5. Debian's generic arm64 kernel (modular: virtio-mmio, virtio-console,
#      9p and overlay are modules), with its modules found by pocvm in
#      /lib/modules/VERSION of L1's root (the package's own files and
#      modules.dep, put there by the rig): the acceptance line again, then
#      --modules DIR with overlay writes, where a directory of the host's
#      tree is removed and made anew in the guest (needs the xattrs
#      Debian's tmpfs has and our kernel's lacks: CONFIG_TMPFS_XATTR).
# A guest command holds no newline or double quote: the kernel command
# line carries it. Parts 1-4 boot our kernel (9P and overlayfs built in).
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 1800
E='[[:space:]]*$'
# With no -n a host-rootfs guest gets passt's network when passt is on
# PATH; the rig's passt (/rig/bin) needs in_passt_root's tmpfs root, and
# Debian's kernel here has no virtio_net module file: these guests run
# without (virtio-net-user tests that default).
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
release=$(grep -ao 'Linux version [^ ]*' $IMAGE | head -1 | cut -d' ' -f3)
echo "guest kernel: $release"
[ -n "$release" ] || fail "no release string in $IMAGE"

# 1. the acceptance line, L1's / as the root
expect_exit 35 plain.log $POCVM run -k $IMAGE -m 256 --timeout 500 -- \
	sh -c 'uname -r; id -u; exit 3'
expect_line plain.log "^$release$E"
expect_line plain.log "^0$E"
nothing_left
# ... and the command's last line, written while ~3.5 KiB are still on
# their way out of the guest's serial port, reaches the host: when the
# command itself led the session, its exit hung the tty up, which drops
# what the port has yet to send (guest-init now leads, and drains first).
expect_exit 0 tail.log $POCVM run -k $IMAGE -m 256 --timeout 500 -- \
	sh -c 'for i in $(seq 1 60); do echo tail-$i-abcdefghijklmnopqrstuvwxyz-abcdefghijklmnopqrstuvwxyz; done; echo tail-end'
expect_line tail.log "^tail-60-"
expect_line tail.log "^tail-end$E"
nothing_left

# 2. a tree of its own, read-only underneath a tmpfs overlay
R=/tmp/hostroot
rm -rf $R
mkdir -p $R/bin $R/etc $R/proc $R/sys $R/dev $R/tmp $R/run $R/work \
	$R/home/root
cp /bin/busybox $R/bin/
for a in sh id uname cat echo pwd ls grep rm mkdir tail; do
	ln -s busybox $R/bin/$a
done
printf 'root:x:0:0:root:/home/root:/bin/sh\nu:x:1000:1000:u:/work:/bin/sh\n' \
	> $R/etc/passwd
chown 1000:1000 $R/work
# The tree as the host has it: every name, size and modification time.
tree_state() {
	find $R | sort | while read -r f; do
		stat -c '%n %s %Y %a %u' "$f"
	done | md5sum
}
before=$(tree_state)
# Run from inside the tree (the guest starts in the same place), logging
# to the case's own directory.
here=$(pwd)
cd $R/work
cmd='pwd; echo in-guest > /tmp/t && cat /tmp/t;'
cmd="$cmd grep ' / ' /proc/mounts;"
cmd="$cmd echo w > /work/ov-work && echo ov-work \$(cat /work/ov-work);"
cmd="$cmd echo e > /etc/ov-etc && echo ov-etc \$(cat /etc/ov-etc);"
cmd="$cmd echo h > \$HOME/ov-home && echo ov-home \$HOME \$(cat ~/ov-home);"
cmd="$cmd echo 'g:x:7:7::/:/bin/sh' >> /etc/passwd &&"
cmd="$cmd echo ov-append \$(tail -n 1 /etc/passwd);"
cmd="$cmd rm /bin/ls && ! test -e /bin/ls && echo ov-rm gone;"
cmd="$cmd mkdir /etc/ov-dir && echo d > /etc/ov-dir/f && echo ov-dir \$(cat /etc/ov-dir/f);"
expect_exit 35 $here/ro.log $POCVM run -k $IMAGE -m 256 --timeout 500 \
	--rootfs $R -- sh -c "$cmd exit 7"
cd $here
expect_line ro.log "^/work$E"
expect_line ro.log "^in-guest$E"
expect_line ro.log "^overlay / overlay rw"
expect_line ro.log "^ov-work w$E"
expect_line ro.log "^ov-etc e$E"
expect_line ro.log "^ov-home /home/root h$E"
expect_line ro.log "^ov-append g:x:7:7::/:/bin/sh$E"
expect_line ro.log "^ov-rm gone$E"
expect_line ro.log "^ov-dir d$E"
grep -q 'no overlay' ro.log && fail "no overlay in the guest"
[ "$(tree_state)" = "$before" ] || {
	find $R -newer $R/bin/busybox
	fail "the guest changed the host's tree"
}
[ -e $R/work/ov-work ] && fail "a write without --rw reached the host"
[ -e $R/tmp/t ] && fail "the guest's /tmp is the host's"
[ -e $R/bin/ls ] || fail "the guest's rm reached the host"
nothing_left

# 3. --rw, as an ordinary user (busybox's su: L1 gets the user)
kvm_mode=$(stat -c %a /dev/kvm)
chmod 666 /dev/kvm
mkdir -p /etc /tmp/xdg-u && chown 1000:1000 /tmp/xdg-u
grep -qs '^hru:' /etc/passwd || echo 'hru:x:1000:1000::/tmp:/bin/sh' >> /etc/passwd
cat > /tmp/hostroot-rw.sh <<'EOS'
cd "$3/work" || exit 99
export XDG_RUNTIME_DIR=/tmp/xdg-u
exec "$1" run -k "$2" -m 256 --timeout 500 --rootfs "$3" --rw -- sh -c \
	'echo uid=$(id -u) gid=$(id -g) cwd=$(pwd) home=$HOME; echo from-guest > rw-file'
EOS
expect_exit 0 rw.log su -s /bin/sh hru -c "sh /tmp/hostroot-rw.sh $POCVM $IMAGE $R"
chmod $kvm_mode /dev/kvm
expect_line rw.log "^uid=1000 gid=1000 cwd=/work home=/work$E"
echo "+ cat $R/work/rw-file"
[ "$(cat $R/work/rw-file)" = from-guest ] ||
	fail "the --rw write is not on the host"
[ "$(stat -c %u:%g $R/work/rw-file)" = 1000:1000 ] ||
	fail "rw-file is owned by $(stat -c %u:%g $R/work/rw-file)"

# 4. bad values
expect_exit 2 bad-dir.log $POCVM run -k $IMAGE --rootfs /nonexistent
[ "$(wc -l < bad-dir.log)" = 1 ] || fail "bad-dir.log: not one line"
expect_line bad-dir.log '^pocvm: --rootfs /nonexistent: not a directory$'
expect_exit 2 bad-initrd.log $POCVM run -k $IMAGE -i $INITRD --rw
expect_line bad-initrd.log '^pocvm: --rw does not go with -i/--initrd'
# 32 words: Linux would panic at boot (too many init args)
expect_exit 2 bad-args.log $POCVM run -k $IMAGE -- echo $(seq 1 31)
expect_line bad-args.log '^pocvm: guest command: 32 words; Linux hands init at most 31'
nothing_left

# 5. Debian's generic kernel, its modules from its own package's tree
DIMAGE=$GUEST/debian-Image
drel=$(grep -ao 'Linux version [^ ]*' $DIMAGE | head -1 | cut -d' ' -f3)
echo "Debian guest kernel: $drel"
case $drel in
*-arm64) ;;
*) fail "no generic arm64 release in $DIMAGE: '$drel'" ;;
esac
[ -f /lib/modules/$drel/modules.dep ] || fail "no /lib/modules/$drel in L1"
expect_exit 35 debian.log $POCVM run -k $DIMAGE -m 512 --timeout 800 \
	--loglevel info -- sh -c 'uname -r; id -u; exit 3'
expect_line debian.log "^$drel$E"
expect_line debian.log "^0$E"
for m in virtio_mmio virtio_console 9pnet 9pnet_virtio 9p overlay; do
	expect_line debian.log "initramfs: modules/[0-9]+-$m\.ko$E"
done
grep -q 'cannot load\|no overlay' debian.log && fail "a module did not load"
nothing_left

# --modules DIR (a copy elsewhere), and the overlay with xattrs: a host
# directory replaced in the guest.
rm -rf /tmp/dmods && cp -a /lib/modules/$drel /tmp/dmods
mkdir -p /etc/ov-keep && echo host > /etc/ov-keep/f
cmd='rm -r /etc/ov-keep && mkdir /etc/ov-keep && echo guest > /etc/ov-keep/g'
cmd="$cmd && ls /etc/ov-keep && uname -r"
expect_exit 0 debian-mods.log $POCVM run -k $DIMAGE -m 512 --timeout 800 \
	--modules /tmp/dmods -- sh -c "$cmd"
expect_line debian-mods.log "^g$E"
expect_line debian-mods.log "^$drel$E"
grep -q '^f[[:space:]]*$' debian-mods.log && fail "the removed file is back"
[ "$(ls /etc/ov-keep)" = f ] && [ "$(cat /etc/ov-keep/f)" = host ] ||
	fail "the guest's overlay changed L1's /etc/ov-keep"
rm -rf /tmp/dmods /etc/ov-keep
nothing_left
