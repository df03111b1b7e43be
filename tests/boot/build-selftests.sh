#!/usr/bin/env bash
# Build, as static aarch64 binaries, the KVM selftests that kernel-patch/
# adds (flush_range_test), from Debian's linux-source-6.12 with the series
# applied. Cached under $CACHE/selftests/<key> like the kernel. Prints the
# directory holding the binaries (empty when there is no series).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RECIPE=1
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
TESTS="flush_range_test"

[ -f "$SRC_TAR" ] || die "$SRC_TAR missing; run 'make deps' first"
patches=$(series_patches)
key=$( {
	echo "recipe $RECIPE $TESTS"
	dpkg-query -W -f '${Version}\n' linux-source-6.12
	for p in $patches; do cat "$p"; done
} | sha256sum | cut -c1-16)
out="$CACHE/selftests/$key"
if [ -z "$patches" ] || [ -f "$out/.done" ]; then
	mkdir -p "$out"
	printf '%s\n' "$out"
	exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/selftests.lock"
flock 9
work="$CACHE/stbuild"
rm -rf "$work"
mkdir -p "$work"
say "selftests $key: unpacking and applying kernel-patch/"
tar -xf "$SRC_TAR" -C "$work"
src="$work/linux-source-6.12"
apply_series "$src"
make -s -C "$src" ARCH=arm64 headers_install INSTALL_HDR_PATH="$work/hdr" \
	> "$work/build.log" 2>&1 || { tail -n 20 "$work/build.log" >&2;
	die "headers_install failed"; }
for t in $TESTS; do
	say "selftests $key: building $t"
	make -C "$src/tools/testing/selftests/kvm" ARCH=arm64 \
		CROSS_COMPILE=$CROSS OUTPUT="$work/st" \
		KHDR_INCLUDES="-isystem $work/hdr/include" LDFLAGS=-static \
		"$work/st/aarch64/$t" >> "$work/build.log" 2>&1 ||
		{ tail -n 20 "$work/build.log" >&2; die "$t did not build"; }
done
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
for t in $TESTS; do
	cp "$work/st/aarch64/$t" "$out.tmp/"
done
touch "$out.tmp/.done"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$work"
printf '%s\n' "$out"
