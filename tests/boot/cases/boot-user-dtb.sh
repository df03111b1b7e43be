# A user's device tree boots: pocvm writes /chosen and /memory into it and
# refuses one that does not match the VM.
# matrix: hosts=patched cpus=max gics=3
# timeout: 180
expect_exit 0 dump.log $POCVM run -k $IMAGE -i $INITRD -c 2 \
	--dump-dtb board.dtb
[ -s board.dtb ] || fail "--dump-dtb wrote nothing"
# Different RAM and command line than the dump: both must be patched in.
expect_exit 0 dtb.log $POCVM run -k $IMAGE -i $INITRD -c 2 -m 384 \
	--dtb board.dtb -p "quiet pocvm_marker=user-dtb"
expect_line dtb.log '^POCVM-GUEST-UP .* cpus=2 '
expect_exit 2 bad.log $POCVM run -k $IMAGE -i $INITRD -c 1 --dtb board.dtb
expect_line bad.log '^pocvm: .*board\.dtb.*CPU'
# A tree with an ITS (lkvm's and QEMU's have one) boots under the
# default --irqchip, which gives no ITS without --dtb, and the guest
# finds the ITS it describes.
expect_exit 0 its-dump.log $POCVM run -k $IMAGE -i $INITRD -c 2 \
	--irqchip gicv3-its --dump-dtb its.dtb
expect_exit 0 its.log $POCVM run -k $IMAGE -i $INITRD -c 2 --dtb its.dtb \
	-p "quiet guest_action=info"
expect_line its.log '^POCVM-GUEST-ITS 1'
expect_exit 2 junk.log $POCVM run -k $IMAGE --dtb $IMAGE
expect_line junk.log '^pocvm: .*not a device tree'
