# virtio-9p: a 64 MiB sequential read (cat) and a find over ~10k files
# from a guest through pocvm's 9p server, against the same commands on
# the same files straight on the L1 host. Each side runs twice (the
# guest mounts with the default cache=none: every read reaches the
# server). kvmtool's lkvm serves the same share to the same guest
# (virtio-mmio, as pocvm's) when the rig carries it (/rig/peers/lkvm,
# from LKVM= or the peers' copy beside the repository). Prints figures;
# asserts nothing.
# matrix: hosts=patched cpus=max gics=3
# timeout: 1800
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
printf '%-8s %-22s %12s %12s\n' work where "run 1 (ms)" "run 2 (ms)"
for w in read find; do
	if [ $w = read ]; then c='cat big > /dev/null'; else c='find tree > /dev/null'; fi
	a=$(cd $S && ./walltime sh -c "$c" | us)
	b=$(cd $S && ./walltime sh -c "$c" | us)
	printf '%-8s %-22s %12s %12s\n' $w "L1 host" $((a / 1000)) $((b / 1000))
	[ $w = read ] && host_read=$b
done
# Each guest has 600 s: one that hangs still shows how far it got.
$POCVM run -k $IMAGE -i $INITRD -m 512 --timeout 600 --9p $S,bench \
	-p "quiet guest_action=9p-bench" > guest.log 2>&1 || cat guest.log
LKVM=/rig/peers/lkvm
if [ -x $LKVM ]; then
	timeout 600 $LKVM run -k $IMAGE -i $INITRD -m 512 --9p $S,bench \
		--virtio-transport mmio --network mode=none \
		-p "quiet guest_action=9p-bench" > lkvm.log 2>&1 ||
		cat lkvm.log
fi
# figures LOG WHO VAR: the guest's two runs of each work, in ms; VAR_read
# keeps the second read's us.
figures() {
	log=$1 who=$2 var=$3
	for w in read find; do
		set -- $(grep -a "^POCVM-9PBENCH $w " $log | us)
		printf '%-8s %-22s %12s %12s\n' $w "$who" \
			$((${1:-0} / 1000)) $((${2:-0} / 1000))
		[ $w = read ] && eval ${var}_read=${2:-0}
	done
}
figures guest.log "L2 guest, pocvm 9p" guest
[ -x $LKVM ] && figures lkvm.log "L2 guest, lkvm 9p" lkvm
grep -a '^POCVM-9PBENCH files' guest.log
# MB/s of the second runs: 64 MiB in N us ("n/a": the run did not end).
mbs() {
	if [ "${1:-0}" -gt 0 ]; then
		echo "$((67108864 / $1)) MB/s"
	else
		echo n/a
	fi
}
echo "64 MiB read, run 2: L1 host $(mbs $host_read)," \
	"pocvm guest $(mbs $guest_read)${lkvm_read+, lkvm guest $(mbs $lkvm_read)}"
