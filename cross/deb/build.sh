#!/usr/bin/env bash
# Builds the sliced .deb packages (`make deb`).
#
#   cross/deb/build.sh [ARCH...]      (default: amd64 arm64)
#
# Each package holds the static pure-Go binary for its architecture (it runs on
# Debian 12, Raspberry Pi OS and the Jetson Nano's Ubuntu 18.04 alike), the
# systemd unit, sysusers.d and tmpfiles.d entries, the default config as a
# conffile, the Prometheus/Grafana examples, and maintainer scripts that create
# the user and the API token and enable the service.
#
# Env: DIST (output folder, default dist; packages go to $DIST/deb),
#      VERSION (default from git), SLICED_BINARY_<arch> (package this binary
#      instead of building cmd/sliced), NFPM (an nfpm binary to use).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dist=${DIST:-$root/dist}
out=$dist/deb
nfpm_version=v2.45.2
arches=("$@")
[[ ${#arches[@]} -gt 0 ]] || arches=(amd64 arm64)

# Debian versions must start with a digit; untagged trees get 0.0.0~git.
version=${VERSION:-}
if [[ -z $version ]]; then
	tag=$(git describe --tags --abbrev=0 2>/dev/null || true)
	rev=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
	date=$(git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null || date -u +%Y%m%d)
	version=${tag#v}
	version=${version:-0.0.0}~git$date.$rev
fi

nfpm=${NFPM:-}
if [[ -z $nfpm ]]; then
	nfpm=$root/.tools/nfpm-$nfpm_version
	if [[ ! -x $nfpm ]]; then
		echo "deb: installing nfpm $nfpm_version into .tools/"
		tmp=$(mktemp -d)
		GOBIN=$tmp GOFLAGS=-buildvcs=false go install "github.com/goreleaser/nfpm/v2/cmd/nfpm@$nfpm_version"
		mkdir -p "$(dirname "$nfpm")"
		mv "$tmp/nfpm" "$nfpm"
		rm -rf "$tmp"
	fi
fi

mkdir -p "$out"
for arch in "${arches[@]}"; do
	case $arch in
	amd64 | arm64) ;;
	*)
		echo "deb: architecture $arch: want amd64 or arm64" >&2
		exit 2
		;;
	esac
	var=SLICED_BINARY_$arch
	bin=${!var:-}
	if [[ -z $bin ]]; then
		bin=$dist/linux-$arch/sliced
		echo "deb: building $bin"
		CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -ldflags="-s -w" -o "$bin" ./cmd/sliced
	fi
	[[ -x $bin ]] || { echo "deb: $bin is not an executable" >&2; exit 1; }

	cfg=$out/nfpm-$arch.yaml
	sed -e "s|@ARCH@|$arch|" -e "s|@VERSION@|$version|" -e "s|@BINARY@|$bin|" cross/deb/nfpm.yaml >"$cfg"
	target=$out/sliced_${version}_$arch.deb
	rm -f "$target"
	"$nfpm" package --config "$cfg" --packager deb --target "$target"
	rm -f "$cfg"
done
ls -l "$out"/*.deb
