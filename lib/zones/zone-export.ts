// A whole zone as a zone file, streamed from the database page by page so
// that a zone of any size (a million records and more) exports in bounded
// memory: `zonekeeper zone export` and the web app's Export read this.
//
// Order: $ORIGIN and $TTL, the SOA, the apex's records, then the other names
// in the database's order (by name text), each name's records together (SOA,
// NS, then the other types alphabetically). That is not RFC 4034 canonical
// order (the database has no key for it); parseZoneFile and every server
// read any order. Column widths come from one aggregate query, so lines line
// up as in serializeZoneFile, which writes the same format for sets in memory.
import { db } from '../db';
import { compareRecordsAtName, defaultTtlOf, zoneFileHead, zoneFileRecord, type ZoneFileColumns } from '../dns/zone-file';
import type { RR } from '../dns/types';
import { soaRecordOf, zoneNameOrNull } from './data';

/** Records read per query. */
const PAGE = 5000;

interface Row {
  id: number | bigint;
  name: string;
  type: string;
  ttl: number | bigint;
  content: string;
}

export interface ZoneExport {
  /** The canonical zone name. */
  zone: string;
  /** The zone file, a chunk of lines at a time. */
  chunks: AsyncGenerator<string>;
}

/** The zone `name` as a zone file stream, or null when there is no such zone. */
export async function exportZoneFile(name: string): Promise<ZoneExport | null> {
  const canonical = zoneNameOrNull(name);
  if (canonical === null) return null;
  const z = await db().zone.findUnique({ where: { name: canonical } });
  if (!z) return null;
  // A secondary zone never transferred has no SOA yet, and no records.
  const soa = z.kind === 'primary' || z.serial > 0n ? soaRecordOf(z) : null;
  return { zone: z.name, chunks: zoneFileChunks(z.id, z.name, soa) };
}

async function* zoneFileChunks(zoneId: number, zone: string, soa: RR | null): AsyncGenerator<string> {
  const [stats] = await db().$queryRaw<{ nameLength: unknown; typeLength: unknown; maxTtl: unknown }[]>`
    SELECT MAX(LENGTH("name")) AS "nameLength", MAX(LENGTH("type")) AS "typeLength", MAX("ttl") AS "maxTtl"
    FROM "Record" WHERE "zoneId" = ${zoneId}`;
  const longestName = Number(stats?.nameLength ?? 0);
  const cols: ZoneFileColumns = {
    // Owners are written relative to the zone: a name loses ".zone." (or is "@").
    owner: Math.max(1, longestName - zone.length - 1),
    ttl: String(Math.max(Number(stats?.maxTtl ?? 0), soa?.ttl ?? 0)).length,
    type: Math.max(Number(stats?.typeLength ?? 0), soa ? 3 : 0),
  };
  yield zoneFileHead(zone, await mostCommonTtl(zoneId, soa));
  if (soa) yield zoneFileRecord(zone, soa, cols);

  // One name's records are held until the name changes, then written in order.
  let held: RR[] = [];
  const flush = () => {
    const text = held.sort(compareRecordsAtName).map((r) => zoneFileRecord(zone, r, cols)).join('');
    held = [];
    return text;
  };
  for await (const page of recordPages(zoneId, zone)) {
    let out = '';
    for (const r of page) {
      if (held.length && held[0]!.name !== r.name) out += flush();
      held.push(r);
    }
    if (out) yield out;
  }
  if (held.length) yield flush();
}

/** The zone's records, the apex first, then by name; pages found by key, so each costs the same however deep. */
async function* recordPages(zoneId: number, zone: string): AsyncGenerator<RR[]> {
  for (const apex of [true, false]) {
    let after = { name: '', type: '', id: 0 };
    for (;;) {
      const rows = apex
        ? await db().$queryRaw<Row[]>`
            SELECT "id", "name", "type", "ttl", "content" FROM "Record"
            WHERE "zoneId" = ${zoneId} AND "name" = ${zone} AND ("type", "id") > (${after.type}, ${after.id})
            ORDER BY "type", "id" LIMIT ${PAGE}`
        : await db().$queryRaw<Row[]>`
            SELECT "id", "name", "type", "ttl", "content" FROM "Record"
            WHERE "zoneId" = ${zoneId} AND "name" <> ${zone} AND ("name", "type", "id") > (${after.name}, ${after.type}, ${after.id})
            ORDER BY "name", "type", "id" LIMIT ${PAGE}`;
      if (rows.length === 0) break;
      const last = rows[rows.length - 1]!;
      after = { name: last.name, type: last.type, id: Number(last.id) };
      yield rows.map((r) => ({ name: r.name, type: r.type, ttl: Number(r.ttl), content: r.content }));
      if (rows.length < PAGE) break;
    }
  }
}

/** The file's $TTL: the TTL most records have, the SOA counted. */
async function mostCommonTtl(zoneId: number, soa: RR | null): Promise<number> {
  const counts = await db().$queryRaw<{ ttl: unknown; n: unknown }[]>`
    SELECT "ttl", COUNT(*) AS "n" FROM "Record" WHERE "zoneId" = ${zoneId} GROUP BY "ttl"`;
  const byTtl = new Map(counts.map((c) => [Number(c.ttl), Number(c.n)]));
  if (soa) byTtl.set(soa.ttl, (byTtl.get(soa.ttl) ?? 0) + 1);
  return defaultTtlOf(byTtl);
}
