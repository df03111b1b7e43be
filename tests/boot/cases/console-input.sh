# The 8250 takes input: commands written to pocvm's stdin once the guest
# shell is up reach it (interrupt-driven receive), and stdin = /dev/null
# is fine.
# matrix: hosts=patched cpus=max gics=3
# timeout: 120
mkfifo in.fifo
echo "+ pocvm run ... guest_action=shell < in.fifo"
$POCVM run -k $IMAGE -i $INITRD -p "quiet guest_action=shell" \
	< in.fifo > shell.log 2>&1 &
pid=$!
exec 3> in.fifo
i=0
until grep -q '^POCVM-SHELL-READY' shell.log; do
	i=$((i + 1))
	[ $i -lt 300 ] || { kill $pid; fail "guest shell never came up"; }
	sleep 0.2
done
printf 'echo typed-$((6 * 7))\npoweroff -f\n' >&3
wait $pid
rc=$?
exec 3>&-
cat shell.log
[ $rc = 0 ] || fail "exit status $rc"
expect_line shell.log '^typed-42'
echo "+ pocvm run ... < /dev/null"
$POCVM run -k $IMAGE -i $INITRD -p quiet < /dev/null > null.log 2>&1 ||
	fail "exit status $? with stdin = /dev/null"
expect_line null.log '^POCVM-GUEST-UP'
