# The guest boots on each CPU model of the matrix: VHE with FWB (max),
# VHE without FWB (neoverse-n1) and nVHE (cortex-a57).
# matrix: hosts=patched cpus=neoverse-n1,cortex-a57 gics=3
# timeout: 180
expect_exit 0 boot.log $POCVM run -k $IMAGE -i $INITRD -c 2 -p quiet
expect_line boot.log '^POCVM-GUEST-UP kernel=6\.12.* cpus=2 '
