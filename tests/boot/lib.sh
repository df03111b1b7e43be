# Shared helpers for the boot-test rig. Sourced, never run.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BOOT_DIR="$ROOT/tests/boot"
CACHE="${POCVM_CACHE:-$HOME/.cache/pocvm}"
CROSS=aarch64-linux-gnu-

say() { printf '%s\n' "rig: $*" >&2; }
die() { printf '%s\n' "rig: error: $*" >&2; exit 1; }

# A TCP port on 127.0.0.1 that nothing listens on now.
free_tcp_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
	die "no free TCP port"
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found; run 'make deps' first"
	done
}

# The kernel-patch/ series in order, one path a line; the cover letter
# (0000-*) carries no diff.
series_patches() {
	ls "$ROOT"/kernel-patch/*.patch 2>/dev/null | grep -v '/0000-' |
		sort || true
}

# Apply the series to the Debian tree at $1. The series is made against
# v6.12 (its base-commit:), Debian's tree is linux-6.12.y, and a stable
# backport can change a hunk's context: the backport of da142f3d373a
# renamed struct _kvm_stats_desc on the line next to patch 3's hunk in
# arch/arm64/kvm/guest.c, beyond patch's default fuzz of 2. So a patch
# that does not apply as it is gets -F3, and says so; one that does is
# taken exactly as before.
apply_series() {
	local src=$1 p name
	for p in $(series_patches); do
		name=$(basename "$p")
		say "applying $name"
		if patch -d "$src" -p1 -s --dry-run < "$p" >/dev/null 2>&1
		then
			patch -d "$src" -p1 -s --no-backup-if-mismatch < "$p"
		else
			say "$name: context differs from v6.12, applying with -F3"
			patch -d "$src" -p1 -s -F3 --no-backup-if-mismatch \
				< "$p"
		fi || die "$name does not apply"
	done
}

# Download one .deb of ARCH (default arm64) into $CACHE/debs (once) and
# print its path.
fetch_deb() {
	local pkg=$1 arch=${2:-arm64} dir="$CACHE/debs" f
	mkdir -p "$dir"
	f=$(ls "$dir/${pkg}_"*_$arch.deb 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$f" ]; then
		(cd "$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg:$arch" >/dev/null) ||
			die "cannot download $pkg:$arch (run 'make deps')"
		f=$(ls "$dir/${pkg}_"*_$arch.deb | sort -V | tail -n 1)
	fi
	printf '%s\n' "$f"
}

# The kernel's gen_init_cpio builds archives holding device nodes without
# root. Compiled once from the linux-source tarball.
gen_init_cpio() {
	local tool="$CACHE/tools/gen_init_cpio" tmp
	if [ ! -x "$tool" ]; then
		mkdir -p "$CACHE/tools"
		tmp=$(mktemp -d)
		tar -xf /usr/src/linux-source-6.12.tar.xz -C "$tmp" \
			linux-source-6.12/usr/gen_init_cpio.c ||
			die "cannot unpack gen_init_cpio.c (run 'make deps')"
		cc -O2 -o "$tool.tmp" "$tmp/linux-source-6.12/usr/gen_init_cpio.c" ||
			die "cannot build gen_init_cpio"
		mv "$tool.tmp" "$tool"
		rm -rf "$tmp"
	fi
	"$tool" "$@"
}

# A static arm64 busybox from Debian; prints its path.
busybox_path() {
	local d="$CACHE/busybox" deb
	if [ ! -x "$d/bin/busybox" ]; then
		deb=$(fetch_deb busybox-static)
		rm -rf "$d" && mkdir -p "$d"
		dpkg-deb -x "$deb" "$d"
	fi
	printf '%s\n' "$d/bin/busybox"
}

# Debian's armhf busybox and ARMv7 kernel, for --aarch32 guests; prints
# the directory with zImage and bin/busybox.
aarch32_dir() {
	local pkg d
	pkg=$(apt-cache depends linux-image-armmp:armhf 2>/dev/null |
		awk '/Depends: linux-image-/{print $2; exit}')
	pkg=${pkg%:armhf}
	[ -n "$pkg" ] || die "no linux-image-armmp:armhf in apt (run 'make deps')"
	d="$CACHE/aarch32/$pkg"
	if [ ! -f "$d/zImage" ]; then
		rm -rf "$d" && mkdir -p "$d/pkg"
		dpkg-deb -x "$(fetch_deb "$pkg" armhf)" "$d/pkg"
		dpkg-deb -x "$(fetch_deb busybox-static armhf)" "$d/pkg"
		cp "$d/pkg/bin/busybox" "$d/busybox"
		cp "$d/pkg/boot/vmlinuz-"* "$d/zImage"
		# The unpacked modules are not needed: keep the cache small.
		rm -rf "$d/pkg"
	fi
	printf '%s\n' "$d"
}

# Debian's stock arm64 cloud kernel (unpatched, KVM built in, virtio as
# modules); prints the directory with Image and the unpacked package.
stock_kernel_dir() {
	local pkg ver d deb
	pkg=$(apt-cache depends linux-image-cloud-arm64:arm64 2>/dev/null |
		awk '/Depends: linux-image-/{print $2; exit}')
	pkg=${pkg%:arm64}
	[ -n "$pkg" ] || die "no linux-image-cloud-arm64:arm64 in apt (run 'make deps')"
	d="$CACHE/stock/$pkg"
	if [ ! -f "$d/Image" ]; then
		deb=$(fetch_deb "$pkg")
		rm -rf "$d" && mkdir -p "$d/pkg"
		dpkg-deb -x "$deb" "$d/pkg"
		cp "$d/pkg/boot/vmlinuz-"* "$d/Image"
	fi
	printf '%s\n' "$d"
}

# Debian's generic arm64 kernel of the stock kernel's version (the cloud
# flavour has no 9p): the Image and the package's /lib/modules, with the
# modules.dep its postinst would make (depmod, as an install runs it).
# Prints the directory holding Image and pkg/lib/modules/VERSION.
debian_kernel_dir() {
	local cloud pkg d ver
	cloud=$(basename "$(stock_kernel_dir)")
	pkg=${cloud%-cloud-arm64}-arm64
	d="$CACHE/stock/$pkg"
	if [ ! -f "$d/Image" ]; then
		need_cmd depmod
		rm -rf "$d" && mkdir -p "$d/pkg"
		dpkg-deb -x "$(fetch_deb "$pkg")" "$d/pkg"
		ver=$(ls "$d/pkg/lib/modules")
		depmod -b "$d/pkg" "$ver" ||
			die "$pkg: depmod failed"
		cp "$d/pkg/boot/vmlinuz-$ver" "$d/Image.tmp"
		mv "$d/Image.tmp" "$d/Image"
	fi
	printf '%s\n' "$d"
}

# deb_libs DIR ROOT BIN...: copy BIN... (paths inside ROOT, an unpacked
# set of arm64 packages) and every shared library they need, found in
# ROOT through the NEEDED entries, flat into DIR.
deb_libs() {
	local dir=$1 root=$2 f l t found queue
	shift 2
	mkdir -p "$dir"
	queue=("$@")
	while [ ${#queue[@]} -gt 0 ]; do
		f=${queue[0]}
		queue=("${queue[@]:1}")
		for l in $(${CROSS}readelf -d "$f" |
			   sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			[ -e "$dir/$l" ] && continue
			found=
			for t in "$root"/lib/aarch64-linux-gnu/"$l" \
				 "$root"/usr/lib/aarch64-linux-gnu/"$l" \
				 "$root"/lib/"$l" "$root"/usr/lib/"$l"; do
				[ -e "$t" ] || [ -L "$t" ] || continue
				# A link in the packages points inside them.
				while [ -L "$t" ]; do
					case $(readlink "$t") in
					/*) t="$root$(readlink "$t")" ;;
					*) t="$(dirname "$t")/$(readlink "$t")" ;;
					esac
				done
				[ -f "$t" ] && found=$t && break
			done
			[ -n "$found" ] ||
				die "$(basename "$f") needs $l: not in the packages"
			cp "$found" "$dir/$l"
			queue+=("$dir/$l")
		done
	done
}

# kvm-unit-tests for arm64 (--target=kvmtool) to run in L1: $KUT, a
# tarball or a built tree; "peers" (the default) for the copy next to the
# repository (a directory holding the tarball), used when it is there;
# "none" for no suite. Prints its path, or nothing: the case then says it
# was skipped.
kut_source() {
	local k=${KUT:-peers} t
	[ "$k" != none ] || return 0
	[ "$k" != peers ] || k=$ROOT/../shared/peers/kvm-unit-tests
	if [ -d "$k" ] && [ ! -f "$k/run_tests.sh" ]; then
		t=$(ls "$k"/*.tar.gz 2>/dev/null | head -n 1)
		k=$t
	fi
	if [ -z "$k" ] || [ ! -e "$k" ]; then
		[ -z "${KUT:-}" ] || die "KUT=$KUT: no kvm-unit-tests there"
		return 0
	fi
	if [ -d "$k" ]; then
		cd "$k" && pwd
	else
		printf '%s\n' "$(cd "$(dirname "$k")" && pwd)/$(basename "$k")"
	fi
}

# mbr_disk OUT FS TYPE [FS TYPE]...: a disk image with an MBR and a
# partition per file system image FS, of TYPE (0x83 Linux, 0xef EFI
# system), the first bootable, each 1 MiB aligned; no root, no
# partitioning tool needed.
mbr_disk() {
	local out=$1 lba=2048 n=0 sectors fs
	shift
	{
		head -c 446 /dev/zero
		while [ $# -ge 2 ]; do
			sectors=$(( ($(stat -c %s "$1") + 511) / 512 ))
			# status, CHS unused (LBA only), type, CHS unused
			mbr_bytes $((n ? 0 : 0x80)) 0 0 0 "$2" 0 0 0
			mbr_le32 "$lba"
			mbr_le32 "$sectors"
			lba=$(( (lba + sectors + 2047) / 2048 * 2048 ))
			n=$((n + 1))
			shift 2
		done
		head -c $(( (4 - n) * 16 )) /dev/zero
		mbr_bytes 0x55 0xaa
	} > "$out"
}
# mbr_fill OUT FS...: the file systems into the partitions mbr_disk made.
mbr_fill() {
	local out=$1 lba=2048 sectors
	shift
	for fs in "$@"; do
		sectors=$(( ($(stat -c %s "$fs") + 511) / 512 ))
		dd if="$fs" of="$out" bs=512 seek="$lba" conv=notrunc \
			status=none
		lba=$(( (lba + sectors + 2047) / 2048 * 2048 ))
	done
}
mbr_bytes() {
	local b
	for b in "$@"; do
		# shellcheck disable=SC2059
		printf "\\$(printf '%03o' $((b)))"
	done
}
mbr_le32() {
	mbr_bytes $(($1 & 255)) $((($1 >> 8) & 255)) $((($1 >> 16) & 255)) \
		$((($1 >> 24) & 255))
}

# Append the lines gen_init_cpio needs for a busybox userland to $1;
# $2 is another busybox binary (default: the arm64 one).
cpio_busybox_base() {
	local list=$1 bb=${2:-}
	[ -n "$bb" ] || bb=$(busybox_path)
	cat >> "$list" <<EOL
dir /dev 755 0 0
nod /dev/console 600 0 0 c 5 1
nod /dev/null 666 0 0 c 1 3
dir /proc 755 0 0
dir /sys 755 0 0
dir /tmp 1777 0 0
dir /run 755 0 0
dir /bin 755 0 0
dir /sbin 755 0 0
dir /usr 755 0 0
dir /usr/bin 755 0 0
dir /usr/sbin 755 0 0
dir /mnt 755 0 0
file /bin/busybox $bb 755 0 0
slink /bin/sh busybox 777 0 0
EOL
}
