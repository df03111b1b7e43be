# virtio-9p: a 64 MiB sequential read (cat) and a find over ~10k files
# from a guest through pocvm's 9p server, against the same commands on
# the same files straight on the L1 host. kvmtool's lkvm serves the same
# share to the same guest (virtio-mmio, as pocvm's) when the rig carries
# it (/rig/peers/lkvm, from LKVM= or the peers' copy beside the
# repository), and so does each other pocvm build of POCVM_ALSO
# (/rig/bin/pocvm.SUFFIX, e.g. the base a change is measured on).
# Every VMM serves the guest under the same mount options, twice:
#   none: the mount's defaults (cache=none, the kernel's msize): every
#         read(2) is one request, page-sized from cat's sendfile;
#   root: what a host-rootfs guest mounts its root with (vmm/guest-init.c:
#         cache=mmap,msize=131072), read-ahead through the page cache.
# The guest drops its caches before each run, so every run reaches the
# server. p9_runs (RIG_ENV) runs of each (default 2). Prints figures;
# asserts nothing.
# matrix: hosts=patched cpus=max gics=3
# timeout: 3600
RUNS=${p9_runs:-2}
ROOT_OPTS=cache=mmap,msize=131072
S=/tmp/p9bench
rm -rf $S
mkdir -p $S/tree
dd if=/dev/urandom of=$S/big bs=1M count=64 2>/dev/null
cp /rig/bin/walltime $S/
d=0
while [ $d -lt 100 ]; do
	mkdir $S/tree/d$d
	# busybox's seq has no -f: the names from sed.
	(cd $S/tree/d$d && touch $(seq 1 100 | sed 's/^/f/'))
	d=$((d + 1))
done
us() {
	sed -n 's/^.*walltime us=\([0-9]*\) .*/\1/p'
}
# ms US...: each figure in ms (a run that did not end has none).
ms() {
	out=
	for u in "$@"; do
		out="$out $((u / 1000))"
	done
	echo "${out# }"
}
# ratio A B: A / B to two decimals ("n/a" without both).
ratio() {
	if [ "${1:-0}" -gt 0 ] && [ "${2:-0}" -gt 0 ]; then
		r=$(($1 * 100 / $2))
		printf '%d.%02d' $((r / 100)) $((r % 100))
	else
		echo n/a
	fi
}
# last US...: the last figure (the warmest run's).
last() {
	eval echo \${$#}
}
echo "L1: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs;" \
	"$RUNS run(s) each, times in ms"
printf '%-5s %-5s %-16s %s\n' work mode where "runs (ms)"
for w in read find; do
	if [ $w = read ]; then c='cat big > /dev/null'; else c='find tree > /dev/null'; fi
	f=
	i=0
	while [ $i -lt $RUNS ]; do
		f="$f $(cd $S && ./walltime sh -c "$c" | us)"
		i=$((i + 1))
	done
	printf '%-5s %-5s %-16s %s\n' $w - "L1 host" "$(ms $f)"
	eval host_$w=$(last $f)
done
vmms=pocvm
for p in /rig/bin/pocvm.*; do
	[ -x "$p" ] && vmms="$vmms ${p#/rig/bin/}"
done
LKVM=/rig/peers/lkvm
[ -x $LKVM ] && vmms="$vmms lkvm"
for mode in none root; do
	opts=
	[ $mode = root ] && opts=" p9opts=$ROOT_OPTS"
	for v in $vmms; do
		log=$v-$mode.log
		# Each guest has 900 s: one that hangs still shows how far
		# it got.
		params="quiet guest_action=9p-bench p9_runs=$RUNS$opts"
		if [ $v = lkvm ]; then
			timeout 900 $LKVM run -k $IMAGE -i $INITRD -m 512 \
				--9p $S,bench --virtio-transport mmio \
				--network mode=none -p "$params" > $log 2>&1 ||
				cat $log
		else
			/rig/bin/$v run -k $IMAGE -i $INITRD -m 512 \
				--timeout 900 --9p $S,bench -p "$params" \
				> $log 2>&1 || cat $log
		fi
		for w in read find; do
			f=$(grep -a "^POCVM-9PBENCH $w " $log | us)
			printf '%-5s %-5s %-16s %s\n' $w $mode "L2, $v" \
				"$(ms $f)"
			eval ${v%%.*}_${v##*.}_${mode}_$w=$(last 0 $f)
		done
	done
	grep -a '^POCVM-9PBENCH files' pocvm-$mode.log
done
# Ratios of the last runs: guest / L1 host, pocvm / each other VMM.
for mode in none root; do
	for w in read find; do
		eval p=\$pocvm_pocvm_${mode}_$w h=\$host_$w
		line="$w $mode: pocvm/host $(ratio $p $h)"
		for v in $vmms; do
			[ $v = pocvm ] && continue
			eval o=\$${v%%.*}_${v##*.}_${mode}_$w
			line="$line, pocvm/$v $(ratio $p $o)"
		done
		echo "$line"
	done
done
# MB/s of the last reads: 64 MiB in N us.
mbs() {
	if [ "${1:-0}" -gt 0 ]; then
		echo "$((67108864 / $1)) MB/s"
	else
		echo n/a
	fi
}
line="64 MiB read, last run: L1 host $(mbs $host_read)"
for mode in none root; do
	for v in $vmms; do
		eval o=\$${v%%.*}_${v##*.}_${mode}_read
		line="$line, $v $mode $(mbs $o)"
	done
done
echo "$line"
