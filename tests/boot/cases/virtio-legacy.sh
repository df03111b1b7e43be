# Legacy virtio-mmio (--virtio-transport mmio-legacy, kvmtool's name):
# a guest with a virtio console, an ext4 disk and --rng, all version 1
# devices. The guest reads Version 1 in every window and negotiated
# VERSION_1 on none, its console is hvc0, it writes files that the host
# then reads back with debugfs on a file system e2fsck finds clean, and
# /dev/hwrng gives bytes. On our kernel (drivers built in) and Debian's
# (virtio modules). PCI transports are refused with one line.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 600
# pocvm's virtio console reads stdin: give it nothing to read.
exec < /dev/null
seq 1 50000 > seq.expected
# e2fsprogs asks mtab whether an image is mounted.
mkdir -p /etc && ln -sf /proc/mounts /etc/mtab
E2=/rig/bin
for k in ours stock; do
	if [ $k = ours ]; then
		kernel=$IMAGE initrd=$INITRD
	else
		kernel=$STOCK_IMAGE initrd=$STOCK_INITRD
	fi
	rm -f fs.img
	dd if=/dev/zero of=fs.img bs=1M count=0 seek=64 2>/dev/null
	$E2/mke2fs -q -t ext4 -F fs.img || fail "mke2fs"
	expect_exit 0 legacy-$k.log $POCVM run -k $kernel -i $initrd \
		--virtio-transport mmio-legacy --console virtio \
		--disk fs.img --rng -p "quiet guest_action=virtio-legacy"
	# Three windows: console, disk, rng; each one says version 1.
	[ "$(grep -c '^POCVM-VIRTIO-MMIO 0x[0-9a-f]* version=0x00000001' \
		legacy-$k.log)" = 3 ] || fail "$k: not three version 1 windows"
	grep '^POCVM-VIRTIO-MMIO' legacy-$k.log | grep -v 'version=0x00000001' &&
		fail "$k: a window that is not version 1"
	expect_line legacy-$k.log '^POCVM-VIRTIO-ID virtio[0-9]+ 0x0003 version_1=0'
	expect_line legacy-$k.log '^POCVM-VIRTIO-ID virtio[0-9]+ 0x0002 version_1=0'
	expect_line legacy-$k.log '^POCVM-VIRTIO-ID virtio[0-9]+ 0x0004 version_1=0'
	grep -q '^POCVM-VIRTIO-ID .* version_1=1' legacy-$k.log &&
		fail "$k: a device negotiated VERSION_1"
	expect_line legacy-$k.log '^POCVM-CONSOLE hvc0'
	expect_line legacy-$k.log '^POCVM-BLK-FS ok'
	expect_line legacy-$k.log '^POCVM-RNG-BYTES 64[[:space:]]*$'
	echo "+ debugfs -R 'cat /hello.txt' fs.img"
	[ "$($E2/debugfs -R 'cat /hello.txt' fs.img 2>/dev/null)" = \
	  "written over legacy virtio-mmio" ] || fail "$k: /hello.txt differs"
	echo "+ debugfs -R 'cat /seq.txt' fs.img | cmp - seq.expected"
	$E2/debugfs -R 'cat /seq.txt' fs.img 2>/dev/null | cmp - seq.expected ||
		fail "$k: /seq.txt differs"
	echo "+ e2fsck -fn fs.img"
	$E2/e2fsck -fn fs.img || fail "$k: e2fsck finds errors"
done

# kvmtool's PCI transports: one line naming the option, exit 2.
for t in pci pci-legacy; do
	expect_exit 2 $t.log $POCVM run -k $IMAGE --virtio-transport $t
	[ "$(wc -l < $t.log)" = 1 ] || fail "$t: not one line"
	expect_line $t.log "^pocvm: --virtio-transport: '$t': pocvm has no PCI transport"
done
