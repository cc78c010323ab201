// Reads for the replication dashboard, `zonekeeper replication` and
// /api/metrics: what each secondary serves (ReplicaStatus, written by the
// worker's prober) against the primary's serial, turned into one state per
// secondary and per zone, and the timeline of recent changes reaching them.
import type { SessionUser } from '../auth/permission';
import { visibleZoneSql } from '../auth/zone-access';
import { db, dbProvider, sqlCast } from '../db';
import { behindAfterMs } from '../config/env';
import { serialAtLeast, serialGreater } from '../dns/serial';
import { Prisma } from '../generated/prisma/client';
import type { ZoneEventKind } from './zone-events';

/** Per secondary, and per zone (the worst of its secondaries). */
export type ReplicaState = 'in sync' | 'propagating' | 'behind' | 'unreachable' | 'missing';
export type ZoneReplicaState = ReplicaState | 'no secondaries';

/** Worst first: the zone shows the first of these that any secondary is in. */
export const REPLICA_STATES: readonly ReplicaState[] = ['missing', 'unreachable', 'behind', 'propagating', 'in sync'];

/** Every zone state, worst first: the dashboard's order and its filters. */
export const ZONE_STATES: readonly ZoneReplicaState[] = [...REPLICA_STATES, 'no secondaries'];

/** Probe outcomes that mean the secondary does not have the zone (an authoritative-only server refuses a zone it lacks). */
const MISSING_PROBES: readonly string[] = ['refused', 'missing'];

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
export const IDS_PER_READ = 400;

export function* chunked<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** A change as the lag of a secondary is dated from it. */
export interface JournalEntry {
  newSerial: bigint;
  createdAt: Date;
}

/**
 * The newest JOURNAL_DEPTH changes of each zone, newest first: when each
 * change a lagging secondary lacks was committed. Two queries for every
 * IDS_PER_READ zones, however long their history. `client`: a transaction
 * to read in (the prober's, which dates the lag it records).
 */
export async function recentChanges(zoneIds: readonly number[], client: Pick<Prisma.TransactionClient, '$queryRaw' | 'change'> = db()): Promise<Map<number, JournalEntry[]>> {
  const out = new Map<number, JournalEntry[]>();
  for (const ids of chunked(zoneIds, IDS_PER_READ)) {
    // The id of each zone's JOURNAL_DEPTH-th newest change, from the (zoneId, id) index alone; null when it has fewer.
    const floors = await client.$queryRaw<{ id: number | bigint; floor: number | bigint | null }[]>`
      SELECT z."id" AS "id",
        (SELECT c."id" FROM "Change" c WHERE c."zoneId" = z."id" ORDER BY c."id" DESC LIMIT 1 OFFSET ${JOURNAL_DEPTH - 1}) AS "floor"
      FROM "Zone" z WHERE z."id" IN (${Prisma.join(ids)})`;
    const whole = floors.filter((f) => f.floor === null).map((f) => Number(f.id));
    const cut = floors.filter((f) => f.floor !== null).map((f) => ({ zoneId: Number(f.id), id: { gte: Number(f.floor) } }));
    const rows = await client.change.findMany({
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
 * When the first change after the serial a secondary serves (`theirs`) was
 * committed, from its zone's recentChanges (newest first): it has been
 * missing that change, and lagging, since then. null when none is newer.
 */
export function missingSinceOf(changes: readonly JournalEntry[], theirs: number): Date | null {
  for (let i = changes.length - 1; i >= 0; i--) if (serialGreater(Number(changes[i]!.newSerial), theirs)) return changes[i]!.createdAt;
  return null;
}

/**
 * Every primary zone (or the named ones) with its secondaries' states. Three
 * queries whatever the number of zones, and two more for every IDS_PER_READ
 * zones with a secondary that lags: only those need their journal.
 */
export async function listReplication(opts: { zoneIds?: number[] | null; visible?: Prisma.ZoneWhereInput; now?: Date; behindMs?: number } = {}): Promise<ZoneReplication[]> {
  const now = opts.now ?? new Date();
  const behindMs = opts.behindMs ?? behindAfterMs();
  const zoneWhere = { kind: 'primary', ...opts.visible, ...(opts.zoneIds ? { id: { in: opts.zoneIds } } : {}) };
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
      const missingSince = theirs === null ? null : missingSinceOf(changes, theirs);
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
  return Prisma.sql`CASE
    WHEN r."state" IN (${Prisma.join(MISSING_PROBES)}) THEN ${sqlInt(rank('missing'))}
    WHEN r."state" <> 'ok' THEN ${sqlInt(rank('unreachable'))}
    WHEN (COALESCE(r."serial", 0) - z."serial" + 4294967296) % 4294967296 < 2147483648 THEN ${sqlInt(rank('in sync'))}
    ELSE ${sqlInt(LAGGING)} END`;
}

/** A whole number of ours (a rank, a count) written into the statement: a bound parameter leaves PostgreSQL guessing its type. */
const sqlInt = (n: number) => Prisma.raw(String(Math.trunc(n)));

/**
 * The primary zones `visibleTo` may see (all when omitted), each with the rank
 * of its zoneState: the worst of its secondaries, 'no secondaries' without
 * any. Columns id, name, rank. A join and one aggregate: a subquery per zone
 * costs PostgreSQL far more (it estimates it high enough to compile it first).
 */
function rankedZonesSql(visibleTo: Pick<SessionUser, 'id' | 'role'> | undefined): Prisma.Sql {
  const visible = visibleTo ? visibleZoneSql(visibleTo) : Prisma.sql`1 = 1`;
  // Grouped by the key alone (an id has one name): PostgreSQL ranked 50,000 zones in 77 ms so, in 140 ms by (id, name).
  return Prisma.sql`
    SELECT z."id" AS "id", MIN(z."name") AS "name",
      MIN(CASE WHEN r."zoneId" IS NULL THEN ${sqlInt(rank('no secondaries'))} ELSE ${secondaryRankSql()} END) AS "rank"
    FROM "Zone" z LEFT JOIN "ReplicaStatus" r ON r."zoneId" = z."id"
    WHERE z."kind" = 'primary' AND ${visible}
    GROUP BY z."id"`;
}

async function replicationOf(ids: readonly number[], opts: { now: Date; behindMs: number }): Promise<ZoneReplication[]> {
  const out: ZoneReplication[] = [];
  for (const zoneIds of chunked(ids, IDS_PER_READ)) out.push(...(await listReplication({ ...opts, zoneIds })));
  return out;
}

export interface ReplicationListPage {
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
  /**
   * With the `problems` option: up to that many zones not in sync (missing,
   * unreachable, behind, propagating), worst state first, then by name,
   * whatever the filter and page: what the doctor's summary diagnoses.
   */
  problems: ZoneReplication[];
}

type PageOptions = {
  visibleTo?: Pick<SessionUser, 'id' | 'role'>;
  state?: ZoneReplicaState;
  page?: number;
  pageSize?: number;
  now?: Date;
  behindMs?: number;
  /** How many of the zones not in sync to read too (`problems`); none by default, Infinity for all. */
  problems?: number;
};

/** The states worse than lagging (missing, unreachable): the database alone ranks them. */
const WORST_STATES = ZONE_STATES.filter((s) => rank(s) < LAGGING);

/**
 * One page of the dashboard: the counts per state over every zone the user may
 * see, and `pageSize` zones of those in `state` (or of all), worst state first,
 * then by name. One statement ranks and counts the zones in the database and
 * returns the lagging ones and the page; only those are read as
 * ZoneReplication (the lagging ones because their journal tells behind from
 * propagating), so the cost hardly grows with the number of zones that are fine.
 * The same statement returns the worst zones the `problems` option asks for,
 * so a page that also shows the doctor's summary ranks the zones once.
 */
export async function listReplicationPage(opts: PageOptions = {}): Promise<ReplicationListPage> {
  const read = { now: opts.now ?? new Date(), behindMs: opts.behindMs ?? behindAfterMs() };
  const pageSize = Math.min(Math.max(Math.floor(opts.pageSize ?? 100), 1), IDS_PER_READ);
  const page = Math.max(Math.floor(opts.page ?? 1), 1);
  const shown = opts.state ? [opts.state] : ZONE_STATES;
  const start = (page - 1) * pageSize;

  // The page in the database's order, rank then name, skips the lagging zones: they sit in one
  // block there, which only the journal orders (behind, then propagating). Up to `start` of them
  // may come before the page, so it is read from that many zones earlier.
  const fromDb = shown.filter((s) => !LAGGING_STATES.includes(s)).map(rank);
  const laggingShown = shown.some((s) => LAGGING_STATES.includes(s));
  const lagBefore = laggingShown ? Prisma.sql`(SELECT CASE WHEN COUNT(*) < ${sqlInt(start)} THEN COUNT(*) ELSE ${sqlInt(start)} END FROM ranked WHERE "rank" = ${sqlInt(LAGGING)})` : Prisma.sql`0`;
  // Positions by ROW_NUMBER rather than LIMIT/OFFSET: MySQL takes no expression there.
  const pageRows = fromDb.length
    ? Prisma.sql`UNION ALL SELECT "part", "rank", "n", "id", "name" FROM (
        SELECT 2 AS "part", "rank", 0 AS "n", "id", "name", ROW_NUMBER() OVER (ORDER BY "rank", "name") AS "at"
        FROM ranked WHERE "rank" IN (${Prisma.join(fromDb.map(sqlInt))})) page
        WHERE "at" > ${sqlInt(start)} - ${lagBefore} AND "at" <= ${sqlInt(start + pageSize)}`
    : Prisma.empty;
  // The worst zones for `problems` (the lagging ones are all read anyway), by the same positions.
  const problems = Math.max(Math.floor(opts.problems ?? 0), 0);
  const worstRows = problems > 0
    ? Prisma.sql`UNION ALL SELECT "part", "rank", "n", "id", "name" FROM (
        SELECT 3 AS "part", "rank", 0 AS "n", "id", "name", ROW_NUMBER() OVER (ORDER BY "rank", "name") AS "at"
        FROM ranked WHERE "rank" IN (${Prisma.join(WORST_STATES.map((s) => sqlInt(rank(s))))})) worst
        ${Number.isFinite(problems) ? Prisma.sql`WHERE "at" <= ${sqlInt(problems)}` : Prisma.empty}`
    : Prisma.empty;
  // MATERIALIZED (PostgreSQL, SQLite) ranks once for the five readings; MySQL has no such word.
  const materialized = dbProvider() === 'mysql' ? Prisma.empty : Prisma.sql`MATERIALIZED`;
  const rows = await db().$queryRaw<{ part: number | bigint; rank: number | bigint; n: number | bigint; id: number | bigint | null }[]>`
    WITH ranked AS ${materialized} (${rankedZonesSql(opts.visibleTo)})
    SELECT 0 AS "part", "rank", COUNT(*) AS "n", ${sqlCast(Prisma.raw('NULL'), 'bigint')} AS "id", ${sqlCast(Prisma.raw('NULL'), 'text')} AS "name" FROM ranked GROUP BY "rank"
    UNION ALL SELECT 1, "rank", 0, "id", "name" FROM ranked WHERE "rank" = ${sqlInt(LAGGING)}
    ${pageRows}
    ${worstRows}
    ORDER BY "part", "rank", "name"`;
  const part = (n: number) => rows.filter((r) => Number(r.part) === n);

  // Every zone read in full at once: the lagging ones, those the page may show and the worst ones asked for.
  const ids = new Set([...part(1), ...part(2), ...part(3)].map((r) => Number(r.id)));
  const byId = new Map((await replicationOf([...ids], read)).map((z) => [z.zoneId, z]));
  const inFull = (rs: typeof rows) => rs.flatMap((r) => byId.get(Number(r.id)) ?? []); // less any zone deleted meanwhile
  const lagging = inFull(part(1));
  const laggingIn = (state: ZoneReplicaState) => lagging.filter((z) => z.state === state);

  const counts = Object.fromEntries(ZONE_STATES.map((s) => [s, 0])) as Record<ZoneReplicaState, number>;
  for (const r of part(0)) if (Number(r.rank) !== LAGGING) counts[ZONE_STATES[Number(r.rank)]!] = Number(r.n);
  // (A lagging zone caught up between the statement and its reading shows on the next refresh.)
  for (const s of LAGGING_STATES) counts[s] = laggingIn(s).length;
  const total = ZONE_STATES.reduce((sum, s) => sum + counts[s], 0);
  const matching = shown.reduce((sum, s) => sum + counts[s], 0);
  const pages = Math.max(1, Math.ceil(matching / pageSize));
  // A page past the end (an old link): the last one.
  if (page > pages) return listReplicationPage({ ...opts, ...read, page: pages });

  // Positions: the zones worse than lagging, then the lagging ones (behind, then propagating), then the others.
  const journal = shown.filter((s) => LAGGING_STATES.includes(s)).flatMap(laggingIn);
  const before = shown.filter((s) => rank(s) < LAGGING).reduce((sum, s) => sum + counts[s], 0);
  const end = Math.min(start + pageSize, matching);
  // How many of the zones before position i are not lagging: the database's position of the zone at i.
  const inDb = (i: number) => i - Math.min(Math.max(i - before, 0), journal.length);
  // Where the statement began reading the page: as many lagging zones before `start` as it counted.
  const counted = Number(part(0).find((r) => Number(r.rank) === LAGGING)?.n ?? 0);
  const offset = laggingShown ? start - Math.min(counted, start) : start;
  const window = part(2).slice(inDb(start) - offset, inDb(end) - offset);
  const zones = [
    ...inFull(window.filter((r) => Number(r.rank) < LAGGING)),
    ...journal.slice(Math.max(start - before, 0), Math.max(end - before, 0)),
    ...inFull(window.filter((r) => Number(r.rank) > LAGGING)),
  ];
  const worst = [...inFull(part(3)), ...laggingIn('behind'), ...laggingIn('propagating')];
  return { zones, counts, total, matching, page, pages, pageSize, problems: worst.slice(0, problems) };
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
      where: { zoneId, createdAt: { gte: since }, kind: { in: ['notify-out', 'axfr-out', 'ixfr-out', 'probe'] satisfies ZoneEventKind[] } },
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
