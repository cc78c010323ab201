#!/usr/bin/env bash
# The replication dashboard with many zones (bench/replication.ts): seeds
# 50,000 zones of 20 records with two secondaries each, times the reads
# directly and the /replication pages through the web app, as an admin and as
# an editor granted half the zones. Loopback only; --postgres needs postgresql.
# Usage: bench/replication.sh [--zones N] [--records N] [--runs N] [--postgres] [--no-web]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx bench/replication.ts "$@"
