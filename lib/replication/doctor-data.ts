// What the replication doctor (doctor.ts) reads, in one place: the zones'
// replication states (data.ts), the settings its fixes name, and the recent
// NOTIFYs and transfers between us and each secondary. Without a zone, only
// zones that are not in sync are read: the ones data.ts's ranking puts in a
// lagging or failing state, and the ones a secondary is ahead of (which that
// ranking counts as in sync).
import type { SessionUser } from '../auth/permission';
import { visibleZoneIdSql } from '../auth/zone-access';
import { dnsListen, notifySource } from '../config/env';
import { db } from '../db';
import { formatHostPort } from '../dns/address';
import type { SerialPolicy } from '../dns/types';
import { Prisma } from '../generated/prisma/client';
import { readList } from '../zones/json-lists';
import { chunked, IDS_PER_READ, listReplication, listReplicationPage, type ZoneReplication } from './data';
import { diagnose, splitTarget, type DoctorSetup, type PeerEvent, type ZoneDiagnosis } from './doctor';
import type { ZoneEventKind } from './zone-events';

/** Events read per zone: the newest NOTIFYs and transfers say what happened to the latest changes. */
const EVENTS_PER_ZONE = 300;
const PEER_KINDS = ['notify-out', 'axfr-out', 'ixfr-out'] satisfies ZoneEventKind[];

type Viewer = Pick<SessionUser, 'id' | 'role'>;

/** This server's side, from the worker's settings (the web app and the CLI read the same environment). */
export function doctorSetup(): DoctorSetup {
  const listen = dnsListen().map(formatHostPort);
  return { notifySource: notifySource() ?? splitTarget(listen[0] ?? '127.0.0.1:53').address, listen };
}

/** The diagnoses of the named zones (ids), in name order. */
export async function diagnoseZones(zoneIds: readonly number[], opts: { now?: Date; behindMs?: number } = {}): Promise<ZoneDiagnosis[]> {
  const now = opts.now ?? new Date();
  const reps = zoneIds.length ? await listReplication({ zoneIds: [...zoneIds], now, behindMs: opts.behindMs }) : [];
  return diagnoseReplication(reps, now);
}

/**
 * Every zone `visibleTo` may read (all when omitted) where a secondary is not
 * in sync, diagnosed; zones whose secondaries are all fine are not read. With
 * `limit`, at most that many zones are read, the worst states first (the
 * dashboard, which refreshes itself every few seconds, reads a bounded number).
 */
export async function diagnoseProblemZones(opts: ProblemOptions = {}): Promise<ZoneDiagnosis[]> {
  const now = opts.now ?? new Date();
  const { problems } = await listReplicationPage({ now, behindMs: opts.behindMs, visibleTo: opts.visibleTo, pageSize: 1, problems: opts.limit ?? Infinity });
  return diagnoseProblems(problems, { ...opts, now });
}

type ProblemOptions = { visibleTo?: Viewer; now?: Date; behindMs?: number; limit?: number };

/**
 * diagnoseProblemZones for a page that has read the zones not in sync already
 * (listReplicationPage's `problems`, asked with the same `limit`): adds the
 * zones a secondary is ahead of, which that ranking counts as in sync.
 */
export async function diagnoseProblems(problems: readonly ZoneReplication[], opts: ProblemOptions = {}): Promise<ZoneDiagnosis[]> {
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? Infinity;
  const found = new Map(problems.map((z) => [z.zoneId, z]));
  const ahead = (await zonesWithSecondaryAhead(opts.visibleTo)).filter((id) => !found.has(id)).slice(0, Math.max(0, limit - found.size));
  if (ahead.length) for (const z of await listReplication({ zoneIds: ahead, now, behindMs: opts.behindMs })) found.set(z.zoneId, z);
  const diagnoses = await diagnoseReplication([...found.values()], now);
  return diagnoses.filter((d) => !d.healthy).sort((a, b) => a.zone.localeCompare(b.zone));
}

/**
 * Zones where a secondary answers a serial greater than ours (RFC 1982: the
 * difference mod 2^32 is between 1 and 2^31 - 1), the same arithmetic as
 * data.ts's ranking, which counts them in sync.
 */
async function zonesWithSecondaryAhead(visibleTo: Viewer | undefined): Promise<number[]> {
  const visible = visibleTo ? visibleZoneIdSql(visibleTo, Prisma.sql`z."id"`) : Prisma.sql`1 = 1`;
  const rows = await db().$queryRaw<{ id: number | bigint }[]>`
    SELECT DISTINCT z."id" AS "id" FROM "Zone" z JOIN "ReplicaStatus" r ON r."zoneId" = z."id"
    WHERE z."kind" = 'primary' AND r."state" = 'ok' AND r."serial" IS NOT NULL AND ${visible}
      AND (r."serial" - z."serial" + 4294967296) % 4294967296 BETWEEN 1 AND 2147483647`;
  return rows.map((r) => Number(r.id));
}

/** The diagnoses of zones already read with data.ts (a page that shows them too reads them once). */
export async function diagnoseReplication(reps: readonly ZoneReplication[], now: Date): Promise<ZoneDiagnosis[]> {
  if (reps.length === 0) return [];
  const setup = doctorSetup();
  const ids = reps.map((r) => r.zoneId);
  const settings = await db().zone.findMany({
    where: { id: { in: ids } },
    select: { id: true, serialPolicy: true, allowTransfer: true, tsigKey: { select: { name: true } }, catalog: { select: { name: true, catalogRole: true } } },
  });
  const byId = new Map(settings.map((s) => [s.id, s]));
  const events = await peerEvents(ids);
  return reps.flatMap((rep) => {
    const s = byId.get(rep.zoneId);
    if (!s) return []; // deleted meanwhile
    const zoneEvents = events.get(rep.zoneId) ?? [];
    const zone = {
      zone: rep.zone,
      serial: rep.serial,
      serialPolicy: s.serialPolicy as SerialPolicy,
      allowTransfer: readList(s.allowTransfer),
      tsigKey: s.tsigKey?.name ?? null,
      catalog: s.catalog?.catalogRole === 'producer' ? s.catalog.name : null,
    };
    const secondaries = rep.secondaries.map((status) => {
      const { address } = splitTarget(status.target);
      // NOTIFYs are recorded by target, transfers by the client's address (its port is ephemeral).
      const mine = zoneEvents.filter((e) => (e.kind === 'notify-out' ? e.peer === status.target : e.peer === address));
      return { status, events: mine.map(({ peer: _peer, ...e }) => e) };
    });
    return [diagnose(zone, secondaries, setup, now)];
  });
}

type PeerEventRow = { zoneId: number | bigint; kind: string; peer: string; serial: bigint | number | null; outcome: string; detail: string | null; durationMs: number | bigint | null; createdAt: Date };

/**
 * The newest NOTIFYs and transfers of each zone (EVENTS_PER_ZONE at most),
 * newest first: one statement for every IDS_PER_READ zones, not one per zone.
 */
async function peerEvents(zoneIds: readonly number[]): Promise<Map<number, (PeerEvent & { peer: string })[]>> {
  const out = new Map<number, (PeerEvent & { peer: string })[]>();
  for (const ids of chunked(zoneIds, IDS_PER_READ)) {
    const rows = await db().$queryRaw<PeerEventRow[]>`
      SELECT "zoneId", "kind", "peer", "serial", "outcome", "detail", "durationMs", "createdAt" FROM (
        SELECT e."zoneId", e."kind", e."peer", e."serial", e."outcome", e."detail", e."durationMs", e."createdAt", e."id",
          ROW_NUMBER() OVER (PARTITION BY e."zoneId" ORDER BY e."id" DESC) AS "n"
        FROM "ZoneEvent" e WHERE e."zoneId" IN (${Prisma.join(ids)}) AND e."kind" IN (${Prisma.join(PEER_KINDS)})) newest
      WHERE "n" <= ${EVENTS_PER_ZONE} ORDER BY "zoneId", "id" DESC`;
    for (const e of rows) {
      const zoneId = Number(e.zoneId);
      if (!out.has(zoneId)) out.set(zoneId, []);
      out.get(zoneId)!.push({
        at: e.createdAt,
        kind: e.kind as PeerEvent['kind'],
        serial: e.serial === null ? null : Number(e.serial),
        outcome: e.outcome,
        detail: e.detail,
        ms: e.durationMs === null ? null : Number(e.durationMs),
        peer: e.peer,
      });
    }
  }
  return out;
}
