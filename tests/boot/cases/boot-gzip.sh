# A gzip-compressed Image (what distro vmlinuz files often are) boots.
# matrix: hosts=patched cpus=max gics=3
# timeout: 120
expect_exit 0 gz.log $POCVM run -k $GUEST/Image.gz -i $INITRD -p quiet
expect_line gz.log '^POCVM-GUEST-UP kernel=6\.12'
