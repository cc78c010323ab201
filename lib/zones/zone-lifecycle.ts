// Zone lifecycle: creating a zone (from the form, the CLI, an autoprimary or
// a zone file import), setting its options, deleting it. Each runs in one
// transaction that also puts the zone on the change feed
// (lib/zones/zone-changes.ts), then nudges the worker. The records of an
// existing zone change through lib/zones/changes.ts; those of a secondary
// zone through lib/zones/secondary-store.ts.
import { approvalRulesSchema, type ApprovalRules } from '../settings/schema';
import type { Prisma } from '../generated/prisma/client';
import { isUniqueViolation } from '../db-errors';
import { db, lockInTransaction, TX_LOCK, writeTransaction } from '../db';
import { AddressError, AddressRangeError, formatHostPort, parseAddressPort, parseRange } from '../dns/address';
import { contactToRname } from '../dns/contact';
import { absoluteName, DnsNameError } from '../dns/names';
import { nextSerial } from '../dns/serial';
import { looksLikePrefix, ReversePrefixError, reverseZoneForPrefix } from '../dns/reverse';
import { getSetting } from '../settings/data';
import type { RR, SerialPolicy } from '../dns/types';
import type { Actor } from './actor';
import { checkZoneConfigure, checkZoneDelete } from './creation-rules';
import { snapshotZoneIn } from './deleted-zones';
import { catalogName, parseMembership, producerCatalog, setMembership, type Membership } from './catalog';
import { AppError } from '../errors';
import { writeList } from './json-lists';
import { nudgeWorker } from './nudge';
import { createZoneSchema, type CreateZoneInput } from './schema';
import { tsigKeyIdFor } from './tsig-keys';
import { knownTsigKeyNames, parseUpdatePolicy, storedUpdatePolicy, UPDATE_POLICY_FIELD } from './update-policy';
import { normalizeRecordContent } from './validate';
import { followCatalogSettings } from './catalog-consumer';
import { markChanged } from './zone-changes';
import { insertZoneIn, newSecondaryZone, type ZoneInsert } from './zone-insert';
import { COMMIT_TX } from './zone-version';

/** A zone name, or the reverse zone of an address prefix (`192.0.2.0/24`). */
function zoneNameOrPrefix(input: string): string {
  if (!looksLikePrefix(input)) return toZoneName(input);
  try {
    return reverseZoneForPrefix(input);
  } catch (err) {
    if (err instanceof ReversePrefixError) throw new AppError('invalid', err.message, { name: [err.message] });
    throw err;
  }
}

export function toZoneName(input: string): string {
  try {
    const name = absoluteName(input);
    if (name === '.') throw new DnsNameError('the root zone cannot be served here');
    return name;
  } catch (err) {
    if (err instanceof DnsNameError) throw new AppError('invalid', err.message, { name: [err.message] });
    throw err;
  }
}


export async function createZone(input: CreateZoneInput, actor: Actor): Promise<{ name: string; serial: number }> {
  const parsed = createZoneSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? 'form')] ??= []).push(issue.message);
    throw new AppError('invalid', 'The zone could not be created; fix the fields marked.', fieldErrors);
  }
  const v = parsed.data;
  const name = zoneNameOrPrefix(v.name);
  const defaults = await getSetting('zoneDefaults');
  const policy = (v.serialPolicy ?? defaults.serialPolicy) as SerialPolicy;
  const defaultTtl = v.defaultTtl ?? defaults.defaultTtl;
  const soaTimers = { soaRefresh: defaults.refresh, soaRetry: defaults.retry, soaExpire: defaults.expire, soaMinimum: defaults.minimum };
  const membership = newZoneMembership(v.kind, v.catalog, v.catalogGroup, defaults.catalog);

  if (v.kind === 'secondary') {
    if (v.primaries.length === 0) {
      throw new AppError('invalid', 'A secondary zone needs at least one primary (ADDRESS[:PORT]).', {
        primaries: ['Give at least one primary server address'],
      });
    }
    const primaries = v.primaries.map((p) => checkAddressPort(p, 'primaries'));
    const data = newSecondaryZone(name, primaries, defaults, { serialPolicy: policy, defaultTtl });
    if (!v.catalogConsumer) {
      if (v.memberPrimaries.length) throw new AppError('invalid', 'Member primaries belong to a catalog we consume: give --catalog-consumer too.', { memberPrimaries: ['only for a catalog consumer'] });
      return insertZone(actor, data, [], membership);
    }
    if (membership?.catalog) throw new AppError('invalid', 'A catalog we consume cannot itself be listed in a catalog.', { catalog: ['a catalog zone cannot be a member'] });
    const memberPrimaries = v.memberPrimaries.map((p) => checkAddressPort(p, 'memberPrimaries'));
    // Consuming a catalog lets its primary create zones here: an admin's call, like choosing a catalog.
    return insertZone(actor, { ...data, catalogRole: 'consumer', memberPrimaries: writeList(memberPrimaries) }, [], undefined, { configure: true });
  }
  if (v.catalogConsumer || v.memberPrimaries.length) {
    throw new AppError('invalid', 'Only a secondary zone can be a catalog we consume: give --secondary and --primary too.', { kind: ['a catalog consumer is a secondary zone'] });
  }

  const nsErrors: string[] = [];
  const nsHosts = v.nameservers.length ? v.nameservers : defaults.nameservers.length ? defaults.nameservers : [`ns1.${name}`];
  const nameservers = nsHosts.flatMap((ns) => {
    const n = normalizeRecordContent('NS', ns, name);
    if (!n.ok) nsErrors.push(n.message);
    return n.ok ? [n.value] : [];
  });
  let rname = `hostmaster.${name}`;
  try {
    const contact = v.contact || defaults.contact;
    if (contact) rname = contactToRname(contact, name);
  } catch (err) {
    if (!(err instanceof DnsNameError)) throw err;
    throw new AppError('invalid', 'The SOA contact is not valid.', { contact: [err.message] });
  }
  if (nsErrors.length) throw new AppError('invalid', 'A name server is not valid.', { nameservers: nsErrors });
  const records: RR[] = [...new Set(nameservers)].map((ns) => ({ name, type: 'NS', ttl: defaultTtl, content: ns }));
  return insertZone(actor, {
    name,
    kind: 'primary',
    serial: BigInt(nextSerial(policy, 0)),
    serialPolicy: policy,
    soaMname: nameservers[0]!,
    soaRname: rname,
    ...soaTimers,
    soaTtl: defaultTtl,
    defaultTtl,
    allowTransfer: writeList(defaults.allowTransfer),
    alsoNotify: writeList(defaults.alsoNotify),
  }, records, membership);
}

/**
 * Creates the zone row, its records and its first journal entry in one
 * transaction, and lists it in the catalog `membership` names (RFC 9432,
 * lib/zones/catalog.ts) in the same one.
 */
export async function insertZone(actor: Actor, data: ZoneInsert, records: RR[], membership?: Membership, opts: { configure?: boolean } = {}): Promise<{ name: string; serial: number }> {
  let catalogs: string[] = [];
  try {
    catalogs = await writeTransaction(async (tx) => {
      if (opts.configure) await checkZoneConfigure(tx, actor);
      // The catalog's turn before the change feed's (insertZoneIn takes it), in the order a commit takes them.
      if (membership?.catalog) await lockInTransaction(tx, TX_LOCK.zoneChanges, membership.catalog);
      const zone = await insertZoneIn(tx, actor, data, records);
      if (!membership?.catalog) return [];
      if (membership.explicit) await checkZoneConfigure(tx, actor);
      return setMembership(tx, zone, membership, actor);
    }, COMMIT_TX);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('exists', `The zone ${data.name} already exists.`, { name: [`${data.name} already exists`] });
    }
    throw err;
  }
  await nudgeWorker(data.name);
  for (const c of catalogs) await nudgeWorker(c);
  return { name: data.name, serial: Number(data.serial) };
}

/**
 * The catalog a new zone joins (the template's is `templateCatalog`): the one asked for (`explicit`: choosing a
 * catalog decides which secondaries serve the zone, an admin's call), else
 * for a primary zone the template's (Settings → Zone defaults), else none.
 * Secondary zones join a catalog only when asked, so that zones we follow
 * from another catalog are not passed on unless an admin says so.
 */
function newZoneMembership(kind: string, catalog: string | undefined, group: string | undefined, templateCatalog: string): Membership | undefined {
  if (catalog !== undefined && catalog.trim() !== '') {
    const m = parseMembership(catalog, group);
    const byTemplate = m.catalog !== null && templateCatalog !== '' && m.catalog === parseMembership(templateCatalog).catalog;
    return { ...m, explicit: !byTemplate };
  }
  if (group) throw new AppError('invalid', 'A group needs a catalog: give the catalog too.', { catalogGroup: ['a group needs a catalog'] });
  if (kind !== 'primary' || !templateCatalog) return undefined;
  return parseMembership(templateCatalog);
}

export interface DeleteOptions {
  /**
   * Keep a snapshot to restore from (lib/zones/deleted-zones.ts): every
   * deletion by a person or the HTTP API does. Off only when undoing a zone
   * created a moment ago by the same request (the API's create that failed).
   */
  keep?: boolean;
  /** A second admin confirmed this deletion (lib/zones/zone-deletion.ts). */
  confirmed?: boolean;
}

/**
 * Deletes a zone and, in the same transaction, its entry in a producer
 * catalog, keeping a snapshot of it first. A producer catalog that still
 * lists zones is refused (every consumer would delete them all); a consumer
 * catalog's members stay, as ordinary secondary zones. Admins only; when
 * Settings → Zone deletion asks for a second admin, a user's deletion must
 * come confirmed (the local operator at the CLI decides alone).
 */
export async function deleteZone(nameInput: string, actor: Actor, opts: DeleteOptions = {}): Promise<void> {
  const name = toZoneName(nameInput);
  const catalogs = await writeTransaction(async (tx) => {
    await checkZoneDelete(tx, actor);
    if (actor.userId !== undefined && !opts.confirmed && (await getSetting('zoneDeletion', tx)).requireSecondAdmin) {
      throw new AppError('conflict', `Deleting a zone needs a second admin here: request the deletion, and another admin confirms it.`);
    }
    const zone = await tx.zone.findUnique({ where: { name } });
    if (!zone) throw new AppError('not-found', `There is no zone ${name}.`);
    await refuseConsumedMember(tx, zone);
    if (zone.catalogRole === 'producer') {
      const listed = await tx.zone.count({ where: { catalogId: zone.id } });
      if (listed > 0) {
        throw new AppError('invalid', `The catalog ${name} still lists ${listed} zone${listed > 1 ? 's' : ''}, which its consumers would delete; move them to another catalog or out of it first (zonekeeper zone set ZONE --catalog OTHER|none).`);
      }
    }
    // Before the zone leaves its catalog, so that the snapshot remembers which one.
    if (opts.keep !== false) await snapshotZoneIn(tx, zone, actor);
    const touched = await setMembership(tx, zone, { catalog: null }, actor);
    if (zone.catalogRole === 'consumer') await tx.zone.updateMany({ where: { catalogId: zone.id }, data: { catalogId: null, catalogLabel: null, catalogGroup: null } });
    await tx.zone.delete({ where: { id: zone.id } });
    await markChanged(tx, name);
    return touched;
  }, COMMIT_TX);
  await nudgeWorker(name);
  for (const c of catalogs) await nudgeWorker(c);
}

/**
 * Creates an empty producer catalog (`zonekeeper catalog create NAME`); a
 * catalog also comes into being with its first member. Its secondaries are
 * set like any zone's (setZoneOptions: also-notify, allow-transfer, TSIG).
 */
export async function createCatalog(nameInput: string, actor: Actor): Promise<{ name: string; serial: number }> {
  const name = catalogName(nameInput);
  let serial = 0;
  try {
    serial = await writeTransaction(async (tx) => {
      if (await tx.zone.findUnique({ where: { name }, select: { id: true } })) throw new AppError('exists', `The zone ${name} already exists.`, { name: [`${name} already exists`] });
      return Number((await producerCatalog(tx, name, actor)).serial);
    }, COMMIT_TX);
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('exists', `The zone ${name} already exists.`, { name: [`${name} already exists`] });
    throw err;
  }
  await nudgeWorker(name);
  return { name, serial };
}

/**
 * A zone a consumed catalog created is deleted by its catalog: deleted here
 * by hand, it would come back with the catalog's next version (like BIND,
 * which refuses `rndc delzone` of a catalog member). Its primary removes it
 * from the catalog, or deleting the catalog leaves it an ordinary zone.
 */
async function refuseConsumedMember(tx: Prisma.TransactionClient, zone: { name: string; catalogId: number | null }): Promise<void> {
  if (zone.catalogId === null) return;
  const cat = await tx.zone.findUnique({ where: { id: zone.catalogId }, select: { name: true, catalogRole: true } });
  if (cat?.catalogRole !== 'consumer') return;
  throw new AppError(
    'invalid',
    `${zone.name} belongs to the catalog ${cat.name}, whose primary lists it; it goes when the primary removes it from the catalog. To keep or delete it by hand, delete the catalog zone ${cat.name} first: its members stay as ordinary secondary zones.`,
  );
}

export interface ZoneOptions {
  alsoNotify?: string[];
  allowTransfer?: string[];
  serialPolicy?: string;
  primaries?: string[];
  /** A TSIG key name, or `none` to require no key. */
  tsig?: string;
  /**
   * The DNS UPDATE policy, one rule per line (lib/zones/update-policy.ts);
   * replaces the zone's; an empty list clears it (every UPDATE refused).
   */
  updatePolicy?: string[];
  /** The producer catalog that lists the zone (RFC 9432), `none` for none; created when new. */
  catalog?: string;
  /** The zone's group in that catalog, `none` for none; given alone, the zone stays in its catalog. */
  catalogGroup?: string;
  /** A catalog we consume: where its members transfer from; `none` alone: from the catalog's own primaries. */
  memberPrimaries?: string[];
  /** The zone's own approval rules (lib/zones/approval-rules.ts); null: follow the global setting. */
  approvalRules?: ApprovalRules | null;
}

/** `--member-primary ADDR …`, or `none` alone for the catalog's own primaries. */
function memberPrimariesOption(values: string[]): string[] {
  if (values.length === 1 && values[0]!.trim().toLowerCase() === 'none') return [];
  return values.filter(Boolean).map((t) => checkAddressPort(t, 'memberPrimaries'));
}

function checkAddressPort(text: string, field: string): string {
  try {
    return formatHostPort(parseAddressPort(text, 53));
  } catch (err) {
    if (!(err instanceof AddressError)) throw err;
    throw new AppError('invalid', `${field}: ${err.message}`, { [field]: [err.message] });
  }
}

function checkCidr(text: string): string {
  try {
    return parseRange(text);
  } catch (err) {
    if (!(err instanceof AddressRangeError)) throw err;
    throw new AppError('invalid', `allow-transfer: ${err.message}`, { allowTransfer: [`"${text.trim()}" is not an address range`] });
  }
}

export async function setZoneOptions(nameInput: string, opts: ZoneOptions, actor: Actor): Promise<void> {
  const name = toZoneName(nameInput);
  await checkZoneConfigure(db(), actor);
  const data: Prisma.ZoneUpdateInput = { version: { increment: 1 } };
  if (opts.alsoNotify) data.alsoNotify = writeList(opts.alsoNotify.filter(Boolean).map((t) => checkAddressPort(t, 'alsoNotify')));
  if (opts.allowTransfer) data.allowTransfer = writeList(opts.allowTransfer.filter(Boolean).map(checkCidr));
  if (opts.primaries) data.primaries = writeList(opts.primaries.filter(Boolean).map((t) => checkAddressPort(t, 'primaries')));
  if (opts.serialPolicy !== undefined) {
    if (!['increment', 'date', 'unixtime'].includes(opts.serialPolicy)) {
      throw new AppError('invalid', `serial policy must be increment, date or unixtime, not "${opts.serialPolicy}"`, {
        serialPolicy: ['choose increment, date or unixtime'],
      });
    }
    data.serialPolicy = opts.serialPolicy;
  }
  if (opts.memberPrimaries) data.memberPrimaries = writeList(memberPrimariesOption(opts.memberPrimaries));
  if (opts.approvalRules !== undefined) data.approvalRules = opts.approvalRules === null ? null : JSON.stringify(approvalRulesSchema.parse(opts.approvalRules));
  const extra: { tsigKeyId?: number | null } = {};
  if (opts.tsig !== undefined) extra.tsigKeyId = await tsigKeyIdFor(opts.tsig);
  if (opts.updatePolicy) {
    const rules = parseUpdatePolicy(opts.updatePolicy, name, await knownTsigKeyNames());
    data.updatePolicy = storedUpdatePolicy(rules, name);
  }
  const catalogs = await writeTransaction(async (tx) => {
    if (data.updatePolicy) {
      // Only a primary takes UPDATEs here (RFC 2136 §6 lets a secondary forward them to its primary; we do not).
      const zone = await tx.zone.findUnique({ where: { name }, select: { kind: true } });
      if (zone?.kind === 'secondary') {
        const message = `${name} is a secondary zone: its records come from its primary, so it takes no DNS UPDATE and has no update policy.`;
        throw new AppError('invalid', message, { [UPDATE_POLICY_FIELD]: [message] });
      }
    }
    const before = await tx.zone.findUnique({ where: { name }, select: { id: true, catalogRole: true } });
    if (!before) return null;
    if (data.memberPrimaries !== undefined && before.catalogRole !== 'consumer') {
      throw new AppError('invalid', `${name} is not a catalog we consume; member primaries belong to one (zone create CAT --secondary --catalog-consumer).`, { memberPrimaries: ['only for a catalog consumer'] });
    }
    await tx.zone.updateMany({ where: { id: before.id }, data: { ...(data as Prisma.ZoneUpdateManyMutationInput), ...extra } });
    // The catalogs' turns before the change feed's, in the order a commit takes them.
    const catalogs = await catalogOption(tx, name, opts, actor);
    await markChanged(tx, name);
    // A followed catalog's members transfer from where it says, with its key.
    if (before.catalogRole === 'consumer' && (opts.primaries || opts.memberPrimaries || opts.tsig !== undefined)) await followCatalogSettings(tx, before.id);
    return catalogs;
  });
  if (catalogs === null) throw new AppError('not-found', `There is no zone ${name}.`);
  await nudgeWorker(name);
  for (const c of catalogs) await nudgeWorker(c);
}

/** `--catalog` and `--group` of setZoneOptions, applied in its transaction; the catalogs written. */
async function catalogOption(tx: Prisma.TransactionClient, name: string, opts: ZoneOptions, actor: Actor): Promise<string[]> {
  if (opts.catalog === undefined && opts.catalogGroup === undefined) return [];
  const zone = await tx.zone.findUniqueOrThrow({ where: { name } });
  const leaving = opts.catalog !== undefined && ['', 'none'].includes(opts.catalog.trim().toLowerCase());
  // A zone that leaves its catalog leaves its group; one that moves keeps it unless told.
  const group = opts.catalogGroup === undefined ? (leaving ? null : zone.catalogGroup) : opts.catalogGroup.trim().toLowerCase() === 'none' ? null : opts.catalogGroup;
  let catalog = opts.catalog;
  if (catalog === undefined) {
    const current = zone.catalogId === null ? null : await tx.zone.findUnique({ where: { id: zone.catalogId }, select: { name: true } });
    if (!current) throw new AppError('invalid', `${name} is in no catalog; give --catalog NAME with --group.`, { catalogGroup: ['a group needs a catalog'] });
    catalog = current.name;
  }
  return setMembership(tx, zone, parseMembership(catalog, group), actor);
}
