# Where pocvm's time and memory go, 1 VCPU: exec to exit of a payload
# that powers off at once; VMM start to first KVM_RUN, first console
# byte and guest init (--boot-report); pocvm's own memory (resident set
# less guest RAM pages touched) for a 128 MiB and a 256 MiB Linux guest.
# Prints figures (median of RUNS); asserts nothing.
# matrix: hosts=patched cpus=max gics=3
# timeout: 900
RUNS=11
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

i=0
: > exec.txt
while [ $i -lt $RUNS ]; do
	i=$((i + 1))
	/rig/bin/walltime $POCVM run -k $GUEST/poweroff.bin -m 256 \
		2> /dev/null > walltime.txt
	grep -q 'status=0 ' walltime.txt || cat walltime.txt
	sed -n 's/^walltime us=\([0-9]*\).*/\1/p' walltime.txt >> exec.txt
done
printf 'exec to exit, flat payload that powers off, 256 MiB: %s us (median of %d)\n' \
	"$(median < exec.txt)" $RUNS

step() { sed -n "s/^pocvm: *\([0-9.]*\)  $1.*/\1/p" "$2"; }
for mem in 128 256; do
	: > run.txt; : > con.txt; : > init.txt; : > own.txt
	i=0
	while [ $i -lt $RUNS ]; do
		i=$((i + 1))
		$POCVM run -k $IMAGE -i $INITRD -m $mem -p quiet --boot-report \
			< /dev/null > boot.log 2>&1 || { cat boot.log; continue; }
		step 'first KVM_RUN' boot.log >> run.txt
		step 'first console byte' boot.log >> con.txt
		step 'guest init' boot.log >> init.txt
		sed -n "s/^pocvm: memory: .* + \([0-9]*\) KiB pocvm's own.*/\1/p" \
			boot.log >> own.txt
	done
	echo "Linux guest, 1 VCPU, $mem MiB (median of $RUNS, ms after exec):"
	echo "  first KVM_RUN       $(median < run.txt)"
	echo "  first console byte  $(median < con.txt)"
	echo "  guest init          $(median < init.txt)"
	echo "  pocvm's own memory  $(median < own.txt) KiB"
done
