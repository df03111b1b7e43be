#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# pocvm's virtio-blk backend against fio's libaio engine on this host:
# 4 KiB random reads at queue depth 1 and 32 from the same 256 MiB file
# of random data, through the page cache and with O_DIRECT. No KVM and
# no guest: blk-backend (tests/bench/blk-backend.c) drives the device
# over the virtio-mmio transport from fake guest RAM. Prints figures;
# asserts nothing.
#
# Usage: blk-host.sh BLK-BACKEND
# Environment: BENCH_SECS (10) seconds per point, TMPDIR for the file
# (it must take O_DIRECT for the direct rows: not tmpfs before 6.6).
set -u

prog=${1:?usage: blk-host.sh BLK-BACKEND}
secs=${BENCH_SECS:-10}
command -v fio >/dev/null ||
	{ echo "fio not found: run 'make deps'" >&2; exit 1; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/pocvm-bench-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
file=$dir/bench.img
# Synced: O_DIRECT reads of dirty pages would wait for their writeback.
dd if=/dev/urandom of="$file" bs=1M count=256 conv=fsync status=none || exit 1

# Read IOPS: field 8 of fio's terse (version 3) line.
fio_iops() {
	fio --name=r --filename="$file" --ioengine=libaio --rw=randread \
		--bs=4k --iodepth="$1" --direct="$2" --runtime="$secs" \
		--time_based --invalidate=0 --output-format=terse \
		--terse-version=3 2>&1 | awk -F';' 'NF > 8 { print $8; ok = 1 }
		END { if (!ok) print "error" }'
}

pocvm_iops() {
	out=$("$prog" $2 -q "$1" -t "$secs" "$file" 2>&1)
	case $out in
	*iops=*) echo "${out##*iops=}" ;;
	*) echo "$out" >&2; echo error ;;
	esac
}

printf '%-9s %6s %10s %10s\n' mode depth "fio IOPS" "pocvm IOPS"
for mode in buffered direct; do
	if [ $mode = direct ]; then d=1 flag=-d; else d=0 flag=; fi
	for qd in 1 32; do
		f=$(fio_iops $qd $d)
		p=$(pocvm_iops $qd "$flag")
		printf '%-9s %6s %10s %10s\n' $mode $qd "$f" "$p"
	done
done
