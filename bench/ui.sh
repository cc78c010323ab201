#!/usr/bin/env bash
# Web app response times on a big installation: 10,000 zones and one zone of
# 50,000 records; prints the median and p95 time of /zones, a search, and the
# big zone's page against the 300 ms target. Loopback only.
# Usage: bench/ui.sh [ZONES=10000] [RECORDS=50000] [RUNS=15]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx bench/ui.ts --zones "${1:-10000}" --records "${2:-50000}" --runs "${3:-15}"
