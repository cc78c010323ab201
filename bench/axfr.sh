#!/usr/bin/env bash
# AXFR speed: the Zonekeeper worker against BIND 9 (primary, zone file) on the
# same zone of 1,000,000 records, each timed with a raw TCP reader, the two
# servers alternated; prints both medians and their ratio (target: the worker
# no slower than BIND). Needs: bind9 (named). Runs on loopback only.
# Usage: bench/axfr.sh [RECORDS=1000000] [ROUNDS=3] [--cli-import] [--profile]
#   --cli-import  load the worker's zone with `zonekeeper zone import` (minutes at 1M)
#   --profile     run the worker under node --cpu-prof and print its hottest functions
set -euo pipefail
cd "$(dirname "$0")/.."
POS=()
FLAGS=()
for a in "$@"; do
  case "$a" in
    --*) FLAGS+=("$a") ;;
    *) POS+=("$a") ;;
  esac
done
RECORDS=${POS[0]:-1000000}
ROUNDS=${POS[1]:-3}
command -v named >/dev/null || [ -x /usr/sbin/named ] || { echo "missing named: apt-get install bind9"; exit 1; }
exec node --max-old-space-size=4096 --import tsx bench/axfr.ts --records "$RECORDS" --rounds "$ROUNDS" "${FLAGS[@]}"
