# Where a VMM's start-up time and own memory go, for pocvm, each other
# pocvm build and lkvm (bench/versus.sh has the figures): strace -f -r -T
# of the payload that powers off at once (256 MiB), its busiest system
# calls and largest gaps; pocvm's --boot-report of it; and, while a guest
# that only waits for interrupts runs, each mapping's resident KiB from
# /proc/PID/smaps. Prints figures; asserts nothing.
# matrix: hosts=patched cpus=max gics=3
# timeout: 600
vmms=pocvm
for p in /rig/bin/pocvm.*; do
	[ -x "$p" ] && vmms="$vmms ${p#/rig/bin/}"
done
[ -x /rig/bin/lkvm ] && vmms="$vmms lkvm"
O="--nodefaults --network mode=none -m 256 -c 1"

for v in $vmms; do
	echo "=== $v: strace -f -r -T, payload that powers off, 256 MiB"
	strace -f -r -T -o st.$v /rig/bin/$v run $O -k $GUEST/off.bin \
		> /dev/null 2>&1 < /dev/null
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

for v in $vmms; do
	case $v in lkvm) continue ;; esac
	echo "=== $v --boot-report, payload that powers off"
	/rig/bin/$v run $O -k $GUEST/off.bin --boot-report 2>&1 < /dev/null |
		grep '^pocvm:' | sed 's/^/  /'
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
	kill $pid
	wait $pid 2> /dev/null
done
