# virtio-blk: a guest mounts an ext4 image made on the host, writes files
# and syncs; the host reads them back with debugfs and e2fsck finds the
# file system clean. 64 MiB copied raw from one disk (ro) to another
# match on the host, and the ro disk refuses writes. On our kernel
# (built in) and Debian's (virtio_blk module). Then the image locks: a
# second pocvm on an image in use exits 2, as does a missing image. With
# ',direct' the same copy goes through O_DIRECT where L1 allows it, and
# an in-place reboot in the middle of reads leaves the disk working.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 900
seq 1 50000 > seq.expected
# e2fsprogs asks mtab whether an image is mounted. Full paths: busybox's
# sh runs its own mke2fs applet before anything in PATH.
mkdir -p /etc && ln -sf /proc/mounts /etc/mtab
E2=/rig/bin
# one_line LOG: pocvm said exactly one line
one_line() {
	[ "$(wc -l < "$1")" = 1 ] || fail "$1: not one line"
}
for k in ours stock; do
	if [ $k = ours ]; then
		kernel=$IMAGE initrd=$INITRD
	else
		kernel=$STOCK_IMAGE initrd=$STOCK_INITRD
	fi
	rm -f fs.img src.img dst.img
	dd if=/dev/zero of=fs.img bs=1M count=0 seek=64 2>/dev/null
	$E2/mke2fs -q -t ext4 -F fs.img || fail "mke2fs"
	dd if=/dev/urandom of=src.img bs=1M count=64 2>/dev/null
	dd if=/dev/zero of=dst.img bs=1M count=0 seek=64 2>/dev/null
	expect_exit 0 blk-$k.log $POCVM run -k $kernel -i $initrd \
		--disk fs.img --disk src.img,ro --disk dst.img \
		-p "quiet guest_action=blk"
	expect_line blk-$k.log '^POCVM-VIRTIO-ID virtio[0-9]+ 0x0002'
	expect_line blk-$k.log '^POCVM-BLK vd[a-z] serial=fs.img sectors=131072 ro=0'
	expect_line blk-$k.log '^POCVM-BLK vd[a-z] serial=src.img sectors=131072 ro=1'
	expect_line blk-$k.log '^POCVM-BLK-FS ok'
	expect_line blk-$k.log '^POCVM-BLK-COPY ok'
	expect_line blk-$k.log '^POCVM-BLK-RO-WRITE refused'
	echo "+ debugfs -R 'cat /hello.txt' fs.img"
	[ "$($E2/debugfs -R 'cat /hello.txt' fs.img 2>/dev/null)" = \
	  "written by the pocvm guest" ] || fail "$k: /hello.txt differs"
	echo "+ debugfs -R 'cat /seq.txt' fs.img | cmp - seq.expected"
	$E2/debugfs -R 'cat /seq.txt' fs.img 2>/dev/null | cmp - seq.expected ||
		fail "$k: /seq.txt differs"
	echo "+ e2fsck -fn fs.img"
	$E2/e2fsck -fn fs.img || fail "$k: e2fsck finds errors"
	echo "+ cmp src.img dst.img"
	cmp src.img dst.img || fail "$k: the raw copy differs"
done

# A guest reboot in place while it reads the disk (the reset waits for
# what is in flight: --loglevel debug says when there was any), then the
# next boot's driver reads the disk whole and right.
expect_exit 0 reboot.log $POCVM run -k $IMAGE -i $INITRD --reboot \
	--disk src.img,ro --loglevel debug -p "quiet guest_action=blk-reboot"
expect_line reboot.log '^POCVM-GUEST-REBOOTING'
expect_line reboot.log "^POCVM-BLK-MD5 $(md5sum < src.img | cut -d' ' -f1) "

# direct: O_DIRECT where L1's file system has it (tmpfs since Linux 6.6;
# blkread says whether it got it), else pocvm must say so and exit 2.
rm -f dst.img
dd if=/dev/zero of=dst.img bs=1M count=0 seek=64 2>/dev/null
if blkread src.img 1 0.01 | grep -q ' direct=1 '; then
	expect_exit 0 direct.log $POCVM run -k $IMAGE -i $INITRD \
		--disk fs.img,direct --disk src.img,ro,direct \
		--disk dst.img,direct -p "quiet guest_action=blk"
	expect_line direct.log '^POCVM-BLK-FS ok'
	expect_line direct.log '^POCVM-BLK-COPY ok'
	echo "+ cmp src.img dst.img"
	cmp src.img dst.img || fail "direct: the raw copy differs"
	$E2/e2fsck -fn fs.img || fail "direct: e2fsck finds errors"
else
	expect_exit 2 direct.log $POCVM run -k $IMAGE -i $INITRD \
		--disk dst.img,direct -p quiet
	one_line direct.log
	expect_line direct.log '^pocvm: --disk dst.img: the file system has no O_DIRECT'
fi

# The image is locked while a guest uses it.
echo "+ pocvm run --disk fs.img (holds it) &"
$POCVM run -k $IMAGE -i $INITRD --disk fs.img --timeout 120 \
	-p "quiet guest_action=hang" > holder.log 2>&1 &
pid=$!
i=0
until grep -q '^POCVM-GUEST-UP' holder.log; do
	i=$((i + 1))
	[ $i -lt 300 ] || { kill $pid; cat holder.log; fail "no guest"; }
	sleep 0.2
done
expect_exit 2 second.log $POCVM run -k $IMAGE -i $INITRD --disk fs.img \
	-p quiet
one_line second.log
expect_line second.log '^pocvm: --disk fs.img: in use by another process'
expect_exit 2 second-ro.log $POCVM run -k $IMAGE -i $INITRD \
	--disk fs.img,ro -p quiet
one_line second-ro.log
kill $pid
wait $pid
rc=$?
[ $rc = 143 ] || fail "the holder exited $rc, expected 143"
expect_exit 2 missing.log $POCVM run -k $IMAGE -i $INITRD \
	--disk missing.img -p quiet
one_line missing.log
expect_line missing.log '^pocvm: --disk missing.img: No such file'
