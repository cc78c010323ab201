// Reads for the replication dashboard, `zonekeeper replication` and
// /api/metrics: what each secondary serves (ReplicaStatus, written by the
// worker's prober) against the primary's serial, turned into one state per
// secondary and per zone, and the timeline of recent changes reaching them.
import type { SessionUser } from '../auth/users';
import { visibleZoneSql } from '../auth/zone-access';
import { db } from '../db';
import { serialAtLeast, serialGreater } from '../dns/serial';
import { Prisma } from '../generated/prisma/client';

/** Per secondary, and per zone (the worst of its secondaries). */
export type ReplicaState = 'in sync' | 'propagating' | 'behind' | 'unreachable' | 'missing';
export type ZoneReplicaState = ReplicaState | 'no secondaries';

/** Worst first: the zone shows the first of these that any secondary is in. */
export const REPLICA_STATES: readonly ReplicaState[] = ['missing', 'unreachable', 'behind', 'propagating', 'in sync'];

/** Every zone state, worst first: the dashboard's order and its filters. */
export const ZONE_STATES: readonly ZoneReplicaState[] = [...REPLICA_STATES, 'no secondaries'];

/** Probe outcomes that mean the secondary does not have the zone (an authoritative-only server refuses a zone it lacks). */
const MISSING_PROBES: readonly string[] = ['refused', 'missing'];

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
  // The same rule, less the journal, in SQL: secondaryRankSql below.
  if (MISSING_PROBES.includes(row.state)) return 'missing';
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

// ---------------------------------------------------------------- the dashboard, a page at a time

/** A zone state's place in ZONE_STATES: how the queries below name it. */
const rank = (state: ZoneReplicaState) => ZONE_STATES.indexOf(state);
/**
 * What SQL alone can say of a secondary that serves an older serial: it is
 * behind or propagating, and which depends on when the first change it lacks
 * was committed (the journal). Counted and listed as one rank there, split here.
 */
const LAGGING = rank('behind');
const LAGGING_STATES: readonly ZoneReplicaState[] = ['behind', 'propagating'];

/**
 * secondaryState of the ReplicaStatus row `r` of the zone `z`, as a rank, up to
 * the journal: lagging secondaries come out as LAGGING. The serial test is
 * serialAtLeast's (RFC 1982 §3.2): theirs is at least ours when (theirs − ours)
 * mod 2^32 is below 2^31; a missing serial reads as 0, as Number(null) does.
 */
function secondaryRankSql(): Prisma.Sql {
  const n = (state: ZoneReplicaState) => Prisma.raw(String(rank(state)));
  return Prisma.sql`CASE
    WHEN r."state" IN (${Prisma.join(MISSING_PROBES)}) THEN ${n('missing')}
    WHEN r."state" <> 'ok' THEN ${n('unreachable')}
    WHEN (COALESCE(r."serial", 0) - z."serial" + 4294967296) % 4294967296 < 2147483648 THEN ${n('in sync')}
    ELSE ${Prisma.raw(String(LAGGING))} END`;
}

/** The primary zones `visibleTo` may see (all when omitted), each with its zoneState as a rank: columns id, name, rank. */
function rankedZonesSql(visibleTo: Pick<SessionUser, 'id' | 'role'> | undefined): Prisma.Sql {
  // The worst of its secondaries, as zoneState takes it; none: 'no secondaries'.
  const zoneRank = Prisma.sql`COALESCE((SELECT MIN(${secondaryRankSql()}) FROM "ReplicaStatus" r WHERE r."zoneId" = z."id"), ${Prisma.raw(String(rank('no secondaries')))})`;
  const visible = visibleTo ? visibleZoneSql(visibleTo) : Prisma.sql`1 = 1`;
  return Prisma.sql`SELECT z."id" AS "id", z."name" AS "name", ${zoneRank} AS "rank" FROM "Zone" z WHERE z."kind" = 'primary' AND ${visible}`;
}

async function replicationOf(ids: readonly number[], opts: { now: Date; behindMs: number }): Promise<ZoneReplication[]> {
  const out: ZoneReplication[] = [];
  for (const zoneIds of chunked(ids, IDS_PER_READ)) out.push(...(await listReplication({ ...opts, zoneIds })));
  return out;
}

export interface ReplicationPage {
  /** This page's zones: worst state first, then by name. */
  zones: ZoneReplication[];
  /** Zones in each state, of every zone the user may see (whatever the filter). */
  counts: Record<ZoneReplicaState, number>;
  /** Zones the user may see. */
  total: number;
  /** Of those, the ones the state filter keeps (all without one). */
  matching: number;
  page: number;
  pages: number;
  pageSize: number;
}

/**
 * One page of the dashboard: the counts per state over every zone the user may
 * see, and `pageSize` zones of those in `state` (or of all), worst state first,
 * then by name. The database ranks and counts the zones; only the page's zones
 * and the lagging ones (to tell behind from propagating, from their journal)
 * are read as ZoneReplication, so its cost hardly grows with the number of
 * zones that are fine.
 */
export async function listReplicationPage(
  opts: { visibleTo?: Pick<SessionUser, 'id' | 'role'>; state?: ZoneReplicaState; page?: number; pageSize?: number; now?: Date; behindMs?: number } = {},
): Promise<ReplicationPage> {
  const read = { now: opts.now ?? new Date(), behindMs: opts.behindMs ?? behindAfterMs() };
  const ranked = rankedZonesSql(opts.visibleTo);
  // One pass over the zones for both: the count of each rank, and the lagging zones by name.
  const tally = await db().$queryRaw<{ rank: number | bigint; n: number | bigint; id: number | bigint | null }[]>`
    WITH ranked AS MATERIALIZED (${ranked})
    SELECT "rank", COUNT(*) AS "n", NULL AS "id", NULL AS "name" FROM ranked GROUP BY "rank"
    UNION ALL
    SELECT "rank", 0, "id", "name" FROM ranked WHERE "rank" = ${Prisma.raw(String(LAGGING))}
    ORDER BY "name"`;
  // The lagging zones in full: their journal says behind or propagating. (One that changed state
  // between the two reads shows on the next refresh.)
  const lagging = await replicationOf(tally.flatMap((r) => (r.id === null ? [] : [Number(r.id)])), read);
  const laggingIn = (state: ZoneReplicaState) => lagging.filter((z) => z.state === state);

  const counts = Object.fromEntries(ZONE_STATES.map((s) => [s, 0])) as Record<ZoneReplicaState, number>;
  for (const r of tally) if (r.id === null && Number(r.rank) !== LAGGING) counts[ZONE_STATES[Number(r.rank)]!] = Number(r.n);
  for (const s of LAGGING_STATES) counts[s] = laggingIn(s).length;
  const total = ZONE_STATES.reduce((sum, s) => sum + counts[s], 0);

  const shown = opts.state ? [opts.state] : ZONE_STATES;
  const matching = shown.reduce((sum, s) => sum + counts[s], 0);
  const pageSize = Math.min(Math.max(Math.floor(opts.pageSize ?? 100), 1), IDS_PER_READ);
  const pages = Math.max(1, Math.ceil(matching / pageSize));
  const page = Math.min(Math.max(Math.floor(opts.page ?? 1), 1), pages);

  // The page, state by state in the order shown: the lagging ones from `lagging`, the others
  // from the database by name (which walks the name index and stops once it has the page).
  const parts: (ZoneReplication[] | Promise<ZoneReplication[]>)[] = [];
  let offset = (page - 1) * pageSize;
  let room = pageSize;
  for (const state of shown) {
    const take = Math.min(Math.max(counts[state] - offset, 0), room);
    if (take > 0 && LAGGING_STATES.includes(state)) parts.push(laggingIn(state).slice(offset, offset + take));
    else if (take > 0) parts.push(zonesRanked(ranked, state, offset, take, read));
    offset = Math.max(offset - counts[state], 0);
    room -= take;
  }
  const zones = (await Promise.all(parts)).flat();
  return { zones, counts, total, matching, page, pages, pageSize };
}

/** `take` zones in `state` (not a lagging one) after `skip` of them, by name. */
async function zonesRanked(ranked: Prisma.Sql, state: ZoneReplicaState, skip: number, take: number, read: { now: Date; behindMs: number }): Promise<ZoneReplication[]> {
  const rows = await db().$queryRaw<{ id: number | bigint }[]>`
    SELECT "id" FROM (${ranked}) ranked WHERE "rank" = ${Prisma.raw(String(rank(state)))} ORDER BY "name" LIMIT ${take} OFFSET ${skip}`;
  const byId = new Map((await replicationOf(rows.map((r) => Number(r.id)), read)).map((z) => [z.zoneId, z]));
  // A zone deleted since it was ranked is left out.
  return rows.flatMap((r) => byId.get(Number(r.id)) ?? []);
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
