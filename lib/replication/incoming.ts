// The dashboard's other half: the zones this server is a secondary for (by
// hand, from an autoprimary, or created by a catalog it follows), each in one
// state an operator acts on, from the refresh state the secondary engine
// writes (lib/zones/secondary-store.ts). /replication and `zonekeeper
// replication` show the counts and the zones worst first.
import type { Prisma } from '../generated/prisma/client';
import { db } from '../db';
import { visibleZoneWhere } from '../auth/zone-access';
import type { SessionUser } from '../auth/permission';
import { readList } from '../zones/json-lists';

/** Worst first: past expire (answering SERVFAIL), never transferred, failing refreshes, current. */
export const INCOMING_STATES = ['expired', 'not transferred', 'failing', 'current'] as const;
export type IncomingState = (typeof INCOMING_STATES)[number];

export interface IncomingZone {
  name: string;
  serial: number;
  state: IncomingState;
  primaries: string[];
  /** The catalog that created it (a consumer catalog), when one did. */
  catalog: string | null;
  lastRefreshAt: Date | null;
  lastError: string | null;
}

export interface IncomingZones {
  /** Secondary zones in each state, of those the user may see. */
  counts: Record<IncomingState, number>;
  total: number;
  /** Up to `limit` of them, worst state first, then by name. */
  zones: IncomingZone[];
}

/** Each state as a filter of secondary zones at `now`; 'current' is what the others leave. */
function stateWhere(state: IncomingState, now: Date): Prisma.ZoneWhereInput {
  const notExpired: Prisma.ZoneWhereInput = { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
  switch (state) {
    case 'expired':
      return { serial: { not: 0n }, expiresAt: { lte: now } };
    case 'not transferred':
      return { serial: 0n };
    case 'failing':
      return { serial: { not: 0n }, refreshFailures: { gt: 0 }, ...notExpired };
    case 'current':
      return { serial: { not: 0n }, refreshFailures: 0, ...notExpired };
  }
}

/**
 * The secondary zones `visibleTo` may see (all without a user): a count per
 * state (a count query each, by the zone table's kind) and the first `limit`
 * worst first. The cost grows with the number of secondary zones only
 * through the counts.
 */
export async function listIncomingZones(opts: { visibleTo?: Pick<SessionUser, 'id' | 'role'>; now?: Date; limit?: number } = {}): Promise<IncomingZones> {
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? 100;
  const base: Prisma.ZoneWhereInput = { kind: 'secondary', ...(opts.visibleTo ? visibleZoneWhere(opts.visibleTo) : {}) };
  const where = (s: IncomingState): Prisma.ZoneWhereInput => ({ AND: [base, stateWhere(s, now)] });
  const counts = Object.fromEntries(await Promise.all(INCOMING_STATES.map(async (s) => [s, await db().zone.count({ where: where(s) })]))) as Record<IncomingState, number>;
  const zones: IncomingZone[] = [];
  for (const state of INCOMING_STATES) {
    if (zones.length >= limit || counts[state] === 0) continue;
    const rows = await db().zone.findMany({
      where: where(state),
      select: { name: true, serial: true, primaries: true, lastRefreshAt: true, lastError: true, catalog: { select: { name: true, catalogRole: true } } },
      orderBy: { name: 'asc' },
      take: limit - zones.length,
    });
    for (const r of rows) {
      zones.push({
        name: r.name,
        serial: Number(r.serial),
        state,
        primaries: readList(r.primaries),
        catalog: r.catalog?.catalogRole === 'consumer' ? r.catalog.name : null,
        lastRefreshAt: r.lastRefreshAt,
        lastError: r.lastError,
      });
    }
  }
  return { counts, total: INCOMING_STATES.reduce((n, s) => n + counts[s], 0), zones };
}
