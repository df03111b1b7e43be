# One 4 KiB virtio-blk read at queue depth 1, system call by system
# call, for pocvm, each other pocvm build and lkvm: strace -f of a guest
# reading its disk at random at QD1 (guest-init's blkvs, as in
# bench/versus.sh), and over the last REQS requests of that phase the
# system calls per request, per thread and by name. A thread's calls
# that wait for an event (epoll_pwait, epoll_wait, a blocking read) are
# its wake-ups. Prints figures; asserts nothing.
# matrix: hosts=patched cpus=max gics=3
# timeout: 1200
REQS=${bp_reqs:-20}
vmms=pocvm
for p in /rig/bin/pocvm.*; do
	[ -x "$p" ] && vmms="$vmms ${p#/rig/bin/}"
done
[ -x /rig/bin/lkvm ] && vmms="$vmms lkvm"
dd if=/dev/urandom of=bench.img bs=1M count=64 2> /dev/null

for v in $vmms; do
	echo "=== $v: strace -f, 4 KiB random reads at QD1"
	strace -f -qq -s 0 -o st.$v /rig/bin/$v run --nodefaults \
		--network mode=none -k $IMAGE -i $INITRD -m 256 -c 1 \
		-d bench.img --virtio-transport mmio \
		-p "console=ttyS0 quiet guest_action=blkvs blk_qd=1 blk_secs=3" \
		> prof.log 2>&1 < /dev/null
	grep '^POCVM-BENCH' prof.log
	[ -s st.$v ] || { tail -n 5 prof.log; continue; }
	# A request is one preadv() or io_submit() (QD1 is the last phase:
	# the last REQS+1 of them are its 4 KiB reads); strace -f splits a
	# call another thread interrupts in two lines: count its first.
	awk -v reqs=$REQS '
	{ line[NR] = $0 }
	/ (preadv|pwritev|io_submit)\(/ && !/resumed>/ { req[++nreq] = NR }
	END {
		if (nreq <= reqs) { print "  too few requests:", nreq; exit }
		from = req[nreq - reqs]; to = req[nreq]
		for (i = from; i < to; i++) {
			l = line[i]
			if (l ~ /resumed>/) continue
			split(l, w, " ")
			tid = w[1]
			name = w[2]; sub(/\(.*/, "", name)
			if (name == "ioctl" && l ~ /KVM_RUN/) name = "ioctl(KVM_RUN)"
			else if (name == "ioctl" && l ~ /KVM_IRQ_LINE/)
				name = "ioctl(KVM_IRQ_LINE)"
			if (!(tid in seen)) { seen[tid] = 1; tids[++nt] = tid }
			n[tid, name]++; total[tid]++; all++
			names[tid] = names[tid] " " name
		}
		printf "  %d requests: %.1f system calls per request\n",
			reqs, all / reqs
		for (t = 1; t <= nt; t++) {
			tid = tids[t]
			printf "  thread %d: %.1f per request:", t, total[tid] / reqs
			split(names[tid], ns, " ")
			delete done
			for (k in ns) {
				nm = ns[k]
				if (nm in done) continue
				done[nm] = 1
				if (n[tid, nm] / reqs >= 0.05)
					printf " %s %.2f", nm, n[tid, nm] / reqs
			}
			printf "\n"
		}
	}' st.$v
	echo "  the last request, as strace -f shows it:"
	awk '/ (preadv|pwritev|io_submit)\(/ && !/resumed>/ { a = b; b = NR }
		{ line[NR] = $0 }
		END { for (i = a; i < b; i++) print "   ", substr(line[i], 1, 100) }' \
		st.$v
done
