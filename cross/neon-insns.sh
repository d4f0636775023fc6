#!/usr/bin/env bash
# Counts the arm64 instructions one forward pass of conv stacks A and B
# executes, per algorithm (direct, winograd-f4), by running engine/nn's
# BenchmarkConvAlgo under qemu-aarch64 with its translation and execution
# logs: each executed block's instructions, summed per function, for 2N
# passes minus N passes (the setup cancels), divided by N. qemu timings
# are not performance; these counts are what the NEON code does.
#
#   cross/neon-insns.sh [N]     (default 4)
#
# Needs: qemu-user (qemu-aarch64), the go command, awk.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-4}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v qemu-aarch64 >/dev/null || { echo "neon-insns: qemu-aarch64 missing: apt-get install qemu-user" >&2; exit 1; }
(cd "$root/engine/nn" && GOARCH=arm64 CGO_ENABLED=0 go test -c -o "$tmp/nn.test" .)

# count RUNS BENCH: instructions per function over RUNS passes of BENCH.
count() {
	qemu-aarch64 -d in_asm,exec,nochain -D /dev/stderr "$tmp/nn.test" -test.run '^$' \
		-test.bench "^BenchmarkConvAlgo/$2\$" -test.benchtime "$1x" 2>&1 >/dev/null | awk '
		function key(s) { sub(/^0x/, "", s); sub(/:$/, "", s); sub(/^0+/, "", s); return s }
		/^IN:/ { blk = 1; pc = ""; k = 0; next }
		blk && /^0x[0-9a-f]+:/ { if (pc == "") pc = key($1); k++; next }
		blk && /^$/ { if (pc != "") size[pc] = k; blk = 0; next }
		/^Trace/ { split($4, f, "/"); s = $5; for (i = 6; i <= NF; i++) s = s " " $i; sum[s] += size[key(f[2])] }
		END { for (s in sum) print s "\t" sum[s] }'
}

printf "%-28s %-40s %14s\n" "conv stack / algorithm" "function" "instructions"
for top in A B; do
	for algo in direct winograd-f4; do
		count "$n" "$top/$algo" | sort >"$tmp/one"
		count "$((2 * n))" "$top/$algo" | sort >"$tmp/two"
		join -t $'\t' -a 2 -e 0 -o 0,1.2,2.2 "$tmp/one" "$tmp/two" |
			awk -F'\t' -v n="$n" -v name="$top/$algo" '
			# Only functions of the engine: those of the Go runtime (scheduler, GC,
			# signals) vary from run to run.
			$1 ~ /sliced\/engine/ { d = ($3 - $2) / n; if (d > 0) { total += d; f = $1; sub(/.*\/engine\//, "", f); printf "%-28s %-40s %14d\n", name, f, d } }
			END { printf "%-28s %-40s %14d\n\n", name, "total", total }'
	done
done
