#!/usr/bin/env bash
# DNSSEC (issue 19): Zonekeeper against BIND 9.18 and PowerDNS 4.7 on the same
# signed zone in one run (bench/dnssec.ts); prints each figure for both and
# their ratio:
#   - signing a zone of RECORDS records (ECDSAP256SHA256 KSK + ZSK, NSEC3 with
#     no salt and no extra iterations): `zonekeeper zone sign` against
#     `dnssec-signzone -3 - -H 0`, and against BIND's inline signing with
#     dnssec-policy (until fully signed and served); the time to load the
#     signed zone and the memory (RSS) while serving it;
#   - one change in the signed zone: `applyChangeset` of one record until the
#     worker serves it signed, against an UPDATE to BIND (auto-dnssec) until
#     BIND serves it signed; medians of CHANGES each;
#   - queries per second with DO set (dnsperf -D), positive, NXDOMAIN and
#     NODATA questions: the worker against PowerDNS serving the same signed
#     zone as a presigned zone; server CPU per query.
# Needs: bind9 bind9-utils bind9-dnsutils pdns-server pdns-backend-sqlite3
# dnsperf time (GNU time). Runs on loopback only.
# Usage: bench/dnssec.sh [--records N (100000)] [--changes N (11)] [--seconds S (10)] [--rounds N (3)] [--inline-within S (120)] [--questions N (all)]
set -euo pipefail
cd "$(dirname "$0")/.."
for bin in named dnssec-keygen dnssec-signzone pdns_server pdns_control dnsperf taskset; do
  command -v "$bin" >/dev/null || [ -x "/usr/sbin/$bin" ] || { echo "missing $bin: apt-get install bind9 bind9-utils pdns-server pdns-backend-sqlite3 dnsperf"; exit 1; }
done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time: apt-get install time"; exit 1; }
exec node --max-old-space-size=8192 --import tsx bench/dnssec.ts "$@"
