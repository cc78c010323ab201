// Reads of catalog zones (RFC 9432) for the zone page and `zonekeeper zone
// status`: a catalog's role and members, a member's catalog. Kept apart from
// the producer (catalog.ts) so that status commands load no validation code.
import { db } from '../db';
import { readList } from './json-lists';

/** One member zone as a catalog's status shows it. */
export interface CatalogMemberStatus {
  name: string;
  kind: string;
  /** 0: a consumer's member not transferred yet. */
  serial: number;
  label: string | null;
  group: string | null;
  /** A consumer's member: why its last refresh failed, when it did. */
  lastError: string | null;
}

export interface CatalogStatus {
  /** On a catalog zone: its role and members (the first `limit`, by name) and how many there are. */
  catalog: { role: 'producer' | 'consumer'; memberCount: number; members: CatalogMemberStatus[]; memberPrimaries: string[] } | null;
  /** On a member zone: the catalog that lists it (producer) or created it (consumer). */
  memberOf: { name: string; role: string | null; label: string | null; group: string | null } | null;
  /** A move between catalogs under way (lib/zones/catalog.ts): its next step and when. */
  moving: { from: string; to: string; next: 'listed in the new catalog' | 'removed from the old catalog'; at: Date } | null;
}

/** The catalog side of zone `zoneId`; both parts null for a zone that is neither a catalog nor a member. */
export async function getCatalogStatus(zoneId: number, limit = 100): Promise<CatalogStatus> {
  const z = await db().zone.findUnique({
    where: { id: zoneId },
    select: { name: true, catalogRole: true, catalogLabel: true, catalogGroup: true, memberPrimaries: true, catalog: { select: { name: true, catalogRole: true } } },
  });
  if (!z) return { catalog: null, memberOf: null, moving: null };
  const memberOf = z.catalog ? { name: z.catalog.name, role: z.catalog.catalogRole, label: z.catalogLabel, group: z.catalogGroup } : null;
  const move = !memberOf ? null : await db().catalogMove.findUnique({ where: { zone: z.name }, include: { catalog: { select: { name: true } } } });
  const moving = move
    ? { from: move.catalog.name, to: move.target, next: move.stage === 'announced' ? ('listed in the new catalog' as const) : ('removed from the old catalog' as const), at: move.dueAt }
    : null;
  if (z.catalogRole !== 'producer' && z.catalogRole !== 'consumer') return { catalog: null, memberOf, moving };
  const [memberCount, rows] = await Promise.all([
    db().zone.count({ where: { catalogId: zoneId } }),
    db().zone.findMany({
      where: { catalogId: zoneId },
      select: { name: true, kind: true, serial: true, catalogLabel: true, catalogGroup: true, lastError: true },
      orderBy: { name: 'asc' },
      take: limit,
    }),
  ]);
  const members = rows.map((r) => ({ name: r.name, kind: r.kind, serial: Number(r.serial), label: r.catalogLabel, group: r.catalogGroup, lastError: r.lastError }));
  return { catalog: { role: z.catalogRole, memberCount, members, memberPrimaries: readList(z.memberPrimaries) }, memberOf, moving };
}

/** Every catalog zone, by name, with its role, serial and number of members. */
export async function listCatalogs(): Promise<{ name: string; role: string; serial: number; members: number }[]> {
  const rows = await db().zone.findMany({
    where: { catalogRole: { not: null } },
    select: { name: true, catalogRole: true, serial: true, _count: { select: { catalogMembers: true } } },
    orderBy: { name: 'asc' },
  });
  return rows.map((r) => ({ name: r.name, role: r.catalogRole!, serial: Number(r.serial), members: r._count.catalogMembers }));
}
