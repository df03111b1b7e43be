# Debian's stock 6.1 kernel boots as a guest, its virtio modules loaded
# from the initramfs, on 1 and 4 VCPUs.
# matrix: hosts=patched,stock cpus=max gics=3,2
# timeout: 300
for n in 1 4; do
	expect_exit 0 stock$n.log $POCVM run -k $STOCK_IMAGE -i $STOCK_INITRD \
		-c $n -m 256 -p "quiet"
	expect_line stock$n.log "^POCVM-GUEST-UP kernel=6\.1\..*cloud-arm64 cpus=$n "
done
