# pocvm side by side with kvmtool's lkvm (and other pocvm builds), in
# one L1 boot, runs interleaved in rotating order, same guests and the
# same options for all (--nodefaults --network mode=none; a disk on
# virtio-mmio): start-up and teardown of a payload that powers off at
# once, peak memory, a Linux guest to init and power-off, virtio-blk in
# the guest, and many VMs at once. Per metric: median, min-max and n
# of each VMM, and the ratio of each to lkvm, as a table, then
# one machine-readable VERSUS line per figure. Without /rig/bin/lkvm
# (make bench LKVM=PATH) pocvm's figures alone. kvm-floor, the least
# VMM (tests/boot/kvm-floor.c), runs the payload rows beside them as the
# floor under every VMM's start-up. Asserts nothing.
# matrix: hosts=patched cpus=max gics=3
# timeout: 3000
# Rounds, and which parts to run, from the L1 command line (RIG_ENV):
# vs_parts=stub,scale,linux,blk.
N_STUB=${vs_n_stub:-15} N_LINUX=${vs_n_linux:-15} N_BLK=${vs_n_blk:-5}
N_SCALE=${vs_n_scale:-3} BLK_SECS=${vs_blk_secs:-5}
PARTS=",${vs_parts:-stub,scale,linux,blk},"
W=/rig/bin/walltime
OFF=$GUEST/off.bin

vmms=pocvm
for p in /rig/bin/pocvm.*; do
	[ -x "$p" ] && vmms="$vmms ${p#/rig/bin/}"
done
# Other pocvm builds run the payload parts only, but for those named in
# vs_every (e.g. vs_every=pocvm.next: the base a change is measured on).
EVERY=",pocvm,lkvm,${vs_every:-},"
# every VMM: whether VMM runs the Linux and disk parts.
every() {
	# kvm-floor runs payloads only: it has no console for a kernel.
	case $1 in kvm-floor) return 1 ;; esac
	case $EVERY in *",$1,"*) return 0 ;; esac
	return 1
}
[ -x /rig/bin/lkvm ] && vmms="$vmms lkvm"
# The least VMM that runs the payload (tests/boot/kvm-floor.c): its
# start-up is the floor under every VMM's on this host, so its ratio
# says how far under lkvm's any VMM could go. Payload parts only.
vmms="$vmms kvm-floor"
echo "L1: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs," \
	"$(sed -n 's/MemTotal: *//p' /proc/meminfo); VMMs: $vmms"
echo "THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"

# rotate I WORDS...: WORDS rotated left by I, so that no VMM always
# runs first (or after the same one).
rotate() {
	i=$(($1 % ($# - 1)))
	shift
	while [ $i -gt 0 ]; do
		f=$1
		shift
		set -- "$@" "$f"
		i=$((i - 1))
	done
	echo "$@"
}

# vmm_run [-j N] VMM ARGS...: ARGS under VMM, timed by walltime with
# -j; both take kvmtool's options.
vmm_run() {
	t=
	if [ "$1" = -j ]; then
		t="$W -j $2"
		shift 2
	fi
	v=$1
	shift
	$t /rig/bin/$v run --nodefaults --network mode=none "$@"
}

# part NAME: whether vs_parts asks for NAME.
part() {
	case $PARTS in *",$1,"*) return 0 ;; esac
	return 1
}

# record METRIC VMM VALUE
record() {
	echo "$3" >> "fig.$1.$2"
}

# one METRIC VMM JOBS ARGS...: exec to exit of JOBS copies of one run,
# in ms; the peak RSS (KiB) goes to METRIC-rss.
one() {
	m=$1 v=$2 j=$3
	shift 3
	# The guest's console goes to stdout too: walltime's line is the last.
	vmm_run -j "$j" "$v" "$@" > run.out 2> err.log < /dev/null
	out=$(grep '^walltime us=' run.out | tail -n 1)
	case $out in
	*" status=0 "*) ;;
	*) echo "$v $*: $out"; tail -n 3 err.log; return ;;
	esac
	us=${out#*us=}
	us=${us%% *}
	record "$m" "$v" "$(awk "BEGIN { printf \"%.1f\", $us / 1000 }")"
	record "$m-rss" "$v" "${out##*maxrss=}"
}

# stats FILE: "median min max n" of the numbers in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (!NR) { print "- - - 0"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m, v[1], v[NR], NR }'
}

metrics=
# metric NAME UNIT GOAL "DESCRIPTION": a row of the table, in order.
metric() {
	metrics="$metrics $1"
	echo "$2" > "unit.$1"
	echo "$3" > "goal.$1"
	echo "$4" > "desc.$1"
}

# Start-up and teardown: the payload that powers off at once.
metric stub-256M ms "<=0.7" "exec to exit, PSCI SYSTEM_OFF payload, 256 MiB, -c 1"
metric stub-4G ms "<=0.7" "the same, 4 GiB"
metric stub-256M-c2 ms "<=0.7" "the same, 256 MiB, -c 2"
metric stub-256M-rss KiB "<=1.0" "peak RSS of the 256 MiB payload run"
i=0
part stub || i=$N_STUB
while [ $i -lt $N_STUB ]; do
	for v in $(rotate $i $vmms); do
		one stub-256M $v 1 -k $OFF -m 256 -c 1
		one stub-4G $v 1 -k $OFF -m 4096 -c 1
		one stub-256M-c2 $v 1 -k $OFF -m 256 -c 2
	done
	i=$((i + 1))
done

# Many VMs at once, as a CI shard starts them.
for j in 8 32; do
	metric stub-x$j ms "<=0.8" "$j payload runs at once, 256 MiB each, to the last exit"
done
i=0
part scale || i=$N_SCALE
while [ $i -lt $N_SCALE ]; do
	for v in $(rotate $i $vmms); do
		for j in 8 32; do
			one stub-x$j $v $j -k $OFF -m 256 -c 1
		done
	done
	i=$((i + 1))
done

# Linux to init and power-off; guest-init powers off at once.
LP="console=ttyS0 quiet"
metric linux-256M ms "<=0.9" "exec to exit, Linux to init and power-off, 256 MiB"
metric linux-256M-rss KiB "<=1.0" "peak RSS of that run"
metric linux-4G ms "<=0.9" "the same, 4 GiB"
metric linux-4G-rss KiB "<=1.0" "peak RSS of that run"
metric linux-256M-c2 ms "<=0.9" "the same, 256 MiB, -c 2"
i=0
part linux || i=$N_LINUX
while [ $i -lt $N_LINUX ]; do
	for v in $(rotate $i $vmms); do
		every $v || continue
		one linux-256M $v 1 -k $IMAGE -i $INITRD -m 256 -c 1 -p "$LP"
		one linux-4G $v 1 -k $IMAGE -i $INITRD -m 4096 -c 1 -p "$LP"
		one linux-256M-c2 $v 1 -k $IMAGE -i $INITRD -m 256 -c 2 \
			-p "$LP"
	done
	i=$((i + 1))
done
for j in 4 8; do
	metric linux-x$j ms "<=0.8" "$j Linux guests at once, 256 MiB each, to the last exit"
done
i=0
part scale && part linux || i=$N_SCALE
while [ $i -lt $N_SCALE ]; do
	for v in $(rotate $i $vmms); do
		every $v || continue
		for j in 4 8; do
			one linux-x$j $v $j -k $IMAGE -i $INITRD -m 256 -c 1 \
				-p "$LP"
		done
	done
	i=$((i + 1))
done

# virtio-blk in the guest: one boot per round reads 1 MiB sequentially,
# then 4 KiB at random at QD1 and QD32 (guest-init's blkvs).
metric blk-seq-1M MB/s ">=1.2" "virtio-blk, 1 MiB O_DIRECT sequential reads"
metric blk-qd1 IOPS ">=1.2" "virtio-blk, 4 KiB random reads, QD1"
metric blk-qd32 IOPS ">=1.2" "virtio-blk, 4 KiB random reads, QD32"
dd if=/dev/urandom of=bench.img bs=1M count=64 2> /dev/null
i=0
part blk || i=$N_BLK
while [ $i -lt $N_BLK ]; do
	for v in $(rotate $i $vmms); do
		every $v || continue
		vmm_run $v -k $IMAGE -i $INITRD -m 256 -c 1 \
			-d bench.img --virtio-transport mmio \
			-p "$LP guest_action=blkvs blk_secs=$BLK_SECS" \
			> blk.log 2>&1 < /dev/null
		grep '^POCVM-BENCH' blk.log > blk.txt ||
			{ echo "$v: no figures"; tail -n 5 blk.log; }
		while read -r _ _ depth _ _ kind _ _ mbs iops; do
			case "$kind ${depth#depth=}" in
			"seq 1") record blk-seq-1M $v "${mbs#mbs=}" ;;
			"rand 1") record blk-qd1 $v "${iops#iops=}" ;;
			"rand 32") record blk-qd32 $v "${iops#iops=}" ;;
			esac
		done < blk.txt
	done
	i=$((i + 1))
done

# The table: median (min-max, n) per VMM, then each pocvm over lkvm.
median_of() {
	[ -s "fig.$1.$2" ] && stats "fig.$1.$2" | cut -d' ' -f1
}

# ratio METRIC VMM DIGITS: VMM's median over lkvm's, or "-".
ratio() {
	me=$(median_of $1 $2) lk=$(median_of $1 lkvm)
	if [ -n "$me" ] && [ -n "$lk" ]; then
		awk "BEGIN { if ($lk + 0 == 0) print \"-\";
			else printf \"%.$3f\", $me / $lk }"
	else
		echo -
	fi
}

ratio_of=
if [ -x /rig/bin/lkvm ]; then
	for v in $vmms; do
		[ $v = lkvm ] || ratio_of="$ratio_of $v"
	done
fi
printf '| metric (median of n; one L1 boot) |'
for v in $vmms; do printf ' %s |' "$v"; done
for v in $ratio_of; do printf ' %s / lkvm |' "$v"; done
printf ' goal |\n|---|'
for v in $vmms $ratio_of; do printf -- '---:|'; done
printf -- '---:|\n'
for m in $metrics; do
	printf '| %s (%s) |' "$(cat desc.$m)" "$(cat unit.$m)"
	for v in $vmms; do
		if [ -s "fig.$m.$v" ]; then
			set -- $(stats "fig.$m.$v")
			printf ' %s (%s-%s, n=%s) |' "$1" "$2" "$3" "$4"
		else
			printf ' - |'
		fi
	done
	for v in $ratio_of; do printf ' %s |' "$(ratio $m $v 2)"; done
	printf ' %s |\n' "$(cat goal.$m)"
done
for m in $metrics; do
	for v in $vmms; do
		[ -s "fig.$m.$v" ] || continue
		set -- $(stats "fig.$m.$v")
		echo "VERSUS metric=$m unit=$(cat unit.$m) vmm=$v median=$1" \
			"min=$2 max=$3 n=$4"
	done
	for v in $ratio_of; do
		r=$(ratio $m $v 3)
		[ "$r" = - ] && continue
		echo "VERSUS-RATIO metric=$m vmm=$v over=lkvm ratio=$r" \
			"goal=$(cat goal.$m)"
	done
done
