# --aarch32: Debian's ARMv7 kernel (a zImage at RAM + 0x8000) boots as a
# 32-bit EL1 guest, on two VCPUs (the second through 32-bit PSCI), with
# an armhf busybox; our arm64 kernel runs that same busybox at AArch32
# EL0 (COMPAT). An arm64 Image is refused with --aarch32.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 420
A32=$GUEST/a32-zImage
A32_INITRD=$GUEST/a32.cpio
expect_exit 0 a32.log $POCVM run --aarch32 -k $A32 -i $A32_INITRD -c 2 \
	-p "quiet guest_action=info"
expect_line a32.log '^POCVM-GUEST-UP kernel=6\.1\..*-armmp cpus=2 '
expect_line a32.log '^POCVM-GUEST-GIC GICv3'
expect_exit 0 el0.log $POCVM run -k $IMAGE -i $A32_INITRD -c 1 -p "quiet"
expect_line el0.log '^POCVM-GUEST-UP kernel=6\.12'
expect_exit 2 bad.log $POCVM run --aarch32 -k $IMAGE
expect_line bad.log '^pocvm: --kernel .*Image: an arm64 Image; --aarch32 boots a 32-bit zImage'
