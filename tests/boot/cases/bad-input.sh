# Bad options and files: one line "pocvm: ..." naming the culprit, exit 2.
# matrix: hosts=patched cpus=max gics=3
# timeout: 60
expect_exit 2 nofile.log $POCVM run -k /nonexistent/Image
expect_line nofile.log '^pocvm: .*Image.*No such file'
[ "$(wc -l < nofile.log)" = 1 ] || fail "more than one line of error"
expect_exit 2 big.log $POCVM run -k $IMAGE -i $STOCK_IMAGE -m 16
expect_line big.log '^pocvm: '
expect_exit 2 cpus.log $POCVM run -k $IMAGE -c 0
expect_line cpus.log '^pocvm: --cpus'
expect_exit 2 opt.log $POCVM run -k $IMAGE --no-such-option
expect_line opt.log "^pocvm: unknown option '--no-such-option'"
