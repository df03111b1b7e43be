# Guest RAM is cleaned to PoC before the first KVM_RUN, and the report
# says how: KVM_ARM_FLUSH_RANGE over all RAM on our patched kernel, the
# EL0 clean over exactly what pocvm wrote on a kernel without it. TCG
# models no caches: this shows which clean is issued where, not its effect.
# matrix: hosts=patched,stock cpus=max,neoverse-n1 gics=3
# timeout: 240
if [ "$pocvm_host" = patched ] && [ -f /rig/series-applied ]; then
	has_ioctl=1
fi

expect_exit 0 auto.log $POCVM run -k $IMAGE -i $INITRD -p quiet --debug-flush
if [ -n "$has_ioctl" ]; then
	expect_line auto.log '^pocvm: flush: boot 1: method ioctl, 1 range'
	expect_line auto.log '^pocvm: flush:   ioctl 0x080000000-0x08fffffff requested 256 MiB'
else
	expect_line auto.log '^pocvm: flush: boot 1: method user \(kernel lacks KVM_ARM_FLUSH_RANGE\)'
	# kernel, initrd and DTB (the last two may touch), and nothing else
	expect_line auto.log '^pocvm: flush:   user  0x080000000-'
	expect_line auto.log '^pocvm: flush: .*[23] range\(s\)'
	expect_exit 2 ioctl.log $POCVM run -k $IMAGE -i $INITRD --flush=ioctl
	expect_line ioctl.log '^pocvm: --flush=ioctl: kernel lacks KVM_ARM_FLUSH_RANGE'
fi
expect_line auto.log '^POCVM-GUEST-UP'

# The EL0 clean is always available and covers only what was written.
expect_exit 0 user.log $POCVM run -k $IMAGE -i $INITRD -p quiet \
	--flush=user --debug-flush
expect_line user.log '^pocvm: flush: boot 1: method user, [23] range'
expect_exit 0 none.log $POCVM run -k $IMAGE -i $INITRD -p quiet \
	--flush=none --debug-flush
expect_line none.log '^pocvm: flush: boot 1: method none, 0 range'

# An in-place reboot cleans again. Once the guest has run, its pages are
# mapped at stage 2: the kernel reports them flushed unless it has FWB
# (-cpu max), where there is nothing to do.
expect_exit 0 reboot.log $POCVM run -k $IMAGE -i $INITRD --reboot --debug-flush \
	-p "quiet guest_action=reboot-once"
expect_line reboot.log '^pocvm: flush: boot 2: method'
if [ -n "$has_ioctl" ]; then
	line=$(grep '^pocvm: flush:   ioctl' reboot.log | tail -n 1)
	echo "second clean: $line"
	if echo "$line" | grep -q 'kernel flushed 0 B'; then
		[ "$pocvm_cpu" = max ] ||
			fail "nothing flushed on a host without FWB"
	else
		[ "$pocvm_cpu" != max ] || fail "FWB host flushed something"
	fi
fi
