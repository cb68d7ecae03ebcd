#!/usr/bin/env bash
# What sealing object metadata (--encrypt-metadata, on by default) costs:
# the Go benchmarks of a 1,000-key listing page, HEAD and GET of a 1 KiB
# object with metadata, plain and sealed, in the object service and end to
# end through aws-sdk-go-v2. Plain and sealed take turns (the order flips
# every round); the table gives medians over the rounds of wall time and
# of the process's CPU time per operation (cpu-ns/op), which a machine
# busy with other work distorts much less than wall time.
#
#   bench/metaseal.sh        # 6 rounds in the object service, 4 end to end; about 6 minutes
#
# Environment overrides: BENCH_ROUNDS (object service), BENCH_E2E_ROUNDS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-6}
E2E_ROUNDS=${BENCH_E2E_ROUNDS:-4}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hoard-metaseal-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
go test -c -o "$WORK/object.test" ./internal/object/
go test -c -o "$WORK/s3api.test" ./internal/s3api/

# pair prints "plain sealed" or "sealed plain" by round.
pair() { if [ $(($1 % 2)) = 1 ]; then echo "$2 $3"; else echo "$3 $2"; fi; }

{
	for r in $(seq "$ROUNDS"); do
		for v in $(pair "$r" plain sealed); do
			"$WORK/object.test" -test.run XXX -test.bench "MetadataSealing/$v/|DecodeListed/$v" \
				-test.benchtime 1s -test.benchmem
		done
	done
	for r in $(seq "$E2E_ROUNDS"); do
		for op in List1000 Head Get1KiB; do
			for v in $(pair "$r" "$op\$" "${op}Sealed\$"); do
				"$WORK/s3api.test" -test.run XXX -test.bench "Metadata$v" -test.benchtime 2s
			done
		done
	done
} | grep '^Benchmark' | tee "$WORK/raw.txt"

echo
echo "| Benchmark | Runs | ns/op | cpu-ns/op |"
echo "|---|--:|--:|--:|"
awk '
function median(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	for (i = 3; i < NF; i++) {
		if ($(i + 1) == "ns/op") wall[$1] = wall[$1] " " $i
		if ($(i + 1) == "cpu-ns/op") cpu[$1] = cpu[$1] " " $i
	}
	runs[$1]++
}
END {
	for (k in runs) printf "| %s | %d | %.0f | %.0f |\n", k, runs[k], median(wall[k]), median(cpu[k])
}' "$WORK/raw.txt" | sort
