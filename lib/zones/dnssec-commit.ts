// Signing as part of a commit (issue 19). A signed zone's signatures and
// NSEC/NSEC3 chain are ordinary records, so they change in the same
// transaction, serial and Change as the records they cover: a secondary that
// takes the IXFR gets a zone that validates at every serial, and no moment
// exists at which a worker serves a change without its signatures.
//
// Three ways: `changes` re-signs what the commit touched and the chain around
// it (lib/dns/dnssec/resign.ts, reading only those names); `refresh` does
// that and makes again the signatures nearest their expiry, a batch of names
// at a time, found along Record(zoneId, target) (an RRSIG's target is its
// expiration, validate.ts storedTarget), so that a big zone's refresh is many
// small changes, not one the size of the zone; `all` signs the whole zone
// again (signing it for the first time, a ZSK taking over the signing).
import { dnssecTimers } from '../config/env';
import { isSignerType, DEFAULT_SIGNING_POLICY, type Denial, type SigningPolicy } from '../dns/dnssec/types';
import { planResign, refreshSignaturesAt, type ResignPlan } from '../dns/dnssec/resign';
import { formatSigTime, parseSigTime } from '../dns/dnssec/sign';
import { signZone } from '../dns/dnssec/sign-zone';
import type { RR } from '../dns/types';
import type { TimeSlice } from '../time-slice';
import { readRecordsAt, readZoneRecords, type StoredRecord } from './data';
import { readZoneKeys } from './dnssec-keys';
import { signedZoneView } from './signed-zone-view';
import { recordKey, storedTarget } from './validate';
import type { Prisma } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

export type SigningMode = 'changes' | 'refresh' | 'all';

export interface SigningInput {
  zone: { id: number; name: string; dnssec: string | null; resignAt: Date | null };
  /** The commit as worked out so far: stored rows it deletes, records it adds, and the new SOA record. */
  removedRows: readonly StoredRecord[];
  added: readonly RR[];
  soa: RR;
  mode: SigningMode;
  now: Date;
  /** `refresh`: make again the signatures due by this time (default `now`); they are made at `now` all the same. */
  dueBy?: Date;
}

export interface SigningOutput {
  removedRows: StoredRecord[];
  added: RR[];
  /** The zone's new Zone.resignAt. */
  resignAt: Date | null;
}

/** The policy signatures are made by (the timers from lib/config/env.ts dnssecTimers). */
export function signingPolicy(denial: Denial): SigningPolicy {
  const { validitySeconds, refreshSeconds } = dnssecTimers();
  return { ...DEFAULT_SIGNING_POLICY, denial, validitySeconds, refreshSeconds };
}

/** When signatures made at `now` need making again. */
export function nextResign(policy: SigningPolicy, now: Date): Date {
  return new Date(now.getTime() + (policy.validitySeconds - policy.refreshSeconds) * 1000);
}

/**
 * Adds to a commit of a signed zone what keeps it signed. Returns the commit's
 * rows unchanged for a zone that is not signed.
 */
export async function signCommit(tx: Tx, input: SigningInput, slice: TimeSlice): Promise<SigningOutput> {
  const { zone } = input;
  if (zone.dnssec === null) return { removedRows: [...input.removedRows], added: [...input.added], resignAt: null };
  const policy = signingPolicy(zone.dnssec as Denial);
  const keys = await readZoneKeys(tx, zone);
  const nowSeconds = Math.floor(input.now.getTime() / 1000);

  if (input.mode === 'all') {
    // The zone as the commit leaves it, without any signer record: signed afresh.
    const gone = new Set(input.removedRows.map((r) => r.id));
    const stored = await readZoneRecords(tx, zone.id, { enabledOnly: true, slice });
    const oldSigner = stored.filter((r) => !gone.has(r.id) && isSignerType(r.type));
    const unsigned = [...stored.filter((r) => !gone.has(r.id) && !isSignerType(r.type)), ...input.added.filter((r) => !isSignerType(r.type))];
    const made = signZone(zone.name, [...unsigned.map(plain), input.soa], keys, policy, nowSeconds);
    return {
      removedRows: [...input.removedRows, ...oldSigner],
      added: [...input.added.filter((r) => !isSignerType(r.type)), ...made],
      resignAt: nextResign(policy, input.now),
    };
  }

  const view = signedZoneView(tx, zone);
  let plan = await planResign(view, { removed: input.removedRows.map(plain), added: [...input.added], soa: input.soa }, keys, policy, nowSeconds);
  let resignAt = zone.resignAt ?? nextResign(policy, input.now);
  if (input.mode === 'refresh') {
    // Signatures expiring within the refresh margin of `dueBy` (now, unless the caller looks ahead).
    const ahead = Math.max(0, Math.floor((input.dueBy ?? input.now).getTime() / 1000) - nowSeconds);
    const window = { ...policy, refreshSeconds: policy.refreshSeconds + ahead };
    const horizon = formatSigTime(nowSeconds + window.refreshSeconds);
    const due = await dueSignatureOwners(tx, zone.id, horizon);
    const batch = await refreshSignaturesAt(view, due.names, keys, window, nowSeconds, input.soa);
    plan = merged(plan, withoutSoaSignatures(batch, zone.name));
    resignAt = due.more ? input.now : await nextDue(tx, zone.id, horizon, plan, policy, input.now);
  }
  const removedRows = [...input.removedRows, ...(await storedRows(tx, zone.id, plan.removed))];
  return { removedRows, added: [...input.added, ...plan.added], resignAt };
}

/** RRSIG rows read per refresh batch: a change of a few thousand records. */
const REFRESH_BATCH = 2000;

/** Owners of the zone's signatures expiring by `horizon` (YYYYMMDDHHmmSS; refreshSignatures's own test), soonest first, a batch of them. */
async function dueSignatureOwners(tx: Tx, zoneId: number, horizon: string): Promise<{ names: string[]; more: boolean }> {
  // One row past the batch says whether more are due: a last batch of exactly REFRESH_BATCH is the last.
  const rows = await tx.record.findMany({
    where: { zoneId, type: 'RRSIG', target: { lte: horizon } },
    orderBy: { target: 'asc' },
    take: REFRESH_BATCH + 1,
    select: { name: true },
  });
  return { names: [...new Set(rows.slice(0, REFRESH_BATCH).map((r) => r.name))], more: rows.length > REFRESH_BATCH };
}

/**
 * The SOA lives in the Zone row, so a batch reading the apex sees the SOA's signatures
 * without their RRset and would drop them; they are planResign's, made anew every commit.
 */
function withoutSoaSignatures(p: ResignPlan, apex: string): ResignPlan {
  const soaSig = (r: RR) => r.type === 'RRSIG' && r.name === apex && r.content.startsWith('SOA ');
  return { removed: p.removed.filter((r) => !soaSig(r)), added: p.added.filter((r) => !soaSig(r)) };
}

/** Both plans, each record once (a refreshed name may also be one the change touched). */
function merged(a: ResignPlan, b: ResignPlan): ResignPlan {
  const seen = new Set(a.removed.map(recordKey));
  const removed = [...a.removed, ...b.removed.filter((r) => !seen.has(recordKey(r)))];
  const replaced = new Set(a.added.filter((r) => r.type === 'RRSIG').map((r) => `${r.name} ${r.content.split(' ')[0]}`));
  const added = [...a.added, ...b.added.filter((r) => r.type !== 'RRSIG' || !replaced.has(`${r.name} ${r.content.split(' ')[0]}`))];
  return { removed, added };
}

/** When the earliest signature the refresh left falls due: the first stored after `horizon` that this commit keeps. */
async function nextDue(tx: Tx, zoneId: number, horizon: string, plan: ResignPlan, policy: SigningPolicy, now: Date): Promise<Date> {
  const leaving = new Set(plan.removed.filter((r) => r.type === 'RRSIG').map(recordKey));
  const fresh = nextResign(policy, now);
  const rows = await tx.record.findMany({
    where: { zoneId, type: 'RRSIG', target: { gt: horizon } },
    orderBy: { target: 'asc' },
    take: leaving.size + 1,
    select: { name: true, type: true, content: true },
  });
  const first = rows.find((r) => !leaving.has(recordKey(r)));
  if (!first) return fresh;
  const due = new Date((parseSigTime(storedTarget(first)!) - policy.refreshSeconds) * 1000);
  return due < fresh ? due : fresh;
}

function plain(r: RR): RR {
  return { name: r.name, type: r.type, ttl: r.ttl, content: r.content };
}

/** The stored rows of `records` (signer records the planner says to replace), found by name and type along the index. */
async function storedRows(tx: Tx, zoneId: number, records: readonly RR[]): Promise<StoredRecord[]> {
  if (records.length === 0) return [];
  const want = new Set(records.map(recordKey));
  const types = [...new Set(records.map((r) => r.type))];
  const rows = await readRecordsAt(tx, zoneId, new Set(records.map((r) => r.name)), { types });
  return rows.filter((r) => want.has(recordKey(r)));
}
