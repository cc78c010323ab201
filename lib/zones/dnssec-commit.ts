// Signing as part of a commit (issue 19). A signed zone's signatures and
// NSEC/NSEC3 chain are ordinary records, so they change in the same
// transaction, serial and Change as the records they cover: a secondary that
// takes the IXFR gets a zone that validates at every serial, and no moment
// exists at which a worker serves a change without its signatures.
//
// Two ways: `changes` re-signs what the commit touched and the chain around
// it (lib/dns/dnssec/resign.ts, reading only those names), `all` signs the
// whole zone again (signing it for the first time, a key rollover step, the
// refresh of signatures near expiry).
import { dnssecTimers } from '../config/env';
import { isSignerType, DEFAULT_SIGNING_POLICY, type Denial, type SigningPolicy } from '../dns/dnssec/types';
import { planResign } from '../dns/dnssec/resign';
import { signZone } from '../dns/dnssec/sign-zone';
import type { RR } from '../dns/types';
import type { TimeSlice } from '../time-slice';
import { readRecordsAt, readZoneRecords, type StoredRecord } from './data';
import { readZoneKeys } from './dnssec-keys';
import { signedZoneView } from './signed-zone-view';
import { recordKey } from './validate';
import type { Prisma } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

export type SigningMode = 'changes' | 'all';

export interface SigningInput {
  zone: { id: number; name: string; dnssec: string | null; resignAt: Date | null };
  /** The commit as worked out so far: stored rows it deletes, records it adds, and the new SOA record. */
  removedRows: readonly StoredRecord[];
  added: readonly RR[];
  soa: RR;
  mode: SigningMode;
  now: Date;
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

  const plan = await planResign(
    signedZoneView(tx, zone),
    { removed: input.removedRows.map(plain), added: [...input.added], soa: input.soa },
    keys,
    policy,
    nowSeconds,
  );
  const removedRows = [...input.removedRows, ...(await storedRows(tx, zone.id, plan.removed))];
  return { removedRows, added: [...input.added, ...plan.added], resignAt: zone.resignAt ?? nextResign(policy, input.now) };
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
