// Reads of zones and records for the web app, the CLI and the worker.
import { Prisma } from '../generated/prisma/client';
import { db, textContains } from '../db';
import { SIGNER_TYPES } from '../dns/dnssec/types';
import { soaContent, soaText } from '../dns/rdata';
import type { RR, SerialPolicy, SoaFields } from '../dns/types';
import { absoluteName } from '../dns/names';
import { readChangeRecords } from './journal';
import { readList } from './json-lists';
import { TimeSlice } from '../time-slice';

export type ZoneKind = 'primary' | 'secondary';

export interface ZoneSummary {
  id: number;
  name: string;
  kind: ZoneKind;
  serial: number;
  recordCount: number;
  updatedAt: Date;
  /** 'producer' | 'consumer' on a catalog zone (RFC 9432, lib/zones/catalog.ts), else null. */
  catalogRole: string | null;
}

export interface ZoneDetail {
  id: number;
  name: string;
  kind: ZoneKind;
  serial: number;
  serialPolicy: SerialPolicy;
  soa: SoaFields;
  soaTtl: number;
  defaultTtl: number;
  primaries: string[];
  alsoNotify: string[];
  allowTransfer: string[];
  version: number;
  updatedAt: Date;
  /** How the zone is signed (DNSSEC denial: 'nsec' | 'nsec3'); null when it is not. */
  dnssec: string | null;
  /** 'producer' | 'consumer' on a catalog zone (RFC 9432): a producer's records follow its members and are not edited. */
  catalogRole: string | null;
  /** The SOA first, then every stored record, ordered by name and type. */
  records: RR[];
}

/** The subset of a Zone row that the SOA is built from. */
export interface ZoneSoaRow {
  name: string;
  serial: bigint;
  soaMname: string;
  soaRname: string;
  soaRefresh: number;
  soaRetry: number;
  soaExpire: number;
  soaMinimum: number;
  soaTtl: number;
}

export function soaFieldsOf(z: ZoneSoaRow): SoaFields {
  return {
    mname: z.soaMname,
    rname: z.soaRname,
    serial: Number(z.serial),
    refresh: z.soaRefresh,
    retry: z.soaRetry,
    expire: z.soaExpire,
    minimum: z.soaMinimum,
  };
}

export function soaRecordOf(z: ZoneSoaRow): RR {
  return { name: z.name, type: 'SOA', ttl: z.soaTtl, content: soaContent(soaFieldsOf(z)) };
}

/**
 * The zone's SOA record with its content as the row holds it, not made canonical again: for the
 * DNS worker's loads, whose snapshot builder reads the content anyway as it lays out the rdata
 * (and fails the zone on a bad value). The columns hold what the change service made canonical.
 * Making it canonical once more cost 50,000 zones 0.18–0.24 s of CPU, against 5–27 ms this
 * way (a loop over 50,000 rows, 2026-12-07).
 */
export function storedSoaRecordOf(z: ZoneSoaRow): RR {
  return { name: z.name, type: 'SOA', ttl: z.soaTtl, content: soaText(soaFieldsOf(z)) };
}

export const ZONE_SORTS = ['name', 'kind', 'serial', 'changed'] as const;
export type ZoneSort = (typeof ZONE_SORTS)[number];

export interface ZoneListQuery {
  /** Text anywhere in the zone name (case-insensitive; a trailing dot is ignored). */
  query?: string;
  kind?: ZoneKind;
  sort?: ZoneSort;
  desc?: boolean;
  /** 1-based. */
  page?: number;
  pageSize?: number;
  /** Only the zones this filter lets through (visibleZoneWhere: an editor's grants); absent: every zone. */
  visible?: Prisma.ZoneWhereInput;
}

export interface ZoneListPage {
  zones: ZoneSummary[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

const SORT_COLUMN: Record<ZoneSort, 'name' | 'kind' | 'serial' | 'updatedAt'> = {
  name: 'name',
  kind: 'kind',
  serial: 'serial',
  changed: 'updatedAt',
};

/**
 * One page of zones, filtered and sorted in the database, so that the list
 * costs the same with ten zones or ten thousand: record counts are taken for
 * the page's zones only.
 */
export async function listZonesPage(q: ZoneListQuery = {}): Promise<ZoneListPage> {
  const text = q.query?.trim().toLowerCase().replace(/\.$/, '');
  const where: Prisma.ZoneWhereInput = {
    ...(text ? { name: { contains: text } } : {}),
    ...(q.kind ? { kind: q.kind } : {}),
    ...q.visible,
  };
  const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), 500);
  const total = await db().zone.count({ where });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(Math.floor(q.page ?? 1), 1), pages);
  const dir = q.desc ? 'desc' : 'asc';
  const column = SORT_COLUMN[q.sort ?? 'name'];
  const rows = await db().zone.findMany({
    where,
    orderBy: column === 'name' ? [{ name: dir }] : [{ [column]: dir }, { name: 'asc' }],
    skip: (page - 1) * pageSize,
    take: pageSize,
    select: { id: true, name: true, kind: true, serial: true, updatedAt: true, catalogRole: true },
  });
  const counts = await db().record.groupBy({
    by: ['zoneId'],
    where: { zoneId: { in: rows.map((r) => r.id) } },
    _count: { _all: true },
  });
  const countOf = new Map(counts.map((c) => [c.zoneId, c._count._all]));
  return { zones: rows.map((r) => summaryOf(r, countOf.get(r.id) ?? 0)), total, page, pageSize, pages };
}

function summaryOf(r: { id: number; name: string; kind: string; serial: bigint; updatedAt: Date; catalogRole: string | null }, records: number): ZoneSummary {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as ZoneKind,
    serial: Number(r.serial),
    // +1: the SOA is a record too, although it lives in the zone row.
    recordCount: records + (r.kind === 'primary' || r.serial > 0n ? 1 : 0),
    updatedAt: r.updatedAt,
    catalogRole: r.catalogRole,
  };
}

/** Every zone, by name (the CLI's `zone list`). */
export async function listZones(opts: { query?: string } = {}): Promise<ZoneSummary[]> {
  const q = opts.query?.trim().toLowerCase();
  const rows = await db().zone.findMany({
    where: q ? { name: { contains: q } } : undefined,
    orderBy: { name: 'asc' },
    select: { id: true, name: true, kind: true, serial: true, updatedAt: true, catalogRole: true, _count: { select: { records: true } } },
  });
  return rows.map((r) => summaryOf(r, r._count.records));
}

/** A zone name as typed (any case, trailing dot optional) in canonical form; null when it is no name. */
export function zoneNameOrNull(name: string): string | null {
  try {
    return absoluteName(name);
  } catch {
    return null;
  }
}

/** Accepts the name in any case, with or without the trailing dot. */
export async function getZone(name: string): Promise<ZoneDetail | null> {
  const canonical = zoneNameOrNull(name);
  if (canonical === null) return null;
  const z = await db().zone.findUnique({
    where: { name: canonical },
    include: { records: { orderBy: [{ name: 'asc' }, { type: 'asc' }, { id: 'asc' }] } },
  });
  if (!z) return null;
  const records: RR[] = z.records.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, content: r.content }));
  const hasSoa = z.kind === 'primary' || z.serial > 0n;
  return { ...zoneHeaderOf(z), records: hasSoa ? [soaRecordOf(z), ...sortRecords(records)] : sortRecords(records) };
}

/** A stored record and its row id. */
export type StoredRecord = RR & { id: number };

/** Rows per query in readZoneRecords: one page is a short synchronous step for SQLite and Prisma. */
export const RECORD_PAGE = 2000;

/**
 * Every record of a zone (only the enabled ones with `enabledOnly`), read a
 * page at a time in id order along the index Record(zoneId, id), giving the
 * event loop a turn between pages once the slice is used up: one query for a
 * 200,000-record zone held the worker for seconds. `client` may be a
 * transaction's.
 */
export async function readZoneRecords(
  client: Pick<Prisma.TransactionClient, 'record'>,
  zoneId: number,
  opts: { enabledOnly?: boolean; slice?: TimeSlice } = {},
): Promise<StoredRecord[]> {
  const slice = opts.slice ?? new TimeSlice();
  const out: StoredRecord[] = [];
  for (let after = 0; ; ) {
    await slice.maybePause();
    const page = await client.record.findMany({
      where: { zoneId, id: { gt: after }, ...(opts.enabledOnly ? { disabled: false } : {}) },
      orderBy: { id: 'asc' },
      take: RECORD_PAGE,
      select: { id: true, name: true, type: true, ttl: true, content: true },
    });
    for (const r of page) out.push(r);
    if (page.length < RECORD_PAGE) return out;
    after = page.at(-1)!.id;
  }
}

/** Names per query in readRecordsAt: a bound list well within every database's limit. */
const NAMES_PER_QUERY = 500;

/**
 * The records of zone `zoneId` whose owner name (or, with `by: 'target'`, the
 * name an NS or MX record points at) is one of `names`, of `types` only when
 * given, in id order: what a change reads instead of the whole zone, each
 * along an index (Record(zoneId, name, type), Record(zoneId, target)). Sorted
 * here, not by the query: asked for id order, SQLite walks the whole zone
 * along Record(zoneId, id) instead (a one-record commit to a zone of
 * 1,000,000 records took 400 ms of CPU, measured 2026-12-05).
 */
export async function readRecordsAt(
  client: Pick<Prisma.TransactionClient, 'record'>,
  zoneId: number,
  names: Iterable<string>,
  opts: { by?: 'name' | 'target'; types?: readonly string[] } = {},
): Promise<StoredRecord[]> {
  const list = [...new Set(names)];
  const out: StoredRecord[] = [];
  for (let i = 0; i < list.length; i += NAMES_PER_QUERY) {
    const chunk = list.slice(i, i + NAMES_PER_QUERY);
    const rows = await client.record.findMany({
      where: {
        zoneId,
        ...(opts.by === 'target' ? { target: { in: chunk } } : { name: { in: chunk } }),
        ...(opts.types ? { type: { in: [...opts.types] } } : {}),
      },
      select: { id: true, name: true, type: true, ttl: true, content: true },
    });
    for (const r of rows) out.push(r);
  }
  return out.sort((a, b) => a.id - b.id);
}

/** The zone without its records (pages that need only its name, kind and serial); null when there is none. */
export async function getZoneHeader(name: string): Promise<Omit<ZoneDetail, 'records'> | null> {
  const canonical = zoneNameOrNull(name);
  if (canonical === null) return null;
  const z = await db().zone.findUnique({ where: { name: canonical } });
  return z ? zoneHeaderOf(z) : null;
}

/** Zones without their records, by name: every zone, or only those named in `names` (canonical). */
export async function listZoneHeaders(names?: readonly string[]): Promise<Omit<ZoneDetail, 'records'>[]> {
  const rows = await db().zone.findMany({ where: names ? { name: { in: [...names] } } : undefined, orderBy: { name: 'asc' } });
  return rows.map(zoneHeaderOf);
}

/** How many zones there are of each kind: all, or only those named in `names` (canonical). */
export async function countZonesByKind(names?: readonly string[]): Promise<{ primary: number; secondary: number }> {
  const rows = await db().zone.groupBy({ by: ['kind'], where: names ? { name: { in: [...names] } } : undefined, _count: { _all: true } });
  const count = (kind: string) => rows.find((r) => r.kind === kind)?._count._all ?? 0;
  return { primary: count('primary'), secondary: count('secondary') };
}

/** The zone of id `zoneId` without its records (a page that has the id from the access check); null when there is none. */
export async function getZoneHeaderById(zoneId: number): Promise<Omit<ZoneDetail, 'records'> | null> {
  const z = await db().zone.findUnique({ where: { id: zoneId } });
  return z ? zoneHeaderOf(z) : null;
}

/** A zone's TSIG key and the refresh state of a secondary zone, as `zonekeeper zone status` shows them. */
export interface ZoneRefreshStatus {
  /** The name of the key its transfers need, or null. */
  tsigKey: string | null;
  lastCheckAt: Date | null;
  lastRefreshAt: Date | null;
  nextRefreshAt: Date | null;
  expiresAt: Date | null;
  refreshFailures: number;
  lastError: string | null;
}

/** The refresh status of the zone of id `zoneId`; null when there is none. */
export async function getZoneRefreshStatus(zoneId: number): Promise<ZoneRefreshStatus | null> {
  const z = await db().zone.findUnique({
    where: { id: zoneId },
    select: {
      tsigKey: { select: { name: true } },
      lastCheckAt: true,
      lastRefreshAt: true,
      nextRefreshAt: true,
      expiresAt: true,
      refreshFailures: true,
      lastError: true,
    },
  });
  return z ? { ...z, tsigKey: z.tsigKey?.name ?? null } : null;
}

/** A zone row as the pages and the CLI read it: settings parsed, serial as a number. */
function zoneHeaderOf(z: Prisma.ZoneGetPayload<object>): Omit<ZoneDetail, 'records'> {
  return {
    id: z.id,
    name: z.name,
    kind: z.kind as ZoneKind,
    serial: Number(z.serial),
    serialPolicy: z.serialPolicy as SerialPolicy,
    soa: soaFieldsOf(z),
    soaTtl: z.soaTtl,
    defaultTtl: z.defaultTtl,
    primaries: readList(z.primaries),
    alsoNotify: readList(z.alsoNotify),
    allowTransfer: readList(z.allowTransfer),
    version: z.version,
    updatedAt: z.updatedAt,
    dnssec: z.dnssec,
    catalogRole: z.catalogRole,
  };
}

/** Apex first, then by name read from the root down (RFC 4034 §6.1 order, case already folded), then type. */
export function sortRecords(records: RR[]): RR[] {
  const key = (n: string) => n.split('.').reverse().join('\u0001');
  return [...records].sort((a, b) => {
    const ka = key(a.name);
    const kb = key(b.name);
    if (ka !== kb) return ka < kb ? -1 : 1;
    if (a.type !== b.type) return a.type < b.type ? -1 : 1;
    return a.content < b.content ? -1 : a.content > b.content ? 1 : 0;
  });
}

// ---------------------------------------------------------------- changelog

/** One committed change as the changelog shows it; `removed`/`added` include the old/new SOA. */
export interface ChangeEntry {
  id: number;
  actor: string;
  comment: string;
  createdAt: Date;
  oldSerial: number;
  newSerial: number;
  removed: RR[];
  added: RR[];
  /** Who asked for it, when the actor approved a change request (lib/requests); the request's id. */
  request: { id: number; requester: string } | null;
  /** Changes in other zones made with this one (a PTR beside its A/AAAA, lib/zones/reverse-ptr.ts). */
  links?: ChangeLink[];
}

/** A change in another zone linked to one in this zone's history. */
export interface ChangeLink {
  zone: string;
  changeId: number;
  /** `made-for`: this change was made for that one (a PTR for its A); `made-with`: that one was made for this. */
  relation: 'made-for' | 'made-with';
}

export interface ChangeListQuery {
  /** Text the comment contains. */
  query?: string;
  /** Changes made at or after this instant. */
  from?: Date;
  /** Changes made before this instant (exclusive). */
  to?: Date;
  page?: number;
  pageSize?: number;
}

export interface ChangeListPage {
  items: ChangeEntry[];
  total: number;
  /** The page shown, clamped to the pages there are. */
  page: number;
  pages: number;
  pageSize: number;
}

type ChangeRow = {
  id: number;
  actor: string;
  comment: string;
  createdAt: Date;
  oldSerial: bigint;
  newSerial: bigint;
  removed: string;
  added: string;
  request: { id: number; requesterName: string } | null;
  linkedChangeId?: number | null;
};

/** Read with every change the changelog shows: the request it applied, if any. */
const WITH_REQUEST = { request: { select: { id: true, requesterName: true } } } as const;

/** The links of `rows` both ways, by change id; a linked change gone with its zone is left out. */
async function changeLinksOf(rows: readonly ChangeRow[]): Promise<Map<number, ChangeLink[]>> {
  const out = new Map<number, ChangeLink[]>();
  const add = (id: number, link: ChangeLink) => (out.get(id) ?? out.set(id, []).get(id)!).push(link);
  const forIds = rows.flatMap((r) => (r.linkedChangeId ? [r.linkedChangeId] : []));
  const select = { id: true, linkedChangeId: true, zone: { select: { name: true } } } as const;
  const [targets, madeWith] = await Promise.all([
    forIds.length ? db().change.findMany({ where: { id: { in: forIds } }, select }) : [],
    db().change.findMany({ where: { linkedChangeId: { in: rows.map((r) => r.id) } }, select }),
  ]);
  const byId = new Map(targets.map((t) => [t.id, t]));
  for (const r of rows) {
    const t = r.linkedChangeId ? byId.get(r.linkedChangeId) : undefined;
    if (t) add(r.id, { zone: t.zone.name, changeId: t.id, relation: 'made-for' });
  }
  for (const m of madeWith) add(m.linkedChangeId!, { zone: m.zone.name, changeId: m.id, relation: 'made-with' });
  return out;
}

/** The changelog entries of stored changes, with every record of each (lib/zones/journal.ts). */
async function changeEntriesOf(rows: ChangeRow[]): Promise<ChangeEntry[]> {
  const [records, links] = await Promise.all([readChangeRecords(db(), rows), changeLinksOf(rows)]);
  return rows.map((c) => ({
    ...(links.has(c.id) ? { links: links.get(c.id) } : {}),
    id: c.id,
    actor: c.actor,
    comment: c.comment,
    createdAt: c.createdAt,
    oldSerial: Number(c.oldSerial),
    newSerial: Number(c.newSerial),
    ...records.get(c.id)!,
    request: c.request ? { id: c.request.id, requester: c.request.requesterName } : null,
  }));
}

/**
 * One page of a zone's changelog, newest first, filtered by comment text and
 * date range in the query itself: a zone may have thousands of changes.
 */
export async function listChanges(zoneId: number, q: ChangeListQuery = {}): Promise<ChangeListPage> {
  const pageSize = Math.min(Math.max(q.pageSize ?? 20, 1), 200);
  const where: Prisma.ChangeWhereInput = { zoneId };
  const text = q.query?.trim();
  if (text) where.comment = textContains(text);
  if (q.from || q.to) where.createdAt = { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) };
  const total = await db().change.count({ where });
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(q.page ?? 1, 1), pages);
  const rows = await db().change.findMany({ where, include: WITH_REQUEST, orderBy: { id: 'desc' }, skip: (page - 1) * pageSize, take: pageSize });
  return { items: await changeEntriesOf(rows), total, page, pages, pageSize };
}

/** One change of the zone, or null when it does not exist or belongs to another zone. */
/** Who made the zone's latest change, when and why, without its records (the CLI's zone status); null before any. */
export async function latestChangeSummary(zoneId: number): Promise<Omit<ChangeEntry, 'removed' | 'added'> | null> {
  const row = await db().change.findFirst({
    where: { zoneId },
    orderBy: { id: 'desc' },
    select: { id: true, actor: true, comment: true, createdAt: true, oldSerial: true, newSerial: true, ...WITH_REQUEST },
  });
  if (!row) return null;
  const { request, ...rest } = row;
  return { ...rest, oldSerial: Number(row.oldSerial), newSerial: Number(row.newSerial), request: request ? { id: request.id, requester: request.requesterName } : null };
}

export async function getChange(zoneId: number, changeId: number): Promise<ChangeEntry | null> {
  const row = await db().change.findFirst({ where: { id: changeId, zoneId }, include: WITH_REQUEST });
  return row ? (await changeEntriesOf([row]))[0]! : null;
}

// ---------------------------------------------------------------- the editor's page of records

/** One RRset: the records of one name and type. */
export interface RRsetGroup {
  name: string;
  type: string;
  records: RR[];
}

export type ZoneMeta = Omit<ZoneDetail, 'records'>;

export interface ZoneRecordsPage {
  zone: ZoneMeta;
  /** The SOA record, when the zone has one and the filter does not hide it. */
  soa: RR | null;
  rrsets: RRsetGroup[];
  page: number;
  pageSize: number;
  /** RRsets matching the filter, over all pages. */
  rrsetCount: number;
  pageCount: number;
  /** Stored records in the zone, the SOA not counted, whatever the filter. */
  recordCount: number;
  /**
   * Records of the signer's types (DNSKEY, RRSIG, NSEC, NSEC3…) in the zone, whatever the filter:
   * listed only when asked for (`dnssec`), since a signed zone holds more of them than of its own.
   */
  dnssecRecords: number;
}

export const RRSETS_PER_PAGE = 100;

/**
 * `%`, `_` and the escape character itself taken literally in a LIKE pattern
 * (… ESCAPE '!'). Not a backslash: MySQL reads one in a string literal as an
 * escape, so `ESCAPE '\\'` is a syntax error there.
 */
function likePattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * One page of a zone's RRsets, for the editor: grouped by name and type, the
 * apex first, then by name. Only the page's RRsets are read, so a zone of
 * 50,000 records costs two indexed aggregate queries and one small read.
 * `q` filters on the owner name, the type or the content.
 */
export async function getZoneRecordsPage(
  name: string,
  opts: { q?: string; page?: number; pageSize?: number; dnssec?: boolean } = {},
): Promise<ZoneRecordsPage | null> {
  const canonical = zoneNameOrNull(name);
  if (canonical === null) return null;
  const z = await db().zone.findUnique({ where: { name: canonical } });
  if (!z) return null;
  const pageSize = Math.max(1, Math.min(500, opts.pageSize ?? RRSETS_PER_PAGE));
  const q = opts.q?.trim().toLowerCase() ?? '';
  // Raw SQL because an ORM groupBy cannot count groups without fetching them all.
  // Quoted identifiers and LIKE … ESCAPE read the same on SQLite, PostgreSQL and MySQL (ANSI_QUOTES).
  const textFilter = q
    ? Prisma.sql`AND ("name" LIKE ${likePattern(q)} ESCAPE '!' OR "content" LIKE ${likePattern(q)} ESCAPE '!' OR "type" = ${q.toUpperCase()})`
    : Prisma.empty;
  const filter = opts.dnssec ? textFilter : Prisma.sql`${textFilter} AND "type" NOT IN (${Prisma.join([...SIGNER_TYPES])})`;
  const [countRows, recordCount, dnssecRecords] = await Promise.all([
    db().$queryRaw<{ n: bigint | number }[]>(
      Prisma.sql`SELECT COUNT(*) AS n FROM (SELECT 1 FROM "Record" WHERE "zoneId" = ${z.id} ${filter} GROUP BY "name", "type") AS g`,
    ),
    db().record.count({ where: { zoneId: z.id } }),
    db().record.count({ where: { zoneId: z.id, type: { in: [...SIGNER_TYPES] } } }),
  ]);
  const rrsetCount = Number(countRows[0]?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(rrsetCount / pageSize));
  const page = Math.min(Math.max(1, Math.trunc(opts.page ?? 1) || 1), pageCount);
  // The apex's few RRsets come first; the rest are paged in index order (an
  // ORDER BY that puts the apex first would sort every group of the zone).
  const apexKeys = await db().$queryRaw<{ name: string; type: string }[]>(
    Prisma.sql`SELECT "name", "type" FROM "Record" WHERE "zoneId" = ${z.id} AND "name" = ${z.name} ${filter} GROUP BY "name", "type" ORDER BY "type"`,
  );
  const offset = (page - 1) * pageSize;
  const fromApex = apexKeys.slice(offset, offset + pageSize);
  const rest = pageSize - fromApex.length;
  const otherKeys = rest > 0
    ? await db().$queryRaw<{ name: string; type: string }[]>(
        Prisma.sql`SELECT "name", "type" FROM "Record" WHERE "zoneId" = ${z.id} AND "name" <> ${z.name} ${filter}
          GROUP BY "name", "type" ORDER BY "name", "type"
          LIMIT ${rest} OFFSET ${Math.max(0, offset - apexKeys.length)}`,
      )
    : [];
  const keys = [...fromApex, ...otherKeys];
  const wanted = new Set(keys.map((k) => `${k.name} ${k.type}`));
  // By name only (an OR of name-and-type pairs defeats the index); other types are dropped below.
  const rows = keys.length
    ? (
        await db().record.findMany({
          where: { zoneId: z.id, name: { in: [...new Set(keys.map((k) => k.name))] } },
          orderBy: [{ name: 'asc' }, { type: 'asc' }, { id: 'asc' }],
          select: { name: true, type: true, ttl: true, content: true },
        })
      ).filter((r) => wanted.has(`${r.name} ${r.type}`))
    : [];
  const bySet = new Map<string, RR[]>();
  for (const r of rows) {
    const k = `${r.name} ${r.type}`;
    const list = bySet.get(k);
    if (list) list.push(r);
    else bySet.set(k, [r]);
  }
  const rrsets = keys.map((k) => ({ name: k.name, type: k.type, records: bySet.get(`${k.name} ${k.type}`) ?? [] }));
  const hasSoa = z.kind === 'primary' || z.serial > 0n;
  const soa = hasSoa ? soaRecordOf(z) : null;
  const soaShown = soa && page === 1 && (!q || 'soa'.includes(q) || soa.content.includes(q) || soa.name.includes(q));
  return {
    zone: zoneHeaderOf(z),
    soa: soaShown ? soa : null,
    rrsets,
    page,
    pageSize,
    rrsetCount,
    pageCount,
    recordCount,
    dnssecRecords,
  };
}

/**
 * The changes committed to a zone after serial `serial` (newest first, at
 * most `limit`): what made an editor's commit stale.
 */
export async function listChangesSince(zoneName: string, serial: number, limit = 10): Promise<ChangeEntry[]> {
  let canonical: string;
  try {
    canonical = absoluteName(zoneName);
  } catch {
    return [];
  }
  const zone = await db().zone.findUnique({ where: { name: canonical }, select: { id: true } });
  if (!zone) return [];
  // The journal is read newest first until the change that produced the editor's serial.
  const rows = await db().change.findMany({ where: { zoneId: zone.id }, include: WITH_REQUEST, orderBy: { id: 'desc' }, take: limit });
  const since = rows.findIndex((c) => Number(c.newSerial) === serial);
  return changeEntriesOf(since < 0 ? rows : rows.slice(0, since));
}
