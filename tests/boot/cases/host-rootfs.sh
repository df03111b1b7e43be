# Host-rootfs guests: `pocvm run -k Image -- CMD` with no -i. pocvm
# builds the initramfs itself (its own binary as /init), shares the root
# over virtio-9p and runs CMD as the invoking user in the invoking
# directory, reporting its status (exit 35 when it fails).
#   1. L1's own / (nothing else given): the kernel's release, uid 0, 35.
#   2. --rootfs DIR (a small busybox tree), as root: writes to the root
#      stay in the guest (overlay, or a read-only root without one:
#      our kernel has no CONFIG_OVERLAY_FS), /tmp is the guest's.
#   3. --rootfs DIR --rw as uid 1000: id, cwd, and the write on the host,
#      owned by 1000.
#   4. bad --rootfs values: one line, exit 2.
# A guest command holds no newline or double quote: the kernel command
# line carries it. The guest is our kernel (9P built in, no overlayfs).
# Debian's cloud kernel has no 9p at all, so a modular guest cannot be
# booted here: the module finder is covered by the unit tests
# (tests/unit/test-rootfs.c).
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 1200
E='[[:space:]]*$'
release=$(grep -ao 'Linux version [^ ]*' $IMAGE | head -1 | cut -d' ' -f3)
echo "guest kernel: $release"
[ -n "$release" ] || fail "no release string in $IMAGE"

# 1. the acceptance line, L1's / as the root
expect_exit 35 plain.log $POCVM run -k $IMAGE -m 256 --timeout 500 -- \
	sh -c 'uname -r; id -u; exit 3'
expect_line plain.log "^$release$E"
expect_line plain.log "^0$E"
nothing_left

# 2. a tree of its own, read-only underneath
R=/tmp/hostroot
rm -rf $R
mkdir -p $R/bin $R/etc $R/proc $R/sys $R/dev $R/tmp $R/run $R/work
cp /bin/busybox $R/bin/
for a in sh id uname cat echo pwd ls; do
	ln -s busybox $R/bin/$a
done
printf 'root:x:0:0:root:/:/bin/sh\nu:x:1000:1000:u:/work:/bin/sh\n' \
	> $R/etc/passwd
chown 1000:1000 $R/work
# Run from inside the tree (the guest starts in the same place), logging
# to the case's own directory.
here=$(pwd)
cd $R/work
cmd='pwd; echo in-guest > /tmp/t && cat /tmp/t; echo x > /work/ro-write;'
expect_exit 35 $here/ro.log $POCVM run -k $IMAGE -m 256 --timeout 500 \
	--rootfs $R -- sh -c "$cmd exit 7"
cd $here
expect_line ro.log "^/work$E"
expect_line ro.log "^in-guest$E"
[ -e $R/work/ro-write ] && fail "a write without --rw reached the host"
[ -e $R/tmp/t ] && fail "the guest's /tmp is the host's"
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
nothing_left
