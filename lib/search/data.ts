// The global search (issue 21): zones by name, records by owner name, and
// records by what they point at (a host name, or an IP address with the PTR
// records at its reverse name), over the zones the user may read. Every
// record search runs along an index on Record (name, target): exact and
// prefix matches only, never a LIKE '%…%' over a million rows. Zone names are
// matched anywhere (a scan of the Zone table, one row per zone).
import { Prisma } from '../generated/prisma/client';
import { db } from '../db';
import { SIGNER_TYPES } from '../dns/dnssec/types';
import type { SessionUser } from '../auth/permission';
import { visibleZoneIdSql, visibleZoneWhere } from '../auth/zone-access';
import { parseSearchQuery, type SearchQuery } from './query';

/** Results shown per group; with `more`, a group shows up to MORE_LIMIT. */
export const SEARCH_LIMIT = 25;
export const MORE_LIMIT = 500;
/** Counts stop here ("1,000+"): counting every match of a short prefix would cost what the limit saves. */
export const COUNT_CAP = 1000;

/** Which types point at a host name through Record.target (lib/zones/validate.ts storedTarget). */
const POINTER_TYPES = ['CNAME', 'MX', 'NS', 'SRV', 'PTR'] as const;

export interface SearchRecord {
  zone: string;
  name: string;
  type: string;
  ttl: number;
  content: string;
  disabled: boolean;
}

export interface SearchGroup<T> {
  items: T[];
  /** Matches in all, up to COUNT_CAP. */
  total: number;
  /** True when `total` stopped at COUNT_CAP. */
  capped: boolean;
}

export interface SearchResults {
  query: SearchQuery;
  zones: SearchGroup<{ name: string; kind: string }>;
  /** Records whose owner name is the text or starts with it. */
  byName: SearchGroup<SearchRecord>;
  /** Records pointing at the host name typed, or holding the address typed (A, AAAA) and the PTR records at its reverse name. */
  byContent: SearchGroup<SearchRecord>;
}

type Row = { zone: string; name: string; type: string; ttl: number | bigint; content: string; disabled: boolean | number | bigint };

const empty = <T>(): SearchGroup<T> => ({ items: [], total: 0, capped: false });

/** The first character past every name starting with `prefix`, in byte order (names are ASCII). */
function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

const signerTypes = Prisma.join([...SIGNER_TYPES]);

/**
 * Records matching `match` (a condition on Record `r`) in zones `user` may
 * read, in the order of the index that `order` follows, and how many match
 * (counted up to COUNT_CAP).
 */
async function recordsWhere(user: Pick<SessionUser, 'id' | 'role'>, match: Prisma.Sql, order: Prisma.Sql, limit: number): Promise<SearchGroup<SearchRecord>> {
  const from = Prisma.sql`FROM "Record" r JOIN "Zone" z ON z."id" = r."zoneId" WHERE ${match} AND ${visibleZoneIdSql(user, Prisma.sql`r."zoneId"`)}`;
  const [rows, counted] = await Promise.all([
    db().$queryRaw<Row[]>(
      Prisma.sql`SELECT z."name" AS "zone", r."name", r."type", r."ttl", r."content", r."disabled" ${from} ORDER BY ${order} LIMIT ${limit}`,
    ),
    db().$queryRaw<{ n: number | bigint }[]>(Prisma.sql`SELECT COUNT(*) AS n FROM (SELECT 1 ${from} LIMIT ${COUNT_CAP + 1}) AS m`),
  ]);
  const n = Number(counted[0]?.n ?? 0);
  return {
    items: rows.map((r) => ({ zone: r.zone, name: r.name, type: r.type, ttl: Number(r.ttl), content: r.content, disabled: Boolean(Number(r.disabled)) })),
    total: Math.min(n, COUNT_CAP),
    capped: n > COUNT_CAP,
  };
}

async function zonesNamed(user: Pick<SessionUser, 'id' | 'role'>, text: string, limit: number): Promise<SearchResults['zones']> {
  const where: Prisma.ZoneWhereInput = { name: { contains: text }, ...visibleZoneWhere(user) };
  const [items, n] = await Promise.all([
    db().zone.findMany({ where, select: { name: true, kind: true }, orderBy: { name: 'asc' }, take: limit }),
    db().zone.count({ where }),
  ]);
  return { items, total: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

/**
 * Owner names equal to the text or starting with it ("www.example" finds
 * www.example.com. and www.example.org.; "www.example.com." with its dot only
 * that name), along Record(name): a range, so it reads only the matches. The
 * signer's records (RRSIG, NSEC, …) are left out: every signed name has them.
 */
async function recordsNamed(user: Pick<SessionUser, 'id' | 'role'>, prefix: string, limit: number): Promise<SearchGroup<SearchRecord>> {
  const match = Prisma.sql`r."name" >= ${prefix} AND r."name" < ${prefixEnd(prefix)} AND r."type" NOT IN (${signerTypes})`;
  const group = await recordsWhere(user, match, Prisma.sql`r."name", r."id"`, limit);
  // A database collated other than bytewise (PostgreSQL outside the C locale) may let a neighbour into the range.
  return { ...group, items: group.items.filter((r) => r.name.startsWith(prefix)) };
}

/** Records pointing at `host` (CNAME, MX, NS, SRV and PTR targets), along Record(target). */
function recordsPointingAt(user: Pick<SessionUser, 'id' | 'role'>, host: string, limit: number): Promise<SearchGroup<SearchRecord>> {
  const match = Prisma.sql`r."target" = ${host} AND r."type" IN (${Prisma.join([...POINTER_TYPES])})`;
  return recordsWhere(user, match, Prisma.sql`r."id"`, limit);
}

/** The A or AAAA records holding `address` and the PTR records at its reverse name, in any zone. */
async function recordsOfAddress(user: Pick<SessionUser, 'id' | 'role'>, address: NonNullable<SearchQuery['address']>, limit: number): Promise<SearchGroup<SearchRecord>> {
  const [forward, reverse] = await Promise.all([
    recordsWhere(user, Prisma.sql`r."target" = ${address.content} AND r."type" = ${address.type}`, Prisma.sql`r."id"`, limit),
    recordsWhere(user, Prisma.sql`r."name" = ${address.reverse} AND r."type" = 'PTR'`, Prisma.sql`r."id"`, limit),
  ]);
  const n = forward.total + reverse.total;
  return { items: [...forward.items, ...reverse.items].slice(0, limit), total: Math.min(n, COUNT_CAP), capped: forward.capped || reverse.capped || n > COUNT_CAP };
}

/**
 * Everything the search box finds for `raw` among the zones `user` may read,
 * at most `limit` of each group. An editor finds only the records of zones
 * granted to them; nothing is found for an empty text.
 */
export async function searchAll(user: Pick<SessionUser, 'id' | 'role'>, raw: string, opts: { limit?: number } = {}): Promise<SearchResults> {
  const query = parseSearchQuery(raw);
  const limit = Math.min(Math.max(opts.limit ?? SEARCH_LIMIT, 1), MORE_LIMIT);
  if (!query.text) return { query, zones: empty(), byName: empty(), byContent: empty() };
  const [zones, byName, byContent] = await Promise.all([
    query.zoneText ? zonesNamed(user, query.zoneText, limit) : empty<{ name: string; kind: string }>(),
    query.namePrefix ? recordsNamed(user, query.namePrefix, limit) : empty<SearchRecord>(),
    query.address
      ? recordsOfAddress(user, query.address, limit)
      : query.host
        ? recordsPointingAt(user, query.host, limit)
        : empty<SearchRecord>(),
  ]);
  return { query, zones, byName, byContent };
}
