// The change pipeline of primary zones: every write of records runs through
// commitRecords(), which validates the zone as it would be, then in one
// transaction writes a new zone version (lib/zones/zone-version.ts): the
// records, the SOA serial bumped by the zone's policy, the Change (changelog
// and IXFR journal) and the NOTIFY jobs. After commit it nudges the worker.
// The ways in: applyChangeset (the editor, the CLI), importZone (a zone file,
// creating the zone when it does not exist), commitImport (the browser's
// import preview) and a DNS UPDATE (lib/zones/dns-update.ts).
import type { Prisma } from '../generated/prisma/client';
import { db, lockInTransaction, TX_LOCK, writeTransaction } from '../db';
import { contactToRname } from '../dns/contact';
import { canonicalName, DnsNameError } from '../dns/names';
import { MAX_TTL } from '../dns/ttl';
import { isSignerType } from '../dns/dnssec/types';
import { parseSoaContent } from '../dns/rdata';
import { nextSerial, serialGreater } from '../dns/serial';
import { parseZoneFile } from '../dns/zone-file';
import type { RR, SerialPolicy, SoaFields } from '../dns/types';
import { TimeSlice } from '../time-slice';
import type { Actor } from './actor';
import { approvalNeeds, approvalRequired, type ApprovalNeed } from './approval-rules';
import { readRecordsAt, readZoneRecords, soaFieldsOf, soaRecordOf, type StoredRecord } from './data';
import { AppError, type RecordError } from '../errors';
import { applyRecordDiff, diffRecords, signerRecordsIn, signerRecordsWarning, SOA_ITEM_ID } from './import-diff';
import { readList } from './json-lists';
import { readNeighbourhood, readNotifyRecords, type RecordsByName } from './neighbourhood';
import { notifyTargets } from './notify-targets';
import { nudgeWorker } from './nudge';
import type { RecordDelete } from './schema';
import {
  checkChangeRules,
  checkZoneRules,
  signerTypeMessage,
  normalizeOwner,
  normalizeRecord,
  normalizeRecordContent,
  normalizeType,
  recordKey,
  type RawRecord,
} from './validate';
import { insertZone, toZoneName } from './zone-lifecycle';
import { COMMIT_TX, diffStored, plainRecord, soaColumns, writeZoneVersion } from './zone-version';
import { signCommit, type SigningMode } from './dnssec-commit';

export interface CommitResult {
  zone: string;
  changed: boolean;
  oldSerial: number;
  newSerial: number;
  changeId?: number;
  added: RR[];
  removed: RR[];
  notifyTargets: string[];
  /** What an import left out and why (its DNSSEC records: the signer makes them). */
  warnings?: string[];
  /** A dry run only: the approval rules the change trips, which a commit by this actor would be refused for. */
  approvalRequired?: ApprovalNeed[];
}

export type Tx = Prisma.TransactionClient;
export type ZoneRow = NonNullable<Awaited<ReturnType<Tx['zone']['findUnique']>>>;

export interface Changeset {
  add?: RawRecord[];
  remove?: RecordDelete[];
  /** The serial the editor started from; a different current serial is a conflict. */
  expectedSerial?: number;
  comment?: string;
  /** New SOA fields (the serial is left to the zone's policy), written in the same change. */
  soa?: SoaEdit;
  /** The change in another zone this one goes with (a PTR beside its A/AAAA, lib/zones/reverse-ptr.ts). */
  linkedChangeId?: number;
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
  /**
   * A removal that matches nothing is not an error: PowerDNS's HTTP API
   * (lib/api/patch.ts) deletes a missing RRset without complaint, and the
   * check must happen inside the transaction to stay atomic.
   */
  ignoreMissingRemovals?: boolean;
  /**
   * Lets the changeset add and remove the signer's types (SIGNER_TYPES, lib/dns/dnssec/types.ts),
   * which everyone else is refused with validate.ts signerTypeMessage; sets CommitPlan.signerWrites.
   * The signer itself writes through CommitPlan.signing (lib/zones/zone-signing.ts); this is for
   * placing given signer records, as the rules' tests do.
   */
  asSigner?: boolean;
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
      const type = normalizeType(del.type, opts.asSigner);
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
      if (matches.length === 0 && !opts.ignoreMissingRemovals) {
        errors.push({
          index,
          record: `${name.value} ${type.value}${content ? ` ${content}` : ''}`,
          message: `there is no ${type.value} record${content ? ` "${content}"` : ''} at ${name.value} to delete`,
        });
      }
      for (const m of matches) next.delete(recordKey(m));
    });
    // A record added to an existing RRset inherits its TTL unless one is given: the TTL of each set's
    // first record, kept by name and type (a search of `next` per record made a PATCH of 10,000 sets take 40 s).
    const setTtl = new Map<string, number>();
    const setKey = (name: string, type: string) => `${name} ${type}`;
    for (const r of next.values()) if (!setTtl.has(setKey(r.name, r.type))) setTtl.set(setKey(r.name, r.type), r.ttl);
    (cs.add ?? []).forEach((raw, index) => {
      const n = normalizeRecord(raw, zone.name, setTtl.get(setKey(canonicalOr(raw.name, zone.name), raw.type.toUpperCase())) ?? zone.defaultTtl, opts.asSigner);
      if (!n.ok) return void errors.push({ index, record: `${raw.name} ${raw.type} ${raw.content}`, message: n.message });
      if (!setTtl.has(setKey(n.value.name, n.value.type))) setTtl.set(setKey(n.value.name, n.value.type), n.value.ttl);
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
    return {
      errors,
      ...(await diffStored(stored, [...next.values()], slice)),
      notifyRecords: await readNotifyRecords(tx, zone, names),
      signerWrites: opts.asSigner,
      linkedChangeId: cs.linkedChangeId,
    };
  }, newSoa, opts.dryRun);
}

/** Checks the editor's SOA fields; the serial is a placeholder that commitRecords never keeps. */
function soaEditToFields(e: SoaEdit, zone: string): { soa: SoaFields; ttl: number; keepSerial: false } {
  const errors: Record<string, string[]> = {};
  const name = (field: 'mname' | 'rname') => {
    try {
      return field === 'rname' ? contactToRname(e.rname, zone) : canonicalName(e.mname.trim(), zone);
    } catch (err) {
      if (!(err instanceof DnsNameError)) throw err;
      errors[field] = [err.message];
      return '';
    }
  };
  const mname = name('mname');
  const rname = name('rname');
  for (const k of ['refresh', 'retry', 'expire', 'minimum', 'ttl'] as const) {
    if (!Number.isInteger(e[k]) || e[k] < 0 || e[k] > MAX_TTL) errors[k] = [`${k} must be a whole number of seconds from 0 to ${MAX_TTL}`];
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
  // The file's DNSSEC records are left out (the signer makes them); the zone keeps its own.
  const leftOut = signerRecordsWarning(signerRecordsIn(parsed.records));
  const warnings = leftOut ? { warnings: [leftOut] } : {};
  // parseZoneFile keeps one of identical records already.
  const records = parsed.records.filter((r) => r.type !== 'SOA' && !isSignerType(r.type));
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
    return { zone: zoneName, changed: true, oldSerial: 0, newSerial: soa.serial, added: records, removed: [], notifyTargets: [], ...warnings };
  }
  const result = await commitRecords(
    zoneName,
    actor,
    comment,
    undefined,
    wholeZone((current) => [...records, ...signerRecordsIn(current)]),
    soaRr ? { soa: parseSoaContent(soaRr.content), ttl: soaRr.ttl } : undefined,
  );
  return { ...result, ...warnings };
}

/**
 * New SOA fields and TTL for a commit. The serial is the zone policy's next
 * one, or this one when it is further ahead (an imported file's), unless
 * `keepSerial` is false.
 */
export interface SoaChange {
  soa: SoaFields;
  ttl: number;
  keepSerial?: boolean;
}

/** What a commit writes, worked out inside its transaction by the path that made the change. */
export interface CommitPlan {
  /** Problems found; when any, nothing is written. */
  errors: RecordError[];
  /** Stored rows to delete (a record whose TTL changes is deleted and added again). */
  removedRows: StoredRecord[];
  added: RR[];
  /** Enough of the zone as it will be for notifyTargets: the apex NS set and the addresses of in-zone NS hosts. */
  notifyRecords: readonly RR[];
  /**
   * SOA fields decided inside the transaction (a DNS UPDATE compares the
   * serial it carries with the current one); when given, it replaces the
   * SOA commitRecords was called with.
   */
  soa?: SoaChange;
  /**
   * Write a new version even when no record and no SOA field differs: an
   * UPDATE whose only effect is an SOA with a greater serial (RFC 2136
   * §3.4.2.2) still asks for a new serial.
   */
  forceVersion?: boolean;
  /**
   * Signing (lib/zones/dnssec-commit.ts): by default a signed zone's commit
   * re-signs what it touched. `mode: 'all'` signs the whole zone again, and
   * `dnssec` sets the zone's signing state in the same version (null: the zone
   * is no longer signed); a plan that writes signer records itself (signing,
   * unsigning, a refresh) says so here, and no other may (validate.ts).
   */
  signing?: { mode: SigningMode; dnssec?: string | null; dueBy?: Date };
  /**
   * The plan is the signer's: it may add and remove the signer's types (SIGNER_TYPES). Any other
   * plan that would is refused whole, each such record named (signerTypeMessage): a person, an
   * import, the API and UPDATE leave them to the signer (RFC 3007 §4.3). A signing step that
   * appends its records to another plan runs after this check, so it never trips it.
   */
  signerWrites?: boolean;
  /** Written on the Change: the change in another zone this one goes with (Changeset.linkedChangeId). */
  linkedChangeId?: number;
}

export type PlanCommit = (tx: Tx, zone: ZoneRow, slice: TimeSlice) => Promise<CommitPlan>;

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
 * Marks the change request `actor` applies as approved, with the Change that
 * applied it, in the commit's own transaction: a request is approved exactly
 * when its change is stored, and of two approvers at once the second finds it
 * decided and writes nothing.
 */
async function decideRequest(tx: Tx, actor: Actor, changeId: number): Promise<void> {
  const decided = await tx.changeRequest.updateMany({
    where: { id: actor.request!.id, state: 'open' },
    data: { state: 'approved', reviewerId: actor.userId ?? null, reviewerName: actor.name, decidedAt: new Date(), changeId },
  });
  if (decided.count !== 1) throw new AppError('conflict', `Change request ${actor.request!.id} was decided by someone else a moment ago; nothing was changed.`);
}

/** One error per record of the signer's types a plan would add or remove (see CommitPlan.signerWrites). */
function signerTypeWrites(removed: readonly RR[], added: readonly RR[]): RecordError[] {
  const errors: RecordError[] = [];
  for (const [verb, list] of [['remove', removed], ['add', added]] as const) {
    for (const r of list) {
      if (isSignerType(r.type)) errors.push({ record: `${r.name} ${r.type}`, message: `cannot ${verb} ${r.name} ${r.type}: ${signerTypeMessage(r.type)}` });
    }
  }
  return errors;
}

/**
 * The single write path for records. `plan` reads what the change needs of
 * the zone, validates it and works out what to delete and insert; this runs
 * it and, in one transaction: checks the serial, then writes the diff, the
 * bumped serial, the Change and the NOTIFY jobs as a new zone version
 * (lib/zones/zone-version.ts).
 */
export async function commitRecords(
  zoneName: string,
  actor: Actor,
  comment: string,
  expectedSerial: number | undefined,
  plan: PlanCommit,
  soaArg?: SoaChange,
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
    if (zone.catalogRole === 'producer') {
      // Its records follow its members (lib/zones/catalog.ts); written any other way, consumers would create or delete zones.
      throw new AppError('forbidden', `${zoneName} is a catalog zone: it lists the zones that name it, and changes when they join or leave (zonekeeper zone set ZONE --catalog ${zoneName}|none).`);
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
    const { errors, removedRows: plannedRemoved, added: plannedAdded, notifyRecords, soa: plannedSoa, forceVersion, signing, signerWrites, linkedChangeId } = await plan(tx, zone, slice);
    const newSoa = plannedSoa ?? soaArg;
    if (!errors.length && !signerWrites) errors.push(...signerTypeWrites(plannedRemoved, plannedAdded));
    if (errors.length) {
      throw new AppError('invalid', `The change has ${errors.length} problem${errors.length > 1 ? 's' : ''}; nothing was saved.`, {}, errors);
    }

    const oldSoa = soaFieldsOf(zone);
    const soaChanged =
      newSoa !== undefined &&
      (newSoa.ttl !== zone.soaTtl ||
        (['mname', 'rname', 'refresh', 'retry', 'expire', 'minimum'] as const).some((k) => newSoa.soa[k] !== oldSoa[k]));
    if (plannedRemoved.length === 0 && plannedAdded.length === 0 && !soaChanged && !forceVersion) {
      return { zone: zoneName, changed: false, oldSerial, newSerial: oldSerial, added: [], removed: [], notifyTargets: [] } satisfies CommitResult;
    }

    // Four eyes: rules an admin set, checked here so that every way in is held alike (not for signing plans).
    const needs = signing || signerWrites ? [] : await approvalNeeds(tx, zone, actor, { zone: zone.name, removed: plannedRemoved, added: plannedAdded, soaChanged });
    if (needs.length && !dryRun) throw approvalRequired(zone.name, needs);
    let newSerial = nextSerial(zone.serialPolicy as SerialPolicy, oldSerial);
    // An imported file may carry a serial ahead of our policy; keep it then.
    if (newSoa && newSoa.keepSerial !== false && serialGreater(newSoa.soa.serial, newSerial)) newSerial = newSoa.soa.serial;
    // The editor's check: everything above ran (validation, diff, serial), nothing is written.
    if (dryRun) {
      return {
        zone: zoneName,
        changed: true,
        oldSerial,
        newSerial,
        added: plannedAdded,
        removed: plannedRemoved.map(plainRecord),
        notifyTargets: [],
        ...(needs.length ? { approvalRequired: needs } : {}),
      } satisfies CommitResult;
    }
    const dnssec = signing?.dnssec === undefined ? zone.dnssec : signing.dnssec;
    const soaData = { ...(newSoa ? soaColumns(newSoa) : {}), ...(signing?.dnssec === undefined ? {} : { dnssec }) };
    const updated = { ...zone, ...soaData, serial: BigInt(newSerial) };
    // The signatures and the chain change with the records they cover, in this version.
    const signed = await signCommit(
      tx,
      {
        zone: { id: zone.id, name: zone.name, dnssec, resignAt: zone.resignAt },
        removedRows: plannedRemoved,
        added: plannedAdded,
        soa: soaRecordOf(updated),
        mode: signing?.mode ?? 'changes',
        now: new Date(),
        dueBy: signing?.dueBy,
      },
      slice,
    );
    const { removedRows, added } = signed;
    if (dnssec === null ? zone.resignAt !== null : signed.resignAt?.getTime() !== zone.resignAt?.getTime()) {
      Object.assign(soaData, { resignAt: dnssec === null ? null : signed.resignAt });
    }
    const removed: RR[] = removedRows.map(plainRecord);
    const targets = notifyTargets(zone.name, updated.soaMname, notifyRecords, readList(zone.alsoNotify));
    const { changeIds } = await writeZoneVersion(
      tx,
      {
        zone,
        serial: newSerial,
        columns: soaData,
        removedRows,
        added,
        author: { userId: actor.userId ?? null, actor: actor.name, comment, requestId: actor.request?.id ?? null, ...(linkedChangeId === undefined ? {} : { linkedChangeId }) },
        journal: [{ oldSerial, newSerial, removed: [soaRecordOf(zone), ...removed], added: [soaRecordOf(updated), ...added] }],
        notifyTargets: targets,
        // Guards against a concurrent commit between our read and this write.
        conflict: `${zoneName} was changed by someone else at the same moment; reload and try again.`,
      },
      slice,
    );
    if (actor.request) await decideRequest(tx, actor, changeIds[0]!);
    return { zone: zoneName, changed: true, oldSerial, newSerial, changeId: changeIds[0], added, removed, notifyTargets: targets } satisfies CommitResult;
  }, COMMIT_TX);
  if (result.changed) await nudgeWorker(zoneName);
  return result;
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
  const result = await commitRecords(
    zoneName,
    actor,
    sel.comment,
    sel.expectedSerial,
    // diffRecords leaves the signer's types out on both sides: the zone keeps its own.
    wholeZone((current) => applyRecordDiff(current, diffRecords(current, parsed.records), excluded)),
    newSoa,
  );
  const leftOut = signerRecordsWarning(signerRecordsIn(parsed.records));
  return leftOut ? { ...result, warnings: [leftOut] } : result;
}
