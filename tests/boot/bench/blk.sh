# virtio-blk: 4 KiB random reads at queue depth 1 and 32 from a guest
# through pocvm's libaio backend, against the same reads on the same
# file straight on the L1 host. Prints figures; asserts nothing.
#
# The reader is blkread (tests/boot/blkread.c, Linux AIO by raw
# syscalls) on both sides: the busybox guests have no fio, and Debian's
# arm64 fio links librados, librbd and libgfapi (some 140 packages).
# matrix: hosts=patched cpus=max gics=3
# timeout: 900
secs=10
dd if=/dev/urandom of=bench.img bs=1M count=64 2>/dev/null
printf '%-28s %6s %10s\n' where depth IOPS
for qd in 1 32; do
	out=$(blkread bench.img $qd $secs) || { echo "$out"; continue; }
	iops=${out##*iops=}
	printf '%-28s %6s %10s\n' "L1 host, file" $qd "$iops"
done
$POCVM run -k $IMAGE -i $INITRD --disk bench.img \
	-p "quiet guest_action=blkbench blk_qd=1,32 blk_secs=$secs" \
	> guest.log 2>&1 || cat guest.log
grep '^POCVM-BENCH ' guest.log | while read -r _ _ depth _ _ _ _ _ _ iops; do
	printf '%-28s %6s %10s\n' "L2 guest, virtio-blk" "${depth#depth=}" \
		"${iops#iops=}"
done
