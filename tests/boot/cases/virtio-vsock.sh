# virtio-vsock (--vsock CID) over the kernel's vhost-vsock: the guest
# calls a listener in L1 (CID 2) and L1 calls the guest back on its CID;
# while it runs, a second pocvm asking for the same CID exits 2 with one
# line, and so does one on a host without /dev/vhost-vsock. On our 6.12
# (built in) and Debian's 6.1 (modules l1-init loads).
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 600

[ -c /dev/vhost-vsock ] || fail "no /dev/vhost-vsock in L1"

echo "+ vsock-echo serve 5000 1 &"
vsock-echo serve 5000 1 > l1-serve.log 2>&1 &
spid=$!
wait_line l1-serve.log 'listening' $spid 300

echo "+ $POCVM run -k $IMAGE -i $INITRD --vsock 3 ... &"
$POCVM run -k $IMAGE -i $INITRD --vsock 3 --loglevel info \
	-p "quiet guest_action=vsock vsock_port=5000 vsock_guest_port=5001" \
	< /dev/null > vsock.log 2>&1 &
pid=$!
wait_line vsock.log '^vsock-echo: listening' $pid 300
expect_line vsock.log '^POCVM-VSOCK-REPLY echo:from-guest'
wait $spid || fail "L1's listener failed: $(cat l1-serve.log)"

# The CID is this guest's while it runs.
expect_exit 2 taken.log $POCVM run -k $IMAGE -i $INITRD --vsock 3
one_error taken.log '^pocvm: --vsock 3: that CID is taken by another guest$'

echo "+ vsock-echo call 3 5001 from-l1"
out=$(vsock-echo call 3 5001 from-l1) || fail "L1 cannot call the guest"
echo "$out"
[ "$out" = echo:from-l1 ] || fail "the guest answered '$out'"
wait $pid
rc=$?
cat vsock.log
[ $rc = 0 ] || fail "pocvm exited $rc"
expect_line vsock.log '^POCVM-VSOCK-DONE'
expect_line vsock.log 'virtio-vsock: CID 3 served by vhost-vsock'

# The CID is free again once pocvm is gone: another guest takes it.
expect_exit 0 again.log $POCVM run -k $IMAGE -i $INITRD --vsock 3 \
	-p "quiet guest_action=poweroff"

# No vhost-vsock on the host, and a CID that is no guest's: one line.
mv /dev/vhost-vsock /dev/vhost-vsock.hidden || fail "cannot hide it"
expect_exit 2 novsock.log $POCVM run -k $IMAGE -i $INITRD --vsock 3
mv /dev/vhost-vsock.hidden /dev/vhost-vsock
one_error novsock.log '^pocvm: --vsock: /dev/vhost-vsock: No such file'
expect_exit 2 cid2.log $POCVM run -k $IMAGE --vsock 2
one_error cid2.log "^pocvm: --vsock: '2' is not a guest CID"
