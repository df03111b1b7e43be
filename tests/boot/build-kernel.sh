#!/usr/bin/env bash
# Build the rig's arm64 kernel (L1 host and L2 guest) from Debian's
# linux-source-6.12 with our config fragment and kernel-patch/ series.
# The result is cached under $CACHE/kernel/<key>, where key hashes the
# source version, the fragment, the patches and this recipe, so any change
# to one of them builds anew; ccache keeps a rebuild to a couple of minutes.
# Prints the directory holding Image, System.map and config.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RECIPE=1
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
FRAGMENT="$BOOT_DIR/kconfig.fragment"

[ -f "$SRC_TAR" ] || die "$SRC_TAR missing; run 'make deps' first"
need_cmd ${CROSS}gcc ccache bc bison flex

patches=$(series_patches)
key=$( {
	echo "recipe $RECIPE"
	dpkg-query -W -f '${Version}\n' linux-source-6.12
	cat "$FRAGMENT"
	for p in $patches; do cat "$p"; done
} | sha256sum | cut -c1-16)

out="$CACHE/kernel/$key"
if [ -f "$out/Image" ]; then
	printf '%s\n' "$out"
	exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/kernel.lock"
flock 9
if [ -f "$out/Image" ]; then
	printf '%s\n' "$out"
	exit 0
fi

# Fixed paths for every build, so ccache hits across keys.
work="$CACHE/kbuild"
rm -rf "$work"
mkdir -p "$work"
say "kernel $key: unpacking $(basename "$SRC_TAR")"
tar -xf "$SRC_TAR" -C "$work"
src="$work/linux-source-6.12"
apply_series "$src"

export CCACHE_DIR="${CCACHE_DIR:-$CACHE/ccache}"
ccache -M 5G >/dev/null
kmake() {
	make -s -C "$src" O="$work/out" ARCH=arm64 CROSS_COMPILE=$CROSS \
		CC="ccache ${CROSS}gcc" "$@"
}
kmake KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig >/dev/null
# A missing dependency drops an option silently: insist on every line.
missing=$(grep -E '^CONFIG_' "$FRAGMENT" | while read -r l; do
	grep -qxF "$l" "$work/out/.config" || echo "$l"
done)
[ -z "$missing" ] || die "options dropped by Kconfig: $(echo $missing)"

start=$(date +%s)
say "kernel $key: building Image with -j$(nproc) (cold: ~10-35 min)"
kmake -j"$(nproc)" Image > "$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log" >&2; die "kernel build failed"; }
say "kernel $key: built in $(( $(date +%s) - start ))s"

mkdir -p "$out.tmp"
cp "$work/out/arch/arm64/boot/Image" "$work/out/System.map" "$out.tmp/"
cp "$work/out/.config" "$out.tmp/config"
rm -rf "$out"
mv "$out.tmp" "$out"
rm -rf "$work"
printf '%s\n' "$out"
