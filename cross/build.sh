#!/usr/bin/env bash
# Cross-builds sliced for the boards (`make cross`).
#
#   cross/build.sh [pure|gocv|all]     (default: all)
#
# pure: static pure-Go binaries, CGO_ENABLED=0, for linux/arm64 and linux/arm
#       (GOARM=7); no toolchain needed. These run on Raspberry Pi OS (32 and 64
#       bit) and on the Jetson Nano (JetPack 4.6, glibc 2.27): static binaries do
#       not care about the board's glibc.
# gocv: linux/arm64 with cgo: GoCV against Debian 12's OpenCV 4.6 in the sysroot
#       that cross/sysroot.sh extracts, built with gcc-aarch64-linux-gnu. Runs on
#       Raspberry Pi OS bookworm 64-bit (glibc 2.36, OpenCV 4.6), not on the
#       Jetson Nano (glibc 2.27).
#
# Output: dist/linux-arm64/, dist/linux-armv7/, dist/linux-arm64-gocv/
# Env: DIST (output folder), SYSROOT, GOCV_TAGS (build tags of the cgo build).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
what=${1:-all}
dist=${DIST:-$root/dist}
gocv_tags=${GOCV_TAGS:-gocv}
ldflags="-s -w"

# Commands shipped to the boards; a command whose main package does not build
# fails the script.
cmds=(./cmd/sliced)

pure() {
	local goarch=$1 goarm=$2 name=$3
	echo "cross: $name (pure Go, static)"
	# The whole tree must cross-compile without cgo, not only the commands.
	CGO_ENABLED=0 GOOS=linux GOARCH=$goarch GOARM=$goarm go build ./...
	mkdir -p "$dist/$name"
	for c in "${cmds[@]}"; do
		CGO_ENABLED=0 GOOS=linux GOARCH=$goarch GOARM=$goarm \
			go build -trimpath -ldflags="$ldflags" -o "$dist/$name/" "$c"
	done
}

# cgo_env prints nothing; it exports the cross toolchain and the sysroot's
# pkg-config for GoCV. Sourced by qemu-smoke.sh too.
cgo_env() {
	local sysroot=$1
	export CGO_ENABLED=1 GOOS=linux GOARCH=arm64
	export CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++
	export PKG_CONFIG_SYSROOT_DIR=$sysroot
	export PKG_CONFIG_LIBDIR=$sysroot/usr/lib/aarch64-linux-gnu/pkgconfig:$sysroot/usr/share/pkgconfig
	# OpenCV's libraries need theirs (gdal, armadillo, ...) at link time: let the
	# linker find them in the sysroot, never on the build machine.
	export CGO_LDFLAGS="-Wl,-rpath-link,$sysroot/usr/lib/aarch64-linux-gnu -Wl,-rpath-link,$sysroot/usr/lib"
}

gocv() {
	local sysroot=${SYSROOT:-$root/.cache/sysroot-arm64}
	local name=linux-arm64-gocv
	bash "$root/cross/sysroot.sh" "$sysroot"
	echo "cross: $name (cgo, GoCV, OpenCV 4.6 from $sysroot)"
	(
		cgo_env "$sysroot"
		mkdir -p "$dist/$name"
		go build -tags "$gocv_tags" -trimpath -ldflags="$ldflags" -o "$dist/$name/" ./cross/internal/gocvsmoke
		for c in "${cmds[@]}"; do
			go build -tags "$gocv_tags" -trimpath -ldflags="$ldflags" -o "$dist/$name/" "$c"
		done
	)
}

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
	return 0 # sourced for cgo_env
fi

case $what in
pure)
	pure arm64 "" linux-arm64
	pure arm 7 linux-armv7
	;;
gocv) gocv ;;
all)
	pure arm64 "" linux-arm64
	pure arm 7 linux-armv7
	gocv
	;;
*)
	echo "usage: cross/build.sh [pure|gocv|all]" >&2
	exit 2
	;;
esac
file "$dist"/linux-*/* 2>/dev/null | sed "s|$dist/||"
