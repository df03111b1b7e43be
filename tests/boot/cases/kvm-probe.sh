# /dev/kvm works in the emulated host: VM, VCPU, KVM_ARM_VCPU_INIT, caps.
# matrix: hosts=patched,stock cpus=max,neoverse-n1,cortex-a57 gics=3
# timeout: 60
[ -c /dev/kvm ] || fail "no /dev/kvm in L1 ($(dmesg | grep -i kvm | tail -n 3))"
expect_exit 0 probe.log kvm-probe
expect_line probe.log '^kvm-probe: 0 failure'
