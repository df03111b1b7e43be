# kvm-unit-tests, run by its own runner as a KVM developer would:
# TARGET=kvmtool KVMTOOL=pocvm ./run_tests.sh -a. Every test must pass or
# be listed, for this L1, in kvm-unit-tests.skip (SKIP) or .xfail (FAIL)
# with its reason. A GICv2 L1 runs the gicv2-* tests only (a GICv3 L1
# cannot run them; everything else ran on the GICv3 L1). lkvm, when asked
# for (LKVM=PATH, or LKVM=peers), runs the same tests after pocvm: its
# figures are printed for comparison and decide nothing.
# The suite comes from KUT=PATH on the rig's host, by default the copy in
# ../shared/peers/ when there is one (see README.md). Debian's kernel
# (stock?) and the 2-CPU L1 (base?) run only when asked: tests/boot/run
# -H stock -t kvm-unit-tests, -L base. make check runs the 4-CPU MTE L1s.
# matrix: hosts=patched,stock? gics=3,2 l1s=base?,mte4
# timeout: 2400
K=$RIG/kut
if [ ! -f $K/kvm-unit-tests.tar.gz ]; then
	echo "skipped: no kvm-unit-tests in ../shared/peers/kvm-unit-tests/;" \
	     "run the rig with KUT=PATH, an arm64 tree built with" \
	     "./configure --arch=arm64 --target=kvmtool (or its tarball)"
	exit 0
fi
D=/usr/src/kvm-unit-tests
here=$(pwd)

# What the runner needs that a busybox L1 lacks: Debian's bash (at the
# usual paths, as it was built), coreutils' timeout (busybox's has no
# --foreground), the /dev links devtmpfs does not make.
mkdir -p /lib/aarch64-linux-gnu /usr/src kut-bin
cp $K/ld-linux-aarch64.so.1 /lib/
cp $K/libc.so.6 $K/libtinfo.so.6 /lib/aarch64-linux-gnu/
rm -f /bin/bash && cp $K/bash /bin/bash
cp $K/timeout kut-bin/
[ -f $K/lkvm ] && cp $K/lkvm kut-bin/lkvm
export PATH=$here/kut-bin:$PATH
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
/bin/bash -c 'echo "bash $BASH_VERSION"' || fail "Debian's bash does not run"

rm -rf $D unpack && mkdir unpack
tar -xzf $K/kvm-unit-tests.tar.gz -C unpack || fail "cannot unpack the suite"
top=$(find unpack -name run_tests.sh | head -n 1)
[ -n "$top" ] || fail "no run_tests.sh in the suite's tarball"
mv "$(dirname "$top")" $D
cd $D || fail "no $D"
grep -q '^TARGET=kvmtool$' config.mak ||
	fail "the suite was not built with ./configure --target=kvmtool"
ls arm/*.flat > /dev/null 2>&1 || fail "the suite has no arm/*.flat: not built"
# Built elsewhere (x86_64, maybe another directory): say where it is
# now, that this host is arm64, and that there is no python3 here for
# the stack pretty-printer.
sed -i -e "s|^SRCDIR=.*|SRCDIR=$D|" -e "s|^ERRATATXT=.*|ERRATATXT=$D/errata.txt|" \
	-e 's/^HOST=.*/HOST=aarch64/' \
	-e 's/^PRETTY_PRINT_STACKS=.*/PRETTY_PRINT_STACKS=no/' config.mak

cpus=$(nproc)
# The profile says whether L1's CPUs have MTE (both host kernels are
# built with it): there the mte-* tests must pass.
mte=no
[ "$pocvm_l1" = mte4 ] && mte=yes
l1="gicv$pocvm_gic, $cpus CPUs, MTE $mte, $pocvm_host kernel"
echo "L1: $l1; MTE in L1's hwcaps: $(grep -q '^Features.* mte' \
	/proc/cpuinfo && echo yes || echo no)"
echo "KVM: $(dmesg | grep -m1 -o 'kvm \[1\]: .*mode initialized.*')"

# --nodefaults, as the runner passes it, leaves no virtio device in the
# guest's tree: kvm-unit-tests would take one for its chr-testdev.
pocvm run --kernel arm/selftest.flat --cpus 1 --nodefaults \
	--network mode=none --dump-dtb $here/nodefaults.dtb ||
	fail "--dump-dtb failed"
grep -q 'virtio' $here/nodefaults.dtb &&
	fail "--nodefaults: the guest's device tree has a virtio device"
echo "--nodefaults: no virtio device in the device tree"

# The tests for this L1: all of them, or the gicv2-* ones on a GICv2 L1.
names=$(sed -n 's/^\[\(.*\)\]$/\1/p' arm/unittests.cfg)
if [ "$pocvm_gic" = 2 ]; then
	names=$(echo "$names" | grep '^gicv2-')
fi
names=$(echo $names)

# holds NAME FILE: NAME's line in FILE applies to this L1.
holds() {
	when=$(awk -v n="$1" '$1 == n { print $2; exit }' "$2")
	[ -n "$when" ] || return 1
	for c in $(echo "$when" | tr , ' '); do
		case $c in
		any) ;;
		gic3) [ "$pocvm_gic" = 3 ] || return 1 ;;
		gic2) [ "$pocvm_gic" = 2 ] || return 1 ;;
		cpus\<*) [ "$cpus" -lt "${c#cpus<}" ] || return 1 ;;
		no-mte) [ $mte = no ] || return 1 ;;
		stock|patched) [ "$pocvm_host" = $c ] || return 1 ;;
		*) fail "$2: unknown condition '$c' for $1" ;;
		esac
	done
}

# run_suite VMM: the runner's result lines, colours stripped, in VMM.out;
# the counts in VMM.count. The runner allows a test 90 s by default, made
# for hardware: nested TCG on a shared machine is far slower (micro-bench's
# 65536 IPIs alone take minutes), so TIMEOUT, its knob for that, is raised.
run_suite() {
	vmm=$1
	out=$here/$vmm.out
	start=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086
	TARGET=kvmtool KVMTOOL=$vmm MAX_SMP=$cpus TIMEOUT=600s \
		./run_tests.sh -a $names 2>&1 |
		sed "s/$(printf '\033')\[[0-9;]*m//g" > $out
	end=$(cut -d' ' -f1 /proc/uptime)
	p=$(grep -c '^PASS ' $out) s=$(grep -c '^SKIP ' $out)
	f=$(grep -c '^FAIL ' $out)
	echo "$p $s $f" > $here/$vmm.count
	echo "== $vmm ($l1): $p pass, $s skip, $f fail in" \
	     "$(awk "BEGIN{printf \"%d\", $end - $start}") s"
}

# only_checks NAME FILE: if NAME's line in FILE says check=WORD[,WORD],
# the test failed only in ways those words allow; else nothing to check.
# A word is part of a failed check's name, or one of two failures that
# are not checks: timeout (the runner stopped the test at TIMEOUT) and
# ipi-late (micro-bench's "failed to receive IPI in time", or LPI).
only_checks() {
	words=$(awk -v n="$1" '$1 == n && $3 ~ /^check=/ {
		sub(/^check=/, "", $3); print $3; exit }' "$2")
	[ -n "$words" ] || return 0
	for word in $(echo "$words" | tr , ' '); do
		case $word in
		timeout)
			grep -q "^FAIL $1 (timeout;" $here/pocvm.out &&
				return 0 ;;
		ipi-late)
			grep -Eq 'assert failed: irq_received: failed to receive [IL]PI in time' \
				logs/$1.log && return 0 ;;
		*)
			grep -q '^FAIL: ' logs/$1.log &&
			! grep '^FAIL: ' logs/$1.log | grep -qv -- "$word" &&
				return 0 ;;
		esac
	done
	return 1
}

# why NAME: what the test itself reported as skipped or failed.
why() {
	grep -E '^(SKIP|FAIL|INFO)' logs/$1.log 2>/dev/null | sort -u |
		head -n 4 | sed 's/^/    /'
}

rm -rf logs
run_suite pocvm
cat $here/pocvm.out
bad=0
for n in $names; do
	line=$(grep -E "^(PASS|SKIP|FAIL) $n( |$)" $here/pocvm.out)
	case $line in
	PASS*) ;;
	SKIP*)
		if holds $n $RIG/kut/kvm-unit-tests.skip; then
			echo "expected: $line"
			why $n
			continue
		fi
		echo "UNEXPECTED: $line"
		tail -n 30 logs/$n.log 2>/dev/null | sed 's/^/    /'
		bad=1 ;;
	FAIL*)
		if holds $n $RIG/kut/kvm-unit-tests.xfail &&
		   only_checks $n $RIG/kut/kvm-unit-tests.xfail; then
			echo "expected: $line"
			why $n
			continue
		fi
		echo "UNEXPECTED: $line"
		tail -n 30 logs/$n.log 2>/dev/null | sed 's/^/    /'
		bad=1 ;;
	*)
		echo "UNEXPECTED: no result for $n"
		bad=1 ;;
	esac
done
echo "KUT-FIGURES pocvm $l1: $(cat $here/pocvm.count)"

if [ -x $here/kut-bin/lkvm ]; then
	rm -rf logs
	run_suite lkvm
	echo "KUT-FIGURES lkvm $l1: $(cat $here/lkvm.count)"
	# Where the two differ, for the reader; it decides nothing.
	for n in $names; do
		a=$(grep -E "^(PASS|SKIP|FAIL) $n( |$)" $here/pocvm.out | cut -c1-4)
		b=$(grep -E "^(PASS|SKIP|FAIL) $n( |$)" $here/lkvm.out | cut -c1-4)
		[ "$a" = "$b" ] || echo "differs: $n: pocvm ${a:-none}, lkvm ${b:-none}"
	done
else
	echo "no lkvm in the rig (LKVM=PATH or LKVM=peers): no comparison"
fi
cd /
[ $bad = 0 ] || fail "kvm-unit-tests: results outside the expected lists"
