# Where a VMM's start-up time and own memory go, for pocvm, each other
# pocvm build, lkvm and kvm-floor, the least VMM (bench/versus.sh has
# the figures): strace -f -r -T of the payload that powers off at once
# (256 MiB), its busiest system calls and largest gaps; pocvm's
# --boot-report of it; kvm-floor's phases; and, while a guest that only
# waits for interrupts runs, each mapping's resident KiB from
# /proc/PID/smaps. Prints figures; asserts nothing.
# matrix: hosts=patched cpus=max gics=3
# timeout: 600
vmms=pocvm
for p in /rig/bin/pocvm.*; do
	[ -x "$p" ] && vmms="$vmms ${p#/rig/bin/}"
done
[ -x /rig/bin/lkvm ] && vmms="$vmms lkvm"
# The least VMM (tests/boot/kvm-floor.c): the floor under both.
vmms="$vmms kvm-floor"
O="--nodefaults --network mode=none -m 256 -c 1"

# medians FORMAT FILE: FILE's lines are "VALUE NAME..."; for each NAME,
# in the order first seen, printf FORMAT with NAME and its median VALUE
# (NAME_FIRST=0 in the environment: the median first).
medians() {
	awk -v fmt="$1" -v name_first="${NAME_FIRST:-1}" '{ t = $1; $1 = "";
		sub(/^ +/, ""); n[$0]++; v[$0, n[$0]] = t
		if (!($0 in seen)) { seen[$0] = 1; order[++k] = $0 } }
		END { for (i = 1; i <= k; i++) { p = order[i]; c = n[p];
			# insertion sort of the values
			for (a = 2; a <= c; a++) { x = v[p, a];
				for (b = a - 1; b >= 1 && v[p, b] > x; b--)
					v[p, b + 1] = v[p, b];
				v[p, b + 1] = x }
			m = v[p, int((c + 1) / 2)]
			if (name_first) printf fmt, p, m
			else printf fmt, m, p } }' "$2"
}

for v in $vmms; do
	echo "=== $v: strace -f -r -T, payload that powers off, 256 MiB"
	strace -f -r -T -o st.$v /rig/bin/$v run $O -k $GUEST/off.bin \
		> strace.log 2>&1 < /dev/null
	[ -s st.$v ] || { tail -n 5 strace.log; continue; }
	echo "system calls: $(grep -vc 'resumed>\|exited with\|+++' st.$v)"
	echo "by count (name, calls, summed -T seconds):"
	sed -n 's/^ *[0-9]* *[0-9.]* \([a-z_0-9]*\)(.*<\([0-9.]*\)>$/\1 \2/p' \
		st.$v | awk '{ n[$1]++; t[$1] += $2 } END {
			for (c in n) printf "  %-20s %4d %9.6f\n", c, n[c], t[c] }' |
		sort -k3 -rn | head -n 12
	echo "largest gaps before a call (-r seconds, the call):"
	sed -n 's/^ *[0-9]* *\([0-9.]*\) \(.\{0,70\}\).*/\1 \2/p' st.$v |
		sort -rn | head -n 8 | sed 's/^/  /'
done
# The whole trace of pocvm and of lkvm, long calls cut in the middle.
for v in pocvm lkvm kvm-floor; do
	[ -s st.$v ] || continue
	echo "=== $v: the whole strace -f -r -T"
	sed -E 's/^(.{70}).*( = [^=]*<[0-9.]+>)$/\1...\2/; s/^/  /' st.$v
done

# Each phase's median over RUNS runs (ms after pocvm started), the
# builds interleaved as in versus.sh.
RUNS=9
i=0
while [ $i -lt $RUNS ]; do
	for v in $vmms; do
		case $v in lkvm | kvm-floor) continue ;; esac
		/rig/bin/$v run $O -k $GUEST/off.bin --boot-report \
			2>&1 < /dev/null |
			sed -n 's/^pocvm: *\([0-9]\)/\1/p' >> phases.$v
	done
	i=$((i + 1))
done
for v in $vmms; do
	case $v in lkvm | kvm-floor) continue ;; esac
	echo "=== $v --boot-report, payload that powers off, median of $RUNS"
	NAME_FIRST=0 medians '  %10.3f  %s\n' phases.$v
done

# What each optional piece of a run costs pocvm: the stub run with one
# thing left out (the ITS: added) at a time, interleaved, median exec to
# exit (ms).
VRUNS=11
set -- default "--irqchip gicv3-its" --no-pvtime --no-seccomp --flush=none \
	"--no-pvtime --no-seccomp --flush=none"
i=0
while [ $i -lt $VRUNS ]; do
	k=0
	for w in "$@"; do
		k=$((k + 1))
		a=$w
		[ "$w" = default ] && a=
		/rig/bin/walltime /rig/bin/pocvm run $O -k $GUEST/off.bin $a \
			2> /dev/null < /dev/null |
			sed -n 's/^walltime us=\([0-9]*\) status=0 .*/\1/p' \
			>> variant.$k
	done
	i=$((i + 1))
done
echo "=== pocvm, payload that powers off, 256 MiB, one piece left out or added (median of $VRUNS, ms)"
k=0
for w in "$@"; do
	k=$((k + 1))
	printf '  %-58s %8s\n' "$w" "$(sort -n variant.$k | awk '{ v[NR] = $1 }
		END { if (NR) printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')"
done

# The floor's phases (tests/boot/kvm-floor.c), -c 1 and -c 2: what its
# exec to exit takes beyond them is the exec and the exit.
for c in 1 2; do
	i=0
	while [ $i -lt $RUNS ]; do
		FLOOR_TIMES=1 /rig/bin/walltime /rig/bin/kvm-floor run \
			-m 256 -c $c -k $GUEST/off.bin 2>&1 < /dev/null |
			sed -n -e 's/^FLOOR \([^ ]*\) \(.*\)/\2 \1/p' -e \
			's/^walltime us=\([0-9]*\) status=0 .*/\1 exec-to-exit/p' \
			>> floor.$c
		i=$((i + 1))
	done
	echo "=== kvm-floor -c $c, payload that powers off, median of $RUNS (us)"
	medians '  %-14s %8d\n' floor.$c
done

for v in $vmms; do
	echo "=== $v: resident KiB per mapping, idle guest, 256 MiB"
	/rig/bin/$v run $O -k $GUEST/idle.bin > idle.log 2>&1 < /dev/null &
	pid=$!
	sleep 3
	if [ ! -d /proc/$pid ]; then
		echo "$v exited early:"
		cat idle.log
		continue
	fi
	grep -E '^(VmHWM|VmRSS|RssAnon|RssFile|Threads)' /proc/$pid/status |
		tr -s ' \t' ' ' | sed 's/^/  /'
	echo "  threads: $(cat /proc/$pid/task/*/comm | tr '\n' ' ')"
	awk '/^[0-9a-f]+-[0-9a-f]+ / { name = $6 ? $6 : "[anon]";
		split($1, a, "-"); range = $1; perms = $2 }
		/^Size:/ { size = $2 }
		/^Rss:/ { if ($2) printf "  %6d KiB of %8d  %s %s %s\n",
			$2, size, perms, name, range }' /proc/$pid/smaps
	# lkvm takes SIGTERM as a request it may not act on at once.
	kill $pid
	sleep 1
	kill -9 $pid 2> /dev/null
	wait $pid 2> /dev/null
done
# The last kill leaves a status the rig would read as a time-out.
true
