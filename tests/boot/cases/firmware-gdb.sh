# The gdb stub on firmware, L1 side: Debian's u-boot under --machine virt
# held before its first instruction in flash (--gdb-wait) until gdb on
# the rig's host (firmware-gdb.host) has read and stepped it and
# detached; then, at u-boot's prompt, a second session stops it in its
# relocated code in RAM and breaks there. u-boot's own bdinfo says where
# it relocated to, for the host side to check.
# matrix: hosts=patched cpus=max gics=3
# timeout: 600
rm -f in.fifo
mkfifo in.fifo
echo "@@POCVM-FW-GDB-STARTING" > /dev/console
$POCVM run --machine virt --firmware $GUEST/u-boot.bin -c 1 -m 256 \
	--gdb 0.0.0.0:1234 --gdb-wait --timeout 540 --loglevel debug \
	< in.fifo > gdb.log 2>&1 &
pid=$!
exec 3> in.fifo
done_sessions() {
	[ "$(grep -c 'gdb: debugger detached' gdb.log)" -ge "$1" ]
}
i=0
until done_sessions 1; do
	i=$((i + 1))
	[ $i -le 2000 ] || { cat gdb.log; fail "first gdb session never ended"; }
	sleep 0.2
done
wait_for gdb.log 'Hit any key to stop autoboot' 300 ||
	{ cat gdb.log; fail "u-boot: no autoboot prompt"; }
printf ' ' >&3
wait_for gdb.log '^=> ' 60 || { cat gdb.log; fail "u-boot: no prompt"; }
printf 'bdinfo\r' >&3
wait_for gdb.log '^relocaddr' 60 || { cat gdb.log; fail "u-boot: no bdinfo"; }
reloc=$(sed -n 's/^relocaddr *= *\(0x[0-9a-fA-F]*\).*/\1/p' gdb.log | head -n 1)
echo "@@POCVM-UBOOT-RELOC $reloc" > /dev/console
i=0
until done_sessions 2; do
	i=$((i + 1))
	[ $i -le 2000 ] || { cat gdb.log; fail "second gdb session never ended"; }
	sleep 0.2
done
printf 'poweroff\r' >&3
exec 3>&-
wait $pid
got=$?
cat gdb.log
[ "$got" = 0 ] || fail "exit status $got, expected 0"
expect_line gdb.log '^pocvm: info: gdb: debugger attached'
