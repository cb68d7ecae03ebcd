#!/usr/bin/env bash
# What the usage counters cost a 4 KiB PUT: 16 PUTs in flight of new keys
# two prefix levels deep (so each PUT changes the bucket's counters and
# two prefixes'), with the counters on (the default) and off, in the same
# run. Three measurements: the object service on Pebble, the object
# service on PostgreSQL (skipped when postgres is not installed), and end
# to end through aws-sdk-go-v2 over loopback on Pebble. On and off take
# turns (the order flips every round); the table gives medians over the
# rounds of PUTs per second and of the process's CPU time per PUT.
#
#   bench/usage.sh        # 5 rounds of 3 s each; about 4 minutes
#
# Environment overrides: BENCH_ROUNDS, BENCH_TIME.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-5}
TIME=${BENCH_TIME:-3s}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hoard-usage-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
go test -c -o "$WORK/object.test" ./internal/object/
go test -c -o "$WORK/s3api.test" ./internal/s3api/

pair() { if [ $(($1 % 2)) = 1 ]; then echo "$2 $3"; else echo "$3 $2"; fi; }
havepg() { ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; }

{
	for r in $(seq "$ROUNDS"); do
		for v in $(pair "$r" 'UsageServicePut4KiB$' 'UsageServicePut4KiBOff$'); do
			"$WORK/object.test" -test.run XXX -test.bench "$v" -test.benchtime "$TIME" | sed 's/^Benchmark/pebble:Benchmark/'
		done
		if havepg; then
			for v in $(pair "$r" 'UsageServicePut4KiB$' 'UsageServicePut4KiBOff$'); do
				HOARD_TEST_META=postgres "$WORK/object.test" -test.run XXX -test.bench "$v" -test.benchtime "$TIME" 2>/dev/null |
					sed 's/^Benchmark/postgres:Benchmark/'
			done
		fi
		for v in $(pair "$r" 'UsagePut4KiB$' 'UsagePut4KiBOff$'); do
			"$WORK/s3api.test" -test.run XXX -test.bench "$v" -test.benchtime "$TIME" | sed 's/^Benchmark/e2e:Benchmark/'
		done
	done
} | tee "$WORK/raw.txt" | grep Benchmark

# Medians per benchmark: PUTs/s from ns/op (parallel benchmarks report
# wall time per operation), and cpu-ns/op.
echo
echo "| measurement | counters | PUT/s (median) | CPU µs/PUT (median) | rounds |"
echo "|---|---|---|---|---|"
grep Benchmark "$WORK/raw.txt" | awk '
	{ name=$1; sub(/-[0-9]+$/, "", name); ns=0; cpu=0
	  for (i = 2; i <= NF; i++) { if ($(i) == "ns/op") ns=$(i-1); if ($(i) == "cpu-ns/op") cpu=$(i-1) }
	  n[name]++; put[name, n[name]] = 1e9/ns; c[name, n[name]] = cpu/1000 }
	function median(arr, key, k,   i, j, t, v) {
		for (i = 1; i <= k; i++) v[i] = arr[key, i]
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return (k % 2) ? v[(k+1)/2] : (v[k/2] + v[k/2+1]) / 2 }
	END { for (name in n) { split(name, p, ":"); on = (name ~ /Off$/) ? "off" : "on"
		printf "| %s | %s | %.0f | %.1f | %d |\n", p[1], on, median(put, name, n[name]), median(c, name, n[name]), n[name] } }' | sort
