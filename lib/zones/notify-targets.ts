// Who gets a NOTIFY when a primary zone changes (RFC 1996 §3.6): the zone's
// NS hosts except the SOA MNAME (the primary itself), plus the zone's
// also-notify list; never one of our own listen addresses. An NS host inside
// the zone is reached at its glue addresses; one outside it is kept as a host
// name and looked up by the worker when it sends (the change transaction does
// no network I/O).
import { dnsListen } from '../config/env';
import { formatHostPort, storedAddressPorts } from '../dns/address';
import type { RR } from '../dns/types';

export function notifyTargets(zoneName: string, mname: string, records: readonly RR[], alsoNotify: readonly string[]): string[] {
  const self = new Set(dnsListen().map(formatHostPort));
  const inZone = (n: string) => n === zoneName || n.endsWith(`.${zoneName}`);
  const hosts = records.filter((r) => r.type === 'NS' && r.name === zoneName && r.content !== mname).map((r) => r.content);
  const out = new Set<string>();
  for (const host of hosts) {
    if (!inZone(host)) {
      out.add(`${host}:53`);
      continue;
    }
    for (const r of records) {
      if (r.name === host && (r.type === 'A' || r.type === 'AAAA')) out.add(formatHostPort({ address: r.content, port: 53 }));
    }
  }
  for (const a of storedAddressPorts(alsoNotify, 53)) out.add(formatHostPort(a));
  return [...out].filter((t) => !self.has(t));
}
