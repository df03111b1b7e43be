# A guest reboot ends pocvm with exit 32; with --reboot the guest boots a
# second time in place (the tree says which boot it is) and powers off.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 240
expect_exit 32 reset.log $POCVM run -k $IMAGE -i $INITRD -p "quiet guest_action=reboot"
expect_line reset.log '^POCVM-GUEST-REBOOTING'
expect_exit 0 reboot.log $POCVM run -k $IMAGE -i $INITRD -c 2 --reboot \
	-p "quiet guest_action=reboot-once"
expect_line reboot.log '^POCVM-GUEST-UP .* boot=1[[:space:]]*$'
expect_line reboot.log '^POCVM-GUEST-UP .* boot=2[[:space:]]*$'
