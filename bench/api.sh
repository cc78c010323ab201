#!/usr/bin/env bash
# The HTTP API's change latency (issue 17): PATCH of one rrset (an ACME
# client's _acme-challenge TXT, REPLACE) through the PowerDNS-compatible API
# until the DNS server serves the new value, for Zonekeeper (started as
# `npm start` starts it, building the web app first when its build is stale)
# and a real PowerDNS 4.7 (sqlite3 backend, api=yes) holding the same zone,
# side by side in one run. Prints median, p95, min and max of both and the
# ratio (target: Zonekeeper's p95 under 300 ms).
# Needs: pdns-server pdns-backend-sqlite3.
# Usage: bench/api.sh [--records N (50000)] [--changes N (30)]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pdns_server >/dev/null || [ -x /usr/sbin/pdns_server ] || { echo "missing pdns_server: apt-get install pdns-server pdns-backend-sqlite3"; exit 1; }
[ -f /usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql ] || { echo "missing the gsqlite3 schema: apt-get install pdns-backend-sqlite3"; exit 1; }
exec node --import tsx bench/api.ts "$@"
