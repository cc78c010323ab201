#!/usr/bin/env bash
# DNS UPDATE (issue 18): signed UPDATEs per second sustained on one zone, and
# the time from an UPDATE until a BIND secondary serves the new serial, for
# Zonekeeper (its DNS worker, as `npm run worker` runs it, on SQLite) and
# BIND 9.18 as primaries of the same zone with the same TSIG key and update
# policy, side by side in one run; each primary has a BIND secondary of its
# own, moved by NOTIFY only. Prints UPDATEs/s, median/p95/min/max and the
# ratios (Zonekeeper / BIND). Needs: bind9 (named). Runs on loopback only.
# Usage: bench/update.sh [--records N (10000)] [--clients N (10)] [--updates N (1000)] [--changes N (30)]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v named >/dev/null || [ -x /usr/sbin/named ] || { echo "missing named: apt-get install bind9"; exit 1; }
exec node --import tsx bench/update.ts "$@"
