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
import { listReplication, listReplicationPage, type ZoneReplicaState, type ZoneReplication } from './data';
import { diagnose, splitTarget, type DoctorSetup, type PeerEvent, type ZoneDiagnosis } from './doctor';
import type { ZoneEventKind } from './zone-events';

/** Events read per zone: the newest NOTIFYs and transfers say what happened to the latest changes. */
const EVENTS_PER_ZONE = 300;
/** Zones per read of the dashboard's ranking. */
const PAGE = 400;
const PROBLEM_STATES: readonly ZoneReplicaState[] = ['missing', 'unreachable', 'behind', 'propagating'];
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
export async function diagnoseProblemZones(opts: { visibleTo?: Viewer; now?: Date; behindMs?: number; limit?: number } = {}): Promise<ZoneDiagnosis[]> {
  const now = opts.now ?? new Date();
  const read = { now, behindMs: opts.behindMs, visibleTo: opts.visibleTo };
  const limit = opts.limit ?? Infinity;
  const found = new Map<number, ZoneReplication>();
  // Each page ranks every zone; its counts say which problem states hold no zone, and those are not read.
  let counts: Record<ZoneReplicaState, number> | null = null;
  for (const state of PROBLEM_STATES) {
    if (counts && counts[state] === 0) continue;
    for (let page = 1; found.size < limit; page++) {
      const p = await listReplicationPage({ ...read, state, page, pageSize: Math.min(PAGE, limit - found.size) });
      counts = p.counts;
      for (const z of p.zones) found.set(z.zoneId, z);
      if (page >= p.pages) break;
    }
  }
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
  const events = await Promise.all(
    ids.map((zoneId) => db().zoneEvent.findMany({ where: { zoneId, kind: { in: PEER_KINDS } }, orderBy: { id: 'desc' }, take: EVENTS_PER_ZONE })),
  );
  return reps.flatMap((rep, i) => {
    const s = byId.get(rep.zoneId);
    if (!s) return []; // deleted meanwhile
    const zoneEvents: (PeerEvent & { peer: string })[] = events[i]!.map((e) => ({
      at: e.createdAt,
      kind: e.kind as PeerEvent['kind'],
      serial: e.serial === null ? null : Number(e.serial),
      outcome: e.outcome,
      detail: e.detail,
      ms: e.durationMs,
      peer: e.peer,
    }));
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
