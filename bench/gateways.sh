#!/usr/bin/env bash
# Gateways on PostgreSQL beside the embedded engine and MinIO: 4 KiB PUT
# and GET and a 1,000-key listing page (bench/cmd/gwbench) through one,
# two and three hoard gateways sharing one PostgreSQL database (fsync on,
# synchronous_commit on) and one data directory, then one hoard on Pebble
# and one MinIO (when installed; bench/run.sh --install-only). Each setup
# runs alone, one after the other, on this machine. Then the statements
# one PUT costs, from pg_stat_statements.
#
#   bench/gateways.sh          # BENCH_DURATION=10s BENCH_CONCURRENCY=16
#
# Results: bench/out/<timestamp>-gateways/results.jsonl and statements.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${BENCH_DURATION:-10s}
CONC=${BENCH_CONCURRENCY:-16}
PORT=${BENCH_PORT:-19480}
OUT=${BENCH_OUT:-$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)-gateways}
mkdir -p "$OUT"
WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/hoard-gw-bench.XXXXXX")
chmod 755 "$WORK"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

log "building hoard and gwbench"
mkdir -p "$WORK/bin"
(cd "$ROOT" && go build -o "$WORK/bin/" ./cmd/hoard ./bench/cmd/gwbench ./bench/cmd/listbench)

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGPORT=$((PORT + 50))
as_pg=()
[ "$(id -u)" -ne 0 ] || { as_pg=(runuser -u postgres --); mkdir -p "$WORK/pg"; chown postgres "$WORK/pg"; }
log "PostgreSQL ($PGBIN) on port $PGPORT, fsync on"
"${as_pg[@]}" "$PGBIN/initdb" -D "$WORK/pg/data" -U hoard --auth=trust -E UTF8 >"$OUT/initdb.log"
"${as_pg[@]}" "$PGBIN/postgres" -D "$WORK/pg/data" -p "$PGPORT" -k "$WORK/pg" -c listen_addresses=127.0.0.1 \
	-c max_connections=300 -c shared_preload_libraries=pg_stat_statements >"$OUT/postgres.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 100); do "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.1; done
psql_db() { "$PGBIN/psql" -qAt "postgres://hoard@127.0.0.1:$PGPORT/$1" -c "$2"; }

bench_endpoints() { # label endpoints...
	local label=$1
	shift
	local eps
	eps=$(IFS=,; echo "$*")
	for e in "$@"; do "$WORK/bin/listbench" -mode wait -timeout 60s -endpoint "$e"; done
	log "$label"
	"$WORK/bin/gwbench" -label "$label" -endpoints "$eps" -duration "$DURATION" -concurrency "$CONC" | tee -a "$OUT/results.jsonl"
}

# gateways N: N hoard servers on database gN and one shared directory.
gateways() {
	local n=$1 pids=() eps=() i
	psql_db postgres "CREATE DATABASE g$n"
	for i in $(seq 0 $((n - 1))); do
		HOARD_ROOT_ACCESS_KEY=$ACCESS_KEY HOARD_ROOT_SECRET_KEY=$SECRET_KEY "$WORK/bin/hoard" server \
			--data "$WORK/g$n-data" --meta "postgres://hoard@127.0.0.1:$PGPORT/g$n" \
			--address "127.0.0.1:$((PORT + i))" --console-address "" >"$OUT/g$n-$i.log" 2>&1 &
		PIDS+=("$!")
		pids+=("$!")
		eps+=("http://127.0.0.1:$((PORT + i))")
		sleep 0.3 # the first creates the schema and the root keys
	done
	bench_endpoints "hoard-postgres-x$n" "${eps[@]}"
	for i in "${pids[@]}"; do stop_server "$i"; done
}

for n in 1 2 3; do gateways "$n"; done

start_hoard pebble "$PORT"
pid=$!
bench_endpoints hoard-pebble "http://127.0.0.1:$PORT"
stop_server "$pid"

if [ -x "$GOBIN/minio" ]; then
	start_minio minio "$PORT"
	pid=$!
	bench_endpoints minio "http://127.0.0.1:$PORT"
	stop_server "$pid"
fi

log "statements per PUT (pg_stat_statements, one gateway, PUTs only)"
psql_db postgres "CREATE DATABASE stmts"
psql_db stmts "CREATE EXTENSION pg_stat_statements"
HOARD_ROOT_ACCESS_KEY=$ACCESS_KEY HOARD_ROOT_SECRET_KEY=$SECRET_KEY "$WORK/bin/hoard" server \
	--data "$WORK/stmts-data" --meta "postgres://hoard@127.0.0.1:$PGPORT/stmts" \
	--address "127.0.0.1:$PORT" --console-address "" >"$OUT/stmts.log" 2>&1 &
PIDS+=("$!")
pid=$!
"$WORK/bin/listbench" -mode wait -timeout 60s -endpoint "http://127.0.0.1:$PORT"
"$WORK/bin/gwbench" -label stmts -endpoints "http://127.0.0.1:$PORT" -duration 2s -concurrency 1 -put-only >/dev/null
psql_db stmts "SELECT pg_stat_statements_reset()" >/dev/null
"$WORK/bin/gwbench" -label stmts -endpoints "http://127.0.0.1:$PORT" -duration 5s -concurrency 1 -put-only | tee "$OUT/stmts.jsonl"
{
	echo "calls | mean ms | statement (5 s of sequential 4 KiB PUTs)"
	psql_db stmts "SELECT calls, round(mean_exec_time::numeric, 3), left(regexp_replace(query, '\s+', ' ', 'g'), 110)
		FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'stmts') ORDER BY calls DESC LIMIT 12"
} | tee "$OUT/statements.txt"
stop_server "$pid"
log "results in $OUT"
