# When KVM cannot go on, pocvm exits 33 and prints the VCPU's registers.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 60
expect_exit 33 fail.log $POCVM run -k $GUEST/mmio-fail.bin
expect_line fail.log '^pocvm: VMM or KVM failure'
expect_line fail.log '^VCPU 0: KVM_RUN failed: Function not implemented'
expect_line fail.log '^ PC +0*80080008 '
expect_line fail.log ' x5 +0*5eed'
