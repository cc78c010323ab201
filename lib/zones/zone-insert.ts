// Inserting a new zone inside a caller's transaction: the rules of who may
// create what where (creation-rules.ts), the row, its records, its first
// journal entry and NOTIFY round, and its place on the change feed. Used by
// zone-lifecycle.ts (the form, the CLI, autoprimaries, imports) and by the
// catalog producer for a new catalog (catalog.ts); the catalog consumer
// creates its new members thousands at a time (insertCatalogMembersIn).
import { Prisma } from '../generated/prisma/client';
import { executeBulk, jsonRows, sqlCast } from '../db';
import { jsonRowBatches } from '../db-bulk';
import type { RR } from '../dns/types';
import { TimeSlice } from '../time-slice';
import type { Actor } from './actor';
import { catalogMemberRefusals, checkZoneCreation } from './creation-rules';
import { soaRecordOf } from './data';
import { writeChange } from './journal';
import type { ZoneDefaults } from '../settings/schema';
import { readList, writeList } from './json-lists';
import { notifyTargets } from './notify-targets';
import { findByNames, markChanged, markChangedMany } from './zone-changes';
import { insertRecords, queueNotify } from './zone-version';

type Tx = Prisma.TransactionClient;

export type ZoneInsert = Omit<Prisma.ZoneCreateInput, 'records' | 'changes' | 'notifyJobs' | 'replicas' | 'events' | 'grants'>;

export type InsertedZone = NonNullable<Awaited<ReturnType<Tx['zone']['findUnique']>>>;

/**
 * Creates the zone row, its records and (for a primary) its first journal
 * entry and NOTIFY jobs in `tx`. A unique violation (the name exists) is the
 * caller's to map.
 */
export async function insertZoneIn(tx: Tx, actor: Actor, data: ZoneInsert, records: RR[], comment = 'zone created'): Promise<InsertedZone> {
  const creator = await checkZoneCreation(tx, actor, { name: data.name, kind: data.kind, primaries: readList(data.primaries) });
  const zone = await tx.zone.create({ data });
  // An editor may only open zones granted to them; the one they create is.
  if (creator.kind === 'user' && creator.role === 'editor') await tx.zoneGrant.create({ data: { userId: creator.id, zoneId: zone.id } });
  const slice = new TimeSlice();
  await insertRecords(tx, zone.id, records, slice);
  if (zone.kind === 'primary') {
    const head = { zoneId: zone.id, userId: actor.userId ?? null, actor: actor.name, comment, oldSerial: 0n, newSerial: zone.serial, version: zone.version };
    await writeChange(tx, head, [], [soaRecordOf(zone), ...records], slice);
    // A catalog's NS is its SOA MNAME, invalid. (RFC 9432 §4): notifyTargets leaves it out, and only its also-notify list hears of it.
    await queueNotify(tx, zone.id, zone.serial, notifyTargets(zone.name, zone.soaMname, records, readList(zone.alsoNotify)));
  }
  await markChanged(tx, zone.name);
  return zone;
}

/** The columns a catalog's members differ in; the others are the same for all (newSecondaryZone, the catalog's). */
const PER_MEMBER_COLUMNS = ['name', 'catalogLabel', 'catalogGroup'] as const;

/**
 * Creates the new members `rows` (secondary zones, no records) of consumer
 * catalog `catalogId` in `tx`, thousands at a time: the catalog's placement
 * rule applied to them all at once (catalogMemberRefusals), the rows inserted
 * a page per statement, the change feed told in bulk. A zone of one of these
 * names must not exist (the caller looked, holding TX_LOCK.zoneNames).
 * Returns the zones created and those refused, with the reason.
 */
export async function insertCatalogMembersIn(
  tx: Tx,
  catalogId: number,
  rows: Prisma.ZoneCreateManyInput[],
): Promise<{ created: { id: number; name: string }[]; refused: { name: string; reason: string }[] }> {
  const refusals = await catalogMemberRefusals(tx, catalogId, rows.map((r) => r.name));
  const refused = [...refusals].map(([name, reason]) => ({ name, reason }));
  const [first, ...rest] = rows.filter((r) => !refusals.has(r.name)).map((r) => ({ ...r, catalogId }));
  if (!first) return { created: [], refused };
  // The first through Prisma; the others copy its shared columns in SQL, since binding them row by
  // row through Prisma cost 0.35 ms a zone (7 s for 20,000; measured 2026-12-06).
  const template = await tx.zone.create({ data: first, select: { id: true, name: true } });
  const shared = [...Object.keys(first).filter((c) => !(PER_MEMBER_COLUMNS as readonly string[]).includes(c)), 'createdAt', 'updatedAt'];
  const into = Prisma.raw([...PER_MEMBER_COLUMNS, ...shared].map((c) => `"${c}"`).join(', '));
  const copied = Prisma.raw(shared.map((c) => `t."${c}"`).join(', '));
  for (const json of jsonRowBatches(rest, (r) => [r.name, r.catalogLabel ?? null, r.catalogGroup ?? null])) {
    await executeBulk(
      tx,
      Prisma.sql`INSERT INTO "Zone" (${into})
        SELECT j."c0", j."c1", j."c2", ${copied} FROM ${jsonRows(json, ['text', 'text', 'text'])}, "Zone" t WHERE t."id" = ${sqlCast(template.id, 'integer')}`,
    );
  }
  const created = [template, ...(await findByNames(rest.map((r) => r.name), (names) => tx.zone.findMany({ where: { name: { in: names } }, select: { id: true, name: true } })))];
  await markChangedMany(tx, created.map((z) => z.name));
  return { created, refused };
}

/**
 * The row of a new secondary zone of `primaries` (stored ADDRESS:PORT), from
 * the zone template: serial 0 (nothing held yet, so the engine transfers at
 * once), the SOA columns placeholders until the first transfer brings the
 * primary's. The CLI and form (createZone) and the catalog consumer
 * (catalog-consumer.ts) create secondaries with it.
 */
export function newSecondaryZone(name: string, primaries: readonly string[], defaults: ZoneDefaults, opts: { serialPolicy?: string; defaultTtl?: number } = {}): ZoneInsert & Prisma.ZoneCreateManyInput {
  const defaultTtl = opts.defaultTtl ?? defaults.defaultTtl;
  return {
    name,
    kind: 'secondary',
    serial: 0n,
    serialPolicy: opts.serialPolicy ?? defaults.serialPolicy,
    soaMname: name,
    soaRname: name,
    soaRefresh: defaults.refresh,
    soaRetry: defaults.retry,
    soaExpire: defaults.expire,
    soaMinimum: defaults.minimum,
    soaTtl: defaultTtl,
    defaultTtl,
    primaries: writeList(primaries),
    allowTransfer: writeList(defaults.allowTransfer),
    alsoNotify: writeList(defaults.alsoNotify),
  };
}
