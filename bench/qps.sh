#!/usr/bin/env bash
# Queries per second: the Zonekeeper worker against PowerDNS 4.7 (gsqlite3,
# default caches) on the same 10,000-host zone and query mix, dnsperf on the
# same machine. Two comparisons, ROUNDS alternations each, medians printed:
#   per core      each server pinned to one core, dnsperf to another;
#                 Zonekeeper with one answering thread (ZK_DNS_THREADS=1)
#   whole machine nothing pinned; each server as it runs by default
#                 (Zonekeeper: one answering thread per core; PowerDNS: its defaults)
# Needs: pdns-server pdns-backend-sqlite3 dnsperf sqlite3 bind9-dnsutils.
# Usage: [DATABASE_URL=postgresql://…|mysql://…] bench/qps.sh [SECONDS_PER_RUN=10] [ROUNDS=3]
# Zonekeeper uses DATABASE_URL when it is set (a PostgreSQL, MySQL 8 or MariaDB
# database: migrated here, the bench zone created there or its content
# replaced), else a new SQLite file. On a throwaway MariaDB:
#   node --import tsx bench/with-mariadb.ts bash bench/qps.sh
# Answers come from memory, so the rate should not depend on the database.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
ROUNDS=${2:-3}
ZONE=bench.test
ZK1_PORT=5401    # Zonekeeper, one process, pinned
PDNS_PORT=5402
ZKN_PORT=5404    # Zonekeeper, one DNS process per core
WORK=$(mktemp -d /tmp/zk-bench-qps.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

for bin in pdns_server dnsperf sqlite3 zone2sql dig taskset; do
  command -v "$bin" >/dev/null || { echo "missing $bin: apt-get install pdns-server pdns-backend-sqlite3 dnsperf sqlite3 bind9-dnsutils"; exit 1; }
done
CORES=$(nproc)
ALL_CPUS="0-$(( CORES - 1 ))"
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

# Zonekeeper: import the zone through the CLI, then run only the DNS worker, twice:
# one process pinned to one core, and the default (one DNS process per core) unpinned.
export DATABASE_URL="${DATABASE_URL:-file:$WORK/zk.db}"
echo "zonekeeper database: $(printf '%s' "$DATABASE_URL" | sed -E 's#^((postgres(ql)?|mysql|mariadb)://[^:/@]*:)[^@]*@#\1***@#')"
export ZK_DATA_DIR="$WORK" ZK_LOG_LEVEL=warn ZK_PROBE_INTERVAL=0
# dnsperf asks from one address: response rate limiting (on by default, 200 answers a second)
# would drop most answers. It stays on at a rate no run reaches, so its cost is in the figures;
# ZK_RRL_RESPONSES_PER_SECOND=0 bench/qps.sh measures without it.
export ZK_RRL_RESPONSES_PER_SECOND="${ZK_RRL_RESPONSES_PER_SECOND:-1000000000}"
ZK_DNS_LISTEN="127.0.0.1:$ZK1_PORT" ZK_CONTROL_PORT=5403 node bin/zonekeeper.mjs zone import "$ZONE" "$WORK/zone.db" >/dev/null
# The worker's Node arguments as `npm run worker` has them (package.json, which
# lib/bundle-entry.test.ts pins to lib/worker/command.ts).
read -ra WORKER_ARGS <<< "$(node -p 'require("./package.json").scripts.worker.replace(/^node /, "")')"
ZK_DNS_LISTEN="127.0.0.1:$ZK1_PORT" ZK_CONTROL_PORT=5403 ZK_DNS_THREADS=1 \
  taskset -c "$SERVER_CPU" node "${WORKER_ARGS[@]}" >"$WORK/zk1.log" 2>&1 &
ZK1_PID=$!; PIDS+=("$ZK1_PID")
# The second worker on the same database only answers (it must not send NOTIFYs twice).
ZK_DNS_LISTEN="127.0.0.1:$ZKN_PORT" ZK_CONTROL_PORT=5405 ZK_READ_ONLY=1 ZK_WORKER_ID=bench-n \
  node "${WORKER_ARGS[@]}" >"$WORK/zkn.log" 2>&1 &
ZKN_PID=$!; PIDS+=("$ZKN_PID")

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
pdns_server --config-dir="$WORK/pdns" >"$WORK/pdns.log" 2>&1 &
PDNS_PID=$!; PIDS+=("$PDNS_PID")

wait_ready "$ZK1_PORT"
wait_ready "$ZKN_PORT"
wait_ready "$PDNS_PORT"
ZKN_THREADS=$(grep -o '[0-9]* threads answering UDP' "$WORK/zkn.log" | grep -o '^[0-9]*' || echo 1)

# CPU ticks of a process and its children (a Zonekeeper worker is one process, its threads included).
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
# PowerDNS pinned or free, all its threads.
pin_pdns() { taskset -a -p -c "$1" "$PDNS_PID" >/dev/null; }

run() { # label port pid dnsperf-cpus
  local before after qps
  before=$(cpu_ticks "$3")
  qps=$(taskset -c "$4" dnsperf -s 127.0.0.1 -p "$2" -d "$WORK/queries.txt" -l "$SECS" -c 10 -T 1 -q 500 2>&1 \
    | awk '/Queries per second/ {print $4}')
  after=$(cpu_ticks "$3")
  echo "$1 $qps $(( after - before ))"
}

# Warm all three (fills caches), then alternate, since the machine's speed drifts.
for port in "$ZK1_PORT" "$ZKN_PORT" "$PDNS_PORT"; do
  dnsperf -s 127.0.0.1 -p "$port" -d "$WORK/queries.txt" -l 3 -c 10 -T 1 >/dev/null 2>&1
done
: > "$WORK/results"
for r in $(seq 1 "$ROUNDS"); do
  pin_pdns "$SERVER_CPU"
  run core-zonekeeper "$ZK1_PORT" "$ZK1_PID" "$CLIENT_CPU" | tee -a "$WORK/results"
  run core-powerdns "$PDNS_PORT" "$PDNS_PID" "$CLIENT_CPU" | tee -a "$WORK/results"
  pin_pdns "$ALL_CPUS"
  run machine-zonekeeper "$ZKN_PORT" "$ZKN_PID" "$ALL_CPUS" | tee -a "$WORK/results"
  run machine-powerdns "$PDNS_PORT" "$PDNS_PID" "$ALL_CPUS" | tee -a "$WORK/results"
done

TICK=$(getconf CLK_TCK)
node -e '
const [file, tick, secs, cores, threads] = process.argv.slice(1);
const lines = require("fs").readFileSync(file, "utf8").trim().split("\n").map((l) => l.split(" "));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const of = (n) => lines.filter((l) => l[0] === n);
const stat = (n) => ({ n: of(n).length, qps: median(of(n).map((l) => Number(l[1]))), cpuUs: median(of(n).map((l) => (Number(l[2]) / Number(tick)) * 1e6 / (Number(l[1]) * Number(secs)))) });
const show = (title, zkLabel, mode) => {
  const zk = stat(`${mode}-zonekeeper`), pd = stat(`${mode}-powerdns`);
  console.log(title);
  console.log(`  zonekeeper (${zkLabel}): ${Math.round(zk.qps)} qps, ${zk.cpuUs.toFixed(1)} µs CPU per query (median of ${zk.n})`);
  console.log(`  powerdns:   ${Math.round(pd.qps)} qps, ${pd.cpuUs.toFixed(1)} µs CPU per query (median of ${pd.n})`);
  console.log(`  ratio zonekeeper/powerdns: ${(zk.qps / pd.qps).toFixed(2)}x qps, ${(pd.cpuUs / zk.cpuUs).toFixed(2)}x CPU efficiency`);
};
show("per core (each server pinned to one core, dnsperf on another):", "1 thread", "core");
show(`whole machine (${cores} cores, nothing pinned, each server as it runs by default; dnsperf shares the cores):`, `${threads} answering threads`, "machine");
' "$WORK/results" "$TICK" "$SECS" "$CORES" "$ZKN_THREADS"
