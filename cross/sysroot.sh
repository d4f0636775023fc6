#!/usr/bin/env bash
# Builds an arm64 sysroot with Debian 12's OpenCV 4.6 for cgo cross-builds (GoCV).
#
# Installing libopencv-dev:arm64 through multiarch removes the amd64 OpenCV on the
# build machine (libgdal, armadillo and others clash), so the arm64 packages are
# downloaded and extracted into a folder instead, never installed.
#
# Usage: cross/sysroot.sh [SYSROOT]   (default .cache/sysroot-arm64 in the repo)
# Needs: root for `dpkg --add-architecture arm64` and `apt-get update` (once),
#        gcc-aarch64-linux-gnu g++-aarch64-linux-gnu pkg-config.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sysroot=${1:-${SYSROOT:-$root/.cache/sysroot-arm64}}
debs=${DEBS:-$root/.cache/debs-arm64}
stamp=$sysroot/.complete

if [[ -f $stamp ]]; then
	echo "sysroot: $sysroot (already built)"
	exit 0
fi

for tool in aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ pkg-config dpkg-deb apt-get; do
	if ! command -v "$tool" >/dev/null; then
		echo "sysroot: $tool missing: apt-get install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu pkg-config" >&2
		exit 1
	fi
done

# The arm64 package lists are needed to resolve and download; nothing arm64 is installed.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
	apt-get update -qq
elif ! apt-cache show libopencv-dev:arm64 >/dev/null 2>&1; then
	apt-get update -qq
fi

# Every arm64 package libopencv-dev pulls in; amd64 and arch-all helpers (perl,
# python, data files) are not needed to compile and link. The C and C++ runtime
# development files come from the cross toolchain: the sysroot's libc.so linker
# script names absolute /lib paths that the cross linker would not find.
toolchain='^(libc6-dev|libc-dev-bin|linux-libc-dev|libcrypt-dev|libgcc-[0-9]+-dev|libstdc\+\+-[0-9]+-dev):arm64$'
mapfile -t pkgs < <(apt-cache depends --recurse --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances libopencv-dev:arm64 |
	grep -E '^[a-z0-9].*:arm64$' | grep -Ev "$toolchain" | sort -u)
echo "sysroot: ${#pkgs[@]} arm64 packages"

# A fresh download folder: one version of each package, the current one.
rm -rf "$debs"
mkdir -p "$debs" "$sysroot"
# apt-get download writes into the working directory.
(cd "$debs" && apt-get download -qq "${pkgs[@]}")

for p in "${pkgs[@]}"; do
	dpkg-deb -x "$debs/${p%:arm64}"_*_arm64.deb "$sysroot"
done

# Debian 12 packages still ship files under /lib; a booted system merges it into
# /usr (usrmerge). Merge here too, so that one -rpath-link and qemu -L find all.
for d in lib bin sbin; do
	if [[ -d $sysroot/$d && ! -L $sysroot/$d ]]; then
		mkdir -p "$sysroot/usr/$d"
		cp -a "$sysroot/$d/." "$sysroot/usr/$d/"
		rm -rf "${sysroot:?}/$d"
	fi
	[[ -e $sysroot/$d ]] || ln -s "usr/$d" "$sysroot/$d"
done

# Absolute symlinks (e.g. libfoo.so -> /lib/aarch64-linux-gnu/libfoo.so.1) would
# point into the build machine; make them relative to the sysroot.
find "$sysroot" -type l -lname '/*' -print0 | while IFS= read -r -d '' link; do
	target=$(readlink "$link")
	ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot$target")" "$link"
done

# libblas.so.3 and liblapack.so.3 are chosen by update-alternatives in postinst
# scripts, which extraction does not run: point them at the reference builds.
lib=$sysroot/usr/lib/aarch64-linux-gnu
for so in blas/libblas.so.3 lapack/liblapack.so.3; do
	[[ -e $lib/$so && ! -e $lib/${so#*/} ]] && ln -s "$so" "$lib/${so#*/}"
done

if ! PKG_CONFIG_SYSROOT_DIR=$sysroot PKG_CONFIG_LIBDIR=$sysroot/usr/lib/aarch64-linux-gnu/pkgconfig:$sysroot/usr/share/pkgconfig \
	pkg-config --modversion opencv4; then
	echo "sysroot: opencv4.pc not found in $sysroot" >&2
	exit 1
fi
touch "$stamp"
echo "sysroot: $sysroot ready"
