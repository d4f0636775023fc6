#!/usr/bin/env bash
# Runs the cross-built binaries under qemu user emulation and checks that they
# classify the demo images with the same labels as the amd64 build.
#
#   cross/qemu-smoke.sh [IMAGE_DIR]     (default: models/demo)
#
# Needs: qemu-user (qemu-aarch64, qemu-arm), and what cross/build.sh needs.
# Env: DIST, SYSROOT, QEMU_TIMEOUT (seconds per run, default 300),
#      SLICED_TEST_BIN (an amd64 sliced to compare with instead of building one).
# The cgo build runs with -L to the extracted sysroot: -L /usr/aarch64-linux-gnu
# (the cross toolchain's libc) made cgo binaries hang under qemu.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
images=${1:-$root/models/demo}
dist=${DIST:-$root/dist}
sysroot=${SYSROOT:-$root/.cache/sysroot-arm64}
limit=${QEMU_TIMEOUT:-300}
passed=0 failed=0

for tool in qemu-aarch64 qemu-arm; do
	command -v "$tool" >/dev/null || { echo "qemu-smoke: $tool missing: apt-get install qemu-user" >&2; exit 1; }
done
[[ -d $images ]] || { echo "qemu-smoke: no image folder $images" >&2; exit 1; }

if [[ ! -x $dist/linux-arm64/sliced || ! -x $dist/linux-armv7/sliced || ! -x $dist/linux-arm64-gocv/sliced ]]; then
	DIST=$dist SYSROOT=$sysroot bash cross/build.sh all
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The amd64 reference: the binary `make test` built for the tests, or one
# built here.
amd64=${SLICED_TEST_BIN:-}
if [[ -z $amd64 ]]; then
	amd64=$tmp/sliced-amd64
	go build -o "$amd64" ./cmd/sliced
fi

# labels prints "path label" per image, in the order classify gives them.
labels() {
	timeout "$limit" "$@" classify --json "$images" |
		grep -o '"path":"[^"]*","label":"[^"]*"' |
		sed 's/"path":"\([^"]*\)","label":"\([^"]*\)"/\1 \2/'
}

check() {
	local name=$1
	shift
	if ! labels "$@" >"$tmp/$name.txt"; then
		echo "FAIL $name: classify failed"
		failed=$((failed + 1))
	elif [[ ! -s $tmp/$name.txt ]]; then
		echo "FAIL $name: no labels"
		failed=$((failed + 1))
	elif ! diff -u "$tmp/amd64.txt" "$tmp/$name.txt"; then
		echo "FAIL $name: labels differ from amd64"
		failed=$((failed + 1))
	else
		echo "ok   $name: $(wc -l <"$tmp/$name.txt") images, same labels as amd64"
		passed=$((passed + 1))
	fi
}

labels "$amd64" >"$tmp/amd64.txt"
[[ -s $tmp/amd64.txt ]] || { echo "qemu-smoke: amd64 classify gave no labels for $images" >&2; exit 1; }
echo "amd64: $(wc -l <"$tmp/amd64.txt") images"

check linux-arm64 qemu-aarch64 "$dist/linux-arm64/sliced"
check linux-armv7 qemu-arm "$dist/linux-armv7/sliced"
check linux-arm64-gocv qemu-aarch64 -L "$sysroot" "$dist/linux-arm64-gocv/sliced"

# OpenCV itself under emulation: the smoke program must print the same line.
if pkg-config --exists opencv4 2>/dev/null; then
	go build -tags "${GOCV_TAGS:-gocv}" -o "$tmp/gocvsmoke-amd64" ./cross/internal/gocvsmoke
	want=$("$tmp/gocvsmoke-amd64")
	got=$(timeout "$limit" qemu-aarch64 -L "$sysroot" "$dist/linux-arm64-gocv/gocvsmoke" || true)
	if [[ $got == "$want" ]]; then
		echo "ok   gocvsmoke: $got"
		passed=$((passed + 1))
	else
		echo "FAIL gocvsmoke: arm64 '$got', amd64 '$want'"
		failed=$((failed + 1))
	fi
else
	echo "skip gocvsmoke: no amd64 OpenCV (apt-get install libopencv-dev) to compare with"
fi

echo "qemu-smoke: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
