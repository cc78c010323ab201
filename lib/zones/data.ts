// Reads of zones and records for the web app, the CLI and the worker.
import type { Prisma } from '../generated/prisma/client';
import { db } from '../db';
import { soaContent } from '../dns/rdata';
import type { RR, SerialPolicy, SoaFields } from '../dns/types';
import { canonicalName } from '../dns/names';
import { readList } from './json-lists';

export type ZoneKind = 'primary' | 'secondary';

export interface ZoneSummary {
  name: string;
  kind: ZoneKind;
  serial: number;
  recordCount: number;
  updatedAt: Date;
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
  /** Only these zones (an editor's grants); null or absent: every zone. */
  zoneIds?: number[] | null;
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
    ...(q.zoneIds ? { id: { in: q.zoneIds } } : {}),
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
    select: { id: true, name: true, kind: true, serial: true, updatedAt: true },
  });
  const counts = await db().record.groupBy({
    by: ['zoneId'],
    where: { zoneId: { in: rows.map((r) => r.id) } },
    _count: { _all: true },
  });
  const countOf = new Map(counts.map((c) => [c.zoneId, c._count._all]));
  return { zones: rows.map((r) => summaryOf(r, countOf.get(r.id) ?? 0)), total, page, pageSize, pages };
}

function summaryOf(r: { name: string; kind: string; serial: bigint; updatedAt: Date }, records: number): ZoneSummary {
  return {
    name: r.name,
    kind: r.kind as ZoneKind,
    serial: Number(r.serial),
    // +1: the SOA is a record too, although it lives in the zone row.
    recordCount: records + (r.kind === 'primary' || r.serial > 0n ? 1 : 0),
    updatedAt: r.updatedAt,
  };
}

/** Every zone, by name (the CLI's `zone list`). */
export async function listZones(opts: { query?: string } = {}): Promise<ZoneSummary[]> {
  const q = opts.query?.trim().toLowerCase();
  const rows = await db().zone.findMany({
    where: q ? { name: { contains: q } } : undefined,
    orderBy: { name: 'asc' },
    select: { name: true, kind: true, serial: true, updatedAt: true, _count: { select: { records: true } } },
  });
  return rows.map((r) => summaryOf(r, r._count.records));
}

/** Accepts the name in any case, with or without the trailing dot. */
export async function getZone(name: string): Promise<ZoneDetail | null> {
  let canonical: string;
  try {
    canonical = canonicalName(name.endsWith('.') ? name : `${name}.`);
  } catch {
    return null;
  }
  const z = await db().zone.findUnique({
    where: { name: canonical },
    include: { records: { orderBy: [{ name: 'asc' }, { type: 'asc' }, { id: 'asc' }] } },
  });
  if (!z) return null;
  const records: RR[] = z.records.map((r) => ({ name: r.name, type: r.type, ttl: r.ttl, content: r.content }));
  const hasSoa = z.kind === 'primary' || z.serial > 0n;
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
    records: hasSoa ? [soaRecordOf(z), ...sortRecords(records)] : sortRecords(records),
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
