// Writing a new version of a zone: the one place that turns a worked-out
// difference into stored rows, for the primary change pipeline
// (lib/zones/changes.ts) and for transfers into secondary zones
// (lib/zones/secondary-store.ts) alike. Inside the caller's transaction it
// bumps the serial and version (guarded by the serial read at the start),
// writes the records in chunks, journals the Change rows (lib/zones/journal.ts),
// supersedes the pending NOTIFY jobs with new ones and puts the zone on the
// change feed (lib/zones/zone-changes.ts).
import { Prisma } from '../generated/prisma/client';
import { deleteListed, executeBulk, jsonRows, sqlCast } from '../db';
import { jsonRowBatches } from '../db-bulk';
import { RecordIndex } from '../dns/record-index';
import type { RR, SoaFields } from '../dns/types';
import { TimeSlice } from '../time-slice';
import type { StoredRecord } from './data';
import { AppError } from '../errors';
import { writeChange } from './journal';
import { storedTarget } from './validate';
import { markChanged } from './zone-changes';

type Tx = Prisma.TransactionClient;

/**
 * Validation runs inside the commit's transaction (it checks the records as
 * they are now), and an import of a big zone writes for seconds. Prisma ends
 * a transaction after 5 s by default, on SQLite too (a new zone of 1,000,000
 * records failed as "busy" after retries, measured 2026-12-05): allow what a
 * big zone needs.
 */
export const COMMIT_TX = { timeout: 300_000 };

/** One journal step of a version: the records it removed and added, the old and new SOA included. */
export interface JournalEntry {
  oldSerial: number;
  newSerial: number;
  removed: RR[];
  added: RR[];
}

export interface ZoneVersion {
  /** The zone as the transaction read it; the write goes through only while its serial is still stored. */
  zone: { id: number; name: string; serial: bigint };
  /** The new serial; when it equals the old one nothing is journaled or notified. */
  serial: number;
  /** The other zone columns this version writes (SOA fields, refresh state). */
  columns?: Prisma.ZoneUpdateManyMutationInput;
  /** Stored rows to delete and records to insert (see diffStored). */
  removedRows: readonly { id: number }[];
  added: readonly RR[];
  /** Who made it, as the changelog shows it. */
  author: { userId?: number | null; actor: string; comment: string; requestId?: number | null; linkedChangeId?: number };
  /** The Change rows of this version, in order: one for a commit, one per difference sequence of an IXFR. */
  journal: readonly JournalEntry[];
  /** Where NOTIFY of the new serial goes. */
  notifyTargets: readonly string[];
  /** The message of the conflict raised when another write changed the serial first. */
  conflict: string;
}

/**
 * Writes `v` inside the caller's transaction and returns the zone's new
 * version and the ids of the Change rows written. A serial that did not move
 * (a secondary's forced retrieve) cannot be a journal step, since IXFR chains
 * by serial (RFC 1995), nor news to a secondary (RFC 1996 NOTIFY announces a
 * serial); its record changes are counted in `unjournaled` instead, so that
 * workers do not patch across it (lib/worker/zone-patch.ts).
 */
export async function writeZoneVersion(tx: Tx, v: ZoneVersion, slice: TimeSlice): Promise<{ version: number; changeIds: number[] }> {
  const moved = v.serial !== Number(v.zone.serial);
  const bumped = await tx.zone.updateMany({
    where: { id: v.zone.id, serial: v.zone.serial },
    data: {
      ...v.columns,
      serial: BigInt(v.serial),
      version: { increment: 1 },
      ...(!moved && (v.removedRows.length || v.added.length) ? { unjournaled: { increment: 1 } } : {}),
    },
  });
  if (bumped.count !== 1) throw new AppError('conflict', v.conflict);
  // Read back rather than computed: settings changes bump it too, without taking the zone's turn.
  const { version } = await tx.zone.findUniqueOrThrow({ where: { id: v.zone.id }, select: { version: true } });
  await deleteRecords(tx, v.removedRows, slice);
  await insertRecords(tx, v.zone.id, v.added, slice);
  const changeIds: number[] = [];
  if (moved) {
    for (const e of v.journal) {
      const head = { zoneId: v.zone.id, ...v.author, oldSerial: BigInt(e.oldSerial), newSerial: BigInt(e.newSerial), version };
      changeIds.push((await writeChange(tx, head, e.removed, e.added, slice)).id);
    }
    await queueNotify(tx, v.zone.id, BigInt(v.serial), v.notifyTargets);
  }
  await markChanged(tx, v.zone.name);
  return { version, changeIds };
}

/** One NOTIFY job per target for the zone's new serial; older pending jobs are superseded. */
export async function queueNotify(tx: Tx, zoneId: number, serial: bigint, targets: readonly string[]): Promise<void> {
  await tx.notifyJob.updateMany({ where: { zoneId, state: 'pending' }, data: { state: 'superseded' } });
  if (targets.length) await tx.notifyJob.createMany({ data: targets.map((target) => ({ zoneId, serial, target })) });
}

/** The zone columns that hold an SOA's fields (the serial aside) and its TTL. */
export function soaColumns(s: { soa: SoaFields; ttl: number }) {
  return {
    soaMname: s.soa.mname,
    soaRname: s.soa.rname,
    soaRefresh: s.soa.refresh,
    soaRetry: s.soa.retry,
    soaExpire: s.soa.expire,
    soaMinimum: s.soa.minimum,
    soaTtl: s.ttl,
  };
}

/** A record without the columns of its stored row. */
export function plainRecord(r: RR): RR {
  return { name: r.name, type: r.type, ttl: r.ttl, content: r.content };
}

/**
 * What turns the stored records into `next` (which holds each record once):
 * the rows to delete and the records to insert. A stored row stays when
 * `next` holds its record (name, type, content) with its TTL; a record whose
 * TTL changes is deleted and inserted. A record stored twice (nothing writes
 * one; a database edited by hand might hold one) is judged row by row.
 */
export async function diffStored(
  stored: readonly StoredRecord[],
  next: readonly RR[],
  slice: TimeSlice,
): Promise<{ removedRows: StoredRecord[]; added: RR[] }> {
  // Row indexes by name: a key string per record cost an import of 1,000,000 records 4 s (measured 2026-12-05).
  const rows = new RecordIndex<number>((i) => stored[i]!);
  await slice.forEach(stored.keys(), (i) => rows.add(i));
  const kept = new Uint8Array(stored.length);
  const added: RR[] = [];
  await slice.forEach(next, (r) => {
    let stays = false;
    for (const i of rows.same(r)) {
      if (stored[i]!.ttl !== r.ttl) continue;
      kept[i] = 1;
      stays = true;
    }
    if (!stays) added.push(r);
  });
  const removedRows: StoredRecord[] = [];
  await slice.forEach(stored.keys(), (i) => {
    if (!kept[i]) removedRows.push(stored[i]!);
  });
  return { removedRows, added };
}

/**
 * Inserts records of zone `zoneId`, a batch a statement (lib/db-bulk.ts:
 * bounded in rows and bytes), giving the event loop a turn between
 * statements once the slice is used up. Plain SQL (the same on every
 * database) with the rows as one JSON parameter: Prisma's createMany cost
 * 265 µs a row and multi-row VALUES with bound values 36 µs (measured
 * 2026-12-05 on SQLite), and an import or a transfer writes up to a million
 * rows.
 */
export async function insertRecords(tx: Tx, zoneId: number, rows: readonly RR[], slice: TimeSlice): Promise<void> {
  for (const json of jsonRowBatches(rows, (r) => [r.name, r.type, r.ttl, r.content, storedTarget(r) ?? null])) {
    await slice.maybePause();
    await executeBulk(
      tx,
      Prisma.sql`INSERT INTO "Record" ("zoneId", "name", "type", "ttl", "content", "target")
        SELECT ${sqlCast(zoneId, 'integer')}, j."c0", j."c1", j."c2", j."c3", j."c4" FROM ${jsonRows(json, ['text', 'text', 'int', 'text', 'text'])}`,
    );
  }
}

/** Deletes stored records by id, a batch a statement, the ids as one JSON parameter as insertRecords passes rows. */
async function deleteRecords(tx: Tx, rows: readonly { id: number }[], slice: TimeSlice): Promise<void> {
  for (const json of jsonRowBatches(rows, (r) => [r.id])) {
    await slice.maybePause();
    await executeBulk(tx, deleteListed('Record', json));
  }
}
