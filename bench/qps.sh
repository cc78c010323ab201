#!/usr/bin/env bash
# Queries per second: the Zonekeeper worker against PowerDNS 4.7 (gsqlite3,
# default caches) on the same 10,000-host zone and query mix, dnsperf on the
# other core. Alternates the two servers ROUNDS times and prints the medians
# and their ratio. Needs: pdns-server pdns-backend-sqlite3 dnsperf sqlite3 bind9-dnsutils.
# Usage: [DATABASE_URL=postgresql://…] bench/qps.sh [SECONDS_PER_RUN=10] [ROUNDS=3]
# Zonekeeper uses DATABASE_URL when it is set (e.g. a PostgreSQL database; the
# bench zone is created there or its content replaced), else a new SQLite file.
# Answers come from memory, so the rate should not depend on the database.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
ROUNDS=${2:-3}
ZONE=bench.test
ZK_PORT=5401
PDNS_PORT=5402
WORK=$(mktemp -d /tmp/zk-bench-qps.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for bin in pdns_server dnsperf sqlite3 zone2sql dig; do
  command -v "$bin" >/dev/null || { echo "missing $bin: apt-get install pdns-server pdns-backend-sqlite3 dnsperf sqlite3 bind9-dnsutils"; exit 1; }
done
CORES=$(nproc)
SERVER_CPU=0
CLIENT_CPU=$(( CORES > 1 ? 1 : 0 ))

node --import tsx bench/make-zone.ts "$ZONE" 10000 "$WORK"

wait_ready() { # port
  for _ in $(seq 1 100); do
    dig +time=1 +tries=1 @127.0.0.1 -p "$1" "$ZONE" SOA 2>/dev/null | grep -q 'status: NOERROR' && return 0
    sleep 0.2
  done
  echo "server on port $1 did not answer"; exit 1
}

# Zonekeeper: import the zone through the CLI, then run only the DNS worker.
export DATABASE_URL="${DATABASE_URL:-file:$WORK/zk.db}"
echo "zonekeeper database: $(printf '%s' "$DATABASE_URL" | sed -E 's#^(postgres(ql)?://[^:/@]*:)[^@]*@#\1***@#')"
export ZK_DATA_DIR="$WORK" ZK_DNS_LISTEN="127.0.0.1:$ZK_PORT" ZK_CONTROL_PORT=5403 ZK_LOG_LEVEL=warn
node bin/zonekeeper.mjs zone import "$ZONE" "$WORK/zone.db" >/dev/null
taskset -c "$SERVER_CPU" node --import tsx lib/worker/main.ts >"$WORK/zk.log" 2>&1 &
ZK_PID=$!; PIDS+=("$ZK_PID")

# PowerDNS with the gsqlite3 backend and its default caches.
sqlite3 "$WORK/pdns.sqlite3" < /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql
zone2sql --gsqlite --zone="$WORK/zone.db" --zone-name="$ZONE" 2>/dev/null | sqlite3 "$WORK/pdns.sqlite3"
mkdir -p "$WORK/pdns"
cat > "$WORK/pdns/pdns.conf" <<CONF
launch=gsqlite3
gsqlite3-database=$WORK/pdns.sqlite3
local-address=127.0.0.1
local-port=$PDNS_PORT
socket-dir=$WORK/pdns
daemon=no
guardian=no
loglevel=3
CONF
taskset -c "$SERVER_CPU" pdns_server --config-dir="$WORK/pdns" >"$WORK/pdns.log" 2>&1 &
PDNS_PID=$!; PIDS+=("$PDNS_PID")

wait_ready "$ZK_PORT"
wait_ready "$PDNS_PORT"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() { # name port pid
  local before after qps
  before=$(cpu_ticks "$3")
  qps=$(taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$2" -d "$WORK/queries.txt" -l "$SECS" -c 10 -T 1 -q 500 2>&1 \
    | awk '/Queries per second/ {print $4}')
  after=$(cpu_ticks "$3")
  echo "$1 $qps $(( after - before ))"
}

# Warm both (fills caches), then alternate, since the machine's speed drifts.
taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$ZK_PORT" -d "$WORK/queries.txt" -l 3 -c 10 -T 1 >/dev/null 2>&1
taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$PDNS_PORT" -d "$WORK/queries.txt" -l 3 -c 10 -T 1 >/dev/null 2>&1
: > "$WORK/results"
for r in $(seq 1 "$ROUNDS"); do
  run zonekeeper "$ZK_PORT" "$ZK_PID" | tee -a "$WORK/results"
  run powerdns "$PDNS_PORT" "$PDNS_PID" | tee -a "$WORK/results"
done

TICK=$(getconf CLK_TCK)
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const tick = Number(process.argv[2]);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const of = (n) => lines.filter((l) => l[0] === n);
const stat = (n) => ({ qps: median(of(n).map((l) => Number(l[1]))), cpuUs: median(of(n).map((l) => (Number(l[2]) / tick) * 1e6 / (Number(l[1]) * Number(process.argv[3])))) });
const zk = stat("zonekeeper"), pd = stat("powerdns");
console.log(`zonekeeper: ${Math.round(zk.qps)} qps, ${zk.cpuUs.toFixed(1)} µs CPU per query (median of ${of("zonekeeper").length})`);
console.log(`powerdns:   ${Math.round(pd.qps)} qps, ${pd.cpuUs.toFixed(1)} µs CPU per query (median of ${of("powerdns").length})`);
console.log(`ratio zonekeeper/powerdns: ${(zk.qps / pd.qps).toFixed(2)}x qps, ${(pd.cpuUs / zk.cpuUs).toFixed(2)}x CPU efficiency`);
' "$WORK/results" "$TICK" "$SECS"
