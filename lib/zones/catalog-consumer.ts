// The catalog consumer (RFC 9432): a secondary catalog zone (catalogRole
// 'consumer', `zonekeeper zone create CAT --secondary --primary ADDR
// --catalog-consumer`) whose members this server creates, as secondaries of
// the catalog's primaries (or of its memberPrimaries), and deletes. Each
// transfer of the catalog is followed by syncCatalogMembers in the
// transaction that stores it (secondary-store.ts), so the zones here and the
// catalog stored never disagree: a member is created or deleted with the
// catalog version that lists it or drops it, and nothing at all happens
// while the catalog is broken. The worker records the events after commit
// and transfers the new and reset members at once (lib/worker/secondary).
//
// Rules, from the RFC:
// - §5.1: a broken catalog is not processed (lib/dns/catalog-parse.ts says
//   why), and nothing changes.
// - §5.2: only zones this catalog created are deleted when it drops them.
// - §5.3: a listed zone that exists here and was not created by this catalog
//   is left alone; the clash is recorded (outcome 'conflict').
// - §5.4: a member whose unique label changed is reset: its records, journal
//   and refresh state go, and it is transferred anew.
// - §4.4.1, §5.6: a member of another catalog we consume whose `coo`
//   property there names this catalog moves to this one when this one lists
//   it, reset unless its label is the same in both.
// Members are created under the autoprimary's rule (creation-rules.ts
// catalogMemberRefusals): a catalog's primary never plants a zone at or below
// one of ours, except below its own members.
import type { Prisma } from '../generated/prisma/client';
import { memberOwner } from '../dns/catalog';
import { parseCatalog } from '../dns/catalog-parse';
import type { CatalogMember } from '../dns/catalog';
import { getSetting } from '../settings/data';
import { readList } from './json-lists';
import { findByNames, markChanged, markChangedMany } from './zone-changes';
import { insertCatalogMembersIn, newSecondaryZone } from './zone-insert';

type Tx = Prisma.TransactionClient;

export const CATALOG_OUTCOMES = ['added', 'removed', 'reset', 'conflict', 'refused'] as const;
export type CatalogOutcome = (typeof CATALOG_OUTCOMES)[number];

/** What a catalog version did to one member, or to the catalog as a whole (`member` null: refused). */
export interface CatalogMemberEvent {
  outcome: CatalogOutcome;
  /** The member zone; null when the catalog was refused whole. */
  member: string | null;
  /** The member's row after the sync (added, reset); null when it is gone or was never ours. */
  memberId: number | null;
  detail: string;
}

export interface CatalogSync {
  events: CatalogMemberEvent[];
  /** Members whose data was reset: the engine transfers them now (new ones it finds on the change feed). */
  reset: string[];
}

/** The catalog's columns a sync reads. */
export interface ConsumerCatalog {
  id: number;
  name: string;
  primaries: string;
  memberPrimaries: string;
  tsigKeyId: number | null;
}

/** Zone names per query: under every database's bind-variable limit. */
const IDS_PER_QUERY = 500;

/**
 * Makes the zones created by consumer catalog `catalog` what its stored
 * records (just written, in `tx`) list. Call it in the transaction that
 * stored the catalog's new version, after it took TX_LOCK.zoneNames (the
 * creation rules' lock; taken before the change feed's so that the order is
 * the one every zone creation follows).
 */
export async function syncCatalogMembers(tx: Tx, catalog: ConsumerCatalog): Promise<CatalogSync> {
  const records = await tx.record.findMany({ where: { zoneId: catalog.id }, select: { name: true, type: true, ttl: true, content: true } });
  const reading = parseCatalog(catalog.name, records);
  if (!reading.ok) return { events: [{ outcome: 'refused', member: null, memberId: null, detail: `catalog not processed, nothing created or deleted: ${reading.reason}` }], reset: [] };
  const listed = new Map(reading.members.map((m) => [m.zone, m]));
  const held = await tx.zone.findMany({ where: { catalogId: catalog.id }, select: { id: true, name: true, catalogLabel: true, catalogGroup: true } });
  const events: CatalogMemberEvent[] = [];
  const reset: string[] = [];

  // §5.2: dropped from the catalog that created them.
  const gone = held.filter((h) => !listed.has(h.name));
  for (let i = 0; i < gone.length; i += IDS_PER_QUERY) {
    await tx.zone.deleteMany({ where: { id: { in: gone.slice(i, i + IDS_PER_QUERY).map((g) => g.id) } } });
  }
  await markChangedMany(tx, gone.map((g) => g.name));
  for (const g of gone) events.push({ outcome: 'removed', member: g.name, memberId: null, detail: `${g.name} deleted: the catalog no longer lists it` });

  // Still listed: a new label is a reset (§5.4), a new group an update.
  const heldNames = new Set(held.map((h) => h.name));
  for (const h of held) {
    const m = listed.get(h.name);
    if (!m) continue;
    if (m.label !== h.catalogLabel) {
      await resetMember(tx, h.id, h.name, { catalogLabel: m.label, catalogGroup: m.group ?? null });
      reset.push(h.name);
      events.push({ outcome: 'reset', member: h.name, memberId: h.id, detail: `${h.name} listed under a new label (${h.catalogLabel ?? 'none'} → ${m.label}): its data dropped, transferred anew` });
    } else if ((m.group ?? null) !== h.catalogGroup) {
      await tx.zone.update({ where: { id: h.id }, data: { catalogGroup: m.group ?? null } });
    }
  }

  const fresh = reading.members.filter((m) => !heldNames.has(m.zone));
  if (fresh.length === 0) return { events, reset };
  const existing = new Map(
    (await findByNames(fresh.map((m) => m.zone), (names) =>
      tx.zone.findMany({ where: { name: { in: names } }, select: { id: true, name: true, kind: true, catalogLabel: true, catalog: { select: { id: true, name: true, catalogRole: true } } } }),
    )).map((z) => [z.name, z]),
  );
  const handedOver = await handedOverByCoo(tx, catalog.name, [...existing.values()]);
  const defaults = await getSetting('zoneDefaults', tx);
  const memberPrimaries = readList(catalog.memberPrimaries);
  const primaries = memberPrimaries.length ? memberPrimaries : readList(catalog.primaries);
  const toCreate: CatalogMember[] = [];
  for (const m of fresh) {
    const have = existing.get(m.zone);
    if (have) {
      if (handedOver.has(have.id)) {
        const from = have.catalog!.name;
        const sameLabel = have.catalogLabel === m.label;
        const columns = { catalogId: catalog.id, catalogLabel: m.label, catalogGroup: m.group ?? null };
        if (sameLabel) {
          await tx.zone.update({ where: { id: have.id }, data: columns });
        } else {
          await resetMember(tx, have.id, have.name, columns);
          reset.push(have.name);
        }
        events.push({ outcome: 'added', member: m.zone, memberId: have.id, detail: `${m.zone} taken over from the catalog ${from}, whose coo property names this one${sameLabel ? '' : '; its data dropped, transferred anew'}` });
      } else {
        events.push({ outcome: 'conflict', member: m.zone, memberId: null, detail: `${m.zone} exists here (${describeOwner(have)}) and was not created by this catalog: left alone` });
      }
      continue;
    }
    toCreate.push(m);
  }
  // Thousands at a time: a new catalog of 50,000 zones is a few hundred statements, not a few per zone.
  const rows = toCreate.map((m) => ({ ...newSecondaryZone(m.zone, primaries, defaults), catalogLabel: m.label, catalogGroup: m.group ?? null, tsigKeyId: catalog.tsigKeyId }));
  const { created, refused } = await insertCatalogMembersIn(tx, catalog.id, rows);
  const byName = new Map(toCreate.map((m) => [m.zone, m]));
  for (const z of created) {
    const group = byName.get(z.name)?.group;
    events.push({ outcome: 'added', member: z.name, memberId: z.id, detail: `${z.name} created as a secondary of ${primaries.join(', ') || 'no primary'}${group ? `, group ${group}` : ''}` });
  }
  for (const r of refused) events.push({ outcome: 'conflict', member: r.name, memberId: null, detail: `${r.name} not created: ${r.reason}` });
  events.sort((a, b) => ((a.member ?? '') < (b.member ?? '') ? -1 : (a.member ?? '') > (b.member ?? '') ? 1 : 0));
  return { events, reset };
}

/**
 * RFC 9432 §5.4 reset: the member's records, journal and refresh state go
 * and its serial returns to 0, so that nothing of the old zone is served or
 * passed on by IXFR, and the next refresh transfers it whole.
 */
async function resetMember(tx: Tx, id: number, name: string, columns: Prisma.ZoneUncheckedUpdateInput): Promise<void> {
  await tx.record.deleteMany({ where: { zoneId: id } });
  await tx.change.deleteMany({ where: { zoneId: id } });
  await tx.zone.update({
    where: { id },
    data: { ...columns, serial: 0n, version: { increment: 1 }, lastCheckAt: null, lastRefreshAt: null, nextRefreshAt: null, expiresAt: null, refreshFailures: 0, lastError: null },
  });
  await markChanged(tx, name);
}

type ExistingZone = { id: number; name: string; kind: string; catalogLabel: string | null; catalog: { id: number; name: string; catalogRole: string | null } | null };

/**
 * The zones among `zones`, members of another catalog we consume, whose
 * `coo` property in that catalog (as stored there) names `catalog`
 * (RFC 9432 §4.4.1): one query for them all.
 */
async function handedOverByCoo(tx: Tx, catalog: string, zones: ExistingZone[]): Promise<Set<number>> {
  const candidates = zones.filter((z) => z.catalog?.catalogRole === 'consumer' && z.catalog.name !== catalog && z.catalogLabel);
  const out = new Set<number>();
  for (let i = 0; i < candidates.length; i += IDS_PER_QUERY) {
    const part = candidates.slice(i, i + IDS_PER_QUERY);
    const owners = part.map((z) => `coo.${memberOwner(z.catalog!.name, z.catalogLabel!)}`);
    const coos = await tx.record.findMany({ where: { name: { in: owners }, type: 'PTR', zoneId: { in: [...new Set(part.map((z) => z.catalog!.id))] } }, select: { zoneId: true, name: true, content: true } });
    for (const z of part) {
      const owner = `coo.${memberOwner(z.catalog!.name, z.catalogLabel!)}`;
      const named = coos.filter((c) => c.zoneId === z.catalog!.id && c.name === owner);
      // §4.4.1: a coo RRset of more than one PTR is ignored.
      if (named.length === 1 && named[0]!.content === catalog) out.add(z.id);
    }
  }
  return out;
}

function describeOwner(z: ExistingZone): string {
  if (z.catalog?.catalogRole === 'consumer') return `a member of the catalog ${z.catalog.name}`;
  if (z.catalog) return `a ${z.kind} zone listed in our catalog ${z.catalog.name}`;
  return `a ${z.kind} zone`;
}

/**
 * After an admin changes consumer catalog `catalogId`'s primaries, member
 * primaries or TSIG key (setZoneOptions): its members transfer from where the
 * catalog now says (its member primaries, else its own primaries) with its
 * key, as they would had they been created now. Returns how many changed.
 */
export async function followCatalogSettings(tx: Tx, catalogId: number): Promise<number> {
  const cat = await tx.zone.findUniqueOrThrow({ where: { id: catalogId }, select: { primaries: true, memberPrimaries: true, tsigKeyId: true } });
  const memberPrimaries = readList(cat.memberPrimaries);
  const primaries = JSON.stringify(memberPrimaries.length ? memberPrimaries : readList(cat.primaries));
  const stale = { catalogId, OR: [{ primaries: { not: primaries } }, cat.tsigKeyId === null ? { tsigKeyId: { not: null } } : { OR: [{ tsigKeyId: null }, { tsigKeyId: { not: cat.tsigKeyId } }] }] };
  const names = (await tx.zone.findMany({ where: stale, select: { name: true } })).map((z) => z.name);
  if (names.length === 0) return 0;
  // A refresh at once from the new primaries, as after a change of a zone's primaries by hand.
  await tx.zone.updateMany({ where: stale, data: { primaries, tsigKeyId: cat.tsigKeyId, nextRefreshAt: null, version: { increment: 1 } } });
  await markChangedMany(tx, names);
  return names.length;
}
