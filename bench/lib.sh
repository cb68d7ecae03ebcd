# Shared by the bench scripts (sourced, not run): credentials, logging, and
# starting and stopping the servers under test. The caller sets ROOT, OUT
# and WORK before sourcing; GOBIN is where MinIO and warp are installed.
# shellcheck shell=bash

ACCESS_KEY=benchroot
SECRET_KEY=benchroot-secret-key-0123456789
export BENCH_ACCESS_KEY=$ACCESS_KEY BENCH_SECRET_KEY=$SECRET_KEY
GOBIN=$(go env GOBIN)
GOBIN=${GOBIN:-$(go env GOPATH)/bin}

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Only the PIDs started here are ever signalled: TERM, up to 10 s to stop,
# then KILL.
PIDS=()
# reap PID waits up to 10 s for a signalled server to stop, then kills it.
reap() {
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do reap "$pid"; done
	# A large listing bucket on MinIO is a million directories; removed by
	# several rm at once (one per bucket subdirectory) it goes about three
	# times as fast as by one, which mostly waits on the journal.
	find "$WORK" -mindepth 3 -maxdepth 3 -type d -print0 2>/dev/null | xargs -0 -r -P 8 -n 4 rm -rf || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stop_server PID stops one server started here and drops it from PIDS.
stop_server() {
	local pid=$1 p rest=()
	kill -TERM "$pid" 2>/dev/null || true
	reap "$pid"
	for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || rest+=("$p"); done
	PIDS=("${rest[@]}")
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_hoard LABEL PORT [FLAGS...] starts bin/hoard on a fresh data
# directory (no console) and adds its PID to PIDS; $! is its PID.
start_hoard() {
	local label=$1 port=$2
	shift 2
	HOARD_ROOT_ACCESS_KEY=$ACCESS_KEY HOARD_ROOT_SECRET_KEY=$SECRET_KEY \
		"$WORK/bin/hoard" server --data "$WORK/$label-data" --address "127.0.0.1:$port" \
		--console-address "" --region us-east-1 "$@" >"$OUT/$label.log" 2>&1 &
	PIDS+=("$!")
}

# start_minio LABEL PORT [FLAGS...] starts a single-drive MinIO the same way.
start_minio() {
	MINIO_ROOT_USER=$ACCESS_KEY MINIO_ROOT_PASSWORD=$SECRET_KEY MINIO_BROWSER=off \
		MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off \
		"$GOBIN/minio" server "$WORK/$1-data" --address "127.0.0.1:$2" --quiet "${@:3}" \
		>"$OUT/$1.log" 2>&1 &
	PIDS+=("$!")
}
