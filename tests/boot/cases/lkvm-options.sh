# kvmtool's `lkvm run` options, with kvmtool's meaning, seen where they
# act: -f and --firmware-address (the VCPU starts there), --debug-single-step
# and --debug-mmio (a line per instruction and per access), --kaslr-seed
# (/chosen in the guest), --override-bad-firmware-cntfrq (the guest's timer
# rate), --tty 0 (the console on a pty), --hugetlbfs, --psci (PSCI in pocvm
# through KVM's SMCCC filter: Linux 6.4+, so our 6.12 host only), and
# lkvm's words where scripts grep for them. Bad input: one line, exit 2.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 600
case $(uname -r) in
6.1.*) host=stock ;;
*) host=patched ;;
esac

# run_split CODE NAME cmd...: stdout to NAME.out (the guest), stderr to
# NAME.err (pocvm), so that neither splits the other's lines.
run_split() {
	want=$1 name=$2
	shift 2
	echo "+ $*"
	"$@" > $name.out 2> $name.err
	got=$?
	cat $name.out $name.err
	[ "$got" = "$want" ] || fail "exit status $got, expected $want: $*"
}

one_line() {
	[ "$(wc -l < "$1")" = 1 ] || fail "$1: not exactly one line"
	expect_line "$1" "$2"
}

# The bare-metal payload prints "pocvm-flat-ok\n" on the 8250 and powers
# off: 14 UART writes, each one --debug-mmio line; every instruction a
# --debug-single-step line, all at the address -f was put.
# (stdout apart: the guest's bytes would split pocvm's lines)
echo "+ pocvm run -f poweroff.bin --firmware-address 0x80100000 ..."
$POCVM run -f $GUEST/poweroff.bin --firmware-address 0x80100000 \
	--debug-single-step --debug-mmio -c 1 > fw.out 2> fw.log
st=$?
head -5 fw.log; echo ...; tail -5 fw.log; cat fw.out
[ $st = 0 ] || fail "exit status $st"
expect_line fw.out '^pocvm-flat-ok$'
expect_line fw.log '^pocvm: single-step: VCPU 0 PC 000000008010000[48] '
n=$(grep -c '^pocvm: single-step: VCPU 0 PC 00000000801000' fw.log)
[ "$n" -gt 40 ] || fail "only $n single steps at 0x801000xx"
grep '^pocvm: single-step:' fw.log | grep -qv ' PC 00000000801000' &&
	fail "a step outside the firmware"
n=$(grep -c '^pocvm: mmio: write 0x001000000 1 bytes 0x[0-9a-f]*  serial8250+0x0$' fw.log)
[ "$n" = 14 ] || fail "$n UART writes logged, not 14"
expect_line fw.log '^pocvm: mmio: write 0x001000000 1 bytes 0x70  serial8250\+0x0$'
# lkvm's words when the guest powered off
expect_line fw.log '^pocvm: KVM session ended normally\.$'
expect_exit 0 quiet.log $POCVM run -f $GUEST/poweroff.bin --loglevel warning
grep -q 'ended normally' quiet.log && fail "printed at --loglevel warning"

# The seed and timer rate in the guest; --no-dhcp and --dev as lkvm's.
expect_exit 0 dt.log $POCVM run -k $IMAGE -i $INITRD -c 1 --dev /dev/kvm \
	--kaslr-seed 0x0123456789abcdef --override-bad-firmware-cntfrq 125000000 \
	--no-dhcp -p "quiet guest_action=lkvm"
expect_line dt.log '^POCVM-KASLR-SEED 0123456789abcdef[[:space:]]*$'
expect_line dt.log '^POCVM-TIMER running at 125\.00MHz'
expect_exit 0 nodt.log $POCVM run -k $IMAGE -i $INITRD -c 1 \
	-p "quiet guest_action=lkvm"
expect_line nodt.log '^POCVM-KASLR-SEED[[:space:]]*$'
expect_line nodt.log '^POCVM-TIMER running at 62\.50MHz'

# --tty 0: the guest's console on a new pty, named as lkvm names it.
grep -q ' /dev/pts ' /proc/mounts ||
	{ mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; }
$POCVM run -k $IMAGE -i $INITRD -c 1 --tty 0 -p quiet \
	-- echo POCVM-ON-THE-PTY > tty.log 2> tty.err &
pid=$!
i=0
until grep -q 'Assigned terminal 0 to pty' tty.err; do
	i=$((i + 1))
	[ $i -lt 600 ] || { cat tty.err; fail "no pty announced"; }
	sleep 0.1
done
pty=$(sed -n 's/^pocvm: Assigned terminal 0 to pty //p' tty.err)
echo "pty: $pty"
[ -c "$pty" ] || fail "$pty is not a terminal device"
cat "$pty" > pty.log 2>/dev/null &
cat_pid=$!
wait $pid || { cat tty.err; fail "pocvm --tty 0 exit status $?"; }
# The pty hangs up when pocvm exits: cat has read all and ends.
i=0
while kill -0 $cat_pid 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill $cat_pid 2>/dev/null
cat pty.log
cat tty.err
grep -q 'POCVM-ON-THE-PTY' pty.log || fail "guest output not on the pty"
grep -q 'POCVM-ON-THE-PTY' tty.log && fail "guest output on stdout"

# --hugetlbfs: guest RAM from the pool, or one line saying why not.
if grep -qw hugetlbfs /proc/filesystems; then
	mkdir -p /mnt/huge && mount -t hugetlbfs none /mnt/huge
	echo 64 > /proc/sys/vm/nr_hugepages
	grep -i hugepages_total /proc/meminfo
	expect_exit 0 huge.log $POCVM run -k $IMAGE -i $INITRD -c 1 -m 128 \
		--hugetlbfs /mnt/huge --loglevel info -p "quiet"
	expect_line huge.log '^pocvm: info: RAM: 128 MiB from hugetlbfs /mnt/huge \(2048 KiB pages\)'
	expect_line huge.log '^POCVM-GUEST-UP'
	# 64 pages of 2 MiB: 256 MiB cannot be had.
	expect_exit 2 huge2.log $POCVM run -k $IMAGE -m 256 --hugetlbfs /mnt/huge
	one_line huge2.log '^pocvm: --hugetlbfs /mnt/huge: no huge pages available for 256 MiB'
	echo 0 > /proc/sys/vm/nr_hugepages
	ls -A /mnt/huge | grep -q . && fail "a file left in /mnt/huge"
else
	echo "no hugetlbfs in this host kernel: only the refusal is checked"
fi
mkdir -p /tmp/nothuge
expect_exit 2 nothuge.log $POCVM run -k $IMAGE --hugetlbfs /tmp/nothuge
one_line nothuge.log '^pocvm: --hugetlbfs /tmp/nothuge: not a hugetlbfs mount'

# --psci: PSCI answered by pocvm, where KVM can forward it.
if [ $host = patched ]; then
	run_split 0 psci $POCVM run -k $IMAGE -i $INITRD -c 2 --psci \
		--loglevel debug -p "quiet guest_action=lkvm"
	expect_line psci.out '^POCVM-PSCI PSCIv1\.0 detected'
	expect_line psci.out '^POCVM-CPUS-ONLINE 0-1[[:space:]]*$'
	expect_line psci.err '^pocvm: info: PSCI: handled by pocvm'
	expect_line psci.err '^pocvm: debug: PSCI: VCPU 0: CPU_ON 0x1 at 0x[0-9a-f]*: 0$'
	expect_line psci.err '^pocvm: debug: PSCI: VCPU [01]: SYSTEM_OFF$'
	# Debian's kernel has CPU hotplug: CPU_OFF, AFFINITY_INFO, CPU_ON
	# of a VCPU that ran before (it is reset first).
	run_split 0 hotplug $POCVM run -k $STOCK_IMAGE -i $STOCK_INITRD \
		-c 2 --psci --loglevel debug -p quiet -- sh -c \
		'echo 0 > /sys/devices/system/cpu/cpu1/online && echo OFF-$(cat /sys/devices/system/cpu/online) && echo 1 > /sys/devices/system/cpu/cpu1/online && echo ON-$(cat /sys/devices/system/cpu/online)'
	expect_line hotplug.out '^OFF-0[[:space:]]*$'
	expect_line hotplug.out '^ON-0-1[[:space:]]*$'
	expect_line hotplug.err '^pocvm: debug: PSCI: VCPU 1: CPU_OFF$'
	[ "$(grep -c '^pocvm: debug: PSCI: VCPU 0: CPU_ON 0x1 at .*: 0$' hotplug.err)" = 2 ] ||
		fail "not two CPU_ONs of VCPU 1"
	# SYSTEM_RESET: exit 32, or with --reboot a second boot, both CPUs.
	expect_exit 32 reset.log $POCVM run -k $IMAGE -i $INITRD -c 2 --psci \
		-p "quiet guest_action=reboot"
	expect_line reset.log 'pocvm: KVM session ended normally\.$'
	expect_exit 0 reboot.log $POCVM run -k $IMAGE -i $INITRD -c 2 --psci \
		--reboot -p "quiet guest_action=reboot-once"
	[ "$(grep -c '^POCVM-GUEST-UP .* cpus=2 ' reboot.log)" = 2 ] ||
		fail "not two boots with 2 CPUs"
else
	expect_exit 2 psci.log $POCVM run -k $IMAGE --psci
	one_line psci.log "^pocvm: --psci: this host's KVM cannot hand PSCI calls to userspace"
fi

# An lkvm script ported by changing the binary's name (the issue's own):
# 4 VCPUs (more than L1's 2 CPUs: KVM allows it), 512 MiB, GICv3.
run_split 0 script $POCVM run -k $IMAGE -i $INITRD -c 4 -m 512 \
	--console serial --irqchip gicv3 -p "quiet guest_action=demo"
expect_line script.out "^POCVM-GUEST-UP kernel=.* cpus=4 "
expect_line script.out "^Hello from a pocvm guest: .*, 4 CPU\(s\), 4[0-9][0-9] MiB RAM"
expect_line script.err "^pocvm: KVM session ended normally\."

# Bad input: one line naming the option, exit 2.
expect_exit 2 user.log env PATH=/nonexistent $POCVM run -k $IMAGE -i $INITRD \
	-n mode=user
one_line user.log '^pocvm: --network: mode=user needs passt, which is not on PATH'
expect_exit 2 dev.log $POCVM run -k $IMAGE --dev /nonexistent/kvm
one_line dev.log '^pocvm: --dev /nonexistent/kvm: No such file or directory'
expect_exit 2 devnull.log $POCVM run -k $IMAGE --dev /dev/null
one_line devnull.log '^pocvm: --dev /dev/null: not a KVM device'
expect_exit 2 tty1.log $POCVM run -k $IMAGE --tty 1
one_line tty1.log '^pocvm: --tty 1: pocvm has one serial port'
expect_exit 2 fwaddr.log $POCVM run -f $GUEST/poweroff.bin --firmware-address 0x1000
one_line fwaddr.log '^pocvm: --firmware-address 0x1000: not in RAM'
nothing_left
