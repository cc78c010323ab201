// Who gets a NOTIFY when a primary zone changes (RFC 1996 §3.6): the
// addresses of the zone's NS hosts, found from in-zone glue, plus the zone's
// also-notify list; never ourselves. Out-of-zone NS hosts are resolved by the
// worker when it sends (it may do I/O; the change transaction may not).
import { dnsListen, formatHostPort, parseHostPort } from '../config/env';
import type { RR } from '../dns/types';

export function notifyTargets(zoneName: string, records: readonly RR[], alsoNotify: readonly string[]): string[] {
  const self = new Set(dnsListen().map(formatHostPort));
  const apexNs = records.filter((r) => r.type === 'NS' && r.name === zoneName).map((r) => r.content);
  const out = new Set<string>();
  for (const host of apexNs) {
    for (const r of records) {
      if (r.name === host && (r.type === 'A' || r.type === 'AAAA')) {
        out.add(formatHostPort({ address: r.content, port: 53 }));
      }
    }
  }
  for (const t of alsoNotify) out.add(formatHostPort(parseHostPort(t, 'also-notify', 53)));
  return [...out].filter((t) => !self.has(t));
}
