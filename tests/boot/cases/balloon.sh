# --balloon and kvmtool's guest commands. A guest that touched 128 MiB
# and freed it: `pocvm balloon -i 64` takes 64 MiB off its MemTotal and
# pocvm's RSS in L1 drops (figures printed), `-d 64` gives it back, and
# the driver's limits are one line and exit 2; `stat -m` prints the
# guest's own figures as lkvm does; `debug -d` dumps registers and the
# guest answers sysrq p, `debug -s h` reaches the guest's sysrq (its help
# text on the console) through the 8250 and through hvc0; `debug -m`
# is one line (no NMI on arm64); `list`
# shows the guest in lkvm's format; `version` and `--version` agree.
# Then the same balloon on the legacy transport, and on Debian's kernel
# (virtio_balloon module from its initramfs).
# Debian's kernel as L1 (stock?) only when asked with -H stock: this case
# is long, and make check has a time budget.
# matrix: hosts=patched,stock? cpus=max gics=3
# timeout: 900
export XDG_RUNTIME_DIR=/tmp/xdg
mkdir -p -m 700 $XDG_RUNTIME_DIR
exec < /dev/null

# mem_kib LOG: the guest's last MemTotal, in KiB.
# Whole lines only: a kernel message can land in the middle of one.
mem_kib() { tr -d '\r' < "$1" | grep -aE '^POCVM-MEM [0-9]+ [0-9]+$' | tail -n 1 | cut -d' ' -f2; }
rss_kib() { awk '/^VmRSS:/{print $2}' /proc/$1/status; }

# wait_for LOG PATTERN WHAT: until LOG has a line matching PATTERN.
wait_for() {
	i=0
	until grep -aEq "$2" "$1"; do
		i=$((i + 1))
		kill -0 $pid 2>/dev/null || { tail -n 30 "$1"; dmesg | tail -n 15; fail "$3: pocvm exited"; }
		[ $i -lt 1500 ] || { tail -n 30 "$1"; stuck; fail "$3"; }
		sleep 0.2
	done
}

# stuck: what the guest's pocvm ($pid) was doing when a wait ran out.
stuck() {
	echo "--- pocvm $pid: $(grep -E '^(State|Threads|VmRSS)' /proc/$pid/status 2>/dev/null | tr -s '\t\n' '  ')"
	for t in /proc/$pid/task/*; do
		echo "    $(cat $t/comm 2>/dev/null) $(cat $t/wchan 2>/dev/null) $(cut -d' ' -f3 $t/stat 2>/dev/null)"
		head -n 8 $t/stack 2>/dev/null | sed 's/^/        /'
	done
	$POCVM debug -n "$name" 2>&1 | head -n 30
	echo "--- L1: load $(cat /proc/loadavg); $(grep MemFree /proc/meminfo)"
	dmesg | tail -n 15
}

# wait_total LOG KIB: until the guest's MemTotal is KIB give or take
# 4 MiB (what the guest's own bookkeeping moves); sets $total to it (no
# subshell: a failure here must end the case).
wait_total() {
	i=0
	while :; do
		t=$(mem_kib "$1")
		[ -n "$t" ] && [ $((t - $2)) -le 4096 ] &&
			[ $(($2 - t)) -le 4096 ] && break
		i=$((i + 1))
		kill -0 $pid 2>/dev/null || { tail -n 25 "$1"; dmesg | tail -n 15; fail "$name: pocvm exited"; }
		[ $i -lt 1500 ] || { grep -av "^ x[0-9]" "$1" | tail -n 25; fail "MemTotal stayed at $t KiB, wanted about $2"; }
		sleep 0.2
	done
	total=$t
}

# Debian's 6.1 KVM predates FEAT_LPA2: a stage-2 fault whose status is
# 0x2b (translation fault, level -1) fails KVM_RUN with EFAULT ("kvm:
# Unsupported FSC: EC=0x24 xFSC=0x2b ESR_EL2=0x920000ab" in L1's log).
# The rig's L0, QEMU's TCG, reports that status when the walk of an LPA2
# guest's level -1 table meets a stage-2 fault (S1PTW), though the fault
# is in stage 2, which has no level -1 on that host; the balloon's
# discards make such faults. On that host our 52-bit-VA guest therefore
# runs with 48-bit VAs (no level -1 table).
lva=
[ "$pocvm_host" = stock ] && lva=arm64.nolva

# balloon_cycle TAG KERNEL INITRD [pocvm options...]: inflate by 64 MiB,
# deflate again; sets $pid and leaves the guest running as TAG.
balloon_cycle() {
	tag=$1 kernel=$2 initrd=$3
	shift 3
	$POCVM run -k $kernel -i $initrd --balloon --name $tag -m 256 "$@" \
		-p "quiet guest_action=balloon memory_touch_mb=128 $lva" > $tag.log 2>&1 &
	pid=$!
	name=$tag
	wait_for $tag.log '^POCVM-TOUCHED' "$tag: the guest did not come up"
	wait_for $tag.log '^POCVM-MEM' "$tag: no MemTotal from the guest"
	sleep 1
	total0=$(mem_kib $tag.log) rss0=$(rss_kib $pid)
	expect_exit 0 $tag-inflate.log $POCVM balloon -n $tag -i 64
	expect_line $tag-inflate.log '^balloon: target 64 MiB'
	wait_total $tag.log $((total0 - 65536))
	total1=$total
	sleep 1
	rss1=$(rss_kib $pid)
	echo "$tag: MemTotal $total0 -> $total1 KiB; pocvm VmRSS $rss0 -> $rss1 KiB ($(((rss0 - rss1) / 1024)) MiB given back)"
	[ $((rss0 - rss1)) -ge 16384 ] ||
		fail "$tag: pocvm's RSS did not drop after inflating (${rss0} -> ${rss1} KiB)"
	expect_exit 0 $tag-deflate.log $POCVM balloon -n $tag -d 64
	expect_line $tag-deflate.log '^balloon: target 0 MiB'
	wait_total $tag.log $total0
	total2=$total
	echo "$tag: MemTotal after deflating: $total2 KiB"
}

balloon_cycle bl $IMAGE $INITRD

# The limits the device keeps: one line, exit 2, nothing changes.
expect_exit 2 over.log $POCVM balloon -n bl -d 1
expect_line over.log '^pocvm: bl: cannot deflate by 1 MiB'
expect_exit 2 big.log $POCVM balloon -n bl -i 512
expect_line big.log '^pocvm: bl: cannot inflate by 512 MiB: the target would pass the guest.s RAM \(256 MiB\)'
expect_exit 2 zero.log $POCVM balloon -n bl -i 0
expect_line zero.log "^pocvm: balloon: -i '0': not a size in MiB"
expect_exit 2 none.log $POCVM balloon -n nosuch -i 1
expect_line none.log '^pocvm: nosuch: no such guest'

# stat -m: the guest's figures, fresh from its stats queue.
expect_exit 0 stat.log $POCVM stat -n bl -m
expect_line stat.log 'Guest memory statistics'
expect_line stat.log '^The total amount of memory \(in bytes\):[1-9][0-9]{7,}'
expect_line stat.log '^The amount of memory not being used for any purpose \(in bytes\):[1-9]'
expect_line stat.log '^The number of minor page faults that have occurred:[1-9]'
expect_exit 0 stat-all.log $POCVM stat -m -a
expect_line stat-all.log '^The total amount of memory'
expect_exit 2 stat-usage.log $POCVM stat -n bl
expect_line stat-usage.log '^pocvm: stat: give -m'

# debug: -d dumps to stdout, then the guest shows its own (sysrq p);
# -s h puts the guest's sysrq help on its console.
expect_exit 0 dump.log $POCVM debug -n bl -d
expect_line dump.log '^VCPU 0: '
expect_line dump.log 'SCTLR_EL1 [0-9a-f]+ \(M=1 '
wait_for bl.log 'sysrq: Show Regs' "sysrq p from debug -d did not reach the guest"
expect_exit 0 sysrq.log $POCVM debug -n bl -s h
wait_for bl.log 'sysrq: HELP' "debug -s h did not reach the guest's sysrq"
expect_exit 2 nmi.log $POCVM debug -n bl -m 0
expect_line nmi.log '^pocvm: debug: -m 0: KVM on arm64 cannot inject an NMI'
expect_exit 2 sysrq-bad.log $POCVM debug -n bl -s hh
expect_line sysrq-bad.log "^pocvm: debug: -s 'hh': give one sysrq character"

# list, lkvm's format: -i the guests, -r root file systems (pocvm has none).
expect_exit 0 list.log $POCVM list
expect_line list.log '^   PID NAME +STATE$'
expect_line list.log "^ *$pid bl +running$"
expect_exit 0 list-i.log $POCVM list -i
expect_line list-i.log "^ *$pid bl +running$"
expect_exit 0 list-r.log $POCVM list -r
[ "$(wc -l < list-r.log)" = 2 ] || fail "list -r lists something"
expect_exit 0 version.log $POCVM version
expect_line version.log '^pocvm [0-9]'
expect_exit 0 version2.log $POCVM --version
cmp -s version.log version2.log || fail "version and --version differ"

expect_exit 0 stop.log $POCVM stop -n bl
wait $pid || fail "bl: exit status $? after 'pocvm stop'"

# A guest without --balloon: the commands say what is missing. Its
# console is hvc0, where debug -s sends ^O and the character (the hvc
# driver's sysrq), not a break as on the 8250.
$POCVM run -k $IMAGE -i $INITRD --console virtio --name plain \
	-p "quiet guest_action=clock" > plain.log 2>&1 &
pid=$! name=plain
wait_for plain.log '^POCVM-CLOCK' "plain: the guest did not come up"
expect_exit 0 sysrq-hvc.log $POCVM debug -n plain -s h
wait_for plain.log 'sysrq: HELP' "debug -s h did not reach sysrq through hvc0"
expect_exit 2 nob.log $POCVM balloon -n plain -i 1
expect_line nob.log '^pocvm: plain: no balloon device \(run the guest with --balloon\)'
expect_exit 2 nos.log $POCVM stat -n plain -m
expect_line nos.log '^pocvm: plain: no balloon device'
expect_exit 0 stop2.log $POCVM stop -n plain
wait $pid || fail "plain: exit status $? after 'pocvm stop'"

# The legacy transport (4 KiB frames all the same), and Debian's kernel.
balloon_cycle legacy $IMAGE $INITRD --virtio-transport mmio-legacy
expect_exit 0 stop3.log $POCVM stop -n legacy
wait $pid || fail "legacy: exit status $?"
balloon_cycle stock $STOCK_IMAGE $STOCK_INITRD
expect_exit 0 stat-stock.log $POCVM stat -n stock -m
expect_line stat-stock.log '^The total amount of memory \(in bytes\):[1-9]'
expect_exit 0 stop4.log $POCVM stop -n stock
wait $pid || fail "stock: exit status $?"
nothing_left
