#!/usr/bin/env bash
# Start-to-exit time of `zonekeeper --help`, `zone list`, `zone status`,
# `record add` and `record delete` on a small zone, each as its own process,
# with no worker and with the DNS worker running on the same database (it runs
# them for the CLI; --no-worker leaves it out),
# against the 300 ms target; `node -e 0` beside them for Node's own start.
# Usage: bench/cli.sh [RUNS=15] [--no-worker]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx bench/cli.ts --runs "${1:-15}" "${@:2}"
