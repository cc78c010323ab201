// The DNS worker's bulk reads: the rows it builds its zones from at a start and
// on every reload, read by the database driver as arrays (db.ts selectRows),
// not through Prisma, which turned every row into an object through its query
// engine: at 50,000 zones its reads of the Zone table were a fifth of the
// worker's start (2026-12-06).
import { selectRows, tableAlong } from '../db';
import type { TimeSlice } from '../time-slice';
import { RECORD_PAGE, type ZoneKind, type ZoneSoaRow } from './data';
import { findByNames } from './zone-changes';

/** One enabled record as rangeRecordPages reads it: its zone's id, row id, name, type, TTL, content. */
export type ZoneRecordRow = [zoneId: number, id: number, name: string, type: string, ttl: number, content: string];

const COLUMNS = '"zoneId", "id", "name", "type", "ttl", "content"';
/** The rest of one zone, from a record on: a seek along the index Record(zoneId, id). */
const zoneRestSql = () =>
  `SELECT ${COLUMNS} FROM ${tableAlong('Record', 'Record_zoneId_id_idx')} WHERE "zoneId" = ? AND "id" > ? AND "disabled" = false ORDER BY "id" LIMIT ?`;
/** The zones after one, up to a last: a seek too. One query over the whole range would rescan it from its start on every page. */
const NEXT_ZONES_SQL = `SELECT ${COLUMNS} FROM "Record" WHERE "zoneId" > ? AND "zoneId" <= ? AND "disabled" = false ORDER BY "zoneId", "id" LIMIT ?`;

/**
 * The enabled records of the zones whose ids lie from `first` to `last` (one
 * zone when they are equal) as the DNS worker loads them: pages of rows in
 * (zone, id) order along the index Record(zoneId, id), with the event loop
 * given a turn between pages once the slice is used up. A page takes one or
 * two queries however many zones it spans, where 50,000 small zones took a
 * query each. The next page is asked for as soon as a page arrives, so that a
 * database server (PostgreSQL, MySQL) reads and sends it while the caller
 * builds zones from this one: a 50,000-zone start on MariaDB took a median of
 * 14.7 s this way against 18.7 s waiting for each page in turn (2026-12-06, 2
 * busy cores). Outside any transaction: a commit between two pages shows, so
 * the caller compares the zones' versions before and after.
 */
export async function* rangeRecordPages(first: number, last: number, slice: TimeSlice): AsyncGenerator<ZoneRecordRow[]> {
  for (let next: Promise<ZoneRecordRow[]> | null = askedFor(recordPage(first, 0, last)); next; ) {
    await slice.maybePause();
    const page: ZoneRecordRow[] = await next;
    next = page.length < RECORD_PAGE ? null : askedFor(recordPage(page.at(-1)![0], page.at(-1)![1], last));
    if (page.length > 0) yield page;
  }
}

/**
 * A read started ahead of its use. Its failure is seen where it is awaited; until then it must not
 * count as unhandled (it may fail while the caller works on the page before, and a caller that stops
 * early never awaits it at all).
 */
function askedFor<T>(read: Promise<T>): Promise<T> {
  read.catch(() => undefined);
  return read;
}

/** One page of rangeRecordPages: the rest of zone `zone` after record `after`, then the zones after it up to `last`. */
async function recordPage(zone: number, after: number, last: number): Promise<ZoneRecordRow[]> {
  const page = (await selectRows(zoneRestSql(), [zone, after, RECORD_PAGE])) as ZoneRecordRow[];
  if (page.length < RECORD_PAGE && zone < last) page.push(...((await selectRows(NEXT_ZONES_SQL, [zone, last, RECORD_PAGE - page.length])) as ZoneRecordRow[]));
  return page;
}

/** What the worker compares of each zone to find those whose stored version differs from the one it serves. */
export interface ZoneState {
  id: number;
  name: string;
  version: number;
  kind: ZoneKind;
  serial: bigint;
  /** Secondary zones: when the copy expires (null: never refreshed, or not a secondary). */
  expiresAt: Date | null;
}

const STATE_SQL = 'SELECT "id", "name", "version", "kind", "serial", "expiresAt" FROM "Zone"';

/** Every zone's state, for the worker's first sync (and one after it fell behind the change feed). */
export async function allZoneStates(): Promise<ZoneState[]> {
  return (await selectRows(STATE_SQL, [])).map(stateOf);
}

/** The states of the zones named (those that exist), for a sync that reads only the zones the change feed names. */
export function zoneStatesNamed(names: Iterable<string>): Promise<ZoneState[]> {
  return findByNames(names, async (some) => (await selectRows(`${STATE_SQL} WHERE "name" IN (${some.map(() => '?').join(', ')})`, some)).map(stateOf));
}

/**
 * The id and name of every zone that is not a secondary, for the secondary engine's first
 * sync, which reads the secondaries in full: 50,000 primaries read through Prisma took half a
 * second of a start (2026-12-07).
 */
export async function nonSecondaryZones(): Promise<{ id: number; name: string }[]> {
  return (await selectRows('SELECT "id", "name" FROM "Zone" WHERE "kind" <> ?', ['secondary'])).map(([id, name]) => ({ id: Number(id), name: name as string }));
}

function stateOf([id, name, version, kind, serial, expiresAt]: unknown[]): ZoneState {
  return {
    id: id as number,
    name: name as string,
    version: version as number,
    kind: kind as ZoneKind,
    serial: BigInt(serial as number | string),
    expiresAt: dateOf(expiresAt),
  };
}

/** A zone's row as the worker builds its snapshot from it. */
export interface ZoneLoadRow extends ZoneSoaRow {
  id: number;
  kind: ZoneKind;
  version: number;
  /** The JSON list of the ranges that may transfer the zone. */
  allowTransfer: string;
  /** The TSIG key that transfers need, if any. */
  tsigKeyName: string | null;
  unjournaled: number;
}

const LOAD_SQL =
  'SELECT z."id", z."name", z."kind", z."version", z."serial", z."soaMname", z."soaRname", z."soaRefresh", z."soaRetry", ' +
  'z."soaExpire", z."soaMinimum", z."soaTtl", z."allowTransfer", k."name", z."unjournaled" ' +
  'FROM "Zone" z LEFT JOIN "TsigKey" k ON k."id" = z."tsigKeyId" WHERE z."id" >= ? AND z."id" <= ? ORDER BY z."id"';

/** The rows of the zones whose ids lie from `first` to `last`, in id order. */
export async function zoneLoadRows(first: number, last: number): Promise<ZoneLoadRow[]> {
  const rows = await selectRows(LOAD_SQL, [first, last]);
  return rows.map((r) => ({
    id: r[0] as number,
    name: r[1] as string,
    kind: r[2] as ZoneKind,
    version: r[3] as number,
    serial: BigInt(r[4] as number | string),
    soaMname: r[5] as string,
    soaRname: r[6] as string,
    soaRefresh: r[7] as number,
    soaRetry: r[8] as number,
    soaExpire: r[9] as number,
    soaMinimum: r[10] as number,
    soaTtl: r[11] as number,
    allowTransfer: r[12] as string,
    tsigKeyName: (r[13] as string | null) ?? null,
    unjournaled: r[14] as number,
  }));
}

const VERSIONS_SQL = 'SELECT "id", "version" FROM "Zone" WHERE "id" >= ? AND "id" <= ?';

/** The versions of the zones whose ids lie from `first` to `last`, by id. */
export async function zoneVersions(first: number, last: number): Promise<Map<number, number>> {
  const rows = await selectRows(VERSIONS_SQL, [first, last]);
  return new Map(rows.map(([id, version]) => [id as number, version as number]));
}

/**
 * A DateTime column as the drivers give it: SQLite holds Prisma's ISO text (or
 * milliseconds), PostgreSQL's `timestamp(3)` comes as its text (db.ts), in UTC
 * without a zone designator.
 */
function dateOf(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return new Date(Number(v));
  const text = String(v);
  return new Date(/(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}
