# virtio-9p: a 64 MiB sequential read (cat) and a find over ~10k files
# from a guest through pocvm's 9p server, against the same commands on
# the same files straight on the L1 host. Each side runs twice (the
# guest mounts with the default cache=none: every read reaches the
# server). Prints figures; asserts nothing. kvmtool is not in Debian, so
# there is no kvmtool figure beside them.
# matrix: hosts=patched cpus=max gics=3
# timeout: 900
S=/tmp/p9bench
rm -rf $S
mkdir -p $S/tree
dd if=/dev/urandom of=$S/big bs=1M count=64 2>/dev/null
cp /rig/bin/walltime $S/
d=0
while [ $d -lt 100 ]; do
	mkdir $S/tree/d$d
	(cd $S/tree/d$d && touch $(seq -f f%g 1 100))
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
$POCVM run -k $IMAGE -i $INITRD -m 512 --9p $S,bench \
	-p "quiet guest_action=9p-bench" > guest.log 2>&1 || cat guest.log
for w in read find; do
	set -- $(grep "^POCVM-9PBENCH $w " guest.log | us)
	printf '%-8s %-22s %12s %12s\n' $w "L2 guest, virtio-9p" \
		$((${1:-0} / 1000)) $((${2:-0} / 1000))
	[ $w = read ] && guest_read=${2:-0}
done
grep '^POCVM-9PBENCH files' guest.log
# MiB/s of the second runs: 64 MiB in N us.
echo "64 MiB read, run 2: L1 host $((67108864 / ${host_read:-1})) MB/s," \
	"guest $((67108864 / (${guest_read:-0} + 1))) MB/s"
