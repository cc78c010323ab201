// Deleted zones kept for restoring (issue 21). A deletion by a person or the
// HTTP API moves the zone's records, changes and change parts into the
// Deleted* tables with INSERT … SELECT inside the deleting transaction, so a
// zone of a million records never passes through JavaScript; its settings,
// grants, catalog and DNSSEC keys (a few rows) go along as JSON. Nothing
// that serves, lists, counts or searches zones reads these tables, so a
// deleted zone is gone for all of them without a filter anywhere.
//
// Ids are kept: the database never gives a deleted row's id to another
// (SQLite AUTOINCREMENT, PostgreSQL sequences), so a restore puts the zone,
// its records and its changes back under their old ids, and ChangePart's and
// Change.linkedChangeId's references hold again.
//
// A snapshot is kept ZK_DELETED_ZONE_DAYS (default 30) days: past that it is
// no longer listed nor restorable, and the next deletion or restore purges it
// (one delete on the indexed deletion time; no periodic work at all).
import { Prisma } from '../generated/prisma/client';
import { db, executeBulk, lockInTransaction, sqlCast, TX_LOCK, writeTransaction } from '../db';
import { deletedZoneDays } from '../config/env';
import { isUniqueViolation } from '../db-errors';
import { daysBefore } from '../retention';
import { nextSerial } from '../dns/serial';
import type { SerialPolicy } from '../dns/types';
import { AppError } from '../errors';
import type { Actor } from './actor';
import { parseMembership, setMembership } from './catalog';
import { checkZoneDelete } from './creation-rules';
import { soaRecordOf } from './data';
import { writeChange } from './journal';
import { readList } from './json-lists';
import { readApexNotifyRecords } from './neighbourhood';
import { notifyTargets } from './notify-targets';
import { nudgeWorker } from './nudge';
import { markChanged } from './zone-changes';
import { COMMIT_TX, queueNotify } from './zone-version';

type Tx = Prisma.TransactionClient;
type ZoneRow = NonNullable<Awaited<ReturnType<Tx['zone']['findUnique']>>>;

/** What a snapshot keeps of the zone besides its records and history. */
interface KeptSettings {
  /** The Zone row's columns that a restore writes back (dates as ISO text, BigInts as text). */
  zone: Record<string, unknown>;
  tsigKey: string | null;
  /** The producer catalog that listed it, and its group there. */
  catalog: string | null;
  catalogGroup: string | null;
  grants: { userId: number; level: string }[];
  dnssecKeys: Record<string, unknown>[];
}

/** Columns not kept: the identity, what the restore sets anew, and a secondary's refresh state (it checks its primary at once). */
const NOT_KEPT = new Set([
  'id', 'name', 'serial', 'tsigKeyId', 'catalogId', 'catalogLabel', 'catalogGroup', 'updatedAt',
  'lastCheckAt', 'lastRefreshAt', 'nextRefreshAt', 'expiresAt', 'refreshFailures', 'lastError', 'unjournaled',
]);
const DATE_COLUMNS = new Set(['createdAt', 'resignAt', 'stateSince']);

function toJsonRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (NOT_KEPT.has(k)) continue;
    out[k] = v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? String(v) : v;
  }
  return out;
}

function fromJsonRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = DATE_COLUMNS.has(k) && typeof v === 'string' ? new Date(v) : v;
  return out;
}

/**
 * Keeps `zone` as a DeletedZone inside the deleting transaction `tx`, before
 * the zone row goes (its cascade then removes the originals). Call it before
 * the zone leaves its catalog, so that the catalog is remembered.
 */
export async function snapshotZoneIn(tx: Tx, zone: ZoneRow, actor: Actor): Promise<void> {
  const [grants, keys, tsig, catalog] = await Promise.all([
    tx.zoneGrant.findMany({ where: { zoneId: zone.id }, select: { userId: true, level: true } }),
    tx.dnssecKey.findMany({ where: { zoneId: zone.id } }),
    zone.tsigKeyId === null ? null : tx.tsigKey.findUnique({ where: { id: zone.tsigKeyId }, select: { name: true } }),
    zone.catalogId === null ? null : tx.zone.findUnique({ where: { id: zone.catalogId }, select: { name: true, catalogRole: true } }),
  ]);
  const producer = catalog?.catalogRole === 'producer' ? catalog.name : null;
  const settings: KeptSettings = {
    zone: toJsonRow(zone),
    tsigKey: tsig?.name ?? null,
    catalog: producer,
    catalogGroup: producer ? zone.catalogGroup : null,
    grants,
    dnssecKeys: keys.map((k) => toJsonRow(k as unknown as Record<string, unknown>)),
  };
  const kept = await tx.deletedZone.create({
    data: { zoneId: zone.id, name: zone.name, kind: zone.kind, serial: zone.serial, recordCount: 0, settings: JSON.stringify(settings), deletedBy: actor.name },
    select: { id: true },
  });
  const dz = kept.id;
  const records = await executeBulk(
    tx,
    Prisma.sql`INSERT INTO "DeletedRecord" ("id", "deletedZoneId", "name", "type", "ttl", "content", "target", "disabled")
      SELECT "id", ${sqlCast(dz, 'integer')}, "name", "type", "ttl", "content", "target", "disabled" FROM "Record" WHERE "zoneId" = ${sqlCast(zone.id, 'integer')}`,
  );
  await executeBulk(
    tx,
    Prisma.sql`INSERT INTO "DeletedChange" ("id", "deletedZoneId", "userId", "actor", "comment", "oldSerial", "newSerial", "version", "removed", "added", "createdAt", "linkedChangeId")
      SELECT "id", ${sqlCast(dz, 'integer')}, "userId", "actor", "comment", "oldSerial", "newSerial", "version", "removed", "added", "createdAt", "linkedChangeId"
      FROM "Change" WHERE "zoneId" = ${sqlCast(zone.id, 'integer')}`,
  );
  await executeBulk(
    tx,
    Prisma.sql`INSERT INTO "DeletedChangePart" ("id", "deletedZoneId", "changeId", "removed", "added")
      SELECT p."id", ${sqlCast(dz, 'integer')}, p."changeId", p."removed", p."added"
      FROM "ChangePart" p JOIN "Change" c ON c."id" = p."changeId" WHERE c."zoneId" = ${sqlCast(zone.id, 'integer')}`,
  );
  await tx.deletedZone.update({ where: { id: dz }, data: { recordCount: records } });
  await purgeExpired(tx);
}

/** The oldest deletion time still kept. */
function keptSince(now = new Date()): Date {
  return daysBefore(now, deletedZoneDays());
}

/** Drops the snapshots past their time; the cascade takes their rows. */
export async function purgeExpired(tx: Pick<Tx, 'deletedZone'>, now = new Date()): Promise<number> {
  return (await tx.deletedZone.deleteMany({ where: { deletedAt: { lt: keptSince(now) } } })).count;
}

export interface DeletedZoneEntry {
  id: number;
  name: string;
  kind: string;
  serial: number;
  recordCount: number;
  deletedBy: string;
  deletedAt: Date;
  /** Restorable until then. */
  keptUntil: Date;
}

/** The deleted zones still restorable, newest first. */
export async function listDeletedZones(opts: { take?: number } = {}): Promise<DeletedZoneEntry[]> {
  const days = deletedZoneDays();
  const rows = await db().deletedZone.findMany({
    where: { deletedAt: { gte: keptSince() } },
    orderBy: [{ deletedAt: 'desc' }, { id: 'desc' }],
    take: opts.take ?? 500,
    select: { id: true, name: true, kind: true, serial: true, recordCount: true, deletedBy: true, deletedAt: true },
  });
  return rows.map((r) => ({ ...r, serial: Number(r.serial), keptUntil: new Date(r.deletedAt.getTime() + days * 86_400_000) }));
}

export interface RestoreResult {
  name: string;
  serial: number;
  records: number;
  /** The catalog it rejoined, or the one it could not (gone since). */
  catalog?: { name: string; rejoined: boolean };
}

/**
 * Restores a deleted zone, given by name (its newest snapshot) or by the
 * snapshot's id (`#12`): records, settings, grants, DNSSEC keys and history
 * back under their old ids; a primary zone gets a serial above the deleted
 * one in a "restored by" change, so that secondaries still holding the old
 * copy take this one, and NOTIFY goes out. It rejoins its producer catalog
 * when that catalog still exists. Admins and the local operator only.
 */
export async function restoreZone(which: string, actor: Actor): Promise<RestoreResult> {
  let out: RestoreResult & { nudge: string[] };
  try {
    out = await writeTransaction(async (tx) => {
      await checkZoneDelete(tx, actor);
      await purgeExpired(tx);
      const kept = await findSnapshot(tx, which);
      await lockInTransaction(tx, TX_LOCK.zoneNames);
      if (await tx.zone.findUnique({ where: { name: kept.name }, select: { id: true } })) throw existsAgain(kept.name);
      return restoreIn(tx, kept, actor);
    }, COMMIT_TX);
  } catch (err) {
    if (isUniqueViolation(err)) throw existsAgain(which);
    throw err;
  }
  for (const z of out.nudge) await nudgeWorker(z);
  const { nudge, ...result } = out;
  void nudge;
  return result;
}

function existsAgain(name: string): AppError {
  return new AppError('exists', `A zone ${name} exists again, so the deleted one cannot come back beside it; delete the new ${name} first if the deleted one should be restored.`);
}

async function findSnapshot(tx: Tx, which: string) {
  const byId = /^#?(\d+)$/.exec(which.trim());
  const where: Prisma.DeletedZoneWhereInput = byId ? { id: Number(byId[1]) } : { name: canonicalOrSame(which) };
  const kept = await tx.deletedZone.findFirst({ where: { ...where, deletedAt: { gte: keptSince() } }, orderBy: { id: 'desc' } });
  if (!kept) throw new AppError('not-found', `No deleted zone ${which} is kept (any more); see the list of deleted zones.`);
  return kept;
}

function canonicalOrSame(name: string): string {
  const t = name.trim().toLowerCase();
  return t.endsWith('.') ? t : `${t}.`;
}

type Snapshot = NonNullable<Awaited<ReturnType<Tx['deletedZone']['findFirst']>>>;

async function restoreIn(tx: Tx, kept: Snapshot, actor: Actor): Promise<RestoreResult & { nudge: string[] }> {
  const settings = JSON.parse(kept.settings) as KeptSettings;
  let tsigKeyId: number | null = null;
  if (settings.tsigKey) {
    const key = await tx.tsigKey.findUnique({ where: { name: settings.tsigKey }, select: { id: true } });
    // Without its key the zone would transfer to anyone in its ranges: refuse rather than loosen.
    if (!key) throw new AppError('invalid', `${kept.name} used the TSIG key ${settings.tsigKey}, which no longer exists; create the key again (Settings → TSIG keys), then restore.`);
    tsigKeyId = key.id;
  }
  const columns = fromJsonRow(settings.zone) as Omit<Prisma.ZoneUncheckedCreateInput, 'name' | 'serial'>;
  const policy = (columns.serialPolicy ?? 'increment') as SerialPolicy;
  const primary = kept.kind === 'primary';
  const oldSerial = Number(kept.serial);
  const serial = primary ? nextSerial(policy, oldSerial) : oldSerial;
  const version = (typeof columns.version === 'number' ? columns.version : 1) + 1;
  const zone = await tx.zone.create({
    data: { ...columns, id: kept.zoneId, name: kept.name, serial: BigInt(serial), version, tsigKeyId, nextRefreshAt: null },
  });
  const dz = kept.id;
  await executeBulk(
    tx,
    Prisma.sql`INSERT INTO "Record" ("id", "zoneId", "name", "type", "ttl", "content", "target", "disabled")
      SELECT "id", ${sqlCast(zone.id, 'integer')}, "name", "type", "ttl", "content", "target", "disabled" FROM "DeletedRecord" WHERE "deletedZoneId" = ${sqlCast(dz, 'integer')}`,
  );
  // A user removed since keeps their changes, unnamed, as deleting a user does (onDelete: SetNull).
  await executeBulk(
    tx,
    Prisma.sql`INSERT INTO "Change" ("id", "zoneId", "userId", "actor", "comment", "oldSerial", "newSerial", "version", "removed", "added", "createdAt", "linkedChangeId")
      SELECT d."id", ${sqlCast(zone.id, 'integer')}, (SELECT u."id" FROM "User" u WHERE u."id" = d."userId"), d."actor", d."comment", d."oldSerial", d."newSerial", d."version", d."removed", d."added", d."createdAt", d."linkedChangeId"
      FROM "DeletedChange" d WHERE d."deletedZoneId" = ${sqlCast(dz, 'integer')}`,
  );
  await executeBulk(
    tx,
    Prisma.sql`INSERT INTO "ChangePart" ("id", "changeId", "removed", "added")
      SELECT "id", "changeId", "removed", "added" FROM "DeletedChangePart" WHERE "deletedZoneId" = ${sqlCast(dz, 'integer')}`,
  );
  const users = new Set((await tx.user.findMany({ where: { id: { in: settings.grants.map((g) => g.userId) } }, select: { id: true } })).map((u) => u.id));
  const grants = settings.grants.filter((g) => users.has(g.userId));
  if (grants.length) await tx.zoneGrant.createMany({ data: grants.map((g) => ({ ...g, zoneId: zone.id })) });
  if (settings.dnssecKeys.length) {
    await tx.dnssecKey.createMany({ data: settings.dnssecKeys.map((k) => ({ ...(fromJsonRow(k) as Omit<Prisma.DnssecKeyCreateManyInput, 'zoneId'>), zoneId: zone.id })) });
  }
  if (primary) {
    const oldSoa = soaRecordOf({ ...zone, serial: kept.serial });
    const head = { zoneId: zone.id, userId: actor.userId ?? null, actor: actor.name, comment: `restored by ${actor.name} (deleted by ${kept.deletedBy} at ${kept.deletedAt.toISOString()})`, oldSerial: kept.serial, newSerial: zone.serial, version };
    await writeChange(tx, head, [oldSoa], [soaRecordOf(zone)]);
    await queueNotify(tx, zone.id, zone.serial, notifyTargets(zone.name, zone.soaMname, await readApexNotifyRecords(tx, zone), readList(zone.alsoNotify)));
  }
  const nudge = [zone.name];
  let catalog: RestoreResult['catalog'];
  if (settings.catalog) {
    const cat = await tx.zone.findUnique({ where: { name: settings.catalog }, select: { catalogRole: true } });
    const rejoined = cat?.catalogRole === 'producer';
    if (rejoined) nudge.push(...(await setMembership(tx, zone, parseMembership(settings.catalog, settings.catalogGroup), actor)));
    catalog = { name: settings.catalog, rejoined };
  }
  await markChanged(tx, zone.name);
  await tx.deletedZone.delete({ where: { id: dz } });
  return { name: zone.name, serial, records: kept.recordCount, catalog, nudge: [...new Set(nudge)] };
}
