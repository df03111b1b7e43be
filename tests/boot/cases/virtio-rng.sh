# virtio-mmio and virtio-rng: with --rng the guest finds a virtio device
# (ID 4) and reads bytes from /dev/hwrng, on our 6.12 kernel (built in)
# and on Debian's stock kernel (virtio modules from its initramfs).
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 300
for k in ours stock; do
	if [ $k = ours ]; then
		kernel=$IMAGE initrd=$INITRD
	else
		kernel=$STOCK_IMAGE initrd=$STOCK_INITRD
	fi
	expect_exit 0 rng-$k.log $POCVM run -k $kernel -i $initrd --rng \
		--loglevel debug -p "quiet guest_action=rng"
	expect_line rng-$k.log '^POCVM-VIRTIO-DEVICES .*virtio0'
	expect_line rng-$k.log '^POCVM-VIRTIO-ID virtio0 0x0004'
	expect_line rng-$k.log '^POCVM-RNG-BYTES 64[[:space:]]*$'
done
# Interrupts go through an irqfd (edge SPIs: no resample fd): both host
# kernels (6.12 and Debian's 6.1) have it, so no device may fall back.
expect_line rng-ours.log '^pocvm: debug: virtio-rng: interrupts by irqfd'
expect_line rng-ours.log '^pocvm: debug: virtio-console: interrupts by irqfd'
