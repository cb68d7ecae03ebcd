#!/usr/bin/env bash
# What event notifications cost a PUT: 4 KiB PUTs (warp, 16 concurrent)
# into a bucket whose notification rule covers every object
# (s3:ObjectCreated:*) to a webhook that answers at once (bench/cmd/hooksink),
# beside the same run into a bucket without rules, on Hoard and on MinIO
# (its webhook target MINIO_NOTIFY_WEBHOOK_*, the rule set with the aws CLI).
# The webhook counts the events it got; the report says how many arrived.
#
#   bench/notify.sh     # 3 rounds, 8 s per run
#
# Environment overrides: BENCH_ROUNDS, BENCH_DURATION, BENCH_PORT (first of
# five ports), BENCH_DIR, BENCH_OUT. Needs minio and warp in GOBIN
# (bench/run.sh --install-only) and the aws CLI. Results land in
# bench/out/<timestamp>-notify/.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-8s}
PORT=${BENCH_PORT:-19490}
OUT=${BENCH_OUT:-$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)-notify}
mkdir -p "$OUT/warp"
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/hoard-notify-bench.XXXXXX")
BIN=$WORK/bin
RESULTS=$OUT/results.jsonl
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

command -v aws >/dev/null || { echo "the aws CLI is needed (to set the buckets' notification rules)" >&2; exit 1; }
log "building hoard and the bench tools"
mkdir -p "$BIN"
(cd "$ROOT" && go build -o "$BIN/" ./cmd/hoard ./bench/cmd/warprun ./bench/cmd/benchtable ./bench/cmd/hooksink)

SINK=127.0.0.1:$((PORT + 4))
SERVERS=(hoard hoard-events minio minio-events)
declare -A PID_OF PORT_OF
PORT_OF[hoard]=$PORT PORT_OF[hoard-events]=$((PORT + 1)) PORT_OF[minio]=$((PORT + 2)) PORT_OF[minio-events]=$((PORT + 3))
for p in $PORT $((PORT + 1)) $((PORT + 2)) $((PORT + 3)) $((PORT + 4)); do
	port_free "$p" || { echo "port $p is in use; set BENCH_PORT" >&2; exit 1; }
done

"$BIN/hooksink" -address "$SINK" >"$OUT/hooksink.log" 2>&1 &
PIDS+=("$!")
start_hoard hoard "${PORT_OF[hoard]}"
PID_OF[hoard]=$!
start_hoard hoard-events "${PORT_OF[hoard-events]}" --notify-target "hook=http://$SINK/hoard"
PID_OF[hoard-events]=$!
start_minio minio "${PORT_OF[minio]}"
PID_OF[minio]=$!
MINIO_NOTIFY_WEBHOOK_ENABLE_HOOK=on MINIO_NOTIFY_WEBHOOK_ENDPOINT_HOOK="http://$SINK/minio" \
	start_minio minio-events "${PORT_OF[minio-events]}"
PID_OF[minio-events]=$!
for s in "${SERVERS[@]}"; do
	for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/${PORT_OF[$s]}") 2>/dev/null && break; sleep 0.2; done
done
sleep 2 # MinIO answers before its targets are loaded

{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "rounds $ROUNDS, $DURATION per run; warp put --obj.size 4KiB --concurrent 16"
	echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "go: $(go env GOVERSION)"
	echo "minio: $(go version -m "$GOBIN/minio" | awk '$1 == "mod" { print $2, $3; exit }')"
	echo "warp: $(go version -m "$GOBIN/warp" | awk '$1 == "mod" { print $2, $3; exit }')"
	echo "hoard: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$([[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (with uncommitted changes)')"
} >"$OUT/machine.txt"

awsc() { # server args...
	AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY aws --endpoint-url "http://127.0.0.1:${PORT_OF[$1]}" \
		--region us-east-1 "${@:2}"
}
# watched_bucket creates the bucket and, on the servers with events, the
# rule that sends an event for every object created.
watched_bucket() { # server bucket
	awsc "$1" s3api create-bucket --bucket "$2" >/dev/null || return 1
	local arn
	case $1 in
	hoard-events) arn=arn:aws:sqs:us-east-1:123456789012:hook ;;
	minio-events) arn=arn:minio:sqs::HOOK:webhook ;;
	*) return 0 ;;
	esac
	awsc "$1" s3api put-bucket-notification-configuration --bucket "$2" --notification-configuration \
		"{\"QueueConfigurations\":[{\"Id\":\"all\",\"QueueArn\":\"$arn\",\"Events\":[\"s3:ObjectCreated:*\"]}]}"
}
failed() { log "FAILED: $*"; echo "$*" >>"$OUT/failures.txt"; }
events() { curl -fsS "http://$SINK/count"; }
run_put() { # server round
	local s=$1 round=$2 bucket="b-put-r$2"
	log "put-4KiB round $round on $s"
	watched_bucket "$s" "$bucket" || { failed "bucket for round $round on $s"; return; }
	local before
	before=$(events)
	"$BIN/warprun" -warp "$GOBIN/warp" -server "$s" -workload put-4KiB -round "$round" \
		-pid "${PID_OF[$s]}" -unit ops/s -ops PUT -benchdata "$OUT/warp/put-4KiB-$s-r$round" -out "$RESULTS" \
		-timeout "$((${DURATION%s} + 180))s" -- \
		put --obj.size 4KiB --concurrent 16 --noclear --host "127.0.0.1:${PORT_OF[$s]}" --access-key "$ACCESS_KEY" \
		--secret-key "$SECRET_KEY" --region us-east-1 --lookup path --duration "$DURATION" --bucket "$bucket" ||
		failed "put-4KiB round $round on $s"
	if [[ $s == *-events ]]; then
		sleep 3 # let the last events arrive
		echo "$s round $round: $(($(events) - before)) events received" | tee -a "$OUT/events.txt" >&2
	fi
}
turn=0
for round in $(seq "$ROUNDS"); do
	for k in 0 1 2 3; do run_put "${SERVERS[$(((turn + k) % 4))]}" "$round"; done
	turn=$((turn + 1))
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
{
	echo '```'
	cat "$OUT/machine.txt"
	echo '```'
	echo
	echo "Hoard with a rule on every object (left) and without rules (right):"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard-events -b hoard -a-name "Hoard, events" -b-name "Hoard, no rules"
	echo
	echo "With events, Hoard (left) and MinIO (right):"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard-events -b minio-events -a-name "Hoard, events" -b-name "MinIO, events"
	echo
	echo "Without rules, Hoard (left) and MinIO (right):"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard -b minio -a-name "Hoard" -b-name "MinIO"
	echo
	echo "Events received by the webhook (warp's PUTs per run are in warp/):"
	sed 's/^/- /' "$OUT/events.txt"
	if [[ -s $OUT/failures.txt ]]; then
		echo
		echo "Failed runs (left out of the tables):"
		sed 's/^/- /' "$OUT/failures.txt"
	fi
} >"$OUT/report.md"
cat "$OUT/report.md"
