// The change service: the only code that writes zones. Every write of
// records runs through commitRecords(), which validates the zone as it would
// be, then in one transaction writes the records, bumps the SOA serial by the
// zone's policy, writes the Change (changelog + IXFR journal) and the NOTIFY
// jobs. After commit it nudges the worker.
import { Prisma } from '../generated/prisma/client';
import { isUniqueViolation } from '../db-errors';
import { db, executeBulk, jsonArrayRows, lockInTransaction, TX_LOCK, writeTransaction } from '../db';
import { AddressError, AddressRangeError, formatHostPort, parseAddressPort, parseRange, storedAddressPorts } from '../dns/address';
import { absoluteName, canonicalName, DnsNameError } from '../dns/names';
import { RecordIndex } from '../dns/record-index';
import { parseSoaContent, soaContent } from '../dns/rdata';
import { nextSerial, serialGreater } from '../dns/serial';
import { looksLikePrefix, ReversePrefixError, reverseZoneForPrefix } from '../dns/reverse';
import { parseZoneFile } from '../dns/zone-file';
import { getSetting } from '../settings/data';
import type { RR, SerialPolicy, SoaFields } from '../dns/types';
import { checkZoneConfigure, checkZoneCreation } from './creation-rules';
import { AppError, type RecordError } from '../errors';
import { applyRecordDiff, diffRecords, SOA_ITEM_ID } from './import-diff';
import { readList, writeList } from './json-lists';
import { notifyTargets } from './notify-targets';
import { nudgeWorker } from './nudge';
import { tsigKeyIdFor } from './tsig-keys';
import { createZoneSchema, type CreateZoneInput, type RecordDelete } from './schema';
import { readRecordsAt, readZoneRecords, soaFieldsOf, soaRecordOf, type StoredRecord } from './data';
import { readNeighbourhood, readNotifyRecords, type RecordsByName } from './neighbourhood';
import { writeChange } from './journal';
import { markChanged } from './zone-changes';
import { TimeSlice } from '../time-slice';
import {
  checkChangeRules,
  checkZoneRules,
  normalizeOwner,
  normalizeRecord,
  normalizeRecordContent,
  normalizeType,
  pointerTarget,
  recordKey,
  type RawRecord,
} from './validate';

/**
 * Who makes a change, as the changelog shows it. The change service reads a
 * user's role in its own transaction (lib/zones/creation-rules.ts); an actor
 * without a user is the local operator (the CLI), with an admin's rights.
 */
export interface Actor {
  userId?: number;
  name: string;
  /** The worker creating a zone an autoprimary announced: never at or below an existing zone. */
  autoprimary?: boolean;
}

export interface CommitResult {
  zone: string;
  changed: boolean;
  oldSerial: number;
  newSerial: number;
  changeId?: number;
  added: RR[];
  removed: RR[];
  notifyTargets: string[];
}

type Tx = Prisma.TransactionClient;
type ZoneRow = NonNullable<Awaited<ReturnType<Tx['zone']['findUnique']>>>;

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

function toZoneName(input: string): string {
  try {
    const name = absoluteName(input);
    if (name === '.') throw new DnsNameError('the root zone cannot be served here');
    return name;
  } catch (err) {
    if (err instanceof DnsNameError) throw new AppError('invalid', err.message, { name: [err.message] });
    throw err;
  }
}

/** `hostmaster@example.com` or `hostmaster.example.com.` → the SOA RNAME. */
function contactToRname(contact: string, zone: string): string {
  const c = contact.trim();
  if (c.includes('@')) {
    const [local, domain] = c.split('@', 2) as [string, string];
    // RFC 1035 §8 would need a dot in the mailbox escaped; we keep names simple instead.
    if (local.includes('.')) throw new DnsNameError(`use a mailbox without dots in "${c}" (like hostmaster@${domain})`);
    return canonicalName(`${local}.${domain.replace(/\.$/, '')}.`);
  }
  return canonicalName(c, zone);
}

// ---------------------------------------------------------------- zones

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

  if (v.kind === 'secondary') {
    if (v.primaries.length === 0) {
      throw new AppError('invalid', 'A secondary zone needs at least one primary (ADDRESS[:PORT]).', {
        primaries: ['Give at least one primary server address'],
      });
    }
    const primaries = v.primaries.map((p) => checkAddressPort(p, 'primaries'));
    return insertZone(actor, {
      name,
      kind: 'secondary',
      serial: 0n,
      serialPolicy: policy,
      soaMname: name,
      soaRname: name,
      ...soaTimers,
      soaTtl: defaultTtl,
      defaultTtl,
      primaries: writeList(primaries),
      allowTransfer: writeList(defaults.allowTransfer),
      alsoNotify: writeList(defaults.alsoNotify),
    }, []);
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
  }, records);
}

type ZoneInsert = Omit<Prisma.ZoneCreateInput, 'records' | 'changes' | 'notifyJobs' | 'replicas' | 'events' | 'grants'>;

/** Creates the zone row, its records and its first journal entry in one transaction. */
async function insertZone(actor: Actor, data: ZoneInsert, records: RR[]): Promise<{ name: string; serial: number }> {
  try {
    await writeTransaction(async (tx) => {
      const creator = await checkZoneCreation(tx, actor, { name: data.name, kind: data.kind, primaries: readList(data.primaries) });
      const zone = await tx.zone.create({ data });
      // An editor may only open zones granted to them; the one they create is.
      if (creator.kind === 'user' && creator.role === 'editor') await tx.zoneGrant.create({ data: { userId: creator.id, zoneId: zone.id } });
      const slice = new TimeSlice();
      await insertRecords(tx, zone.id, records, slice);
      if (zone.kind === 'primary') {
        const head = { zoneId: zone.id, userId: actor.userId ?? null, actor: actor.name, comment: 'zone created', oldSerial: 0n, newSerial: zone.serial, version: zone.version };
        await writeChange(tx, head, [], [soaRecordOf(zone), ...records], slice);
        await enqueueNotify(tx, zone, records);
      }
      await markChanged(tx, zone.name);
    }, COMMIT_TX);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new AppError('exists', `The zone ${data.name} already exists.`, { name: [`${data.name} already exists`] });
    }
    throw err;
  }
  await nudgeWorker(data.name);
  return { name: data.name, serial: Number(data.serial) };
}

export async function deleteZone(nameInput: string, _actor: Actor): Promise<void> {
  const name = toZoneName(nameInput);
  const count = await writeTransaction(async (tx) => {
    const deleted = await tx.zone.deleteMany({ where: { name } });
    if (deleted.count > 0) await markChanged(tx, name);
    return deleted.count;
  });
  if (count === 0) throw new AppError('not-found', `There is no zone ${name}.`);
  await nudgeWorker(name);
}

export interface ZoneOptions {
  alsoNotify?: string[];
  allowTransfer?: string[];
  serialPolicy?: string;
  primaries?: string[];
  /** A TSIG key name, or `none` to require no key. */
  tsig?: string;
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
  const extra: { tsigKeyId?: number | null } = {};
  if (opts.tsig !== undefined) extra.tsigKeyId = await tsigKeyIdFor(opts.tsig);
  const count = await writeTransaction(async (tx) => {
    const updated = await tx.zone.updateMany({ where: { name }, data: { ...(data as Prisma.ZoneUpdateManyMutationInput), ...extra } });
    if (updated.count > 0) await markChanged(tx, name);
    return updated.count;
  });
  if (count === 0) throw new AppError('not-found', `There is no zone ${name}.`);
  await nudgeWorker(name);
}

// ---------------------------------------------------------------- records

export interface Changeset {
  add?: RawRecord[];
  remove?: RecordDelete[];
  /** The serial the editor started from; a different current serial is a conflict. */
  expectedSerial?: number;
  comment?: string;
  /** New SOA fields (the serial is left to the zone's policy), written in the same change. */
  soa?: SoaEdit;
}

/** The SOA fields an editor may set; the serial is never set by hand. */
export interface SoaEdit {
  mname: string;
  rname: string;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
  ttl: number;
}

export interface ApplyOptions {
  /** Validate and diff inside the transaction, then write nothing (the editor's live check). */
  dryRun?: boolean;
  /**
   * Refuse adding a record that is already stored (and not removed by the same
   * changeset). The CLI keeps "add" idempotent; the editor wants to be told.
   */
  rejectDuplicates?: boolean;
}

/**
 * Applies a batch of additions and removals as one change. Only the names it
 * touches are read and checked (lib/zones/neighbourhood.ts): the cost of a
 * commit follows the size of the change, not of the zone.
 */
export async function applyChangeset(zoneInput: string, cs: Changeset, actor: Actor, opts: ApplyOptions = {}): Promise<CommitResult> {
  const zoneName = toZoneName(zoneInput);
  const newSoa = cs.soa ? soaEditToFields(cs.soa, zoneName) : undefined;
  return commitRecords(zoneName, actor, cs.comment ?? '', cs.expectedSerial, async (tx, zone, slice) => {
    // The apex is always read: its NS set is checked and names the NOTIFY targets.
    const touched = new Set([zone.name]);
    for (const item of [...(cs.remove ?? []), ...(cs.add ?? [])]) {
      const owner = normalizeOwner(item.name, zone.name);
      if (owner.ok) touched.add(owner.value);
    }
    const stored = await readRecordsAt(tx, zone.id, touched);
    const current: RR[] = stored.map(plainRecord);
    const errors: RecordError[] = [];
    const next = new Map(current.map((r) => [recordKey(r), r]));
    const addedKeys = new Set<string>();
    (cs.remove ?? []).forEach((del, index) => {
      const name = normalizeOwner(del.name, zone.name);
      const type = normalizeType(del.type);
      if (!name.ok || !type.ok) {
        errors.push({ index, record: `${del.name} ${del.type}`, message: (!name.ok ? name : (type as { message: string })).message });
        return;
      }
      let content: string | undefined;
      if (del.content) {
        const c = normalizeRecordContent(type.value, del.content, zone.name);
        if (!c.ok) return void errors.push({ index, record: `${del.name} ${del.type} ${del.content}`, message: c.message });
        content = c.value;
      }
      const matches = current.filter((r) => r.name === name.value && r.type === type.value && (content === undefined || r.content === content));
      if (matches.length === 0) {
        errors.push({
          index,
          record: `${name.value} ${type.value}${content ? ` ${content}` : ''}`,
          message: `there is no ${type.value} record${content ? ` "${content}"` : ''} at ${name.value} to delete`,
        });
      }
      for (const m of matches) next.delete(recordKey(m));
    });
    (cs.add ?? []).forEach((raw, index) => {
      // A record added to an existing RRset inherits its TTL unless one is given.
      const sameSet = [...next.values()].find((r) => r.name === canonicalOr(raw.name, zone.name) && r.type === raw.type.toUpperCase());
      const n = normalizeRecord(raw, zone.name, sameSet?.ttl ?? zone.defaultTtl);
      if (!n.ok) return void errors.push({ index, record: `${raw.name} ${raw.type} ${raw.content}`, message: n.message });
      const key = recordKey(n.value);
      if (opts.rejectDuplicates && next.has(key)) {
        return void errors.push({
          index,
          record: `${n.value.name} ${n.value.type} ${n.value.content}`,
          message: `${n.value.name} ${n.value.type} ${n.value.content} is ${addedKeys.has(key) ? 'added twice' : 'already in the zone'}`,
        });
      }
      addedKeys.add(key);
      next.set(key, n.value);
    });
    if (errors.length) return { errors, removedRows: [], added: [], notifyRecords: [] };
    // Every touched name, the ones left empty too, as it will be.
    const names: RecordsByName = new Map([...touched].map((name) => [name, []]));
    for (const r of next.values()) names.get(r.name)!.push(r);
    const rules = checkChangeRules(zone.name, await readNeighbourhood(tx, zone, names));
    if (rules.length) return { errors: rules, removedRows: [], added: [], notifyRecords: [] };
    return { errors, ...(await diffStored(stored, [...next.values()], slice)), notifyRecords: await readNotifyRecords(tx, zone, names) };
  }, newSoa, opts.dryRun);
}

/** Checks the editor's SOA fields; the serial is a placeholder that commitRecords never keeps. */
function soaEditToFields(e: SoaEdit, zone: string): { soa: SoaFields; ttl: number; keepSerial: false } {
  const errors: Record<string, string[]> = {};
  const name = (field: 'mname' | 'rname') => {
    try {
      return canonicalName(e[field].trim(), zone);
    } catch (err) {
      if (!(err instanceof DnsNameError)) throw err;
      errors[field] = [err.message];
      return '';
    }
  };
  const mname = name('mname');
  const rname = name('rname');
  for (const k of ['refresh', 'retry', 'expire', 'minimum', 'ttl'] as const) {
    if (!Number.isInteger(e[k]) || e[k] < 0 || e[k] > 2147483647) errors[k] = [`${k} must be a whole number of seconds from 0 to 2147483647`];
  }
  if (Object.keys(errors).length) {
    const recordErrors = Object.entries(errors).map(([k, m]) => ({ record: `SOA ${k}`, message: `SOA ${k}: ${m[0]}` }));
    throw new AppError('invalid', 'The SOA fields are not valid; nothing was saved.', errors, recordErrors);
  }
  return { soa: { mname, rname, serial: 0, refresh: e.refresh, retry: e.retry, expire: e.expire, minimum: e.minimum }, ttl: e.ttl, keepSerial: false };
}

function canonicalOr(name: string, zone: string): string {
  const n = normalizeOwner(name, zone);
  return n.ok ? n.value : name;
}

/**
 * Imports a BIND zone file: creates the zone if it does not exist, otherwise
 * replaces its content (and SOA fields) as one change. Parse errors carry line
 * numbers and nothing is written.
 */
export async function importZone(zoneInput: string, text: string, actor: Actor, comment = 'zone file import'): Promise<CommitResult> {
  const zoneName = toZoneName(zoneInput);
  const existing = await db().zone.findUnique({ where: { name: zoneName } });
  const parsed = parseZoneFile(text, { origin: zoneName, defaultTtl: existing?.defaultTtl });
  if (parsed.errors.length) {
    const first = parsed.errors[0]!;
    throw new AppError(
      'invalid',
      `The zone file has ${parsed.errors.length} error${parsed.errors.length > 1 ? 's' : ''}; nothing was imported. First: line ${first.line}: ${first.message}`,
      {},
      parsed.errors.map((e) => ({ line: e.line, message: e.message })),
    );
  }
  const soaRr = parsed.records.find((r) => r.type === 'SOA');
  // parseZoneFile keeps one of identical records already.
  const records = parsed.records.filter((r) => r.type !== 'SOA');
  if (!existing) {
    if (!soaRr) throw new AppError('invalid', 'The zone file has no SOA record; a new zone needs one.', {}, [{ line: 1, message: 'no SOA record' }]);
    const soa = parseSoaContent(soaRr.content);
    const rules = checkZoneRules(zoneName, records);
    if (rules.length) throw new AppError('invalid', `The zone file breaks ${rules.length} zone rule(s); nothing was imported.`, {}, rules);
    await insertZone(actor, {
      name: zoneName,
      kind: 'primary',
      serial: BigInt(soa.serial),
      serialPolicy: 'increment',
      soaMname: soa.mname,
      soaRname: soa.rname,
      soaRefresh: soa.refresh,
      soaRetry: soa.retry,
      soaExpire: soa.expire,
      soaMinimum: soa.minimum,
      soaTtl: soaRr.ttl,
      defaultTtl: soaRr.ttl,
    }, records);
    return { zone: zoneName, changed: true, oldSerial: 0, newSerial: soa.serial, added: records, removed: [], notifyTargets: [] };
  }
  return commitRecords(
    zoneName,
    actor,
    comment,
    undefined,
    wholeZone(() => records),
    soaRr ? { soa: parseSoaContent(soaRr.content), ttl: soaRr.ttl } : undefined,
  );
}

function plainRecord(r: RR): RR {
  return { name: r.name, type: r.type, ttl: r.ttl, content: r.content };
}

/** What a commit writes, worked out inside its transaction by the path that made the change. */
interface CommitPlan {
  /** Problems found; when any, nothing is written. */
  errors: RecordError[];
  /** Stored rows to delete (a record whose TTL changes is deleted and added again). */
  removedRows: StoredRecord[];
  added: RR[];
  /** Enough of the zone as it will be for notifyTargets: the apex NS set and the addresses of in-zone NS hosts. */
  notifyRecords: readonly RR[];
}

type PlanCommit = (tx: Tx, zone: ZoneRow, slice: TimeSlice) => Promise<CommitPlan>;

/**
 * A change that replaces the zone's whole content (an import): reads every
 * record, checks the whole zone as `build` makes it, and diffs.
 */
function wholeZone(build: (current: readonly RR[]) => RR[]): PlanCommit {
  return async (tx, zone, slice) => {
    const stored = await readZoneRecords(tx, zone.id, { slice });
    const next = build(stored);
    const errors = checkZoneRules(zone.name, next);
    if (errors.length) return { errors, removedRows: [], added: [], notifyRecords: [] };
    return { errors, ...(await diffStored(stored, next, slice)), notifyRecords: next };
  };
}

/**
 * What turns the stored records into `next` (which holds each record once):
 * the rows to delete and the records to insert. A stored row stays when
 * `next` holds its record (name, type, content) with its TTL; a record whose
 * TTL changes is deleted and inserted. A record stored twice (nothing writes
 * one; a database edited by hand might hold one) is judged row by row.
 */
async function diffStored(stored: readonly StoredRecord[], next: readonly RR[], slice: TimeSlice): Promise<{ removedRows: StoredRecord[]; added: RR[] }> {
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
 * Validation runs inside the commit's transaction (it checks the records as
 * they are now), and an import of a big zone writes for seconds. Prisma ends
 * a transaction after 5 s by default, on SQLite too (a new zone of 1,000,000
 * records failed as "busy" after retries, measured 2026-12-05): allow what a
 * big zone needs.
 */
const COMMIT_TX = { timeout: 300_000 };

/**
 * The single write path for records. `plan` reads what the change needs of
 * the zone, validates it and works out what to delete and insert; this runs
 * it and, in one transaction: checks the serial, writes the diff, bumps the
 * serial, records the Change and enqueues NOTIFY jobs.
 */
async function commitRecords(
  zoneName: string,
  actor: Actor,
  comment: string,
  expectedSerial: number | undefined,
  plan: PlanCommit,
  newSoa?: { soa: SoaFields; ttl: number; keepSerial?: boolean },
  dryRun = false,
): Promise<CommitResult> {
  const result = await writeTransaction(async (tx) => {
    // Commits to one zone take turns: one that read the serial another is replacing would fail as a conflict.
    if (!dryRun) await lockInTransaction(tx, TX_LOCK.zoneChanges, zoneName);
    const zone = await tx.zone.findUnique({ where: { name: zoneName } });
    if (!zone) throw new AppError('not-found', `There is no zone ${zoneName}.`);
    if (zone.kind !== 'primary') {
      throw new AppError('forbidden', `${zoneName} is a secondary zone; its records come from its primary and cannot be edited here.`);
    }
    const oldSerial = Number(zone.serial);
    if (expectedSerial !== undefined && expectedSerial !== oldSerial) {
      const last = await tx.change.findFirst({ where: { zoneId: zone.id }, orderBy: { id: 'desc' } });
      throw new AppError(
        'conflict',
        `${zoneName} changed since you loaded it (serial ${expectedSerial} → ${oldSerial}` +
          (last ? `, by ${last.actor} at ${last.createdAt.toISOString()}` : '') +
          '). Reload the zone and re-apply your edits.',
      );
    }
    const slice = new TimeSlice();
    const { errors, removedRows, added, notifyRecords } = await plan(tx, zone, slice);
    if (errors.length) {
      throw new AppError('invalid', `The change has ${errors.length} problem${errors.length > 1 ? 's' : ''}; nothing was saved.`, {}, errors);
    }
    const removed: RR[] = removedRows.map(plainRecord);

    const oldSoa = soaFieldsOf(zone);
    const soaChanged =
      newSoa !== undefined &&
      (newSoa.ttl !== zone.soaTtl ||
        (['mname', 'rname', 'refresh', 'retry', 'expire', 'minimum'] as const).some((k) => newSoa.soa[k] !== oldSoa[k]));
    if (removed.length === 0 && added.length === 0 && !soaChanged) {
      return { zone: zoneName, changed: false, oldSerial, newSerial: oldSerial, added: [], removed: [], notifyTargets: [] } satisfies CommitResult;
    }

    let newSerial = nextSerial(zone.serialPolicy as SerialPolicy, oldSerial);
    // An imported file may carry a serial ahead of our policy; keep it then.
    if (newSoa && newSoa.keepSerial !== false && serialGreater(newSoa.soa.serial, newSerial)) newSerial = newSoa.soa.serial;
    // The editor's check: everything above ran (validation, diff, serial), nothing is written.
    if (dryRun) {
      return { zone: zoneName, changed: true, oldSerial, newSerial, added, removed, notifyTargets: [] } satisfies CommitResult;
    }
    const soaData = newSoa
      ? {
          soaMname: newSoa.soa.mname,
          soaRname: newSoa.soa.rname,
          soaRefresh: newSoa.soa.refresh,
          soaRetry: newSoa.soa.retry,
          soaExpire: newSoa.soa.expire,
          soaMinimum: newSoa.soa.minimum,
          soaTtl: newSoa.ttl,
        }
      : {};
    // Guard against a concurrent commit between our read and this write.
    const bumped = await tx.zone.updateMany({
      where: { id: zone.id, serial: zone.serial },
      data: { serial: BigInt(newSerial), version: { increment: 1 }, ...soaData },
    });
    if (bumped.count !== 1) {
      throw new AppError('conflict', `${zoneName} was changed by someone else at the same moment; reload and try again.`);
    }
    const version = await versionNow(tx, zone.id);
    await deleteRecords(tx, removedRows, slice);
    await insertRecords(tx, zone.id, added, slice);
    const updated = { ...zone, ...soaData, serial: BigInt(newSerial) };
    const change = await writeChange(
      tx,
      { zoneId: zone.id, userId: actor.userId ?? null, actor: actor.name, comment, oldSerial: zone.serial, newSerial: BigInt(newSerial), version },
      [soaRecordOf(zone), ...removed],
      [soaRecordOf(updated), ...added],
      slice,
    );
    const targets = await enqueueNotify(tx, updated, notifyRecords);
    await markChanged(tx, zoneName);
    return { zone: zoneName, changed: true, oldSerial, newSerial, changeId: change.id, added, removed, notifyTargets: targets } satisfies CommitResult;
  }, COMMIT_TX);
  if (result.changed) await nudgeWorker(zoneName);
  return result;
}

/** The zone's version as this transaction wrote it (settings changes bump it too, without taking the zone's turn). */
async function versionNow(tx: Tx, zoneId: number): Promise<number> {
  return (await tx.zone.findUniqueOrThrow({ where: { id: zoneId }, select: { version: true } })).version;
}

/** One NOTIFY job per target for the zone's new serial; older pending jobs are superseded. */
async function enqueueNotify(tx: Tx, zone: ZoneRow, records: readonly RR[]): Promise<string[]> {
  const targets = notifyTargets(zone.name, zone.soaMname, records, readList(zone.alsoNotify));
  await tx.notifyJob.updateMany({ where: { zoneId: zone.id, state: 'pending' }, data: { state: 'superseded' } });
  if (targets.length) {
    await tx.notifyJob.createMany({ data: targets.map((target) => ({ zoneId: zone.id, serial: zone.serial, target })) });
  }
  return targets;
}

// ---------------------------------------------------------------- secondary zones
//
// What the worker's secondary engine received from a primary is written
// through these. Each runs in one transaction, and the engine calls them only
// once a transfer is complete, so a transfer that fails anywhere (cut off,
// not applicable, refused here) changes nothing: the previous copy stays
// stored and served. Every applied transfer bumps the zone's version (workers
// reload it), journals a Change (so this server can serve IXFR to its own
// secondaries) and queues NOTIFY to the zone's also-notify list.

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
}

/**
 * Rows per INSERT or DELETE statement. Each statement carries its rows as one
 * JSON parameter (lib/db.ts jsonArrayRows) and runs synchronously inside
 * SQLite: 2,000 rows hold the process for about 10 ms, short enough for a
 * worker that answers queries meanwhile.
 */
const WRITE_CHUNK = 2000;

/**
 * Inserts records of zone `zoneId`, WRITE_CHUNK rows a statement, giving the
 * event loop a turn between statements once the slice is used up. Plain SQL
 * (the same on SQLite and PostgreSQL) with the rows as one JSON parameter:
 * Prisma's createMany cost 265 µs a row and multi-row VALUES with bound
 * values 36 µs (measured 2026-12-05 on SQLite), and an import or a transfer
 * writes up to a million rows.
 */
async function insertRecords(tx: Tx, zoneId: number, rows: readonly RR[], slice: TimeSlice): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    await slice.maybePause();
    const json = JSON.stringify(rows.slice(i, i + WRITE_CHUNK).map((r) => [r.name, r.type, r.ttl, r.content, pointerTarget(r) ?? null]));
    await executeBulk(
      tx,
      Prisma.sql`INSERT INTO "Record" ("zoneId", "name", "type", "ttl", "content", "target")
        SELECT CAST(${zoneId} AS INTEGER), value->>0, value->>1, CAST(value->>2 AS INTEGER), value->>3, value->>4 FROM ${jsonArrayRows(json)}`,
    );
  }
}

/** Deletes stored records by id, WRITE_CHUNK a statement, the ids as one JSON parameter as insertRecords passes rows. */
async function deleteRecords(tx: Tx, rows: readonly { id: number }[], slice: TimeSlice): Promise<void> {
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    await slice.maybePause();
    const json = JSON.stringify(rows.slice(i, i + WRITE_CHUNK).map((r) => [r.id]));
    await executeBulk(tx, Prisma.sql`DELETE FROM "Record" WHERE "id" IN (SELECT CAST(value->>0 AS INTEGER) FROM ${jsonArrayRows(json)})`);
  }
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

type JournalEntry = { oldSerial: number; newSerial: number; removed: RR[]; added: RR[] };

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

  const bumped = await tx.zone.updateMany({
    where: { id: zone.id, serial: zone.serial },
    data: {
      serial: BigInt(soa.soa.serial),
      soaMname: soa.soa.mname,
      soaRname: soa.soa.rname,
      soaRefresh: soa.soa.refresh,
      soaRetry: soa.soa.retry,
      soaExpire: soa.soa.expire,
      soaMinimum: soa.soa.minimum,
      soaTtl: soa.ttl,
      version: { increment: 1 },
      // Records changed at an unchanged serial have no journal entry: workers cannot patch across it.
      ...(soa.soa.serial === oldSerial && (removed.length || added.length) ? { unjournaled: { increment: 1 } } : {}),
      ...(source.state ? refreshStateData(source.state) : {}),
    },
  });
  if (bumped.count !== 1) throw new AppError('conflict', `${zone.name} was changed by another transfer at the same moment`);
  const version = await versionNow(tx, zone.id);
  await deleteRecords(tx, removedRows, slice);
  await insertRecords(tx, zone.id, added, slice);
  // A serial that did not move (a forced retrieve) cannot be a journal step: IXFR chains by serial.
  if (soa.soa.serial !== oldSerial) {
    for (const e of journal(soaRecordOf(zone), removed, added)) {
      const head = { zoneId: zone.id, actor: 'transfer', comment: `transfer from ${source.peer}`, oldSerial: BigInt(e.oldSerial), newSerial: BigInt(e.newSerial), version };
      await writeChange(tx, head, e.removed, e.added, slice);
    }
    // A secondary notifies only its explicit also-notify list (its NS hosts are its peers' business).
    const targets = storedAddressPorts(readList(zone.alsoNotify), 53).map(formatHostPort);
    await tx.notifyJob.updateMany({ where: { zoneId: zone.id, state: 'pending' }, data: { state: 'superseded' } });
    if (targets.length) await tx.notifyJob.createMany({ data: targets.map((target) => ({ zoneId: zone.id, serial: BigInt(soa.soa.serial), target })) });
  }
  await markChanged(tx, zone.name);
  return {
    zone: zone.name,
    changed: true,
    oldSerial,
    newSerial: soa.soa.serial,
    added: added.length,
    removed: removed.length,
    records: next.length + (source.untouched ?? 0),
  };
}

// ---------------------------------------------------------------- import from the browser

/** What the user chose on the import preview. */
export interface ImportSelection {
  /** The serial the preview was computed against; any other current serial is a conflict. */
  expectedSerial: number;
  comment: string;
  /** Ids of the preview items the user unchecked (SOA_ITEM_ID for the SOA). */
  excluded: readonly string[];
}

/**
 * Applies the checked part of a zone file import to an existing primary zone
 * as one change. The diff is recomputed inside commitRecords' transaction
 * from the file and the stored records, and the serial check there makes
 * sure those are the records the preview showed; so the browser only names
 * which items to leave out, never the record data itself.
 */
export async function commitImport(zoneInput: string, text: string, sel: ImportSelection, actor: Actor): Promise<CommitResult> {
  const zoneName = toZoneName(zoneInput);
  const zone = await db().zone.findUnique({ where: { name: zoneName }, select: { defaultTtl: true } });
  if (!zone) throw new AppError('not-found', `There is no zone ${zoneName}.`);
  const parsed = parseZoneFile(text, { origin: zoneName, defaultTtl: zone.defaultTtl });
  if (parsed.errors.length) {
    throw new AppError(
      'invalid',
      `The zone file has ${parsed.errors.length} error${parsed.errors.length > 1 ? 's' : ''}; nothing was imported.`,
      {},
      parsed.errors.map((e) => ({ line: e.line, message: e.message })),
    );
  }
  const excluded = new Set(sel.excluded);
  const soaRr = parsed.records.find((r) => r.type === 'SOA');
  const newSoa = soaRr && !excluded.has(SOA_ITEM_ID) ? { soa: parseSoaContent(soaRr.content), ttl: soaRr.ttl } : undefined;
  return commitRecords(
    zoneName,
    actor,
    sel.comment,
    sel.expectedSerial,
    wholeZone((current) => applyRecordDiff(current, diffRecords(current, parsed.records), excluded)),
    newSoa,
  );
}
