// IXFR (RFC 1995 §4) from the change journal: for each change from the
// client's serial to the one we serve, the old SOA and the records removed,
// then the new SOA and the records added; framed by our current SOA. When the
// journal does not reach back to the client's serial (or holds more changes
// than we keep), the caller sends the whole zone instead.
import { ixfrMaxChanges } from '../config/env';
import { db } from '../db';
import { contentToWire } from '../dns/rdata';
import type { RR } from '../dns/types';
import type { WireRecord } from '../dns/wire';
import { TimeSlice } from '../time-slice';
import { readChangeRecords } from '../zones/journal';
import type { ZoneSnapshot } from './zone-snapshot';

const toWire = (r: RR): WireRecord => ({ name: r.name, type: r.type, class: 'IN', ttl: r.ttl, data: contentToWire(r.type, r.content) });

/** The IXFR body from `clientSerial` to the zone's serial, or null when the journal cannot provide it. */
export async function ixfrRecords(zone: ZoneSnapshot, clientSerial: number, limit = ixfrMaxChanges()): Promise<WireRecord[] | null> {
  // The newest entries first, back to the client's serial.
  const rows = await db().change.findMany({
    where: { zoneId: zone.id },
    orderBy: { id: 'desc' },
    take: limit,
    select: { id: true, oldSerial: true, newSerial: true, removed: true, added: true },
  });
  const start = rows.findIndex((r) => Number(r.newSerial) === zone.serial);
  if (start < 0) return null;
  const chain: typeof rows = [];
  let want = zone.serial;
  for (let i = start; i < rows.length; i++) {
    const r = rows[i]!;
    if (Number(r.newSerial) !== want) continue;
    chain.push(r);
    want = Number(r.oldSerial);
    if (want === clientSerial) break;
  }
  if (want !== clientSerial || chain.length === 0) return null;
  // A journal entry may hold hundreds of thousands of records (a big transfer
  // in): read and convert them in slices, so that queries are answered meanwhile.
  const slice = new TimeSlice();
  const records = await readChangeRecords(db(), chain, slice);
  const soa = zone.soaRecord();
  const out: WireRecord[] = [soa];
  for (const c of chain.reverse()) {
    // Each journal entry starts its lists with the old and the new SOA; the
    // entry that created the zone has no old SOA and cannot be sent as a diff.
    const { removed, added } = records.get(c.id)!;
    if (removed[0]?.type !== 'SOA' || added[0]?.type !== 'SOA') return null;
    await slice.forEach(removed, (r) => out.push(toWire(r)));
    await slice.forEach(added, (r) => out.push(toWire(r)));
  }
  out.push(soa);
  return out;
}
