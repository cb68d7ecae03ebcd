#!/usr/bin/env bash
# What TLS costs: 64 MiB and 4 KiB PUT and GET with warp against Hoard over
# plain HTTP and over HTTPS (--tls-cert, TLS 1.3 with AES-128-GCM), and
# MinIO the same two ways (--certs-dir), all four on loopback with fresh
# data directories and the same self-signed certificate, taking turns
# (the order rotates every workload and every round). Then
# bench/cmd/tlscost: CPU per GiB of AES-GCM on the wire (TLS over
# loopback against plain TCP) and at rest (AES-256-GCM packages).
#
#   bench/tls.sh            # 2 rounds, 8 s per workload
#
# Environment overrides: BENCH_ROUNDS, BENCH_DURATION, BENCH_PORT (first of
# four ports), BENCH_DIR, BENCH_OUT. Needs minio and warp in GOBIN (see
# bench/run.sh --install-only). Results land in bench/out/<timestamp>-tls/:
# results.jsonl, report.md (medians over rounds), logs and warp data.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-2}
DURATION=${BENCH_DURATION:-8s}
PORT=${BENCH_PORT:-19480}
OUT=${BENCH_OUT:-$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)-tls}
mkdir -p "$OUT/warp"
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/hoard-tls-bench.XXXXXX")
BIN=$WORK/bin
RESULTS=$OUT/results.jsonl
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

log "building hoard and the bench tools"
mkdir -p "$BIN"
(cd "$ROOT" && go build -o "$BIN/" ./cmd/hoard ./bench/cmd/warprun ./bench/cmd/benchtable ./bench/cmd/tlscost)

# One certificate for both servers (MinIO reads public.crt/private.key).
CERTS=$WORK/certs
"$BIN/hoard" admin cert --hosts 127.0.0.1,localhost --out "$CERTS" >/dev/null
cp "$CERTS/hoard.crt" "$CERTS/public.crt"
cp "$CERTS/hoard.key" "$CERTS/private.key"

SERVERS=(hoard hoard-tls minio minio-tls)
declare -A PID_OF PORT_OF SCHEME_OF
i=0
for s in "${SERVERS[@]}"; do
	PORT_OF[$s]=$((PORT + i))
	i=$((i + 1))
	port_free "${PORT_OF[$s]}" || { echo "port ${PORT_OF[$s]} is in use; set BENCH_PORT" >&2; exit 1; }
	SCHEME_OF[$s]=http
	case $s in
	hoard) start_hoard "$s" "${PORT_OF[$s]}" ;;
	hoard-tls) start_hoard "$s" "${PORT_OF[$s]}" --tls-cert "$CERTS/hoard.crt" --tls-key "$CERTS/hoard.key"; SCHEME_OF[$s]=https ;;
	minio) start_minio "$s" "${PORT_OF[$s]}" ;;
	minio-tls) start_minio "$s" "${PORT_OF[$s]}" --certs-dir "$CERTS"; SCHEME_OF[$s]=https ;;
	esac
	PID_OF[$s]=$!
done
health() {
	case $1 in
	hoard*) echo /health ;;
	*) echo /minio/health/live ;;
	esac
}
for s in "${SERVERS[@]}"; do
	up=0
	for _ in $(seq 120); do
		if curl -sf --cacert "$CERTS/hoard.crt" "${SCHEME_OF[$s]}://127.0.0.1:${PORT_OF[$s]}$(health "$s")" >/dev/null; then up=1; break; fi
		sleep 0.5
	done
	((up)) || { echo "$s did not come up; see $OUT/$s.log" >&2; exit 1; }
done
{
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "rounds $ROUNDS, $DURATION per workload"
	echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "aes: $(grep -qw aes /proc/cpuinfo && echo AES-NI || echo none) $(grep -qw vaes /proc/cpuinfo && echo VAES)"
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
	"put-4KiB|ops/s|PUT|put --obj.size 4KiB --concurrent 16"
	"get-4KiB|ops/s|GET|get --obj.size 4KiB --objects 1000 --concurrent 16"
)
run() { # server round spec
	local s=$1 round=$2 name unit only args tlsargs=()
	IFS='|' read -r name unit only args <<<"$3"
	[[ ${SCHEME_OF[$s]} == https ]] && tlsargs=(--tls --insecure)
	log "$name round $round on $s"
	# shellcheck disable=SC2086 # args is a word list by design
	"$BIN/warprun" -warp "$GOBIN/warp" -server "$s" -workload "$name" -round "$round" \
		-pid "${PID_OF[$s]}" -unit "$unit" -ops "$only" -benchdata "$OUT/warp/$name-$s-r$round" -out "$RESULTS" \
		-timeout "$((${DURATION%s} + 180))s" -- \
		$args "${tlsargs[@]}" --host "127.0.0.1:${PORT_OF[$s]}" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
		--region us-east-1 --lookup path --duration "$DURATION" --bucket "b-${name,,}-r$round" ||
		{ log "FAILED: $name round $round on $s"; echo "$name round $round on $s" >>"$OUT/failures.txt"; }
}
turn=0
for round in $(seq "$ROUNDS"); do
	for spec in "${WORKLOADS[@]}"; do
		for k in "${!SERVERS[@]}"; do run "${SERVERS[$(((turn + k) % ${#SERVERS[@]}))]}" "$round" "$spec"; done
		turn=$((turn + 1))
	done
done
for s in "${SERVERS[@]}"; do stop_server "${PID_OF[$s]}"; done
log "AES-GCM per GiB (bench/cmd/tlscost)"
"$BIN/tlscost" -gib 2 >"$OUT/tlscost.txt"

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
{
	echo '```'
	cat "$OUT/machine.txt"
	echo '```'
	echo
	echo "Hoard, HTTPS against plain HTTP:"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard-tls -b hoard -a-name "Hoard TLS" -b-name "Hoard HTTP"
	echo
	echo "MinIO, HTTPS against plain HTTP:"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a minio-tls -b minio -a-name "MinIO TLS" -b-name "MinIO HTTP"
	echo
	echo "Both over HTTPS:"
	echo
	"$BIN/benchtable" -results "$RESULTS" -a hoard-tls -b minio-tls -a-name "Hoard TLS" -b-name "MinIO TLS"
	echo
	echo '```'
	cat "$OUT/tlscost.txt"
	echo '```'
} >"$OUT/report.md"
cat "$OUT/report.md"
