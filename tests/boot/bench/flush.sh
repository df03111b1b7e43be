# The PoC clean's cost per method and guest size: it must follow the bytes
# pocvm wrote, not the RAM size. Prints figures; asserts nothing.
# matrix: hosts=patched cpus=max,neoverse-n1 gics=3
# timeout: 900
methods="user none"
if [ -f /rig/series-applied ] && [ "$pocvm_host" = patched ]; then
	methods="ioctl $methods"
fi
printf '%-7s %-6s %-10s %8s %12s %14s\n' payload RAM method ranges \
	"written" "clean (ms)"
for payload in flat linux; do
	for mem in 256 1024 4096; do
		for m in $methods; do
			if [ $payload = flat ]; then
				set -- -k $GUEST/poweroff.bin
			else
				set -- -k $IMAGE -i $INITRD -p quiet
			fi
			$POCVM run "$@" -m $mem --flush=$m --debug-flush \
				> out.log 2>&1 || { cat out.log; continue; }
			head=$(grep '^pocvm: flush: boot 1' out.log)
			ranges=$(echo "$head" | sed 's/.*, \([0-9]*\) range.*/\1/')
			ms=$(echo "$head" | sed 's/.*, \([0-9.]*\) ms$/\1/')
			bytes=$(grep '^pocvm: flush:   user' out.log |
				sed 's/.*requested \([0-9]*\) \([KMG]*i*B\).*/\1 \2/' |
				awk '{m = $2 == "KiB" ? 1024 : $2 == "MiB" ? 1048576 : 1;
				      s += $1 * m} END {print s + 0}')
			[ $m = ioctl ] && bytes="(all RAM)"
			[ $m = none ] && bytes=0
			printf '%-7s %-6s %-10s %8s %12s %14s\n' $payload \
				${mem}M $m "$ranges" "$bytes" "$ms"
		done
	done
done
