# Each way a guest ends has its own exit status, and nothing is left
# behind: poweroff 0, reset 32, panic 34 (pvpanic, with the console's last
# lines), a failed guest command 35 (pocvm-exit on the virtio-console
# port), timeout 124 (with each VCPU's PC), SIGTERM 143, SIGINT 130. Also
# --console-log and --boot-report.
# matrix: hosts=patched cpus=max gics=3
# timeout: 300
export XDG_RUNTIME_DIR=/tmp/xdg-exit
mkdir -p -m 700 $XDG_RUNTIME_DIR
wait_up() {
	i=0
	until grep -q '^POCVM-GUEST-UP' "$1"; do
		i=$((i + 1))
		[ $i -lt 300 ] || fail "guest did not come up"
		sleep 0.2
	done
}

expect_exit 0 poweroff.log $POCVM run -k $IMAGE -i $INITRD -p quiet
expect_line poweroff.log '^POCVM-GUEST-UP'
nothing_left
expect_exit 32 reset.log $POCVM run -k $IMAGE -i $INITRD \
	-p "quiet guest_action=reboot"
expect_line reset.log '^POCVM-GUEST-REBOOTING'
nothing_left

# pocvm run ... -- CMD: the guest's init runs CMD and reports its status
# with pocvm-exit; a failure is 35, success 0, on both guest kernels.
expect_exit 35 cmd-fail.log $POCVM run -k $IMAGE -i $INITRD -p quiet \
	-- sh -c "echo running; exit 3"
expect_line cmd-fail.log '^running'
expect_line cmd-fail.log '^POCVM-GUEST-COMMAND-STATUS 3'
expect_line cmd-fail.log '^pocvm: guest command failed: it reported exit status 3$'
nothing_left
expect_exit 0 cmd-ok.log $POCVM run -k $IMAGE -i $INITRD -p quiet -- true
expect_line cmd-ok.log '^POCVM-GUEST-COMMAND-STATUS 0'
expect_exit 35 cmd-stock.log $POCVM run -k $STOCK_IMAGE -i $STOCK_INITRD \
	-p quiet -- false
expect_line cmd-stock.log '^POCVM-GUEST-COMMAND-STATUS 1'
nothing_left
expect_exit 2 cmd-quote.log $POCVM run -k $IMAGE -i $INITRD -- echo 'a"b'
expect_line cmd-quote.log "^pocvm: guest command: argument 'a\"b' has a quote"

expect_exit 34 panic.log $POCVM run -k $IMAGE -i $INITRD \
	-p "quiet guest_action=panic" --console-log panic-console.log
expect_line panic.log '^pocvm: guest panic; its last console lines:'
expect_line panic.log 'Kernel panic - not syncing'
expect_line panic-console.log '^POCVM-GUEST-UP'
expect_line panic-console.log 'sysrq: Trigger a crash'
nothing_left

expect_exit 124 hang.log $POCVM run -k $IMAGE -i $INITRD -c 2 --timeout 20 \
	-p "quiet guest_action=hang"
expect_line hang.log '^pocvm: --timeout: guest still running after 20 s'
expect_line hang.log '^pocvm: VCPU 0 was at PC 0x'
expect_line hang.log '^pocvm: VCPU 1 was at PC 0x'
nothing_left

for sig in TERM INT; do
	$POCVM run -k $IMAGE -i $INITRD -p "quiet guest_action=hang" \
		< /dev/null > sig$sig.log 2>&1 &
	pid=$!
	wait_up sig$sig.log
	kill -$sig $pid
	wait $pid
	rc=$?
	cat sig$sig.log
	want=143
	[ $sig = INT ] && want=130
	[ $rc = $want ] || fail "SIG$sig: exit status $rc, expected $want"
	nothing_left
done

# Everything the guest printed, in the file too, whatever stdout is.
expect_exit 0 report.log $POCVM run -k $IMAGE -i $INITRD -p quiet \
	--boot-report --console-log console.log
expect_line console.log '^POCVM-GUEST-UP'
expect_line console.log 'Booting Linux on physical CPU'
expect_line report.log '^pocvm: boot report'
expect_line report.log '^pocvm: +[0-9.]+  RAM cleaned to PoC'
expect_line report.log '^pocvm: +[0-9.]+  first console byte'
expect_line report.log '^pocvm: +[0-9.]+  guest init \(boot timer\)'
expect_line report.log '^pocvm: +[0-9.]+  VM, RAM and VCPUs created'
expect_line report.log '^pocvm: +[0-9.]+  sandbox entered'
expect_line report.log '^pocvm: +[0-9.]+  guest stopped'
expect_line report.log '^pocvm: +[0-9.]+  torn down'
expect_exit 0 help.log $POCVM help exit-codes
expect_line help.log '^ +124  --timeout'
expect_line help.log '^ +35  the guest command failed'
