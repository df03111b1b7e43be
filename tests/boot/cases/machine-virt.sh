# --machine virt without firmware: our kernel booted directly in QEMU's
# virt map, its console on the PL011 (ttyAMA0, earlycon pl011), its
# disks on virtio-mmio from 0x0a000000; and a PL011 on kvmtool's map
# with --console pl011.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 240
expect_exit 0 virt.log $POCVM run --machine virt -k $IMAGE -i $INITRD -c 2 \
	-m 256 --rng
expect_line virt.log 'earlycon: pl11 at MMIO 0x0000000009000000'
expect_line virt.log 'ttyAMA0 at MMIO 0x9000000 \(irq = [0-9]+, base_baud = [0-9]+\) is a PL011'
expect_line virt.log '^POCVM-GUEST-UP kernel=6\.12.* cpus=2 '
expect_exit 0 pl011.log $POCVM run --console pl011 -k $IMAGE -i $INITRD \
	-c 1 -m 256
expect_line pl011.log 'ttyAMA0 at MMIO 0x1000000 .* is a PL011'
expect_line pl011.log '^POCVM-GUEST-UP kernel=6\.12.* cpus=1 '
# A firmware with -k on virt has no way to get it: one line, exit 2.
expect_exit 2 bad.log $POCVM run --machine virt -f $GUEST/u-boot.bin -k $IMAGE
expect_line bad.log '^pocvm: -k/--kernel does not go with --firmware on --machine virt'
expect_exit 2 flash.log $POCVM run -k $IMAGE --flash /dev/null
expect_line flash.log '^pocvm: --flash: the kvmtool machine has no flash'
nothing_left
