# Our 6.12 Image boots to init and powers off (exit 0), on 1 and 4 VCPUs.
# matrix: hosts=patched,stock cpus=max gics=3,2
# timeout: 240
for n in 1 4; do
	expect_exit 0 boot$n.log $POCVM run -k $IMAGE -i $INITRD -c $n \
		-m 256 -p "quiet"
	expect_line boot$n.log "^POCVM-GUEST-UP kernel=6\.12.* cpus=$n "
done
