// The global changelog (issue 21): every change of every zone the user may
// read, newest first, filtered by who, zone, date range and comment, paged by
// a cursor on Change.id so that page 500 costs what page 1 does. Each filter
// runs along an index: Change(userId, id), Change(zoneId, id),
// Change(createdAt); the comment is a LIKE over what the others leave.
import type { Prisma } from '../generated/prisma/client';
import { db, textContains } from '../db';
import { absoluteName } from '../dns/names';
import type { SessionUser } from '../auth/permission';
import { normalizeUserName } from '../auth/users';
import { visibleZoneWhere } from '../auth/zone-access';
import { countChangeRecords } from '../zones/journal';

export interface ActivityFilter {
  /** A user's name (their changes, whatever the actor text), or an actor without an account ("cli", "transfer"). */
  user?: string;
  /** A zone's name, any case, trailing dot optional. */
  zone?: string;
  /** Changes made at or after this instant. */
  from?: Date;
  /** Changes made before this instant (exclusive). */
  to?: Date;
  /** Text the comment contains. */
  text?: string;
  /** Cursor: changes older than this change id (the next page). */
  before?: number;
  /** Cursor: changes newer than this change id (the page before). */
  after?: number;
  pageSize?: number;
}

export interface ActivityEntry {
  id: number;
  zone: string;
  actor: string;
  /** The account that made the change, when a user did (null for the CLI, transfers, the signer). */
  userName: string | null;
  comment: string;
  createdAt: Date;
  oldSerial: number;
  newSerial: number;
  /** Records added and removed, the SOA not counted. */
  added: number;
  removed: number;
}

export interface ActivityPage {
  items: ActivityEntry[];
  /** The `before` cursor of the next (older) page, null on the last. */
  older: number | null;
  /** The `after` cursor of the previous (newer) page, null on the first. */
  newer: number | null;
}

export const ACTIVITY_PAGE = 25;

/** The filter as a Change query, or null when it can match nothing (a zone name that is not one). */
async function changeWhere(user: Pick<SessionUser, 'id' | 'role'>, f: ActivityFilter): Promise<Prisma.ChangeWhereInput | null> {
  const where: Prisma.ChangeWhereInput[] = [];
  const visible = visibleZoneWhere(user);
  if (Object.keys(visible).length) where.push({ zone: visible });
  if (f.user) {
    const name = normalizeUserName(f.user);
    const account = await db().user.findUnique({ where: { name }, select: { id: true } });
    where.push(account ? { userId: account.id } : { actor: f.user.trim(), userId: null });
  }
  if (f.zone) {
    let name: string;
    try {
      name = absoluteName(f.zone.trim());
    } catch {
      return null;
    }
    const zone = await db().zone.findUnique({ where: { name }, select: { id: true } });
    if (!zone) return null;
    where.push({ zoneId: zone.id });
  }
  if (f.from || f.to) where.push({ createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } });
  const text = f.text?.trim();
  if (text) where.push({ comment: textContains(text) });
  return { AND: where };
}

/**
 * One page of the changes `user` may read (the zones visibleZoneWhere lets
 * through), newest first, with cursors to the pages around it.
 */
export async function listActivity(user: Pick<SessionUser, 'id' | 'role'>, f: ActivityFilter = {}): Promise<ActivityPage> {
  const size = Math.min(Math.max(f.pageSize ?? ACTIVITY_PAGE, 1), 200);
  const where = await changeWhere(user, f);
  if (!where) return { items: [], older: null, newer: null };
  // Going back (`after`), read upwards from the cursor and turn the page round.
  const back = f.after !== undefined && f.before === undefined;
  const cursor: Prisma.ChangeWhereInput = back ? { id: { gt: f.after } } : f.before !== undefined ? { id: { lt: f.before } } : {};
  const rows = await db().change.findMany({
    where: { AND: [where, cursor] },
    orderBy: { id: back ? 'asc' : 'desc' },
    take: size + 1,
    select: {
      id: true,
      actor: true,
      comment: true,
      createdAt: true,
      oldSerial: true,
      newSerial: true,
      zone: { select: { name: true } },
      user: { select: { name: true } },
    },
  });
  const hasMore = rows.length > size;
  const page = rows.slice(0, size);
  if (back) page.reverse();
  const counts = await countChangeRecords(page.map((r) => r.id));
  const items = page.map((r) => ({
    id: r.id,
    zone: r.zone.name,
    actor: r.actor,
    userName: r.user?.name ?? null,
    comment: r.comment,
    createdAt: r.createdAt,
    oldSerial: Number(r.oldSerial),
    newSerial: Number(r.newSerial),
    added: counts.get(r.id)?.added ?? 0,
    removed: counts.get(r.id)?.removed ?? 0,
  }));
  const first = items[0]?.id;
  const last = items.at(-1)?.id;
  return {
    items,
    older: last !== undefined && (back || hasMore) ? last : null,
    newer: first !== undefined && (back ? hasMore : f.before !== undefined) ? first : null,
  };
}
