// Which zones a user may read and edit: the one place that applies per-zone
// grants on top of the role check in permission.ts. Admins may do everything
// and viewers may read every zone; an editor reads and edits only the zones
// granted to them (an editor's own new zones are granted at creation).
// No next/* imports: the CLI and API routes use it as well as the pages.
import { db } from '../db';
import { absoluteName } from '../dns/names';
import { can } from './permission';
import type { SessionUser } from './users';

export interface ZoneRights {
  read: boolean;
  write: boolean;
}

const NONE: ZoneRights = { read: false, write: false };

/** What `user` may do with the zone `zoneId` (which must exist). */
export async function zoneRightsById(user: Pick<SessionUser, 'id' | 'role'>, zoneId: number): Promise<ZoneRights> {
  if (user.role === 'admin') return { read: true, write: true };
  if (user.role === 'viewer') return { read: true, write: false };
  if (user.role !== 'editor' || !can(user.role, 'zone:write')) return NONE;
  const grant = await db().zoneGrant.findUnique({ where: { userId_zoneId: { userId: user.id, zoneId } } });
  return grant ? { read: true, write: true } : NONE;
}

/** Rights on a zone given by name (any case, trailing dot optional); none when it does not exist. */
export async function zoneRights(user: Pick<SessionUser, 'id' | 'role'>, zoneName: string): Promise<ZoneRights & { zoneId?: number }> {
  let name: string;
  try {
    name = absoluteName(zoneName);
  } catch {
    return NONE;
  }
  const zone = await db().zone.findUnique({ where: { name }, select: { id: true } });
  if (!zone) return NONE;
  return { ...(await zoneRightsById(user, zone.id)), zoneId: zone.id };
}

/**
 * The zone ids a user is limited to, or null when the role sees every zone.
 * For filtering lists in the query itself, so that paging stays right.
 */
export async function visibleZoneIds(user: Pick<SessionUser, 'id' | 'role'>): Promise<number[] | null> {
  if (user.role === 'admin' || user.role === 'viewer') return null;
  if (user.role !== 'editor') return [];
  const grants = await db().zoneGrant.findMany({ where: { userId: user.id }, select: { zoneId: true } });
  return grants.map((g) => g.zoneId);
}
