# Debian's unmodified u-boot for QEMU's virt board (u-boot-qemu,
# qemu_arm64/u-boot.bin) under pocvm --machine virt: from flash bank 0 to
# its prompt on the PL011, with the flash found by its CFI driver; its
# environment saved into --flash and found again by a second run; then
# distro boot from a virtio-blk disk (MBR, ext4, extlinux/extlinux.conf)
# to our kernel's init and power-off, exit 0, with each PoC clean method
# this host has. TCG models no caches: the clean reports show which
# ranges (RAM and flash) were cleaned, not stale data.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 900
UBOOT=$GUEST/u-boot.bin
if [ "$pocvm_host" = patched ] && [ -f /rig/series-applied ]; then
	methods="ioctl user"
else
	methods="user"
fi

# An interactive u-boot session: pocvm with its console input on a FIFO
# (fd 3 here), its output in LOG. uboot_start LOG ARGS...; uboot_cmd
# LINE; uboot_end STATUS.
uboot_start() {
	ulog=$1
	shift
	rm -f in.fifo
	mkfifo in.fifo
	echo "+ $POCVM run $*"
	$POCVM run "$@" < in.fifo > "$ulog" 2>&1 &
	upid=$!
	exec 3> in.fifo
	# Any key stops the autoboot countdown.
	wait_for "$ulog" 'Hit any key to stop autoboot' 300 ||
		{ cat "$ulog"; fail "u-boot: no autoboot prompt"; }
	printf ' ' >&3
	wait_for "$ulog" '^=> ' 60 || { cat "$ulog"; fail "u-boot: no prompt"; }
}
uboot_cmd() {
	printf '%s\r' "$1" >&3
}
uboot_end() {
	uboot_cmd poweroff
	exec 3>&-
	wait $upid
	got=$?
	cat "$ulog"
	[ "$got" = "$1" ] || fail "u-boot session: exit $got, expected $1"
}

# 1. To the prompt, the flash banks seen by u-boot's CFI driver; saveenv
# writes bank 1, the --flash file.
truncate -s 64M vars.img
uboot_start prompt.log --machine virt --firmware $UBOOT -c 1 -m 256 \
	--flash vars.img --timeout 600
# Each command's output is awaited before the next is typed: u-boot
# polls for Ctrl-C while it prints, and drops whatever else it reads.
uboot_cmd 'printenv board'
wait_for prompt.log '^board=qemu-arm' 60 || fail "u-boot: printenv board"
uboot_cmd flinfo
# the last block u-boot lists of bank 2
wait_for prompt.log '05FE0000' 120 || { cat prompt.log; fail "u-boot: flinfo"; }
uboot_cmd 'setenv pocvm_mark 4242'
wait_for prompt.log '=> setenv pocvm_mark 4242' 60 ||
	{ cat prompt.log; fail "u-boot: setenv"; }
uboot_cmd saveenv
wait_for prompt.log '^(OK|Failed \()' 120 ||
	{ cat prompt.log; fail "u-boot: saveenv never finished"; }
uboot_end 0
expect_line prompt.log '^U-Boot 2023\.01'
expect_line prompt.log 'bad CRC, using default environment'
expect_line prompt.log '^Writing to Flash\.\.\. .*done'
expect_line prompt.log '^OK'
# u-boot's CFI probe settles on one x16 device on a 16-bit port with
# shifted addresses (chip_lsb): half of each bank, as on QEMU.
expect_line prompt.log '^Bank # 2: CFI conformant flash \(16 x 16\) +Size: 32 MB in 256 Sectors'
expect_line prompt.log 'Intel Extended command set, Manufacturer ID: 0x89, Device ID: 0x0*18'

# 2. A second run finds the saved environment in the file.
uboot_start env.log --machine virt --firmware $UBOOT -c 1 -m 256 \
	--flash vars.img --timeout 600
uboot_cmd 'printenv pocvm_mark'
wait_for env.log '^pocvm_mark=4242' 60 ||
	{ cat env.log; fail "u-boot: saved variable not found"; }
uboot_end 0
grep -q 'bad CRC' env.log && fail "second run: environment not saved"

# 3. Distro boot from virtio-blk to the guest's init, and power-off. The
# clean report lists flash bank 0 (the firmware) as well as RAM;
# --trace-boot shows u-boot's and the kernel's MMU-on points.
cp $GUEST/uboot-disk.img disk.img
for m in $methods; do
	expect_exit 0 boot-$m.log $POCVM run --machine virt --firmware $UBOOT \
		-c 2 -m 512 -d disk.img,ro --flush $m --debug-flush \
		--trace-boot --boot-report --timeout 600 < /dev/null
	expect_line boot-$m.log '^Found /extlinux/extlinux.conf'
	expect_line boot-$m.log '^POCVM-GUEST-UP kernel=6\.12.* cpus=2 '
	expect_line boot-$m.log "^pocvm: flush: boot 1: method $m"
	# the guest's init found the boot timer in virt's map
	expect_line boot-$m.log '^pocvm: +[0-9.]+  guest init \(boot timer\)'
	if [ $m = ioctl ]; then
		expect_line boot-$m.log '^pocvm: flush:   ioctl 0x000000000-0x003ffffff flash requested 64 MiB'
		expect_line boot-$m.log '^pocvm: flush:   ioctl 0x040000000-0x05fffffff requested 512 MiB'
	else
		# u-boot.bin in bank 0, the DTB at the start of RAM
		expect_line boot-$m.log '^pocvm: flush:   user  0x000000000-0x0000[0-9a-f]{5} flash requested'
		expect_line boot-$m.log '^pocvm: flush:   user  0x040000000-'
	fi
	# u-boot's MMU-on point, and the kernel's: u-boot turns its MMU off
	# for the kernel, which turns its own on, with no exit in between,
	# so pocvm sees SCTLR_EL1 rewritten with M still 1.
	expect_line boot-$m.log '^pocvm: trace-boot: .* M=0 C=0 I=0 .*  PC 0000000000000000  first$'
	expect_line boot-$m.log '^pocvm: trace-boot: .* M=1 C=1 I=1 \(was M=0 C=0 I=[01]\)  PC [0-9a-f]{16}  '
	expect_line boot-$m.log '^pocvm: trace-boot: .* M=1 C=1 I=1 .*  PC ffff[0-9a-f]{12}  final$'
	# the kernel's MMU on, seen at its first exit: SCTLR_EL1 rewritten
	expect_line boot-$m.log '^pocvm: trace-boot: .* M=1 C=1 I=1 \(was M=1 C=1 I=1, rewritten\)  PC ffff[0-9a-f]{12}  '
done
nothing_left
