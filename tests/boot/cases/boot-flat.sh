# A bare-metal flat binary (no Image header) runs at RAM+0x80000, and the
# same code as --firmware at the start of RAM; both print and power off.
# matrix: hosts=patched,stock cpus=max gics=3
# timeout: 60
expect_exit 0 flat.log $POCVM run -k $GUEST/poweroff.bin
expect_line flat.log '^pocvm-flat-ok'
expect_exit 0 fw.log $POCVM run --firmware $GUEST/poweroff.bin
expect_line fw.log '^pocvm-flat-ok'
