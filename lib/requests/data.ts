// Reads of change requests: the lists a person sees (to review, their own,
// recent decisions), the header's count, and one request against the zone as
// it is now (dry-run through the change service, nothing written).
import { db } from '../db';
import { Prisma } from '../generated/prisma/client';
import type { SessionUser } from '../auth/permission';
import { writableZoneSql, writableZoneWhere, zoneRightsById } from '../auth/zone-access';
import { AppError } from '../errors';
import { applyChangeset } from '../zones/changes';
import type { Actor } from '../zones/actor';
import { getZoneHeaderById } from '../zones/data';
import { describeEdit, editsToChangeset, isPendingEdit, problemsFrom, type PendingEdit } from '../zones/edits';
import type { RequestConflict, RequestDetail, RequestNow, RequestState, RequestSummary } from './schema';

/** Who reads or acts: a user, or null for the local operator (the CLI, an admin's rights). */
export type Reader = Pick<SessionUser, 'id' | 'name' | 'role'> | null;

type RequestRow = Prisma.ChangeRequestGetPayload<{ include: { zone: { select: { name: true; kind: true } } } }>;

/** The stored edits; anything unreadable is dropped rather than trusted (as the editor's storage). */
export function storedEdits(json: string): PendingEdit[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter(isPendingEdit) : [];
  } catch {
    return [];
  }
}

function summaryOf(r: RequestRow): RequestSummary {
  return {
    id: r.id,
    zone: r.zone.name,
    state: r.state as RequestState,
    requester: r.requesterName,
    comment: r.comment,
    edits: storedEdits(r.edits).length,
    createdAt: r.createdAt,
    reviewer: r.reviewerName,
    reason: r.reason,
    decidedAt: r.decidedAt,
    changeId: r.changeId,
  };
}

const WITH_ZONE = { zone: { select: { name: true, kind: true } } } as const;

export interface RequestLists {
  /** Open requests on zones the reader may edit, not their own: oldest first, as a queue. */
  toReview: RequestSummary[];
  /** The reader's own, newest first, reject reasons included. */
  mine: RequestSummary[];
  /** Requests decided on zones the reader may edit, newest first. */
  decided: RequestSummary[];
}

/** The lists of /requests and `zonekeeper request list`; `zone` narrows them to one zone id. */
export async function listRequests(reader: Reader, opts: { zoneId?: number; take?: number } = {}): Promise<RequestLists> {
  const take = opts.take ?? 50;
  const zone = opts.zoneId === undefined ? {} : { zoneId: opts.zoneId };
  const writable: Prisma.ChangeRequestWhereInput = reader ? { zone: writableZoneWhere(reader) } : {};
  const notMine: Prisma.ChangeRequestWhereInput = reader ? { OR: [{ requesterId: null }, { requesterId: { not: reader.id } }] } : {};
  const [toReview, mine, decided] = await Promise.all([
    db().changeRequest.findMany({ where: { ...zone, state: 'open', ...writable, ...notMine }, include: WITH_ZONE, orderBy: { id: 'asc' }, take }),
    reader ? db().changeRequest.findMany({ where: { ...zone, requesterId: reader.id }, include: WITH_ZONE, orderBy: { id: 'desc' }, take }) : [],
    db().changeRequest.findMany({ where: { ...zone, state: { not: 'open' }, ...writable }, include: WITH_ZONE, orderBy: { decidedAt: 'desc' }, take: Math.min(take, 20) }),
  ]);
  return { toReview: toReview.map(summaryOf), mine: mine.map(summaryOf), decided: decided.map(summaryOf) };
}

/**
 * How many open requests `user` may review: the header's badge on every page,
 * so one counted query through the indexes, never the rows.
 */
export async function countRequestsToReview(user: Pick<SessionUser, 'id' | 'role'>): Promise<number> {
  const rows = await db().$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS n FROM "ChangeRequest" r JOIN "Zone" z ON z."id" = r."zoneId"
    WHERE r."state" = 'open' AND (r."requesterId" IS NULL OR r."requesterId" <> ${user.id}) AND ${writableZoneSql(user)}`;
  return Number(rows[0]?.n ?? 0);
}

/** What `reader` may do on a zone: the rights the request actions check. */
export async function readerRights(reader: Reader, zoneId: number) {
  return reader ? zoneRightsById(reader, zoneId) : { read: true, request: true, write: true };
}

/** The request row, or not-found for a reader who may not read its zone (the same either way). */
export async function requestRowFor(reader: Reader, id: number): Promise<RequestRow> {
  const row = Number.isSafeInteger(id) ? await db().changeRequest.findUnique({ where: { id }, include: WITH_ZONE }) : null;
  const mineToSee = row && reader && row.requesterId === reader.id;
  if (!row || (!mineToSee && !(await readerRights(reader, row.zoneId)).read)) throw new AppError('not-found', `There is no change request ${id}.`);
  return row;
}

/** The actor a request's edits are applied (or dry-run) as, for `reader`. */
export function approverActor(reader: Reader, row: { id: number; requesterId: number | null }): Actor {
  return reader ? { userId: reader.id, name: reader.name, request: { id: row.id, requesterId: row.requesterId } } : { name: 'cli', request: { id: row.id, requesterId: row.requesterId } };
}

/**
 * The request's edits against the zone as it is now: a dry run at the current
 * serial. Edits that no longer apply are conflicts; an SOA edit conflicts
 * when the fields it started from have changed since.
 */
export async function requestNow(row: RequestRow, edits: readonly PendingEdit[], reader: Reader): Promise<RequestNow> {
  const zone = await getZoneHeaderById(row.zoneId);
  if (!zone) throw new AppError('not-found', `There is no zone ${row.zone.name}.`);
  const conflicts: RequestConflict[] = [];
  edits.forEach((e, edit) => {
    if (e.kind !== 'soa') return;
    const now = { ...zone.soa, ttl: zone.soaTtl };
    const moved = (Object.keys(e.from) as (keyof typeof e.from)[]).filter((k) => e.from[k] !== now[k]);
    if (moved.length) conflicts.push({ edit, description: describeEdit(e, zone.name), message: `the SOA ${moved.join(', ')} changed since the request was made` });
  });
  // The requester sees the diff as the rules would not see it: their own request is not theirs to approve.
  const actor: Actor = reader && reader.id === row.requesterId ? { name: reader.name } : approverActor(reader, row);
  const base: RequestNow = { serial: zone.serial, added: [], removed: [], soaChanged: edits.some((e) => e.kind === 'soa'), conflicts, problems: [], approvalNotes: [], unchanged: false };
  try {
    const r = await applyChangeset(zone.name, editsToChangeset(edits, zone.serial, row.comment), actor, { dryRun: true, rejectDuplicates: true });
    return { ...base, added: r.added, removed: r.removed, unchanged: !r.changed, approvalNotes: (r.approvalRequired ?? []).map((n) => n.message) };
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'invalid') throw err;
    for (const p of problemsFrom(err, edits)) {
      if (p.edit === undefined) base.problems.push(p);
      else conflicts.push({ edit: p.edit, description: describeEdit(edits[p.edit]!, zone.name), message: p.message });
    }
    return base;
  }
}

/** One request for `reader`, with its diff against the zone now while it is open. */
export async function getRequest(reader: Reader, id: number): Promise<RequestDetail> {
  const row = await requestRowFor(reader, id);
  const edits = storedEdits(row.edits);
  const rights = await readerRights(reader, row.zoneId);
  const own = reader !== null && reader.id === row.requesterId;
  const open = row.state === 'open';
  const now = open ? await requestNow(row, edits, reader) : undefined;
  const clean = now !== undefined && now.conflicts.length === 0 && now.problems.length === 0 && now.approvalNotes.length === 0;
  return {
    ...summaryOf(row),
    zoneKind: row.zone.kind,
    baseSerial: Number(row.baseSerial),
    pending: edits,
    descriptions: edits.map((e) => describeEdit(e, row.zone.name)),
    now,
    may: { approve: open && rights.write && !own && clean, reject: open && rights.write && !own, withdraw: open && own },
  };
}
