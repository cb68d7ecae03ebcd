#!/usr/bin/env bash
# Versioned buckets, Hoard against MinIO with versioning on in both: 4 KiB
# PUT and GET (warp, into buckets whose versioning is enabled before warp
# starts; a 4 KiB PUT into an unversioned bucket beside them) and
# ListObjectVersions pages of 1,000 entries from a bucket of KEYS keys with
# VERSIONS versions each and from one of 200 keys with 10 versions each
# (listbench -mode list-versions: the first page and one from a key marker
# in the middle, raw and decoded by aws-sdk-go-v2).
#
#   bench/versioning.sh     # 2 rounds, 6 s per warp workload, 100,000 keys x 10 versions
#
# The versions bucket is filled before the servers start, as bench/run.sh
# does for a million keys: Hoard's through its object service in-process
# (listbench -mode load-hoard -versions V), MinIO's by PUTting V versions of
# the first key through the API and copying that key's xl.meta, which holds
# all V versions, into every other key's directory (-mode clone-minio).
#
# Environment overrides: BENCH_ROUNDS, BENCH_DURATION, BENCH_KEYS,
# BENCH_VERSIONS, BENCH_PORT (first of two ports), BENCH_DIR, BENCH_OUT.
# Needs minio and warp in GOBIN (bench/run.sh --install-only) and the aws
# CLI. Results land in bench/out/<timestamp>-versioning/.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-2}
DURATION=${BENCH_DURATION:-6s}
KEYS=${BENCH_KEYS:-100000}
VERSIONS=${BENCH_VERSIONS:-10}
PORT=${BENCH_PORT:-19390}
OUT=${BENCH_OUT:-$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)-versioning}
mkdir -p "$OUT/warp"
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/hoard-versioning-bench.XXXXXX")
BIN=$WORK/bin
RESULTS=$OUT/results.jsonl
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

command -v aws >/dev/null || { echo "the aws CLI is needed (to enable versioning before warp runs)" >&2; exit 1; }
log "building hoard and the bench tools"
mkdir -p "$BIN"
(cd "$ROOT" && go build -o "$BIN/" ./cmd/hoard ./bench/cmd/warprun ./bench/cmd/listbench ./bench/cmd/benchtable)

SERVERS=(hoard minio)
declare -A PID_OF PORT_OF
PORT_OF[hoard]=$PORT PORT_OF[minio]=$((PORT + 1))
for s in "${SERVERS[@]}"; do
	port_free "${PORT_OF[$s]}" || { echo "port ${PORT_OF[$s]} is in use; set BENCH_PORT" >&2; exit 1; }
done

# --- the versions bucket, filled before the servers start ---------------------
LB=(-bucket versions -keys "$KEYS" -versions "$VERSIONS")
fastload() { # label mode flags...
	"$BIN/listbench" -mode "$2" -data "$WORK/$1-data" -server "$1" "${LB[@]}" "${@:3}" \
		-timeout 60m 2>>"$OUT/listbench.log" | tee -a "$OUT/load.txt"
}
log "loading $KEYS keys x $VERSIONS versions into Hoard's data directory (in-process PutObject)"
HOARD_ROOT_ACCESS_KEY=$ACCESS_KEY HOARD_ROOT_SECRET_KEY=$SECRET_KEY fastload hoard load-hoard -concurrency 128
log "loading $KEYS keys x $VERSIONS versions into MinIO's data directory (xl.meta copies)"
start_minio minio "${PORT_OF[minio]}"
pid=$!
"$BIN/listbench" -mode wait -timeout 60s -endpoint "http://127.0.0.1:${PORT_OF[minio]}"
"$BIN/listbench" -mode load -endpoint "http://127.0.0.1:${PORT_OF[minio]}" -pid "$pid" -bucket versions -keys 1 \
	-versions "$VERSIONS" -concurrency 1 2>>"$OUT/listbench.log"
stop_server "$pid"
mv "$OUT/minio.log" "$OUT/minio-preload.log"
fastload minio clone-minio -concurrency 8

start_hoard hoard "${PORT_OF[hoard]}"
PID_OF[hoard]=$!
start_minio minio "${PORT_OF[minio]}"
PID_OF[minio]=$!
for s in "${SERVERS[@]}"; do
	"$BIN/listbench" -mode wait -timeout 60s -endpoint "http://127.0.0.1:${PORT_OF[$s]}" ||
		{ echo "$s did not come up; see $OUT/$s.log" >&2; exit 1; }
	"$BIN/listbench" -mode check -endpoint "http://127.0.0.1:${PORT_OF[$s]}" -bucket versions -keys "$KEYS" 2>>"$OUT/listbench.log" ||
		{ echo "$s does not see the loaded bucket; see $OUT/listbench.log" >&2; exit 1; }
done
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "rounds $ROUNDS, $DURATION per warp workload; versions buckets $KEYS keys x $VERSIONS versions and 200 x 10"
	echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "go: $(go env GOVERSION)"
	echo "minio: $(go version -m "$GOBIN/minio" | awk '$1 == "mod" { print $2, $3; exit }')"
	echo "warp: $(go version -m "$GOBIN/warp" | awk '$1 == "mod" { print $2, $3; exit }')"
	echo "hoard: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (with uncommitted changes)')"
} >"$OUT/machine.txt"

# --- workloads -----------------------------------------------------------------
WORKLOADS=(
	"put-4KiB-unversioned|ops/s|PUT|put --obj.size 4KiB --concurrent 16 --noclear"
	"put-4KiB-versioned|ops/s|PUT|put --obj.size 4KiB --concurrent 16 --noclear"
	"get-4KiB-versioned|ops/s|GET|get --obj.size 4KiB --objects 500 --concurrent 16 --noclear"
)
versioned_bucket() { # server bucket
	local aws=(aws --endpoint-url "http://127.0.0.1:${PORT_OF[$1]}" --region us-east-1)
	AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY "${aws[@]}" s3api create-bucket --bucket "$2" >/dev/null &&
		AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY "${aws[@]}" s3api put-bucket-versioning --bucket "$2" \
			--versioning-configuration Status=Enabled
}
failed() { log "FAILED: $*"; echo "$*" >>"$OUT/failures.txt"; }
run_warp() { # server round spec
	local s=$1 round=$2 name unit only args
	IFS='|' read -r name unit only args <<<"$3"
	log "$name round $round on $s"
	local bucket="b-${name,,}-r$round"
	if [[ $name == *-versioned ]]; then
		versioned_bucket "$s" "$bucket" || { failed "versioned bucket for $name round $round on $s"; return; }
	fi
	# shellcheck disable=SC2086 # args is a word list by design
	"$BIN/warprun" -warp "$GOBIN/warp" -server "$s" -workload "$name" -round "$round" \
		-pid "${PID_OF[$s]}" -unit "$unit" -ops "$only" -benchdata "$OUT/warp/$name-$s-r$round" -out "$RESULTS" \
		-timeout "$((${DURATION%s} + 180))s" -- \
		$args --host "127.0.0.1:${PORT_OF[$s]}" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
		--region us-east-1 --lookup path --duration "$DURATION" --bucket "$bucket" ||
		failed "$name round $round on $s"
}
SMALL=(-bucket versions-small -keys 200 -versions 10)
list_versions() { # server round
	log "list-versions round $2 on $1"
	local lb=("$BIN/listbench" -mode list-versions -endpoint "http://127.0.0.1:${PORT_OF[$1]}" -server "$1" -round "$2"
		-pid "${PID_OF[$1]}" -pages 100 -min-time 1s -out "$RESULTS")
	"${lb[@]}" "${LB[@]}" 2>>"$OUT/listbench.log" || failed "list-versions round $2 on $1"
	"${lb[@]}" "${SMALL[@]}" 2>>"$OUT/listbench.log" || failed "list-versions (small bucket) round $2 on $1"
}
for s in "${SERVERS[@]}"; do
	log "loading 200 keys x 10 versions on $s"
	"$BIN/listbench" -mode load -endpoint "http://127.0.0.1:${PORT_OF[$s]}" -pid "${PID_OF[$s]}" "${SMALL[@]}" \
		-concurrency 16 2>>"$OUT/listbench.log" || { echo "loading the small versions bucket on $s failed" >&2; exit 1; }
done
turn=0
for round in $(seq "$ROUNDS"); do
	for spec in "${WORKLOADS[@]}"; do
		for k in 0 1; do run_warp "${SERVERS[$(((turn + k) % 2))]}" "$round" "$spec"; done
		turn=$((turn + 1))
	done
	for k in 0 1; do list_versions "${SERVERS[$(((turn + k) % 2))]}" "$round"; done
	turn=$((turn + 1))
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
{
	echo '```'
	cat "$OUT/machine.txt"
	echo '```'
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard -b minio -a-name Hoard -b-name MinIO
	echo
	echo "Versions bucket filled before the servers started:"
	sed 's/^/- /' "$OUT/load.txt"
	if [[ -s $OUT/failures.txt ]]; then
		echo
		echo "Failed runs (left out of the table):"
		sed 's/^/- /' "$OUT/failures.txt"
	fi
} >"$OUT/report.md"
cat "$OUT/report.md"
