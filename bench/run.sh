#!/usr/bin/env bash
# Compare Hoard with MinIO on this machine, in one run.
#
#   bench/run.sh [--quick|--full] [--only list] [--keys N] [--against-minio] [--install-only]
#
#   --full           3 rounds, 8 s per warp workload, listing over 100,000 keys, and the
#                    machine's floors (bench/cmd/limits) first (default)
#   --quick          1 round, 4 s per workload, listing over 10,000 keys (smoke run)
#   --only list      load the listing bucket and run only the listing rounds
#                    (no warp workloads, no DeleteObjects; rounds still per mode)
#   --keys N         keys in the listing bucket (same as BENCH_LIST_KEYS); over
#                    100,000 the bucket is filled before the servers start
#                    (see "Listing" below) and timed in full only once a round
#   --against-minio  put a second MinIO where Hoard would be (checks the harness)
#   --install-only   install the pinned MinIO and warp into $(go env GOBIN or GOPATH/bin) and stop
#
# Both servers run on loopback, each on a fresh data directory on the same
# file system, and get the same workloads, taking turns (the order flips
# every workload and every round). For each server and workload the run
# records throughput, request latency (p50/p99), the server's CPU time per
# request (utime+stime from /proc/PID/stat over the measured window) and
# its peak RSS (VmHWM, reset before each workload). Results land in
# bench/out/<timestamp>/: results.jsonl, table.md, report.md, logs and
# warp's per-request data.
#
# Listing: a bucket of N keys (empty objects) is loaded through 32
# concurrent PUTs, and a second one of 1,000 keys beside it; each round
# times first pages of both (list-page-1000[-raw]-at-1k against -at-N) and
# complete listings of the large one. PUTs would take minutes for a
# million keys, so over 100,000 keys the large bucket is filled on disk
# before the servers start: Hoard's through its object service in-process
# (listbench -mode load-hoard), MinIO's by copying the xl.meta of one key
# PUT through the API into every key's directory (-mode clone-minio); the
# load times land in load.txt and the report.
#
# Environment overrides: BENCH_ROUNDS, BENCH_DURATION (e.g. 10s),
# BENCH_LIST_KEYS, BENCH_PORT (first of two ports), BENCH_DIR (where data
# directories go; default under $TMPDIR), BENCH_OUT.
set -euo pipefail

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c # the MinIO source of Feb 2026
WARP_VERSION=v1.3.1

ROOT=$(cd "$(dirname "$0")/.." && pwd)
mode=full
against_minio=0
install_only=0
only=all
keys=
args=("$@")
while (($#)); do
	case $1 in
	--quick) mode=quick ;;
	--full) mode=full ;;
	--against-minio) against_minio=1 ;;
	--install-only) install_only=1 ;;
	--only)
		[[ ${2:-} == list ]] || { echo "--only takes: list" >&2; exit 2; }
		only=list
		shift
		;;
	--keys)
		[[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "--keys takes a positive number" >&2; exit 2; }
		keys=$2
		shift
		;;
	-h | --help)
		sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "unknown argument: $1" >&2
		exit 2
		;;
	esac
	shift
done
set -- "${args[@]}"
if [[ -n $keys ]]; then BENCH_LIST_KEYS=$keys; fi

if [[ $mode == quick ]]; then
	ROUNDS=${BENCH_ROUNDS:-1} DURATION=${BENCH_DURATION:-4s} LIST_KEYS=${BENCH_LIST_KEYS:-10000} LIST_PAGES=50 LIST_FULL=3
else
	ROUNDS=${BENCH_ROUNDS:-3} DURATION=${BENCH_DURATION:-8s} LIST_KEYS=${BENCH_LIST_KEYS:-100000} LIST_PAGES=100 LIST_FULL=1
fi
# Single pages are timed LIST_PAGES times and for at least LIST_MIN_TIME,
# so that the server CPU per page of a fast server is read over enough
# clock ticks to compare a small bucket with a large one.
LIST_MIN_TIME=1s
DELETE_KEYS=$((LIST_KEYS < 10000 ? LIST_KEYS : 10000))
SMALL_KEYS=1000 SMALL_BUCKET=listbench-1k
FAST_LOAD=0
if ((LIST_KEYS > 100000)); then FAST_LOAD=1 LIST_FULL=1; fi
PORT=${BENCH_PORT:-19370}
PORT_A=$PORT PORT_B=$((PORT + 1))
suffix=$mode
if [[ $only == list ]]; then suffix=$mode-list; fi
OUT=${BENCH_OUT:-$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)-$suffix}
mkdir -p "$OUT"
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/hoard-bench.XXXXXX")
BIN=$WORK/bin
RESULTS=$OUT/results.jsonl
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

# --- install and build -------------------------------------------------------
installed_version() { go version -m "$1" 2>/dev/null | awk -v m="$2" '$1 == "mod" && $2 == m { print $3 }'; }

install_tools() {
	if [[ $(installed_version "$GOBIN/minio" github.com/minio/minio) != "$MINIO_VERSION" ]]; then
		log "installing MinIO $MINIO_VERSION"
		go install "github.com/minio/minio@$MINIO_VERSION"
	fi
	if [[ $(installed_version "$GOBIN/warp" github.com/minio/warp) != "$WARP_VERSION" ]]; then
		# warp's version list is not served by the module proxy, so it is
		# resolved from a scratch module that requires it as a tool.
		log "installing warp $WARP_VERSION"
		local tmp
		tmp=$(mktemp -d)
		(
			cd "$tmp"
			export GOFLAGS='' GONOSUMDB=github.com/minio/warp
			go mod init scratch >/dev/null 2>&1
			go mod edit -require="github.com/minio/warp@$WARP_VERSION" -tool=github.com/minio/warp
			go mod tidy
			go install github.com/minio/warp
		)
		rm -rf "$tmp"
	fi
}

build() {
	log "building hoard and the bench tools"
	mkdir -p "$BIN"
	(cd "$ROOT" && go build -o "$BIN/" ./bench/cmd/warprun ./bench/cmd/listbench ./bench/cmd/benchtable ./bench/cmd/limits)
	if ((!against_minio)); then
		(cd "$ROOT" && go build -o "$BIN/hoard" ./cmd/hoard)
	fi
}

describe() {
	{
		echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "mode: $mode$([[ $only == list ]] && echo ', listing only') (rounds $ROUNDS, $DURATION per warp workload, listing over $LIST_KEYS and $SMALL_KEYS keys)"
		echo "cpus: $(nproc) x $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
		echo "memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2/1048576 }' /proc/meminfo)"
		echo "kernel: $(uname -sr)"
		echo "disk: $(df -hT "$WORK" | awk 'NR==2 { print $1, $2, $3 " total," , $5 " free" }')"
		echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
		echo "go: $(go env GOVERSION)"
		echo "minio: github.com/minio/minio $(installed_version "$GOBIN/minio" github.com/minio/minio)"
		echo "warp: github.com/minio/warp $(installed_version "$GOBIN/warp" github.com/minio/warp)"
		echo "hoard: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [[ -n $(git -C "$ROOT" status --porcelain 2>/dev/null) ]] && echo ' (with uncommitted changes)')"
		echo "command: bench/run.sh $*"
	} >"$OUT/machine.txt"
}

# --- workloads ---------------------------------------------------------------
# name|unit|request types counted (empty: all)|warp arguments. warp get
# records its preparation PUTs too, hence GET only. 64 MiB buckets are
# cleaned by warp afterwards (few objects, frees the disk); small-object
# buckets are left alone (cleaning them would take longer than the test).
WORKLOADS=(
	"put-64MiB|MiB/s|PUT|put --obj.size 64MiB --disable-multipart --concurrent 4"
	"get-64MiB|MiB/s|GET|get --obj.size 64MiB --disable-multipart --objects 8 --concurrent 4"
	"put-4KiB|ops/s|PUT|put --obj.size 4KiB --concurrent 16 --noclear"
	"get-4KiB|ops/s|GET|get --obj.size 4KiB --objects 500 --concurrent 16 --noclear"
	"mixed-1MiB|ops/s||mixed --obj.size 1MiB --objects 100 --concurrent 8 --disable-multipart --noclear"
	"multipart-1GiB|MiB/s|PUTPART|multipart-put --parts 16 --part.size 64MiB --part.concurrent 4 --concurrent 1"
)

declare -A PID_OF PORT_OF
run_warp() { # label round spec
	local label=$1 round=$2 name unit only args
	IFS='|' read -r name unit only args <<<"$3"
	local bucket
	bucket=b-${name,,}-r$round
	log "$name round $round on $label"
	# shellcheck disable=SC2086 # args is a word list by design
	"$BIN/warprun" -warp "$GOBIN/warp" -server "$label" -workload "$name" -round "$round" \
		-pid "${PID_OF[$label]}" -unit "$unit" -ops "$only" -benchdata "$OUT/warp/$name-$label-r$round" -out "$RESULTS" \
		-timeout "$((${DURATION%s} + 180))s" -- \
		$args --host "127.0.0.1:${PORT_OF[$label]}" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
		--region us-east-1 --lookup path --duration "$DURATION" --bucket "$bucket"
}

listbench() { # label mode round [flags...]
	"$BIN/listbench" -mode "$2" -endpoint "http://127.0.0.1:${PORT_OF[$1]}" -server "$1" -round "$3" \
		-pid "${PID_OF[$1]}" -keys "$LIST_KEYS" -pages "$LIST_PAGES" -min-time "$LIST_MIN_TIME" -full "$LIST_FULL" -out "$RESULTS" "${@:4}" 2>>"$OUT/listbench.log"
}
small() { listbench "$@" -bucket "$SMALL_BUCKET" -keys "$SMALL_KEYS" -full 0; } # label mode round

# pair runs f for both servers, the first one chosen by parity so that
# neither always goes first.
pair() { # parity f args...
	local parity=$1
	shift
	if ((parity % 2 == 0)); then
		"$@" "$A"
		"$@" "$B"
	else
		"$@" "$B"
		"$@" "$A"
	fi
}
# A failed workload is noted and left out of the table (shown as n/a); the
# run goes on with the next one.
failed() { log "FAILED: $*"; echo "$*" >>"$OUT/failures.txt"; }
warp_on() { run_warp "$3" "$1" "$2" || failed "${2%%|*} round $1 on $3 (see $OUT/warp/)"; } # round spec label
# The two buckets take turns going first, round by round.
list_on() {
	log "listing round $1 on $2"
	if (($1 % 2)); then list_large "$@" && list_small "$@"; else list_small "$@" && list_large "$@"; fi
}
list_large() { listbench "$2" list "$1" || failed "listing round $1 on $2 (see $OUT/listbench.log)"; }
list_small() { small "$2" list "$1" || failed "listing $SMALL_KEYS keys round $1 on $2 (see $OUT/listbench.log)"; }
# DeleteObjects removes the first DELETE_KEYS keys of the listing bucket.
delete_on() {
	log "deleting $DELETE_KEYS keys on $1"
	listbench "$1" delete "$ROUNDS" -keys "$DELETE_KEYS" || failed "deleting $DELETE_KEYS keys on $1 (see $OUT/listbench.log)"
}
load_on() {
	if ((FAST_LOAD)); then
		# Filled before the start; a few HEADs confirm the server sees it.
		log "checking the $LIST_KEYS preloaded keys on $1"
		listbench "$1" check 0 || failed "checking $LIST_KEYS preloaded keys on $1 (see $OUT/listbench.log)"
	else
		log "loading $LIST_KEYS keys on $1"
		listbench "$1" load 0 || failed "loading $LIST_KEYS keys on $1 (see $OUT/listbench.log)"
	fi
	log "loading $SMALL_KEYS keys on $1"
	small "$1" load 0 || failed "loading $SMALL_KEYS keys on $1 (see $OUT/listbench.log)"
}

# --- loading a large listing bucket before the servers start -------------------
# Each step adds a line (keys, seconds, keys/s) to load.txt. A failure
# stops the run: without the bucket there is nothing to measure.
fastload() { # label mode flags...
	"$BIN/listbench" -mode "$2" -data "$WORK/$1-data" -server "$1" -keys "$LIST_KEYS" "${@:3}" \
		-timeout 60m 2>>"$OUT/listbench.log" | tee -a "$OUT/load.txt"
}
preload_hoard() { # label
	log "loading $LIST_KEYS keys into $1's data directory (in-process PutObject)"
	HOARD_ROOT_ACCESS_KEY=$ACCESS_KEY HOARD_ROOT_SECRET_KEY=$SECRET_KEY fastload "$1" load-hoard -concurrency 128
}
# MinIO writes the first key itself, through a PUT while it runs once on
# the directory; every other key is a copy of that key's xl.meta.
preload_minio() { # label port
	local t0=$SECONDS pid
	log "loading $LIST_KEYS keys into $1's data directory (xl.meta copies)"
	start_minio "$1" "$2"
	pid=$!
	"$BIN/listbench" -mode wait -timeout 60s -endpoint "http://127.0.0.1:$2" || return 1
	"$BIN/listbench" -mode load -keys 1 -pid "$pid" -endpoint "http://127.0.0.1:$2" 2>>"$OUT/listbench.log" || return 1
	stop_server "$pid"
	mv "$OUT/$1.log" "$OUT/$1-preload.log"
	fastload "$1" clone-minio -concurrency 8 || return 1
	echo "$1: $((SECONDS - t0)) s in all, with a MinIO start and stop to PUT the first key" | tee -a "$OUT/load.txt"
}
preload() { # label port
	local ok=0
	case $1 in
	hoard) preload_hoard "$1" && ok=1 ;;
	*) preload_minio "$1" "$2" && ok=1 ;;
	esac
	((ok)) || { echo "loading $1 failed; see $OUT/listbench.log and $OUT/$1*.log" >&2; exit 1; }
}

# --- main --------------------------------------------------------------------
start=$(date +%s)
install_tools
if ((install_only)); then
	rmdir "$OUT" 2>/dev/null || true
	exit 0
fi
build
describe "$@"
if [[ $mode == full ]]; then
	log "measuring the machine's floors"
	"$BIN/limits" -dir "$WORK" >"$OUT/limits.md" || failed "bench/cmd/limits"
fi

if ((against_minio)); then
	A=minio-b A_NAME=MinIO-B
else
	A=hoard A_NAME=Hoard
fi
B=minio B_NAME=MinIO
PORT_OF[$A]=$PORT_A PORT_OF[$B]=$PORT_B
for p in "$PORT_A" "$PORT_B"; do
	port_free "$p" || { echo "port $p is in use; set BENCH_PORT" >&2; exit 1; }
done
mkdir -p "$OUT/warp"
if ((FAST_LOAD)); then
	preload "$A" "$PORT_A"
	preload "$B" "$PORT_B"
fi
if ((against_minio)); then start_minio "$A" "$PORT_A"; else start_hoard "$A" "$PORT_A"; fi
PID_OF[$A]=$!
start_minio "$B" "$PORT_B"
PID_OF[$B]=$!
for s in "$A" "$B"; do
	"$BIN/listbench" -mode wait -timeout 60s -endpoint "http://127.0.0.1:${PORT_OF[$s]}" ||
		{ echo "$s did not come up; see $OUT/$s.log" >&2; exit 1; }
done
log "servers up: $A pid ${PID_OF[$A]}, $B pid ${PID_OF[$B]}; results in $OUT"

pair 0 load_on
for round in $(seq "$ROUNDS"); do
	i=0
	if [[ $only == all ]]; then
		for spec in "${WORKLOADS[@]}"; do
			pair $((round + i)) warp_on "$round" "$spec"
			i=$((i + 1))
		done
	fi
	pair $((round + i)) list_on "$round"
done
# DeleteObjects changes the listing bucket, so it runs once, last.
if [[ $only == all ]]; then pair "$ROUNDS" delete_on; fi

"$BIN/benchtable" -results "$RESULTS" -a "$A" -b "$B" -a-name "$A_NAME" -b-name "$B_NAME" >"$OUT/table.md" ||
	echo "(no results)" >"$OUT/table.md"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
echo "elapsed: $(($(date +%s) - start)) s" >>"$OUT/machine.txt"
{
	echo '```'
	cat "$OUT/machine.txt"
	echo '```'
	echo
	cat "$OUT/table.md"
	if [[ -s $OUT/limits.md ]]; then
		echo
		echo "The machine's floors (bench/cmd/limits, on the data directories' disk, before the servers started):"
		echo
		cat "$OUT/limits.md"
	fi
	if [[ -s $OUT/load.txt ]]; then
		echo
		echo "Listing bucket filled before the servers started:"
		sed 's/^/- /' "$OUT/load.txt"
	fi
	if [[ -s $OUT/failures.txt ]]; then
		echo
		echo "Failed runs (left out of the table):"
		sed 's/^/- /' "$OUT/failures.txt"
	fi
} >"$OUT/report.md"
cat "$OUT/report.md"
