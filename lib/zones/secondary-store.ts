// The stores of secondary zones: what the worker's secondary engine
// (lib/worker/secondary/refresh.ts) received from a primary is written
// through these. Each runs in one transaction, and the engine calls them only
// once a transfer is complete, so a transfer that fails anywhere (cut off,
// not applicable, refused here) changes nothing: the previous copy stays
// stored and served. Every applied transfer is a new zone version
// (lib/zones/zone-version.ts): workers reload it, a Change is journaled (so
// this server can serve IXFR to its own secondaries) and NOTIFY is queued to
// the zone's also-notify list.
import type { Prisma } from '../generated/prisma/client';
import { lockInTransaction, TX_LOCK, writeTransaction } from '../db';
import { formatHostPort, storedAddressPorts } from '../dns/address';
import { soaContent } from '../dns/rdata';
import { serialGreater } from '../dns/serial';
import type { RR, SoaFields } from '../dns/types';
import { TimeSlice } from '../time-slice';
import { syncCatalogMembers, type CatalogSync } from './catalog-consumer';
import { readRecordsAt, readZoneRecords, soaRecordOf } from './data';
import { AppError } from '../errors';
import { readList } from './json-lists';
import { recordKey } from './validate';
import { markChanged } from './zone-changes';
import { COMMIT_TX, diffStored, plainRecord, soaColumns, writeZoneVersion, type JournalEntry } from './zone-version';

type Tx = Prisma.TransactionClient;

/** An SOA as received: its fields and its TTL. */
export interface ReceivedSoa {
  soa: SoaFields;
  ttl: number;
}

/** One IXFR difference sequence (RFC 1995 §4): the records removed and added between two serials. */
export interface SecondaryDiff {
  from: ReceivedSoa;
  to: ReceivedSoa;
  removed: RR[];
  added: RR[];
}

/** The refresh state of a secondary zone after a check or a transfer (see lib/worker/secondary/timers.ts). */
export interface RefreshState {
  checkedAt: Date;
  /** Set when the copy was confirmed current (or replaced) at this time. */
  refreshedAt?: Date;
  nextRefreshAt: Date | null;
  /** Left as stored when undefined (a failed refresh does not move the expiry). */
  expiresAt?: Date | null;
  failures: number;
  error: string | null;
}

export interface TransferSource {
  /** The primary, "address:port". */
  peer: string;
  /** Accept a serial that is not newer than ours (`zonekeeper zone retrieve`). */
  force?: boolean;
  /** Written in the same transaction as the content. */
  state?: RefreshState;
}

export interface SecondaryApplyResult {
  zone: string;
  changed: boolean;
  oldSerial: number;
  newSerial: number;
  added: number;
  removed: number;
  /** Records stored after the apply, the SOA not counted. */
  records: number;
  /** A consumer catalog (RFC 9432): what this version did to its members, for the worker to record and act on. */
  catalog?: CatalogSync;
}

/**
 * Replaces the content of secondary zone `zoneId` with a whole received zone
 * (AXFR, RFC 5936). A serial that is not newer than the stored one (RFC 1982)
 * changes nothing unless `source.force`.
 */
export async function replaceSecondaryContent(zoneId: number, soa: ReceivedSoa, records: RR[], source: TransferSource): Promise<SecondaryApplyResult> {
  return writeTransaction(
    async (tx) => {
      const slice = new TimeSlice();
      const zone = await secondaryZoneWithRecords(tx, zoneId, slice);
      const oldSerial = Number(zone.serial);
      const newSerial = soa.soa.serial;
      if (!source.force && oldSerial !== 0 && !serialGreater(newSerial, oldSerial)) {
        if (source.state) await writeRefreshState(tx, zone.id, source.state);
        return { zone: zone.name, changed: false, oldSerial, newSerial: oldSerial, added: 0, removed: 0, records: zone.records.length };
      }
      const unique = new Map<string, RR>();
      await slice.forEach(records, (r) => {
        if (r.type !== 'SOA') unique.set(recordKey(r), r);
      });
      const next = [...unique.values()];
      return storeSecondary(tx, zone, next, soa, source, slice, (oldSoa, removed, added) =>
        // The first copy has no previous version to diff from: journaled like a zone creation.
        oldSerial === 0
          ? [{ oldSerial: 0, newSerial, removed: [], added: [soaRr(zone.name, soa), ...next] }]
          : [{ oldSerial, newSerial, removed: [oldSoa, ...removed], added: [soaRr(zone.name, soa), ...added] }],
      );
    },
    COMMIT_TX,
  );
}

/**
 * Applies received IXFR difference sequences (RFC 1995 §4) in order, as one
 * transaction. The first must start at the stored serial, and every record it
 * removes must be stored; otherwise AppError('conflict') and nothing changes
 * (the engine then asks for the whole zone).
 */
export async function applySecondaryDiffs(zoneId: number, diffs: SecondaryDiff[], source: TransferSource): Promise<SecondaryApplyResult> {
  if (diffs.length === 0) throw new AppError('invalid', 'an incremental transfer without any difference sequence');
  return writeTransaction(
    async (tx) => {
      const slice = new TimeSlice();
      const header = await secondaryZone(tx, zoneId);
      const oldSerial = Number(header.serial);
      if (diffs[0]!.from.soa.serial !== oldSerial) {
        throw new AppError('conflict', `${header.name}: the IXFR starts at serial ${diffs[0]!.from.soa.serial}, we hold ${oldSerial}`);
      }
      // A small difference reads and rewrites only the names it touches, the rest of the zone
      // staying as it is; a big one reads the whole zone, a page and a slice at a time.
      const names = new Set<string>();
      for (const d of diffs) for (const r of [...d.removed, ...d.added]) names.add(r.name);
      const few = names.size <= IXFR_NAMES_READ_AT;
      const zone = few ? { ...header, records: await readRecordsAt(tx, header.id, names) } : { ...header, records: await readZoneRecords(tx, header.id, { slice }) };
      const untouched = few ? (await tx.record.count({ where: { zoneId: header.id } })) - zone.records.length : 0;
      const current = new Map<string, RR>();
      await slice.forEach(zone.records, (r) => current.set(recordKey(r), { name: r.name, type: r.type, ttl: r.ttl, content: r.content }));
      for (const d of diffs) {
        await slice.forEach(d.removed, (r) => {
          // RFC 1995 §4 deletes name, type and data; the TTL need not match.
          if (!current.delete(recordKey(r))) {
            throw new AppError('conflict', `${zone.name}: the IXFR to serial ${d.to.soa.serial} deletes ${r.name} ${r.type} ${r.content}, which we do not hold`);
          }
        });
        await slice.forEach(d.added, (r) => current.set(recordKey(r), r));
      }
      const last = diffs[diffs.length - 1]!;
      return storeSecondary(tx, zone, [...current.values()], last.to, { ...source, untouched }, slice, () =>
        diffs.map((d) => ({
          oldSerial: d.from.soa.serial,
          newSerial: d.to.soa.serial,
          removed: [soaRr(zone.name, d.from), ...d.removed],
          added: [soaRr(zone.name, d.to), ...d.added],
        })),
      );
    },
    COMMIT_TX,
  );
}

/** Names an IXFR may touch for its records to be read by name rather than the whole zone's (a query per 500 names). */
const IXFR_NAMES_READ_AT = 2000;

/** Records the outcome of a refresh that transferred nothing (current, or failed). */
export async function recordRefreshState(zoneId: number, state: RefreshState): Promise<void> {
  await writeTransaction(async (tx) => writeRefreshState(tx, zoneId, state));
}

async function secondaryZone(tx: Tx, zoneId: number) {
  const zone = await tx.zone.findUnique({ where: { id: zoneId } });
  if (!zone) throw new AppError('not-found', `zone #${zoneId} no longer exists`);
  if (zone.kind !== 'secondary') throw new AppError('forbidden', `${zone.name} is a primary zone here; a transfer cannot overwrite it`);
  return zone;
}

async function secondaryZoneWithRecords(tx: Tx, zoneId: number, slice: TimeSlice) {
  const zone = await secondaryZone(tx, zoneId);
  return { ...zone, records: await readZoneRecords(tx, zone.id, { slice }) };
}

function soaRr(zoneName: string, s: ReceivedSoa): RR {
  return { name: zoneName, type: 'SOA', ttl: s.ttl, content: soaContent(s.soa) };
}

function refreshStateData(s: RefreshState) {
  return {
    lastCheckAt: s.checkedAt,
    ...(s.refreshedAt ? { lastRefreshAt: s.refreshedAt } : {}),
    nextRefreshAt: s.nextRefreshAt,
    ...(s.expiresAt !== undefined ? { expiresAt: s.expiresAt } : {}),
    refreshFailures: s.failures,
    lastError: s.error,
  };
}

/**
 * A refresh that confirms the copy moves its expiry later, which no worker
 * needs to hear of: a worker looks at the zone again when the expiry it knows
 * passes. An expiry lifted, brought forward or newly set changes what it must
 * serve (an expired copy answers SERVFAIL), so that goes on the change feed.
 */
async function writeRefreshState(tx: Tx, zoneId: number, s: RefreshState): Promise<void> {
  const before = s.expiresAt === undefined ? null : await tx.zone.findUnique({ where: { id: zoneId }, select: { name: true, expiresAt: true } });
  await tx.zone.updateMany({ where: { id: zoneId }, data: refreshStateData(s) });
  if (before && expiryNews(before.expiresAt, s.expiresAt ?? null, Date.now())) await markChanged(tx, before.name);
}

function expiryNews(old: Date | null, next: Date | null, now: number): boolean {
  const expired = (d: Date | null) => d !== null && d.getTime() <= now;
  return expired(old) !== expired(next) || (next !== null && (old === null || next < old));
}


/**
 * Writes `next` in place of `zone.records` (the whole zone, or the records at
 * the names an IXFR touches, with `source.untouched` more left as they are;
 * only the difference is written), the new SOA, the journal entries `journal` builds, the refresh
 * state and the NOTIFY jobs, inside the caller's transaction. A transfer may
 * carry hundreds of thousands of records and the worker that applies it
 * answers queries meanwhile: every loop over them gives the event loop a turn
 * when `slice` is used up.
 */
async function storeSecondary(
  tx: Tx,
  zone: Awaited<ReturnType<typeof secondaryZoneWithRecords>>,
  next: RR[],
  soa: ReceivedSoa,
  source: TransferSource & { untouched?: number },
  slice: TimeSlice,
  journal: (oldSoa: RR, removed: RR[], added: RR[]) => JournalEntry[],
): Promise<SecondaryApplyResult> {
  const oldSerial = Number(zone.serial);
  const { removedRows, added } = await diffStored(zone.records, next, slice);
  const removed = removedRows.map(plainRecord);
  // writeZoneVersion journals and notifies only a serial that moved (a forced retrieve may not).
  const moved = soa.soa.serial !== oldSerial;
  const consumer = zone.catalogRole === 'consumer';
  // Members are zones created in this transaction: the creation rules' lock first, as every creation takes it (before the change feed's).
  if (consumer) await lockInTransaction(tx, TX_LOCK.zoneNames);
  await writeZoneVersion(
    tx,
    {
      zone,
      serial: soa.soa.serial,
      columns: { ...soaColumns(soa), ...(source.state ? refreshStateData(source.state) : {}) },
      removedRows,
      added,
      author: { actor: 'transfer', comment: `transfer from ${source.peer}` },
      journal: moved ? journal(soaRecordOf(zone), removed, added) : [],
      // A secondary notifies only its explicit also-notify list (its NS hosts are its peers' business).
      notifyTargets: moved ? storedAddressPorts(readList(zone.alsoNotify), 53).map(formatHostPort) : [],
      conflict: `${zone.name} was changed by another transfer at the same moment`,
    },
    slice,
  );
  // The catalog's members follow the version just written, in its transaction (catalog-consumer.ts).
  const catalog = consumer ? await syncCatalogMembers(tx, zone) : undefined;
  return {
    ...(catalog ? { catalog } : {}),
    zone: zone.name,
    changed: true,
    oldSerial,
    newSerial: soa.soa.serial,
    added: added.length,
    removed: removed.length,
    records: next.length + (source.untouched ?? 0),
  };
}
