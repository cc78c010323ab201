#!/usr/bin/env bash
# Hosting-provider scale (issue 15): Zonekeeper against BIND 9 on the same data
# in one run; prints each figure for both and their ratio (bench/scale.ts).
#   bench/scale.sh [ZONES=50000] [RECORDS_PER_ZONE=20] [options]
#       time until every zone answers after a start (median of --starts N,
#       default 3, each server's starts taken in turns), memory of all DNS
#       processes, CPU while idle, change latency through the CLI, the web
#       app's zone editor (Chromium) and the change service, web page times
#   bench/scale.sh --big-zone [RECORDS=1000000]
#       `zonekeeper zone import` of one big zone, load time, memory, first and
#       later AXFR, one-record commits, IXFR to a BIND and a Zonekeeper secondary
#   bench/scale.sh --cli
#       the CLI's own time on a small database (target under 300 ms)
# Options: --postgres (a throwaway PostgreSQL cluster; or give
#   DATABASE_URL=postgresql://… naming a server, where a database of its own is
#   created and dropped), --mariadb (a throwaway mariadbd; or give
#   DATABASE_URL=mysql://USER:PASSWORD@HOST:PORT/DB or mariadb://… naming a
#   MySQL 8 / MariaDB 10.11 server, where likewise a database of its own is
#   created and dropped: USER needs CREATE and DROP), --no-bind, --no-web, --starts N, --changes N, --runs N,
#   --idle-seconds S, --max-rss-gb G (stop a worker past it; default 16),
#   --start-timeout S, --import-timeout S.
# Needs: bind9 bind9-dnsutils (named, nsupdate), chromium for the web change,
# postgresql for --postgres, mariadb-server for --mariadb. Runs on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
POS=()
FLAGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --starts|--changes|--runs|--idle-seconds|--max-rss-gb|--start-timeout|--import-timeout) FLAGS+=("$1" "$2"); shift 2 ;;
    --*) FLAGS+=("$1"); shift ;;
    *) POS+=("$1"); shift ;;
  esac
done
for bin in named nsupdate; do
  command -v "$bin" >/dev/null || [ -x "/usr/sbin/$bin" ] || { echo "missing $bin: apt-get install bind9 bind9-dnsutils"; exit 1; }
done
if [[ " ${FLAGS[*]-} " == *" --big-zone "* ]]; then
  exec node --max-old-space-size=8192 --import tsx bench/scale.ts --records "${POS[0]:-1000000}" "${FLAGS[@]}"
fi
exec node --max-old-space-size=8192 --import tsx bench/scale.ts --zones "${POS[0]:-50000}" --records "${POS[1]:-20}" ${FLAGS[@]+"${FLAGS[@]}"}
