#!/usr/bin/env bash
# Commit-to-serving time on real secondaries: the Zonekeeper worker as primary,
# BIND 9 (also-notify) and PowerDNS 4.7 (autosecondary through the zone's NS
# set) as secondaries with day-long refresh timers, CHANGES changes in a row
# through the CLI. Prints median and p95 per secondary (target: median < 1 s).
# Needs: bind9 pdns-server pdns-backend-sqlite3, and root (the worker listens on
# port 53 of a loopback address, because PowerDNS transfers from there).
# Usage: bench/propagation.sh [CHANGES=50]
set -euo pipefail
cd "$(dirname "$0")/.."
for bin in named pdns_server; do
  command -v "$bin" >/dev/null || [ -x "/usr/sbin/$bin" ] || { echo "missing $bin: apt-get install bind9 pdns-server pdns-backend-sqlite3"; exit 1; }
done
[ -f /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql ] || { echo "missing the gsqlite3 schema: apt-get install pdns-backend-sqlite3"; exit 1; }
exec node --import tsx bench/propagation.ts --changes "${1:-50}"
