# Durability of virtio-blk: what a guest wrote and synced survives
# SIGKILL of pocvm (an ext4 file after journal recovery, and raw blocks);
# a host I/O error (the image's file system full) reaches the guest as
# an I/O error while pocvm runs on and the guest powers off cleanly.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 400
mkdir -p /etc && ln -sf /proc/mounts /etc/mtab
E2=/rig/bin
seq 1 20000 > durable.expected

dd if=/dev/zero of=fs.img bs=1M count=0 seek=64 2>/dev/null
$E2/mke2fs -q -t ext4 -F fs.img || fail "mke2fs"
dd if=/dev/zero of=raw.img bs=1M count=0 seek=16 2>/dev/null
$POCVM run -k $IMAGE -i $INITRD --disk fs.img --disk raw.img \
	-p "quiet guest_action=blk-sync-hang" < /dev/null > kill.log 2>&1 &
pid=$!
i=0
# The whole line: the console may have written only part of it yet.
until grep -Eq '^POCVM-BLK-SYNCED [0-9a-f]{32}' kill.log; do
	i=$((i + 1))
	[ $i -lt 600 ] || { cat kill.log; kill -9 $pid; fail "guest never synced"; }
	sleep 0.2
done
echo "+ kill -9 $pid"
kill -9 $pid
wait $pid
echo "pocvm killed: status $?"
cat kill.log
sum=$(sed -n 's/^POCVM-BLK-SYNCED \([0-9a-f]*\).*/\1/p' kill.log)
got=$(dd if=raw.img bs=1M count=8 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$sum" ] || fail "raw blocks synced by the guest: $got, not $sum"
# The guest's ext4 was never unmounted: recover it as after a crash.
echo "+ e2fsck -fy fs.img"
$E2/e2fsck -fy fs.img
[ $? -le 1 ] || fail "e2fsck could not recover the file system"
$E2/debugfs -R 'cat /durable.txt' fs.img 2>/dev/null | cmp - durable.expected ||
	fail "a synced file is not intact after SIGKILL"

# A host I/O error: the image (sparse, 64 MiB) on an 8 MiB tmpfs.
mkdir -p small
mount -t tmpfs -o size=8m tmpfs small || fail "cannot mount a tmpfs"
truncate -s 64M small/full.img
expect_exit 0 ioerr.log $POCVM run -k $IMAGE -i $INITRD \
	--disk small/full.img -p "quiet guest_action=blk-ioerr"
umount small
expect_line ioerr.log '^POCVM-BLK-IOERR seen'
expect_line ioerr.log '^POCVM-BLK-STILL-READS ok'
