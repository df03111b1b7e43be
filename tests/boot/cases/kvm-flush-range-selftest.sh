# The KVM selftest of kernel-patch/ (flush_range_test) passes on our
# patched kernel: with FWB (max), VHE without FWB (neoverse-n1) and nVHE
# (cortex-a57).
# matrix: hosts=patched cpus=max,neoverse-n1,cortex-a57 gics=3
# timeout: 240
[ -f /rig/series-applied ] || fail "no kernel-patch/ series in this rig"
[ -x /rig/bin/flush_range_test ] || fail "flush_range_test was not built"

# The hugetlb-backed memslot takes two huge pages from the pool; give them
# back afterwards, so that later cases see the pool as it was.
nr_huge=/proc/sys/vm/nr_hugepages
[ -f $nr_huge ] || fail "no $nr_huge: the rig kernel lacks hugetlbfs"
huge_was=$(cat $nr_huge)
echo $((huge_was + 2)) > $nr_huge
grep -E '^HugePages_(Total|Free)' /proc/meminfo

# It loads its own ELF (guest code) through argv[0]: give the full path.
/rig/bin/flush_range_test > selftest.log 2>&1
rc=$?
echo "$huge_was" > $nr_huge
echo "+ /rig/bin/flush_range_test"
cat selftest.log
[ "$rc" = 0 ] || fail "flush_range_test exited $rc"

grep -E '^(ok|not ok)' selftest.log | grep -q '^not ok' &&
	fail "a subtest failed"
grep -q '^ok' selftest.log || fail "no subtest passed"
# The rig kernel has THP and hugetlbfs: the huge-page subtests must run.
grep -E '^ok .*# SKIP' selftest.log | grep -Eiq 'THP|hugetlb' &&
	fail "a huge-page subtest was skipped"
grep -E '^ok .*# SKIP' selftest.log | sed 's/^ok [0-9]* # SKIP /skipped: /'
true
