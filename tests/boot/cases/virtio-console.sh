# virtio-console: with --console virtio the guest's console is hvc0 on
# port 0 of a multiport device, input typed into pocvm reaches it, and the
# named exit-status port is there too; on our kernel and Debian's.
# matrix: hosts=patched cpus=max gics=3
# timeout: 300
for k in ours stock; do
	if [ $k = ours ]; then
		kernel=$IMAGE initrd=$INITRD
	else
		kernel=$STOCK_IMAGE initrd=$STOCK_INITRD
	fi
	rm -f in.fifo && mkfifo in.fifo
	echo "+ pocvm run -k $kernel --console virtio ... < in.fifo"
	$POCVM run -k $kernel -i $initrd --console virtio \
		-p "quiet guest_action=console" < in.fifo > $k.log 2>&1 &
	pid=$!
	exec 3> in.fifo
	i=0
	until grep -q '^POCVM-SHELL-READY' $k.log; do
		i=$((i + 1))
		[ $i -lt 300 ] || { kill $pid; cat $k.log; fail "no guest"; }
		sleep 0.2
	done
	echo "typed-into-hvc0" >&3
	wait $pid
	rc=$?
	exec 3>&-
	cat $k.log
	[ $rc = 0 ] || fail "$k: exit status $rc"
	expect_line $k.log '^POCVM-VIRTIO-ID virtio0 0x0003'
	expect_line $k.log '^POCVM-VIRTIO-PORT vport0p1 org.pocvm.exit-status'
	expect_line $k.log '^POCVM-CONSOLE hvc0'
	expect_line $k.log '^POCVM-CONSOLE-READ typed-into-hvc0'
done
