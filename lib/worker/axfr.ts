// AXFR (RFC 5936 §2.2): the zone's SOA, every other record once, the SOA again.
import type { WireRecord } from '../dns/wire';
import type { ZoneSnapshot } from './zone-snapshot';

export function axfrRecords(zone: ZoneSnapshot): WireRecord[] {
  const soa = zone.soa.wire[0]!;
  const out: WireRecord[] = [soa];
  for (const sets of zone.nodes.values()) {
    for (const set of sets.values()) {
      if (set.type !== 'SOA') for (const w of set.wire) out.push(w);
    }
  }
  out.push(soa);
  return out;
}
