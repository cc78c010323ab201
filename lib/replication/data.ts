// Reads for the replication dashboard, `zonekeeper replication` and
// /api/metrics: what each secondary serves (ReplicaStatus, written by the
// worker's prober) against the primary's serial, turned into one state per
// secondary and per zone, and the timeline of recent changes reaching them.
import { db } from '../db';
import { serialAtLeast, serialGreater } from '../dns/serial';
import { Prisma } from '../generated/prisma/client';

/** Per secondary, and per zone (the worst of its secondaries). */
export type ReplicaState = 'in sync' | 'propagating' | 'behind' | 'unreachable' | 'missing';
export type ZoneReplicaState = ReplicaState | 'no secondaries';

/** Worst first: the zone shows the first of these that any secondary is in. */
export const REPLICA_STATES: readonly ReplicaState[] = ['missing', 'unreachable', 'behind', 'propagating', 'in sync'];

/** How long a secondary may lag a change before it counts as behind rather than propagating (ZK_BEHIND_AFTER, seconds). */
export function behindAfterMs(): number {
  const n = Number(process.env.ZK_BEHIND_AFTER ?? '');
  return Number.isFinite(n) && n > 0 ? n * 1000 : 5 * 60_000;
}

export interface SecondaryStatus {
  target: string;
  state: ReplicaState;
  serial: number | null;
  /** What the last probe saw: ok, timeout, refused, missing, error. */
  probe: string;
  error: string | null;
  rttMs: number | null;
  checkedAt: Date;
  lastOkAt: Date | null;
  /** Serials the secondary is behind (0 in sync), when its serial is known. */
  lagSerials: number | null;
  /** Seconds since the first change it is missing was committed (0 in sync). */
  lagSeconds: number | null;
  workerId: string | null;
}

export interface ZoneReplication {
  zoneId: number;
  zone: string;
  serial: number;
  state: ZoneReplicaState;
  lastChangeAt: Date | null;
  secondaries: SecondaryStatus[];
}

interface StatusRow {
  target: string;
  serial: bigint | null;
  state: string;
  error: string | null;
  rttMs: number | null;
  checkedAt: Date;
  lastOkAt: Date | null;
  workerId: string | null;
}

/** A secondary's state from its last probe, the primary's serial and when the change it lacks was made. */
export function secondaryState(row: StatusRow, serial: number, missingSince: Date | null, now: Date, behindMs: number): ReplicaState {
  if (row.state === 'refused' || row.state === 'missing') return 'missing';
  if (row.state !== 'ok') return 'unreachable';
  const theirs = Number(row.serial);
  if (serialAtLeast(theirs, serial)) return 'in sync';
  return missingSince && now.getTime() - missingSince.getTime() < behindMs ? 'propagating' : 'behind';
}

export function zoneState(secondaries: readonly { state: ReplicaState }[]): ZoneReplicaState {
  if (secondaries.length === 0) return 'no secondaries';
  return REPLICA_STATES.find((s) => secondaries.some((x) => x.state === s))!;
}

/** Changes read per zone to date a secondary's lag: one further behind counts as behind all the same. */
const JOURNAL_DEPTH = 200;
/** Zones per statement where each binds values: SQLite binds at most 999 in one. */
const IDS_PER_READ = 400;

function* chunked<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * The newest JOURNAL_DEPTH changes of each zone, newest first: when each
 * change a lagging secondary lacks was committed. Two queries for every
 * IDS_PER_READ zones, however long their history.
 */
async function recentChanges(zoneIds: readonly number[]): Promise<Map<number, { newSerial: bigint; createdAt: Date }[]>> {
  const out = new Map<number, { newSerial: bigint; createdAt: Date }[]>();
  for (const ids of chunked(zoneIds, IDS_PER_READ)) {
    // The id of each zone's JOURNAL_DEPTH-th newest change, from the (zoneId, id) index alone; null when it has fewer.
    const floors = await db().$queryRaw<{ id: number | bigint; floor: number | bigint | null }[]>`
      SELECT z."id" AS "id",
        (SELECT c."id" FROM "Change" c WHERE c."zoneId" = z."id" ORDER BY c."id" DESC LIMIT 1 OFFSET ${JOURNAL_DEPTH - 1}) AS "floor"
      FROM "Zone" z WHERE z."id" IN (${Prisma.join(ids)})`;
    const whole = floors.filter((f) => f.floor === null).map((f) => Number(f.id));
    const cut = floors.filter((f) => f.floor !== null).map((f) => ({ zoneId: Number(f.id), id: { gte: Number(f.floor) } }));
    const rows = await db().change.findMany({
      where: { OR: [...(whole.length ? [{ zoneId: { in: whole } }] : []), ...cut] },
      orderBy: { id: 'desc' },
      select: { zoneId: true, newSerial: true, createdAt: true },
    });
    for (const r of rows) {
      const list = out.get(r.zoneId) ?? [];
      list.push(r);
      out.set(r.zoneId, list);
    }
  }
  return out;
}

/**
 * Every primary zone (or the named ones) with its secondaries' states. Three
 * queries whatever the number of zones, and two more for every IDS_PER_READ
 * zones with a secondary that lags: only those need their journal.
 */
export async function listReplication(opts: { zoneIds?: number[] | null; now?: Date; behindMs?: number } = {}): Promise<ZoneReplication[]> {
  const now = opts.now ?? new Date();
  const behindMs = opts.behindMs ?? behindAfterMs();
  const zoneWhere = { kind: 'primary', ...(opts.zoneIds ? { id: { in: opts.zoneIds } } : {}) };
  const [zones, statuses] = await Promise.all([
    db().zone.findMany({ where: zoneWhere, select: { id: true, name: true, serial: true, updatedAt: true }, orderBy: { name: 'asc' } }),
    db().replicaStatus.findMany({ where: { zone: zoneWhere }, orderBy: { target: 'asc' } }),
  ]);
  const byZone = new Map<number, StatusRow[]>();
  for (const s of statuses) {
    const list = byZone.get(s.zoneId) ?? [];
    list.push(s);
    byZone.set(s.zoneId, list);
  }
  // Only a lagging zone needs its journal: when was each missing change made?
  const lagging = zones.filter((z) => (byZone.get(z.id) ?? []).some((r) => r.state === 'ok' && r.serial !== null && r.serial !== z.serial));
  const journals = await recentChanges(lagging.map((z) => z.id));
  const out: ZoneReplication[] = [];
  for (const z of zones) {
    const serial = Number(z.serial);
    const rows = byZone.get(z.id) ?? [];
    const changes = journals.get(z.id) ?? [];
    const secondaries = rows.map((r) => {
      const theirs = r.serial === null ? null : Number(r.serial);
      // The first change after the serial they serve: they have been missing it since then.
      const firstMissing = theirs === null ? undefined : [...changes].reverse().find((c) => serialGreater(Number(c.newSerial), theirs));
      const missingSince = firstMissing?.createdAt ?? null;
      const state = secondaryState(r, serial, missingSince, now, behindMs);
      const inSync = state === 'in sync';
      return {
        target: r.target,
        state,
        serial: theirs,
        probe: r.state,
        error: r.error,
        rttMs: r.rttMs,
        checkedAt: r.checkedAt,
        lastOkAt: r.lastOkAt,
        lagSerials: theirs === null ? null : inSync ? 0 : changes.filter((c) => serialGreater(Number(c.newSerial), theirs)).length || null,
        lagSeconds: inSync ? 0 : missingSince ? Math.round((now.getTime() - missingSince.getTime()) / 1000) : null,
        workerId: r.workerId,
      };
    });
    // Known here only when the journal was read; getZoneReplication fills it in always.
    const lastChangeAt = changes[0]?.createdAt ?? null;
    out.push({ zoneId: z.id, zone: z.name, serial, state: zoneState(secondaries), lastChangeAt, secondaries });
  }
  return out;
}

/** One zone's replication, or null when there is no such primary zone. */
export async function getZoneReplication(zoneId: number, opts: { now?: Date; behindMs?: number } = {}): Promise<ZoneReplication | null> {
  const [z] = await listReplication({ ...opts, zoneIds: [zoneId] });
  if (!z) return null;
  const last = await db().change.findFirst({ where: { zoneId }, orderBy: { id: 'desc' }, select: { createdAt: true } });
  return { ...z, lastChangeAt: last?.createdAt ?? null };
}

/** Counts per zone state, for the dashboard's header. */
export function countStates(zones: readonly ZoneReplication[]): Record<ZoneReplicaState, number> {
  const counts: Record<ZoneReplicaState, number> = { missing: 0, unreachable: 0, behind: 0, propagating: 0, 'in sync': 0, 'no secondaries': 0 };
  for (const z of zones) counts[z.state]++;
  return counts;
}

export interface TargetProgress {
  target: string;
  notify?: { at: Date; outcome: string; ms: number | null };
  transfer?: { at: Date; kind: 'AXFR' | 'IXFR'; durationMs: number | null; outcome: string };
  /** The first probe that saw this serial (or a later one) there, and how long after the commit. */
  seenAt?: Date;
  elapsedMs?: number;
}

export interface ChangePropagation {
  changeId: number;
  serial: number;
  at: Date;
  actor: string;
  comment: string;
  targets: TargetProgress[];
  live: number;
  /** The slowest secondary's time to serve it, once every one does. */
  allLiveAfterMs: number | null;
}

const addressOf = (target: string) => target.replace(/^\[(.*)\]:\d+$/, '$1').replace(/:\d+$/, '');

/**
 * The latest changes of a zone and how each reached every secondary: NOTIFY
 * sent and acknowledged, transfer served, first probe that saw it.
 */
export async function propagationTimeline(zoneId: number, limit = 5): Promise<ChangePropagation[]> {
  const changes = await db().change.findMany({ where: { zoneId }, orderBy: { id: 'desc' }, take: limit });
  if (changes.length === 0) return [];
  const since = changes.at(-1)!.createdAt;
  const [targets, events] = await Promise.all([
    db().replicaStatus.findMany({ where: { zoneId }, select: { target: true }, orderBy: { target: 'asc' } }),
    db().zoneEvent.findMany({
      where: { zoneId, createdAt: { gte: since }, kind: { in: ['notify-out', 'axfr-out', 'ixfr-out', 'probe'] } },
      orderBy: { id: 'asc' },
    }),
  ]);
  return changes.map((c) => {
    const serial = Number(c.newSerial);
    const after = (e: { createdAt: Date }) => e.createdAt.getTime() >= c.createdAt.getTime();
    const progress = targets.map(({ target }): TargetProgress => {
      const p: TargetProgress = { target };
      const notify = events.find((e) => e.kind === 'notify-out' && e.peer === target && Number(e.serial) === serial && after(e));
      if (notify) p.notify = { at: notify.createdAt, outcome: notify.outcome, ms: notify.durationMs };
      const xfr = events.find((e) => (e.kind === 'axfr-out' || e.kind === 'ixfr-out') && e.peer === addressOf(target) && Number(e.serial) === serial && after(e));
      if (xfr) p.transfer = { at: xfr.createdAt, kind: xfr.kind === 'axfr-out' ? 'AXFR' : 'IXFR', durationMs: xfr.durationMs, outcome: xfr.outcome };
      const seen = events.find(
        (e) => e.kind === 'probe' && e.peer === target && e.outcome === 'ok' && e.serial !== null && after(e) && serialAtLeast(Number(e.serial), serial),
      );
      if (seen) {
        p.seenAt = seen.createdAt;
        p.elapsedMs = seen.createdAt.getTime() - c.createdAt.getTime();
      }
      return p;
    });
    const live = progress.filter((p) => p.seenAt).length;
    return {
      changeId: c.id,
      serial,
      at: c.createdAt,
      actor: c.actor,
      comment: c.comment,
      targets: progress,
      live,
      allLiveAfterMs: live > 0 && live === progress.length ? Math.max(...progress.map((p) => p.elapsedMs!)) : null,
    };
  });
}
