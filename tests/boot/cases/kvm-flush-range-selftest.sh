# The KVM selftest of kernel-patch/ (flush_range_test) passes on our
# patched kernel: with FWB (max), VHE without FWB (neoverse-n1) and nVHE
# (cortex-a57).
# matrix: hosts=patched cpus=max,neoverse-n1,cortex-a57 gics=3
# timeout: 240
[ -f /rig/series-applied ] || fail "no kernel-patch/ series in this rig"
[ -x /rig/bin/flush_range_test ] || fail "flush_range_test was not built"
# It loads its own ELF (guest code) through argv[0]: give the full path.
expect_exit 0 selftest.log /rig/bin/flush_range_test
grep -E '^(ok|not ok)' selftest.log | grep -q '^not ok' &&
	fail "a subtest failed"
grep -q '^ok' selftest.log || fail "no subtest passed"
