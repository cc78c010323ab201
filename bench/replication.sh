#!/usr/bin/env bash
# The replication dashboard with many zones (bench/replication.ts): seeds
# ZONES zones of RECORDS records with two secondaries each, times the reads
# directly and the /replication pages through the web app, as an admin and as
# an editor granted half the zones. Loopback only.
# Usage: bench/replication.sh [ZONES=50000] [RECORDS=20] [--runs N] [--postgres] [--no-web]
set -euo pipefail
cd "$(dirname "$0")/.."
POS=()
FLAGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) FLAGS+=("$1" "$2"); shift 2 ;;
    --*) FLAGS+=("$1"); shift ;;
    *) POS+=("$1"); shift ;;
  esac
done
exec node --import tsx bench/replication.ts --zones "${POS[0]:-50000}" --records "${POS[1]:-20}" ${FLAGS[@]+"${FLAGS[@]}"}
