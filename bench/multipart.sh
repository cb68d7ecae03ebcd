#!/usr/bin/env bash
# Large uploads (issue 3): Hoard beside MinIO on loopback.
#
#   bench/multipart.sh [--rounds N] [--size BYTES] [--big BYTES]
#
# 1. Upload time of one file (default 485,000,000 bytes) as a single
#    PutObject and as a multipart upload with 5 MiB parts, six in flight
#    (bench/cmd/accelput, aws-sdk-go-v2), for each server, taking turns
#    (the first server flips every round); medians over the rounds.
# 2. The server's peak memory (VmHWM from /proc/PID/status, reset through
#    /proc/PID/clear_refs just before) during one multipart upload of a
#    2 GiB file, 5 MiB parts, six in flight.
# Every object is deleted after its upload, so disk use stays near the size
# of the files. Results go to bench/out/multipart-<time>/.
set -euo pipefail

rounds=3
size=485000000
big=$((2 << 30))
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--big) big=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds N] [--size BYTES] [--big BYTES]" >&2; exit 2 ;;
	esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORT=${BENCH_PORT:-19380}
OUT=${BENCH_OUT:-$ROOT/bench/out/multipart-$(date -u +%Y%m%dT%H%M%SZ)}
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/hoard-mpbench.XXXXXX")
mkdir -p "$OUT" "$WORK/bin"
RESULTS=$OUT/results.jsonl
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
export AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY

log "building hoard and accelput"
(cd "$ROOT" && go build -o "$WORK/bin/" ./cmd/hoard ./bench/cmd/accelput)

declare -A PID_OF PORT_OF
PORT_OF[hoard]=$PORT PORT_OF[minio]=$((PORT + 1))
start_hoard hoard "${PORT_OF[hoard]}"
PID_OF[hoard]=$!
start_minio minio "${PORT_OF[minio]}"
PID_OF[minio]=$!

endpoint() { echo "http://127.0.0.1:${PORT_OF[$1]}"; }
for s in hoard minio; do
	for _ in $(seq 150); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' "$(endpoint $s)/" || true)" != 000 ] && break
		sleep 0.2
	done
	AWS_CONFIG_FILE=/dev/null aws --endpoint-url "$(endpoint $s)" --region us-east-1 \
		s3api create-bucket --bucket mpbench >/dev/null
done

log "writing test files"
head -c "$size" /dev/urandom >"$WORK/file"
head -c "$big" /dev/urandom >"$WORK/big"

put() { # server mode file key
	local args=(-endpoint "$(endpoint "$1")" -bucket mpbench -key "$4" -file "$3")
	[ "$2" = multipart ] && args+=(-multipart -part-size $((5 << 20)) -parallel 6)
	"$WORK/bin/accelput" "${args[@]}" | jq -c --arg s "$1" --arg m "$2" '. + {server: $s, mode: $m}'
	"$WORK/bin/accelput" -endpoint "$(endpoint "$1")" -bucket mpbench -key "$4" -delete
}

hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }

for round in $(seq "$rounds"); do
	order="hoard minio"
	((round % 2 == 0)) && order="minio hoard"
	for mode in single multipart; do
		for s in $order; do
			log "round $round: $mode on $s"
			put "$s" "$mode" "$WORK/file" "r$round-$mode" | jq -c --argjson r "$round" '. + {round: $r}' | tee -a "$RESULTS"
		done
	done
done

for s in hoard minio; do
	pid=${PID_OF[$s]}
	echo 5 >"/proc/$pid/clear_refs"
	before=$(hwm "$pid")
	log "2 GiB multipart on $s (VmHWM reset to $before KiB)"
	put "$s" multipart "$WORK/big" big | jq -c --argjson b "$before" '. + {hwm_before_kib: $b}' >"$WORK/big.json"
	jq -c --argjson h "$(hwm "$pid")" '. + {peak_rss_kib: $h, mode: "multipart-2GiB"}' "$WORK/big.json" | tee -a "$RESULTS"
done

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "command: bench/multipart.sh --rounds $rounds --size $size --big $big"
	jq -rs '
	  def median: sort | if length % 2 == 1 then .[length/2|floor] else (.[length/2-1] + .[length/2]) / 2 end;
	  (map(select(.mode == "single" or .mode == "multipart")) | group_by([.server, .mode])[] |
	    "\(.[0].server) \(.[0].mode): median \(map(.seconds) | median | . * 100 | round / 100) s over \(length) (\(map(.seconds * 100 | round / 100) | join(", ")) s)"),
	  (map(select(.mode == "multipart-2GiB"))[] |
	    "\(.server) 2 GiB multipart: \(.seconds * 100 | round / 100) s, peak RSS \(.peak_rss_kib / 1024 | round) MiB (\(.hwm_before_kib / 1024 | round) MiB before)")
	' "$RESULTS"
} | tee "$OUT/summary.txt"
