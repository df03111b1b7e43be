# The CPU features KVM offers reach the guest, on by default as with
# kvmtool: SVE (and --sve-max-vl's length), pointer authentication, and
# stolen time, which the guest sees grow while its VCPU waits for the
# host CPU; --no-pvtime takes it away.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 420
expect_exit 0 default.log $POCVM run -k $IMAGE -i $INITRD -c 1 \
	-p "quiet guest_action=cpu"
expect_line default.log '^POCVM-CPU-FEATURES .* sve([^a-z0-9]|$)'
expect_line default.log '^POCVM-CPU-FEATURES .* paca([^a-z0-9]|$)'
expect_line default.log '^POCVM-CPU-FEATURES .* pacg([^a-z0-9]|$)'
# QEMU's max offers up to 2048 bits; Linux's default length is 64 bytes.
expect_line default.log '^POCVM-SVE-VL 64[[:space:]]*$'
expect_line default.log '^POCVM-DMESG .*arm-pv: using stolen time PV'

expect_exit 0 vl.log $POCVM run -k $IMAGE -i $INITRD -c 1 --sve-max-vl 256 \
	-p "guest_action=cpu"
expect_line vl.log '^POCVM-DMESG .*SVE: maximum available vector length 32 bytes'
expect_line vl.log '^POCVM-SVE-VL 32[[:space:]]*$'

# Stolen time: the only VCPU shares host CPU 0 with a busy loop.
taskset -c 0 sh -c 'while :; do :; done' &
hog=$!
expect_exit 0 steal.log $POCVM run -k $IMAGE -i $INITRD -c 1 \
	--vcpu-affinity 0 -p "quiet guest_action=cpu cpu_busy=3"
expect_exit 0 nopv.log $POCVM run -k $IMAGE -i $INITRD -c 1 --no-pvtime \
	--vcpu-affinity 0 -p "quiet guest_action=cpu cpu_busy=3"
kill $hog
expect_line steal.log '^POCVM-STEAL [1-9][0-9]*[[:space:]]*$'
grep -q 'arm-pv' nopv.log && fail "--no-pvtime: the guest found stolen time"
expect_line nopv.log '^POCVM-STEAL 0[[:space:]]*$'
