# The gdb stub, L1 side: pocvm holds the guest before its first
# instruction (--gdb-wait) until gdb-multiarch on the rig's host, through
# QEMU's forwarded port (gdb-stub.host), has stepped and broken through
# the caches-off boot and detached; then the guest boots to the end.
# matrix: hosts=patched cpus=max gics=3
# timeout: 600
# The host side waits for this line on L1's console before connecting:
# straight to the console, since the case's own output reaches it only
# through a buffering pipe.
echo "@@POCVM-GDB-STUB-STARTING" > /dev/console
expect_exit 0 gdb.log $POCVM run -k $IMAGE -i $INITRD -p quiet \
	--gdb 0.0.0.0:1234 --gdb-wait --timeout 540 --loglevel debug
expect_line gdb.log '^pocvm: info: gdb: waiting for a debugger on 0.0.0.0:1234 .*the guest waits for it'
expect_line gdb.log '^pocvm: info: gdb: debugger attached'
expect_line gdb.log '^pocvm: info: gdb: debugger detached'
expect_line gdb.log '^POCVM-GUEST-UP'
# A port already taken is an input error, found before the guest runs.
nc -l -p 1235 > /dev/null 2>&1 &
nc_pid=$!
sleep 0.5
expect_exit 2 busy.log $POCVM run -k $IMAGE -i $INITRD --gdb 1235
kill $nc_pid
expect_line busy.log '^pocvm: --gdb: cannot listen on 127.0.0.1:1235'
