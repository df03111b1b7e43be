# Bad options and files: each is one line "pocvm: ..." naming the culprit
# and exit 2, found before the guest runs, and nothing is left behind (no
# pocvm process, no control socket).
# matrix: hosts=patched cpus=max gics=3
# timeout: 120
export XDG_RUNTIME_DIR=/tmp/xdg-bad
mkdir -p -m 700 $XDG_RUNTIME_DIR
n=0

# bad LOG PATTERN ARGS...: pocvm run ARGS exits 2 with one line matching.
bad() {
	log=$1 pattern=$2
	shift 2
	n=$((n + 1))
	# --timeout: an input wrongly taken must not leave a guest running
	expect_exit 2 "$log" $POCVM run --timeout 30 "$@"
	[ "$(wc -l < "$log")" = 1 ] || fail "$log: not exactly one line"
	expect_line "$log" "^pocvm: $pattern"
}

# Cut short: inside the header, and (an EFI-stub Image, whose PE header
# says where its data ends) after it.
head -c 40 $STOCK_IMAGE > short.Image
head -c 10000000 $STOCK_IMAGE > trunc.Image
# The arm64 Image magic in a header of garbage (a big-endian flag).
ff() { head -c $1 /dev/zero | tr '\0' '\377'; }
{ ff 56; printf 'ARM\144'; ff 4000; } > garbage.Image
: > empty.Image
printf 'not a device tree\n' > not.dtb
head -c 200000 $GUEST/Image.gz > trunc.Image.gz
truncate -s 300M big.initrd		# sparse: more than the default 256 MiB
# A disk image on a read-only mount, given without ,ro.
mkdir -p rofs
mount -t tmpfs -o size=1m tmpfs rofs && truncate -s 1M rofs/d.img &&
	mount -o remount,ro rofs || fail "cannot make a read-only mount"

bad nofile.log 'Fatal: Unable to open kernel /nonexistent/Image: No such file or directory' -k /nonexistent/Image
bad short.log '--kernel short.Image: truncated' -k short.Image
bad trunc.log '--kernel trunc.Image: truncated arm64 Image' -k trunc.Image
bad garbage.log '--kernel garbage.Image: big-endian' -k garbage.Image
bad gz.log '--kernel trunc.Image.gz: (truncated|corrupt) gzip' -k trunc.Image.gz
bad empty.log '--kernel empty.Image: empty' -k empty.Image
bad big.log '--initrd big.initrd: initrd .* is larger than RAM' -k $IMAGE -i big.initrd
bad dtb.log '--dtb not.dtb: not a device tree blob' -k $IMAGE --dtb not.dtb
bad mem0.log '--mem' -k $IMAGE -m 0
bad cpus0.log '--cpus' -k $IMAGE -c 0
bad cpus1000.log '--cpus' -k $IMAGE -c 1000
bad opt.log "unknown option '--no-such-option'" -k $IMAGE --no-such-option
bad nokernel.log 'no kernel' -i $INITRD
bad dir.log '--kernel /tmp: Is a directory' -k /tmp
bad nodisk.log '--disk missing.img: No such file' -k $IMAGE --disk missing.img
bad rodisk.log '--disk .*d.img: Read-only file system' -k $IMAGE --disk rofs/d.img
bad tap.log '--network.*lo' -k $IMAGE -n mode=tap,tapif=lo
bad noinitrd.log '--initrd ./no/initrd: No such file' -k $IMAGE -i ./no/initrd
bad nofw.log '--firmware no/fw.bin: No such file' --firmware no/fw.bin
bad nodtb.log '--dtb /no/board.dtb: No such file' -k $IMAGE --dtb /no/board.dtb
umount rofs

sleep 0.2
nothing_left
echo "bad-input: $n bad inputs, each one line and exit 2"
