# virtio-9p under a file-system exerciser from Debian's archive: stress-ng
# (bookworm has no fsx, fsstress or xfstests) run in a host-rootfs guest
# on our kernel with L1's / shared --rw, its files in /fsx on L1: 19
# file-system stressors at once for 60 s, data checked where a stressor
# can (--verify: hdd's random writes and reads, iomix, mmap of a shared
# file, seek), beside directories (dir, dentry), renames,
# hard and symbolic links, chmod/chown/utime/touch, odd file names,
# fcntl, lockf and flock locks and sync_file_range. The run must report
# success, and leave no file behind in /fsx (every unlink reached L1).
# Not dirdeep: removing its tree took over 10 minutes in nested TCG on a
# busy machine; dentry makes 256 files a round, not 2048, for the same
# reason (one 2048-file round took 6 minutes).
# matrix: hosts=patched,stock? cpus=max gics=3
# timeout: 900
W=/fsx
rm -rf $W && mkdir -p $W
here=$(pwd)
cd $W
# One sh -c string: Linux hands init at most 31 words.
expect_exit 0 $here/stress.log $POCVM run -k $IMAGE -m 512 --timeout 800 \
	--rw -- sh -c "/rig/stress-ng/stress-ng --temp-path $W --verify \
	--timeout 60s --metrics-brief \
	--hdd 1 --hdd-bytes 16m --hdd-opts wr-rnd,rd-rnd \
	--iomix 1 --iomix-bytes 16m --seek 1 --seek-size 16m \
	--mmap 1 --mmap-file --mmap-bytes 4m \
	--dentry 1 --dentries 256 --dir 1 --rename 1 --link 1 --symlink 1 \
	--chmod 1 --chown 1 --utime 1 --filename 1 --touch 1 \
	--fcntl 1 --lockf 1 --flock 1 --sync-file 1 --sync-file-bytes 8m"
cd $here
expect_line stress.log 'successful run completed'
grep -Eq 'unsuccessful|failed: [1-9]|stress-ng: error:' stress.log &&
	fail "a stressor failed or met an error"
[ -z "$(ls -A $W)" ] || fail "left in $W: $(ls -A $W | head -n 5)"
rm -rf $W
nothing_left
