#!/usr/bin/env bash
# Transfer acceleration experiment (issue 8): Amazon's four cases, single
# PUT or 5 MiB x 6 multipart, direct to a far origin or through a near
# edge, over an emulated wide-area network on this machine.
#
#   sudo bench/accel/run.sh [--size BYTES] [--rounds N] [--cases LIST]
#
# Three network namespaces (client, edge, origin) are joined by
# bench/cmd/netem, which runs in the initial namespace and routes between
# TUN devices it moves into them; addresses are 10.200.N.1 inside the
# namespaces only, so no traffic leaves the machine. Everything is torn
# down on exit (also on error or Ctrl-C).
#
# Emulated network (override with environment variables):
#   client uplink      79 Mbit/s, 50 ms drop-tail queue     (ACCEL_UPLINK, ACCEL_QUEUE)
#   client <-> origin  150 ms RTT, 0.01 % loss each way      (ACCEL_CO_DELAY one-way, ACCEL_CO_LOSS)
#   client <-> edge     10 ms RTT, 0.01 % loss each way      (ACCEL_CE_DELAY, ACCEL_CE_LOSS)
#   edge   <-> origin  140 ms RTT, 0.001 % loss each way     (ACCEL_EO_DELAY, ACCEL_EO_LOSS)
# The client's sockets use CUBIC (the common default; ACCEL_CLIENT_CC); the
# edge's origin connections use BBR (ACCEL_EDGE_CC), part of its tuning.
# Both are set per socket, so the machine's settings stay untouched. The
# edge relays over a pool of HTTP/1.1 connections, or over HTTP/2 without
# TLS with ACCEL_ORIGIN_PROTOCOL=h2c.
set -euo pipefail

size=485000000
rounds=1
cases="single-direct multipart-direct single-edge multipart-edge"
while [ $# -gt 0 ]; do
	case "$1" in
	--size) size=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--cases) cases=$2; shift 2 ;;
	*) echo "usage: $0 [--size BYTES] [--rounds N] [--cases 'single-direct ...']" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "run as root (network namespaces)" >&2; exit 1; }

UPLINK=${ACCEL_UPLINK:-79M}
QUEUE=${ACCEL_QUEUE:-50ms}
CO_DELAY=${ACCEL_CO_DELAY:-75ms}; CO_LOSS=${ACCEL_CO_LOSS:-0.0001}
CE_DELAY=${ACCEL_CE_DELAY:-5ms}; CE_LOSS=${ACCEL_CE_LOSS:-0.0001}
EO_DELAY=${ACCEL_EO_DELAY:-70ms}; EO_LOSS=${ACCEL_EO_LOSS:-0.00001}
EDGE_CC=${ACCEL_EDGE_CC:-bbr}
CLIENT_CC=${ACCEL_CLIENT_CC:-cubic}
ORIGIN_PROTOCOL=${ACCEL_ORIGIN_PROTOCOL:-http1} # edge to origin: http1 or h2c
CASE_TIMEOUT=${ACCEL_CASE_TIMEOUT:-900}

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hoard-accel.XXXXXX")
OUT=${ACCEL_OUT:-$ROOT/bench/out/accel-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
NS_C=hoardacc-c NS_E=hoardacc-e NS_O=hoardacc-o
pids=()

cleanup() {
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for ns in $NS_C $NS_E $NS_O; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

echo "building into $WORK/bin"
mkdir -p "$WORK/bin"
(cd "$ROOT" && CGO_ENABLED=0 go build -o "$WORK/bin/" ./cmd/hoard ./bench/cmd/netem ./bench/cmd/accelput)

FILE=${ACCEL_FILE:-${TMPDIR:-/tmp}/hoard-accel-$size.bin}
if [ ! -f "$FILE" ] || [ "$(stat -c %s "$FILE")" != "$size" ]; then
	echo "writing $size random bytes to $FILE"
	head -c "$size" /dev/urandom >"$FILE"
fi

for ns in $NS_C $NS_E $NS_O; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done

"$WORK/bin/netem" -dev hacc1,hacc2,hacc3 -rate "1=$UPLINK" -queue "$QUEUE" \
	-path "1-3=$CO_DELAY/$CO_LOSS" -path "1-2=$CE_DELAY/$CE_LOSS" -path "2-3=$EO_DELAY/$EO_LOSS" \
	>"$OUT/netem.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do grep -q ready "$OUT/netem.log" && break; sleep 0.1; done
i=1
for ns in $NS_C $NS_E $NS_O; do
	ip link set "hacc$i" netns "$ns"
	ip -n "$ns" addr add "10.200.$i.1/32" dev "hacc$i"
	ip -n "$ns" link set "hacc$i" mtu 1500 up
	ip -n "$ns" route add 10.200.0.0/16 dev "hacc$i"
	i=$((i + 1))
done

export AWS_ACCESS_KEY_ID=HOARDACCELBENCHKEY01 AWS_SECRET_ACCESS_KEY=hoard-accel-bench-secret-0123456789abcdef
head -c 32 /dev/urandom | base64 >"$WORK/edge-secret"
HOARD_ROOT_ACCESS_KEY=$AWS_ACCESS_KEY_ID HOARD_ROOT_SECRET_KEY=$AWS_SECRET_ACCESS_KEY \
	ip netns exec $NS_O "$WORK/bin/hoard" server --data "$WORK/data" --address 10.200.3.1:9000 \
	--domain bench.test --edge-secret-file "$WORK/edge-secret" --log-level warn \
	$([ "$ORIGIN_PROTOCOL" = h2c ] && echo --h2c) >"$OUT/origin.log" 2>&1 &
pids+=($!)
ip netns exec $NS_E "$WORK/bin/hoard" edge --origin http://10.200.3.1:9000 --address 10.200.2.1:9001 \
	--domain bench.test --secret-file "$WORK/edge-secret" --origin-congestion "$EDGE_CC" --origin-protocol "$ORIGIN_PROTOCOL" --log-level warn >"$OUT/edge.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	ip netns exec $NS_C curl -fs http://10.200.2.1:9001/health >/dev/null 2>&1 && break
	sleep 0.2
done
ip netns exec $NS_C curl -fsS http://10.200.2.1:9001/health
echo
# TCP connect time is one round trip.
echo "client->origin connect: $(ip netns exec $NS_C curl -s -o /dev/null -w '%{time_connect}' http://10.200.3.1:9000/health) s"
echo "client->edge connect:   $(ip netns exec $NS_C curl -s -o /dev/null -w '%{time_connect}' http://10.200.2.1:9001/health) s"
ip netns exec $NS_C "$WORK/bin/accelput" -endpoint http://10.200.3.1:9000 -bucket accel -setup

run_case() { # name round
	local args=(-bucket accel -key "$1-$2" -file "$FILE" -cc "$CLIENT_CC")
	case $1 in
	*-direct) args+=(-endpoint http://10.200.3.1:9000) ;;
	*-edge) args+=(-endpoint http://s3-accelerate.bench.test:9001 -dial 10.200.2.1:9001) ;;
	esac
	case $1 in multipart-*) args+=(-multipart -part-size 5242880 -parallel 6) ;; esac
	echo "== $1 (round $2)"
	local line
	line=$(timeout "$CASE_TIMEOUT" ip netns exec $NS_C "$WORK/bin/accelput" "${args[@]}" || echo "{\"case\":\"$1\",\"error\":\"failed or timed out\"}")
	echo "$line"
	echo "{\"case\":\"$1\",\"round\":$2,\"result\":$line}" >>"$OUT/results.jsonl"
	# Free the space; the data directory holds every case otherwise.
	ip netns exec $NS_C "$WORK/bin/accelput" -endpoint http://10.200.3.1:9000 -bucket accel -key "$1-$2" -delete >/dev/null 2>&1 || true
}

for r in $(seq "$rounds"); do
	for c in $cases; do run_case "$c" "$r"; done
done
kill -TERM "${pids[0]}" && wait "${pids[0]}" 2>/dev/null || true
cat "$OUT/netem.log"
echo "results in $OUT/results.jsonl"
