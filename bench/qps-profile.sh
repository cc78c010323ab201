#!/usr/bin/env bash
# Where a query's CPU goes: the Zonekeeper worker (one process) and PowerDNS,
# each pinned to one core while dnsperf loads it from the other, sampled with
# `perf record` and summed by where the time is spent: the kernel's receive
# and send, the C/C++ runtime (libuv, Node, libc), JavaScript, and the
# garbage collector. bench/qps.sh measures the rate; this says why it is what
# it is. CPU per query and the kernel's share come from /proc (utime, stime).
# Needs: linux-perf pdns-server pdns-backend-sqlite3 dnsperf sqlite3 bind9-dnsutils.
# Usage: bench/qps-profile.sh [SECONDS=10]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
ZONE=bench.test
ZK_PORT=5411
PDNS_PORT=5412
WORK=$(mktemp -d /tmp/zk-bench-prof.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for bin in perf pdns_server dnsperf sqlite3 zone2sql dig taskset; do
  command -v "$bin" >/dev/null || { echo "missing $bin: apt-get install linux-perf pdns-server pdns-backend-sqlite3 dnsperf sqlite3 bind9-dnsutils"; exit 1; }
done
SERVER_CPU=0
CLIENT_CPU=$(( $(nproc) > 1 ? 1 : 0 ))

node --import tsx bench/make-zone.ts "$ZONE" 10000 "$WORK" >/dev/null
export DATABASE_URL="file:$WORK/zk.db" ZK_DATA_DIR="$WORK" ZK_LOG_LEVEL=warn ZK_PROBE_INTERVAL=0
export ZK_RRL_RESPONSES_PER_SECOND=1000000000 ZK_DNS_LISTEN="127.0.0.1:$ZK_PORT" ZK_CONTROL_PORT=5413
node bin/zonekeeper.mjs zone import "$ZONE" "$WORK/zone.db" >/dev/null
# --perf-basic-prof: V8 writes /tmp/perf-PID.map so that perf can name JIT-compiled functions;
# the V8 log it also writes goes into the work folder, which is removed at the end.
# The worker's Node arguments as `npm run worker` has them (package.json, which
# lib/bundle-entry.test.ts pins to lib/worker/command.ts).
read -ra WORKER_ARGS <<< "$(node -p 'require("./package.json").scripts.worker.replace(/^node /, "")')"
ZK_DNS_THREADS=1 taskset -c "$SERVER_CPU" node --perf-basic-prof --logfile="$WORK/v8-%p.log" "${WORKER_ARGS[@]}" >"$WORK/zk.log" 2>&1 &
ZK_PID=$!; PIDS+=("$ZK_PID")

sqlite3 "$WORK/pdns.sqlite3" < /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
zone2sql --gsqlite --zone="$WORK/zone.db" --zone-name="$ZONE" 2>/dev/null | sqlite3 "$WORK/pdns.sqlite3"
mkdir -p "$WORK/pdns"
printf 'launch=gsqlite3\ngsqlite3-database=%s\nlocal-address=127.0.0.1\nlocal-port=%s\nsocket-dir=%s\ndaemon=no\nguardian=no\nloglevel=3\n' \
  "$WORK/pdns.sqlite3" "$PDNS_PORT" "$WORK/pdns" > "$WORK/pdns/pdns.conf"
taskset -c "$SERVER_CPU" pdns_server --config-dir="$WORK/pdns" >"$WORK/pdns.log" 2>&1 &
PDNS_PID=$!; PIDS+=("$PDNS_PID")

for port in "$ZK_PORT" "$PDNS_PORT"; do
  for _ in $(seq 1 150); do
    dig +time=1 +tries=1 @127.0.0.1 -p "$port" "$ZONE" SOA 2>/dev/null | grep -q 'status: NOERROR' && break
    sleep 0.2
  done
done
taskset -a -p -c "$SERVER_CPU" "$PDNS_PID" >/dev/null

ticks() { awk '{print $14, $15}' "/proc/$1/stat"; }

profile() { # label pid port
  dnsperf -s 127.0.0.1 -p "$3" -d "$WORK/queries.txt" -l 3 -c 10 -T 1 >/dev/null 2>&1 # warm the caches
  read -r u0 s0 < <(ticks "$2")
  perf record -q -F 997 -g -p "$2" -o "$WORK/$1.data" -- sleep "$SECS" >/dev/null 2>&1 &
  local perf_pid=$!
  local qps
  qps=$(taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$3" -d "$WORK/queries.txt" -l "$SECS" -c 10 -T 1 -q 500 2>&1 | awk '/Queries per second/ {print $4}')
  wait "$perf_pid" || true
  read -r u1 s1 < <(ticks "$2")
  local tick; tick=$(getconf CLK_TCK)
  node -e '
    const [label, qps, secs, tick, du, ds] = process.argv.slice(1).map((v, i) => (i ? Number(v) : v));
    const q = qps * secs, us = (t) => (t / tick) * 1e6 / q;
    console.log(`${label}: ${Math.round(qps)} qps; CPU per query ${us(du + ds).toFixed(1)} µs = ${us(du).toFixed(1)} µs user + ${us(ds).toFixed(1)} µs kernel`);
  ' "$1" "$qps" "$SECS" "$tick" "$(( u1 - u0 ))" "$(( s1 - s0 ))"
  # Samples by where they were taken (self time): kernel, JIT-compiled JavaScript, V8, Node, libuv, libc, the server's own binary.
  # (awk stops printing rather than head closing the pipe, which would fail the script under pipefail.)
  perf report -i "$WORK/$1.data" --no-children --sort dso --stdio 2>/dev/null | awk '/^ +[0-9.]+%/ && n++ < 12 {printf "    %7s  %s\n", $1, $2}'
  echo "    top functions (self):"
  perf report -i "$WORK/$1.data" --no-children --sort dso,sym --stdio 2>/dev/null | awk '/^ +[0-9.]+%/ && n++ < 25 {$1=$1; print "      " $0}'
}

echo "== Zonekeeper worker, one process on CPU $SERVER_CPU"
profile zonekeeper "$ZK_PID" "$ZK_PORT"
echo
echo "== PowerDNS on CPU $SERVER_CPU"
profile powerdns "$PDNS_PID" "$PDNS_PORT"
