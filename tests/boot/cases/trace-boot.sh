# --trace-boot: pocvm looks at the boot VCPU's SCTLR_EL1 on each exit it
# makes anyway and logs when M, C and I change, with the PC: Linux starts
# with all three off and turns them on together.
# matrix: hosts=patched cpus=max gics=3
# timeout: 120
expect_exit 0 trace.log $POCVM run -k $IMAGE -i $INITRD -p quiet --trace-boot
expect_line trace.log '^pocvm: trace-boot: +[0-9.]+ ms  VCPU 0 SCTLR_EL1 [0-9a-f]{16} M=0 C=0 I=0 .*first$'
expect_line trace.log '^pocvm: trace-boot: .* M=1 C=1 I=1 \(was M=0 C=0 I=0\)  PC ffff[0-9a-f]{12}  [A-Z_]+$'
expect_line trace.log '^POCVM-GUEST-UP'
expect_line trace.log '^pocvm: trace-boot: .* M=1 C=1 I=1 .*final$'
