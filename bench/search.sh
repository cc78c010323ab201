#!/usr/bin/env bash
# Global search and activity pages at hosting-provider scale (issue 21): seeds
# ZONES zones of RECORDS records (plus one reverse zone with a PTR for each
# zone's www address), then times each kind of search and each activity filter
# as an admin and as an editor of 200 zones, and prints the query plans.
# Target: under 300 ms each. A benchmark, not a test: it never fails on time.
#   bench/search.sh [ZONES=50000] [RECORDS=20] [--runs N] [--postgres]  (give both numbers before options)
# --postgres: a throwaway PostgreSQL cluster (or DATABASE_URL=postgresql://…
# naming a server, where a database of its own is created and dropped).
set -euo pipefail
cd "$(dirname "$0")/.."
# Options follow the two numbers, passed on as they are.
exec node --max-old-space-size=4096 --import tsx bench/search.ts --zones "${1:-50000}" --records "${2:-20}" "${@:3}"
