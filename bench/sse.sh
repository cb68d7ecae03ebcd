#!/usr/bin/env bash
# What encryption at rest costs: 64 MiB PUT and GET throughput and server
# CPU per request for Hoard with SSE-S3 (the default), Hoard with
# --encryption=off (objects stored in plaintext; benchmarks only), MinIO as
# it starts by default (no encryption) and MinIO with SSE-S3 (a static key
# in MINIO_KMS_SECRET_KEY and SSE-S3 as each bucket's default encryption,
# set with the aws CLI), all four on loopback with fresh data directories,
# taking turns (the order rotates every workload and every round).
#
#   bench/sse.sh            # 3 rounds, 10 s per workload
#
# Environment overrides: BENCH_ROUNDS, BENCH_DURATION, BENCH_PORT (first of
# four ports), BENCH_DIR, BENCH_OUT. Needs minio and warp in GOBIN (see
# bench/run.sh --install-only). Results land in bench/out/<timestamp>-sse/:
# results.jsonl, report.md (medians over rounds), logs and warp data.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-10s}
PORT=${BENCH_PORT:-19380}
OUT=${BENCH_OUT:-$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)-sse}
mkdir -p "$OUT/warp"
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/hoard-sse-bench.XXXXXX")
BIN=$WORK/bin
RESULTS=$OUT/results.jsonl
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

log "building hoard and the bench tools"
mkdir -p "$BIN"
(cd "$ROOT" && go build -o "$BIN/" ./cmd/hoard ./bench/cmd/warprun ./bench/cmd/listbench ./bench/cmd/benchtable)

command -v aws >/dev/null || { echo "the aws CLI is needed (to set MinIO's bucket encryption)" >&2; exit 1; }
SERVERS=(hoard-sse hoard-off minio minio-sse)
MINIO_SSE_KEY="bench-key:$(head -c 32 /dev/urandom | base64)"
declare -A PID_OF PORT_OF
i=0
for s in "${SERVERS[@]}"; do
	PORT_OF[$s]=$((PORT + i))
	i=$((i + 1))
	port_free "${PORT_OF[$s]}" || { echo "port ${PORT_OF[$s]} is in use; set BENCH_PORT" >&2; exit 1; }
	case $s in
	hoard-sse) start_hoard "$s" "${PORT_OF[$s]}" --encryption on ;;
	hoard-off) start_hoard "$s" "${PORT_OF[$s]}" --encryption off ;;
	minio) start_minio "$s" "${PORT_OF[$s]}" ;;
	minio-sse) MINIO_KMS_SECRET_KEY=$MINIO_SSE_KEY start_minio "$s" "${PORT_OF[$s]}" ;;
	esac
	PID_OF[$s]=$!
done
for s in "${SERVERS[@]}"; do
	"$BIN/listbench" -mode wait -timeout 60s -endpoint "http://127.0.0.1:${PORT_OF[$s]}" ||
		{ echo "$s did not come up; see $OUT/$s.log" >&2; exit 1; }
done
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "rounds $ROUNDS, $DURATION per workload"
	echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "go: $(go env GOVERSION)"
	echo "minio: $(go version -m "$GOBIN/minio" | awk '$1 == "mod" { print $2, $3; exit }')"
	echo "warp: $(go version -m "$GOBIN/warp" | awk '$1 == "mod" { print $2, $3; exit }')"
	echo "hoard: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (with uncommitted changes)')"
} >"$OUT/machine.txt"

# name|unit|request types counted|warp arguments (warp get also records its
# preparation PUTs, hence GET only).
WORKLOADS=(
	"put-64MiB|MiB/s|PUT|put --obj.size 64MiB --disable-multipart --concurrent 4"
	"get-64MiB|MiB/s|GET|get --obj.size 64MiB --disable-multipart --objects 8 --concurrent 4"
)
# sse_bucket SERVER BUCKET creates the bucket with SSE-S3 as its default
# encryption, which warp then fills (it uses a bucket that exists).
sse_bucket() {
	local aws=(aws --endpoint-url "http://127.0.0.1:${PORT_OF[$1]}" --region us-east-1)
	AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY "${aws[@]}" s3api create-bucket --bucket "$2" >/dev/null &&
		AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY "${aws[@]}" s3api put-bucket-encryption --bucket "$2" \
			--server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
}
run() { # server round spec
	local s=$1 round=$2 name unit only args
	IFS='|' read -r name unit only args <<<"$3"
	log "$name round $round on $s"
	local bucket="b-${name,,}-r$round"
	if [[ $s == minio-sse ]] && ! sse_bucket "$s" "$bucket"; then
		log "FAILED: encrypted bucket for $name round $round on $s"
		echo "$name round $round on $s (bucket encryption)" >>"$OUT/failures.txt"
		return
	fi
	# shellcheck disable=SC2086 # args is a word list by design
	"$BIN/warprun" -warp "$GOBIN/warp" -server "$s" -workload "$name" -round "$round" \
		-pid "${PID_OF[$s]}" -unit "$unit" -ops "$only" -benchdata "$OUT/warp/$name-$s-r$round" -out "$RESULTS" \
		-timeout "$((${DURATION%s} + 180))s" -- \
		$args --host "127.0.0.1:${PORT_OF[$s]}" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
		--region us-east-1 --lookup path --duration "$DURATION" --bucket "$bucket" ||
		{ log "FAILED: $name round $round on $s"; echo "$name round $round on $s" >>"$OUT/failures.txt"; }
}
turn=0
for round in $(seq "$ROUNDS"); do
	for spec in "${WORKLOADS[@]}"; do
		for k in "${!SERVERS[@]}"; do run "${SERVERS[$(((turn + k) % ${#SERVERS[@]}))]}" "$round" "$spec"; done
		turn=$((turn + 1))
	done
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
{
	echo '```'
	cat "$OUT/machine.txt"
	echo '```'
	echo
	echo "SSE-S3 against encryption off:"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard-sse -b hoard-off -a-name "Hoard SSE-S3" -b-name "Hoard off"
	echo
	echo "Both encrypted (SSE-S3):"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard-sse -b minio-sse -a-name "Hoard SSE-S3" -b-name "MinIO SSE-S3"
	echo
	echo "Each server's default (Hoard encrypts, MinIO does not):"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard-sse -b minio -a-name "Hoard SSE-S3" -b-name "MinIO"
	echo
	echo "Neither encrypted:"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard-off -b minio -a-name "Hoard off" -b-name "MinIO"
} >"$OUT/report.md"
cat "$OUT/report.md"
