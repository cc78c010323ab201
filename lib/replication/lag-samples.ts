// Lag history (issue 23), the writing half: what each probe of a secondary
// found of its lag (LagSample), and how long a change took from its commit to
// the first probe that saw a secondary serve it (ServeTime). The prober calls
// recordLag inside the transaction that writes ReplicaStatus, so the history
// adds no query per zone: one insert of each kind per batch, the journal of
// the zones whose secondaries lag or moved on (the rare case), and a bounded
// delete of rows past the retention (ZK_LAG_DAYS) through the time index. No
// sweep, no timer: a table holds what the last days of probes wrote.
// lag-history.ts reads them back for the charts.
import type { Prisma } from '../generated/prisma/client';
import { daysBefore, deleteOldest, pruneBatch } from '../retention';
import { serialDistance, serialGreater } from '../dns/serial';
import { missingSinceOf, recentChanges, type JournalEntry } from './data';

/** The largest value an Int column holds: a secondary that took longer than 24 days is recorded as taking that long. */
const INT_MAX = 2_147_483_647;

/** One probe result, as the lag history needs it. */
export interface LagObservation {
  zoneId: number;
  target: string;
  /** When it was probed. */
  at: Date;
  /** The probe's state: ok | timeout | refused | missing | error. */
  state: string;
  /** The serial it served (state ok), else null. */
  theirs: number | null;
  /** The serial we served when it was probed; null when unknown. */
  ours: number | null;
  /** The serial it was known to serve before this probe (its ReplicaStatus); null at its first probe. */
  before: number | null;
}

export interface LagValues {
  lagSeconds: number | null;
  lagSerials: number | null;
}

/** The database, or the prober's transaction. */
export type LagWriter = Pick<Prisma.TransactionClient, 'lagSample' | 'serveTime' | 'change' | '$queryRaw'>;

/** Whether a probe found the secondary behind us: only then is its lag dated from the journal. */
function isBehind(o: LagObservation): boolean {
  return o.state === 'ok' && o.theirs !== null && o.ours !== null && serialGreater(o.ours, o.theirs);
}

/** Whether a probe found the secondary on a newer serial than it served before: a change went live there. */
function movedOn(o: LagObservation): boolean {
  return o.state === 'ok' && o.theirs !== null && o.before !== null && serialGreater(o.theirs, o.before);
}

/**
 * A probe's lag: none known when it gave no serial (a gap in the chart); 0 and
 * 0 when it serves our serial or a newer one; else the RFC 1982 distance and
 * the seconds since the first change it lacks was committed (`changes`: its
 * zone's newest first; null seconds when that change is not among them).
 */
export function lagOf(o: LagObservation, changes: readonly JournalEntry[]): LagValues {
  if (o.state !== 'ok' || o.theirs === null || o.ours === null) return { lagSeconds: null, lagSerials: null };
  const lagSerials = serialDistance(o.ours, o.theirs);
  if (lagSerials === 0) return { lagSeconds: 0, lagSerials: 0 };
  const since = missingSinceOf(changes, o.theirs);
  return { lagSerials, lagSeconds: since ? Math.max(0, Math.round((o.at.getTime() - since.getTime()) / 1000)) : null };
}

/**
 * The commit-to-serving time a probe shows, if it saw the secondary move on:
 * from the commit of the change that made the serial it now serves to this
 * probe. Only that newest change counts (one row per probe result); a serial
 * not made by a change we still know of (a zone's first serial) gives none.
 */
export function serveTimeOf(o: LagObservation, changes: readonly JournalEntry[]): Prisma.ServeTimeCreateManyInput | null {
  if (!movedOn(o)) return null;
  const made = changes.find((c) => Number(c.newSerial) === o.theirs);
  if (!made) return null;
  const ms = Math.min(Math.max(o.at.getTime() - made.createdAt.getTime(), 0), INT_MAX);
  return { zoneId: o.zoneId, target: o.target, serial: BigInt(o.theirs!), committedAt: made.createdAt, servedAt: o.at, ms };
}

/**
 * Writes one LagSample per observation and a ServeTime for each that saw a
 * change go live, then deletes rows older than `keepDays` (at most the larger
 * of 500 and twice what it wrote (pruneBatch), oldest first, so the table
 * never grows past its window plus a backlog that shrinks each batch).
 */
export async function recordLag(writer: LagWriter, observations: readonly LagObservation[], opts: { keepDays: number; now?: Date }): Promise<void> {
  if (observations.length === 0) return;
  const needJournal = [...new Set(observations.filter((o) => isBehind(o) || movedOn(o)).map((o) => o.zoneId))];
  const journals = needJournal.length > 0 ? await recentChanges(needJournal, writer) : new Map<number, JournalEntry[]>();
  const samples: Prisma.LagSampleCreateManyInput[] = [];
  const served: Prisma.ServeTimeCreateManyInput[] = [];
  for (const o of observations) {
    const changes = journals.get(o.zoneId) ?? [];
    samples.push({ zoneId: o.zoneId, target: o.target, at: o.at, state: o.state, ...lagOf(o, changes) });
    const serve = serveTimeOf(o, changes);
    if (serve) served.push(serve);
  }
  await writer.lagSample.createMany({ data: samples });
  if (served.length > 0) await writer.serveTime.createMany({ data: served });

  const cutoff = daysBefore(opts.now ?? new Date(), opts.keepDays);
  await deleteOldest(writer.lagSample, { at: { lt: cutoff } }, { at: 'asc' }, pruneBatch(samples.length));
  // Serving times are few (one per change per secondary): pruned only by the batches that add some.
  if (served.length > 0) await deleteOldest(writer.serveTime, { servedAt: { lt: cutoff } }, { servedAt: 'asc' }, pruneBatch(0));
}
