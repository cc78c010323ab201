// The catalog producer (RFC 9432): catalog zones whose records Zonekeeper
// writes from its members' options, so that every BIND, Knot, PowerDNS or
// Zonekeeper secondary consuming a catalog creates and deletes the member
// zones by itself. Membership changes in the transaction that creates,
// deletes or re-options the member (lib/zones/zone-lifecycle.ts): a catalog
// never lists a zone that does not exist nor misses one that does. Each
// membership change is a new version of the catalog (serial, Change for
// IXFR, NOTIFY to its secondaries) written by writeZoneVersion, the one
// writer of zone versions. People, imports, the API and UPDATE cannot write a
// catalog's records (commitRecords refuses them): they follow the members.
// The consumer side lives in lib/zones/catalog-consumer.ts.
import type { Prisma } from '../generated/prisma/client';
import { db, lockInTransaction, TX_LOCK, writeTransaction } from '../db';
import { catalogBaseRecords, CATALOG_NS, CATALOG_TTL, groupNameProblem, MEMBER_PROPERTIES, memberOwner, memberRecords, newMemberLabel } from '../dns/catalog';
import { absoluteName, DnsNameError } from '../dns/names';
import { nextSerial } from '../dns/serial';
import type { RR, SerialPolicy } from '../dns/types';
import { AppError } from '../errors';
import { getSetting } from '../settings/data';
import { TimeSlice } from '../time-slice';
import type { Actor } from './actor';
import { checkZoneConfigure } from './creation-rules';
import { soaRecordOf } from './data';
import { readList, writeList } from './json-lists';
import { notifyTargets } from './notify-targets';
import { recordZoneEvents } from '../replication/zone-events';
import { nudgeWorker } from './nudge';
import { insertZoneIn, type InsertedZone, type ZoneInsert } from './zone-insert';
import { COMMIT_TX, plainRecord, writeZoneVersion } from './zone-version';

type Tx = Prisma.TransactionClient;

/** The catalog a zone asks to be listed in, and its group; `catalog: null` lists it in none. */
export interface Membership {
  catalog: string | null;
  group?: string | null;
  /** Chosen by the person rather than by the template: deciding which secondaries serve a zone is an admin's call. */
  explicit?: boolean;
}

/** The columns of a zone that membership reads. */
export interface MemberRow {
  id: number;
  name: string;
  catalogRole: string | null;
  catalogId: number | null;
  catalogLabel: string | null;
  catalogGroup: string | null;
}

/** A catalog name as typed (`--catalog NAME`): canonical, or an 'invalid' AppError on the catalog field. */
export function catalogName(input: string): string {
  try {
    const name = absoluteName(input.trim());
    if (name === '.') throw new DnsNameError('the root cannot be a catalog');
    return name;
  } catch (err) {
    if (!(err instanceof DnsNameError)) throw err;
    throw new AppError('invalid', `catalog: ${err.message}`, { catalog: [err.message] });
  }
}

/** A membership as typed: `none` or blank → no catalog; the group checked (groupNameProblem). */
export function parseMembership(catalog: string, group?: string | null): Membership {
  const c = catalog.trim();
  if (c === '' || c.toLowerCase() === 'none') {
    if (group) throw new AppError('invalid', 'A group needs a catalog: give --catalog NAME too.', { catalogGroup: ['a group needs a catalog'] });
    return { catalog: null, group: null };
  }
  const g = group?.trim() || null;
  const problem = g === null ? null : groupNameProblem(g);
  if (problem) throw new AppError('invalid', `group "${g}": ${problem}`, { catalogGroup: [problem] });
  return { catalog: catalogName(c), group: g };
}

/** The SOA and settings of a new producer catalog: names that resolve nowhere (RFC 9432 §4), the template's timers and peers. */
export async function newCatalogZone(tx: Tx, name: string): Promise<{ data: ZoneInsert; records: RR[] }> {
  const defaults = await getSetting('zoneDefaults', tx);
  const data: ZoneInsert = {
    name,
    kind: 'primary',
    catalogRole: 'producer',
    serial: BigInt(nextSerial(defaults.serialPolicy as SerialPolicy, 0)),
    serialPolicy: defaults.serialPolicy,
    soaMname: CATALOG_NS,
    soaRname: CATALOG_NS,
    soaRefresh: defaults.refresh,
    soaRetry: defaults.retry,
    soaExpire: defaults.expire,
    soaMinimum: CATALOG_TTL,
    soaTtl: CATALOG_TTL,
    defaultTtl: CATALOG_TTL,
    allowTransfer: writeList(defaults.allowTransfer),
    alsoNotify: writeList(defaults.alsoNotify),
  };
  return { data, records: catalogBaseRecords(name) };
}

/**
 * Makes `member` listed as `next` says, inside the caller's transaction:
 * adds it to the catalog it joins (creating a producer catalog that does not
 * exist yet, which needs an admin), changes its group in place, or takes it
 * out. A move from one catalog to another is a change of ownership (RFC 9432
 * §5.6) that the worker finishes in steps (CatalogMove, endDueMoves): done at
 * once, a consumer that read the new catalog before the old one would ignore
 * the zone in the new one (the old still owns it) and then delete it (the old
 * no longer lists it); BIND and Knot both did. Returns the catalogs whose
 * versions were written, for the caller to nudge the worker after commit.
 */
export async function setMembership(tx: Tx, member: MemberRow, next: Membership, actor: Actor): Promise<string[]> {
  if (member.catalogRole && next.catalog) {
    throw new AppError('invalid', `${member.name} is a catalog zone; a catalog cannot be a member of a catalog.`, { catalog: ['a catalog zone cannot be a member'] });
  }
  const current = member.catalogId === null ? null : await tx.zone.findUnique({ where: { id: member.catalogId } });
  if (current?.catalogRole === 'consumer') {
    // Leaving its catalog is the catalog's primary's call (catalog-consumer.ts); deleteZone refuses it by hand.
    if (!next.catalog) return [];
    const message = `${member.name} was created by the catalog ${current.name}, which it follows; it cannot be listed in a catalog of ours.`;
    throw new AppError('invalid', message, { catalog: [message] });
  }
  const group = next.group ?? null;
  if (current && current.name === next.catalog && member.catalogGroup === group) return [];
  if (next.catalog === member.name) throw new AppError('invalid', `${member.name} cannot list itself.`, { catalog: ['a zone cannot be its own catalog'] });
  // In no catalog, and none asked for (a plain zone deleted): nothing to read or write. A moving zone has its new catalog.
  if (!current && !next.catalog) return [];
  const moving = await tx.catalogMove.findUnique({ where: { zone: member.name }, include: { catalog: { select: { id: true, name: true } } } });

  if (!next.catalog) {
    // Out of every catalog: its entries go now, a move's old one too.
    const touched: string[] = [];
    if (current && member.catalogLabel) touched.push(...(await removeEntry(tx, current, member.catalogLabel, member.name, actor, `${member.name} removed`)));
    if (moving) {
      await tx.catalogMove.delete({ where: { id: moving.id } });
      touched.push(...(await removeEntry(tx, moving.catalog, moving.label, member.name, actor, `${member.name} removed`)));
    }
    await tx.zone.update({ where: { id: member.id }, data: { catalogId: null, catalogLabel: null, catalogGroup: null } });
    return touched;
  }
  if (moving) {
    const message = `${member.name} is still moving from the catalog ${moving.catalog.name} to ${moving.target} (until ${moving.dueAt.toISOString()} and one more step); change its catalog after that, or take it out of every catalog (--catalog none).`;
    throw new AppError('invalid', message, { catalog: [message] });
  }
  if (current && current.name === next.catalog && member.catalogLabel) {
    // Same catalog, another group: the member node stays, its group property changes.
    const groupOwner = `group.${memberOwner(current.name, member.catalogLabel)}`;
    const added = memberRecords(current.name, { zone: member.name, label: member.catalogLabel, group }).filter((r) => r.name === groupOwner);
    await writeCatalogVersion(tx, current.name, [groupOwner], added, actor, { outcome: 'group', member: member.name, detail: group ? `${member.name} in group ${group}` : `${member.name} in no group` });
    await tx.zone.update({ where: { id: member.id }, data: { catalogGroup: group } });
    return [current.name];
  }
  const target = await producerCatalog(tx, next.catalog, actor);
  // A new member node each time a zone joins a catalog, so that a consumer that had it resets it (RFC
  // 9432 §5.4); a move keeps its label, so that consumers keep the zone as it is (§5.6).
  const label = current && member.catalogLabel ? member.catalogLabel : newMemberLabel();
  await tx.zone.update({ where: { id: member.id }, data: { catalogId: target.id, catalogLabel: label, catalogGroup: group } });
  if (!current || !member.catalogLabel) {
    await writeCatalogVersion(tx, target.name, [], memberRecords(target.name, { zone: member.name, label, group }), actor, { outcome: 'added', member: member.name, detail: `${member.name} added` });
    return [target.name];
  }
  // First step of a move: the old entry names the new owner; the new catalog lists the zone later.
  const coo = memberRecords(current.name, { zone: member.name, label: member.catalogLabel, coo: target.name }).filter((r) => r.name.startsWith('coo.'));
  await writeCatalogVersion(tx, current.name, [], coo, actor, { outcome: 'moving', member: member.name, detail: `${member.name} moving to ${target.name}` });
  await tx.catalogMove.create({ data: { catalogId: current.id, zone: member.name, label: member.catalogLabel, target: target.name, stage: 'announced', dueAt: moveStepAt(current) } });
  return [current.name];
}

/** When a move's next step is due: once the old catalog's consumers have had its SOA refresh to read the last one. */
function moveStepAt(oldCatalog: { soaRefresh: number }, now = Date.now()): Date {
  return new Date(now + oldCatalog.soaRefresh * 1000);
}

/** Removes the entry `label` (its PTR and properties, as stored) from `catalog` in a new version; the catalog's name when one was written. */
async function removeEntry(tx: Tx, catalog: { name: string }, label: string, zone: string, actor: Actor, comment: string): Promise<string[]> {
  const owner = memberOwner(catalog.name, label);
  const owners = [owner, ...MEMBER_PROPERTIES.map((p) => `${p}.${owner}`)];
  const written = await writeCatalogVersion(tx, catalog.name, owners, [], actor, { outcome: 'removed', member: zone, detail: comment });
  return written ? [catalog.name] : [];
}

/** Who takes the later steps of a move. */
export const CATALOG_KEEPER: Actor = { name: 'catalog' };

/**
 * Takes the steps of the moves due by `now` (at most `limit`, the most
 * overdue first): an 'announced' move has the new catalog list the zone, a
 * 'listed' one removes the old entry and ends. Returns the catalogs written
 * and when the next step is due (null: no move under way). A step another
 * worker took meanwhile is found changed and skipped.
 */
export async function endDueMoves(now: Date, limit: number): Promise<{ catalogs: string[]; next: Date | null }> {
  const first = await db().catalogMove.findFirst({ orderBy: { dueAt: 'asc' }, select: { dueAt: true } });
  // Nothing due: no write transaction (on SQLite it would take the write lock every turn).
  if (!first || first.dueAt > now) return { catalogs: [], next: first?.dueAt ?? null };
  const catalogs = await writeTransaction(async (tx) => {
    const due = await tx.catalogMove.findMany({ where: { dueAt: { lte: now } }, include: { catalog: true }, orderBy: { dueAt: 'asc' }, take: limit });
    const touched = new Set<string>();
    for (const m of due) {
      if (m.stage === 'announced') {
        const member = await tx.zone.findUnique({ where: { name: m.zone }, select: { catalogLabel: true, catalogGroup: true, catalog: { select: { name: true } } } });
        if (member?.catalog?.name !== m.target || !member.catalogLabel) continue;
        await writeCatalogVersion(tx, m.target, [], memberRecords(m.target, { zone: m.zone, label: member.catalogLabel, group: member.catalogGroup }), CATALOG_KEEPER, { outcome: 'added', member: m.zone, detail: `${m.zone} added, moving from ${m.catalog.name}` });
        await tx.catalogMove.update({ where: { id: m.id }, data: { stage: 'listed', dueAt: moveStepAt(m.catalog, now.getTime()) } });
        touched.add(m.target);
      } else {
        await tx.catalogMove.delete({ where: { id: m.id } });
        for (const c of await removeEntry(tx, m.catalog, m.label, m.zone, CATALOG_KEEPER, `${m.zone} removed, moved to ${m.target}`)) touched.add(c);
      }
    }
    return [...touched];
  }, COMMIT_TX);
  for (const c of catalogs) await nudgeWorker(c);
  const next = await db().catalogMove.findFirst({ orderBy: { dueAt: 'asc' }, select: { dueAt: true } });
  return { catalogs, next: next?.dueAt ?? null };
}

/**
 * The producer catalog `name`, created with its first version when it does
 * not exist (by an admin or the operator: a new catalog is a new zone every
 * consumer transfers). A zone of that name that is not a producer catalog is
 * refused.
 */
export async function producerCatalog(tx: Tx, name: string, actor: Actor): Promise<InsertedZone> {
  const existing = await tx.zone.findUnique({ where: { name } });
  if (existing) {
    if (existing.catalogRole === 'producer') return existing;
    const message = `${name} is ${existing.catalogRole === 'consumer' ? 'a catalog we consume from its primary' : 'an ordinary zone'}, not a catalog of ours; name another catalog.`;
    throw new AppError('invalid', message, { catalog: [message] });
  }
  await checkZoneConfigure(tx, actor);
  const { data, records } = await newCatalogZone(tx, name);
  return insertZoneIn(tx, actor, data, records, 'catalog created');
}

/** What a catalog version does to one member, for its changelog comment and its event. */
export interface CatalogChange {
  outcome: 'added' | 'removed' | 'moving' | 'group';
  member: string;
  detail: string;
}

/**
 * Writes one version of producer catalog `name`: removes every record stored
 * at the names `removeAt` (a member node, a property), adds `added`, bumps
 * the serial by its policy, journals the change for IXFR and queues NOTIFY to
 * its also-notify targets (its NS is `invalid.`, RFC 9432 §4). Takes the
 * catalog's turn like any commit. Writes nothing, and says so (false), when
 * there is nothing to remove or add.
 */
export async function writeCatalogVersion(tx: Tx, name: string, removeAt: readonly string[], added: readonly RR[], actor: Actor, change: CatalogChange): Promise<boolean> {
  await lockInTransaction(tx, TX_LOCK.zoneChanges, name);
  const cat = await tx.zone.findUnique({ where: { name } });
  if (!cat || cat.catalogRole !== 'producer') throw new AppError('not-found', `There is no catalog ${name}.`);
  const removedRows = removeAt.length ? await tx.record.findMany({ where: { zoneId: cat.id, name: { in: [...removeAt] } }, select: { id: true, name: true, type: true, ttl: true, content: true } }) : [];
  if (removedRows.length === 0 && added.length === 0) return false;
  const oldSerial = Number(cat.serial);
  const newSerial = nextSerial(cat.serialPolicy as SerialPolicy, oldSerial);
  const updated = { ...cat, serial: BigInt(newSerial) };
  await writeZoneVersion(
    tx,
    {
      zone: cat,
      serial: newSerial,
      removedRows,
      added,
      author: { userId: actor.userId ?? null, actor: actor.name, comment: `catalog: ${change.detail}` },
      journal: [{ oldSerial, newSerial, removed: [soaRecordOf(cat), ...removedRows.map(plainRecord)], added: [soaRecordOf(updated), ...added] }],
      // Only the also-notify list: the catalog's NS is its MNAME, invalid., which names no server.
      notifyTargets: notifyTargets(cat.name, cat.soaMname, [], readList(cat.alsoNotify)),
      conflict: `the catalog ${name} was changed by someone else at the same moment; try again.`,
    },
    new TimeSlice(),
  );
  // Every member added or removed is an event of the catalog, as on a consumer (catalog-consumer.ts).
  await recordZoneEvents([{ zoneId: cat.id, zoneName: cat.name, kind: 'catalog', peer: '', serial: newSerial, outcome: change.outcome, detail: change.detail }], tx);
  return true;
}
