# virtio-9p: two L1 directories shared into the guest (--9p DIR,TAG and
# DIR,TAG,ro), mounted with trans=virtio,version=9p2000.L: a file read,
# a guest write (then mkdir, rename, symlink) seen on the host, every
# kind of write refused with EROFS on the ro share, links pointing out
# of the share (absolute, relative, /proc/self/root, '..' past the
# mount) never reaching L1's file, a tar of ~3000 files the same size as
# the host's and the same bytes, while a 16 MiB read is in flight. Runs
# under pocvm's sandbox (seccomp and, where L1 has it, Landlock).
# Bad --9p values are one line and exit 2.
#
# The guest is our kernel (9P built in) on both L1 hosts: Debian's
# cloud kernel has no CONFIG_NET_9P at all, so it cannot be the guest.
# Debian's kernel as L1 (stock?) only when asked with -H stock: this case
# is long, and make check has a time budget.
# matrix: hosts=patched,stock? cpus=max gics=3
# timeout: 900
S=/tmp/p9share R=/tmp/p9ro O=/tmp/p9-outside
rm -rf $S $R $O
mkdir -p $S/tree $R $O
echo HOST-SECRET > $O/secret
echo "hello from L1" > $S/hello.txt
echo "read-only hello" > $R/hello.txt
ln -s $O/secret $S/abs-link
ln -s ../p9-outside/secret $S/rel-link
ln -s /proc/self/root $S/proc-link
dd if=/dev/urandom of=$S/big bs=1M count=16 2>/dev/null
# 2000 files in 20 directories, of varied sizes (nested TCG is slow:
# each 9P request is a guest exit and an interrupt).
d=0
while [ $d -lt 20 ]; do
	mkdir $S/tree/d$d
	f=0
	while [ $f -lt 100 ]; do
		head -c $(( (d * 100 + f) * 7 % 1000 )) $S/big > $S/tree/d$d/f$f
		f=$((f + 1))
	done
	d=$((d + 1))
done
host_tar=$(tar c -C $S tree | wc -c)
big_md5=$(md5sum < $S/big | cut -d' ' -f1)
echo "host: $(find $S/tree -type f | wc -l) files, tar $host_tar bytes"

# --timeout: a guest that hangs still shows how far it got.
expect_exit 0 9p.log $POCVM run -k $IMAGE -i $INITRD -m 512 --timeout 700 \
	--9p $S,share --9p $R,roshare,ro -p "quiet guest_action=9p"
# The console ends lines with CR LF: [[:space:]]*$ ends a value.
E='[[:space:]]*$'
expect_line 9p.log "^POCVM-9P-TAG share$E"
expect_line 9p.log "^POCVM-9P-TAG roshare$E"
expect_line 9p.log '^POCVM-9P-MOUNT ok'
expect_line 9p.log "^POCVM-9P-READ hello from L1$E"
expect_line 9p.log "^POCVM-9P-READ-RO read-only hello$E"
expect_line 9p.log '^POCVM-9P-WRITE ok'
for op in "touch /mnt/ro/new" "mkdir /mnt/ro/dir" "rm /mnt/ro/hello.txt" \
	"ln -s x /mnt/ro/l" "chmod 600 /mnt/ro/hello.txt" \
	"mv /mnt/ro/hello.txt /mnt/ro/moved" append; do
	expect_line 9p.log "^POCVM-9P-RO-WRITE refused: $op$E"
done
grep -q 'POCVM-9P-RO-WRITE \(accepted\|other\)' 9p.log &&
	fail "the ro share took a write, or refused it without EROFS"
grep -q '^POCVM-9P-ESCAPE reached' 9p.log && fail "a link led out of the share"
[ "$(grep -c '^POCVM-9P-ESCAPE refused' 9p.log)" = 4 ] ||
	fail "not every escape was tried"
expect_line 9p.log "^POCVM-9P-TAR $host_tar$E"
expect_line 9p.log "^POCVM-9P-BIG-MD5 $big_md5$E"
expect_line 9p.log '^POCVM-9P-UMOUNT ok'
echo "+ cat $S/newdir/from-guest.txt"
[ "$(cat $S/newdir/from-guest.txt)" = "written through 9p" ] ||
	fail "the guest's write is not on the host"
[ "$(readlink $S/newdir/link)" = target ] || fail "the guest's symlink"
[ "$(cat $R/hello.txt)" = "read-only hello" ] || fail "the ro share changed"
[ "$(ls $R)" = hello.txt ] || fail "the ro share changed: $(ls $R)"
[ "$(cat $O/secret)" = HOST-SECRET ] || fail "outside the share changed"
[ "$(ls $O)" = secret ] || fail "outside the share changed: $(ls $O)"
nothing_left

# Bad values: one line each, exit 2.
one_line() {
	[ "$(wc -l < "$1")" = 1 ] || fail "$1: not one line"
}
expect_exit 2 bad-dir.log $POCVM run -k $IMAGE -i $INITRD --9p /nonexistent,t
one_line bad-dir.log
expect_line bad-dir.log '^pocvm: --9p /nonexistent: No such file or directory$'
expect_exit 2 bad-file.log $POCVM run -k $IMAGE -i $INITRD --9p $S/hello.txt,t
one_line bad-file.log
expect_exit 2 bad-tag.log $POCVM run -k $IMAGE -i $INITRD --9p $S
one_line bad-tag.log
expect_line bad-tag.log '^pocvm: --9p /tmp/p9share: give DIR,TAG\[,ro\]$'
expect_exit 2 dup-tag.log $POCVM run -k $IMAGE -i $INITRD --9p $S,t --9p $R,t
one_line dup-tag.log
expect_exit 2 bad-opt.log $POCVM run -k $IMAGE -i $INITRD --9p $S,t,rw
one_line bad-opt.log
nothing_left
