// Inserting a new zone inside a caller's transaction: the rules of who may
// create what where (creation-rules.ts), the row, its records, its first
// journal entry and NOTIFY round, and its place on the change feed. Used by
// zone-lifecycle.ts (the form, the CLI, autoprimaries, imports), by the
// catalog producer for a new catalog (catalog.ts) and by the catalog
// consumer for a new member (catalog-consumer.ts).
import type { Prisma } from '../generated/prisma/client';
import type { RR } from '../dns/types';
import { TimeSlice } from '../time-slice';
import type { Actor } from './actor';
import { checkZoneCreation } from './creation-rules';
import { soaRecordOf } from './data';
import { writeChange } from './journal';
import type { ZoneDefaults } from '../settings/schema';
import { readList, writeList } from './json-lists';
import { notifyTargets } from './notify-targets';
import { markChanged } from './zone-changes';
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
    // A catalog's NS names no server (RFC 9432 §4): only its also-notify list hears of it.
    const nsRecords = zone.catalogRole ? [] : records;
    await queueNotify(tx, zone.id, zone.serial, notifyTargets(zone.name, zone.soaMname, nsRecords, readList(zone.alsoNotify)));
  }
  await markChanged(tx, zone.name);
  return zone;
}

/**
 * The row of a new secondary zone of `primaries` (stored ADDRESS:PORT), from
 * the zone template: serial 0 (nothing held yet, so the engine transfers at
 * once), the SOA columns placeholders until the first transfer brings the
 * primary's. The CLI and form (createZone) and the catalog consumer
 * (catalog-consumer.ts) create secondaries with it.
 */
export function newSecondaryZone(name: string, primaries: readonly string[], defaults: ZoneDefaults, opts: { serialPolicy?: string; defaultTtl?: number } = {}): ZoneInsert {
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
