# Debian's unmodified EDK2 for QEMU's virt board (qemu-efi-aarch64,
# QEMU_EFI.fd) under pocvm --machine virt: from flash bank 0, its
# variables in --flash, through its shell's startup.nsh on the EFI system
# partition of a virtio-blk disk, which starts our arm64 Image as an EFI
# application (its EFI stub) with the root file system on the disk's
# second partition, to the guest's init and power-off, exit 0, with each
# PoC clean method this host has. EDK2 2022.11 drives virtio-mmio
# version 1 only, as QEMU's virt board offers by default: hence
# --virtio-transport mmio-legacy.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 1500
if [ "$pocvm_host" = patched ] && [ -f /rig/series-applied ]; then
	methods="ioctl user"
else
	methods="user"
fi
truncate -s 64M vars.img
for m in $methods; do
	cp $GUEST/edk2-disk.img disk-$m.img
	expect_exit 0 edk2-$m.log $POCVM run --machine virt \
		--firmware $GUEST/QEMU_EFI.fd --flash vars.img -c 2 -m 512 \
		-d disk-$m.img --virtio-transport mmio-legacy --flush $m \
		--debug-flush --trace-boot --timeout 700 < /dev/null
	expect_line edk2-$m.log 'UEFI Interactive Shell'
	expect_line edk2-$m.log '^POCVM-GUEST-UP kernel=6\.12.* cpus=2 '
	expect_line edk2-$m.log "^pocvm: flush: boot 1: method $m"
	expect_line edk2-$m.log '^pocvm: flush:   [a-z]+ +0x000000000-0x[0-9a-f]{9} flash requested'
	expect_line edk2-$m.log '^pocvm: trace-boot: .* M=0 C=0 I=0 .*  PC 0000000000000000  first$'
	expect_line edk2-$m.log '^pocvm: trace-boot: .* M=1 C=1 I=1 \(was M=0 '
	# the kernel's MMU on, seen at its first exit: SCTLR_EL1 rewritten
	expect_line edk2-$m.log '^pocvm: trace-boot: .* M=1 C=1 I=1 \(was M=1 C=1 I=1, rewritten\)  PC ffff[0-9a-f]{12}  '
done
nothing_left
