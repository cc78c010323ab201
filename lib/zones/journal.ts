// The change journal's storage. Every committed change is one Change row
// whose `removed` and `added` hold its records as JSON arrays, the old and
// new SOA first (the changelog and the IXFR journal, RFC 1995, read the same
// rows). A change of many records, such as a big transfer in, keeps its first
// P records of each list in that row and the rest in ChangePart rows, P at a
// time: a single statement carrying tens of megabytes holds the process for
// seconds inside Prisma and SQLite (30 MB took about 6 s, measured
// 2026-12-05), the worker answers DNS queries from that same process, and
// MySQL refuses a statement past max_allowed_packet. P is the same for every
// piece of one change (at most JOURNAL_PIECE, fewer when long records would
// make a statement too big: lib/db-bulk.ts), so the Change row's list is P
// long whenever parts follow it. This module is the one place that knows the split.
import { Prisma } from '../generated/prisma/client';
import { db, executeBulk, jsonArrayLength, jsonItemText, sqlCast } from '../db';
import { BULK_ROWS, evenBatchLength, jsonBytes } from '../db-bulk';
import type { RR } from '../dns/types';
import { TimeSlice } from '../time-slice';

/** Records per list in the Change row and in each ChangePart, at most (2,000 ordinary records are about 150 KB of JSON). */
export const JOURNAL_PIECE = BULK_ROWS;

type Client = Pick<Prisma.TransactionClient, 'change' | 'changePart'>;

export interface ChangeHead {
  zoneId: number;
  userId?: number | null;
  actor: string;
  comment: string;
  /** The change request this change applied, when an approver applied one. */
  requestId?: number | null;
  oldSerial: bigint;
  newSerial: bigint;
  /** The zone's version after this change: a worker patches its copy with the changes since the version it serves. */
  version: number;
  /** The change in another zone this one goes with (a PTR beside its A/AAAA). */
  linkedChangeId?: number | null;
}

/**
 * Writes one change with all its records, inside the caller's transaction.
 * The parts go past Prisma (lib/db.ts executeBulk): through it, the parts of
 * a 1,000,000-record import cost 5 s of CPU more (measured 2026-12-05).
 */
export async function writeChange(tx: Prisma.TransactionClient, head: ChangeHead, removed: RR[], added: RR[], slice = new TimeSlice()): Promise<{ id: number }> {
  // One statement writes piece i of both lists: their records i·P … (i+1)·P−1 together must fit.
  const sizes = Array.from({ length: Math.max(removed.length, added.length) }, (_, i) => jsonBytes(removed[i]) + jsonBytes(added[i]));
  const per = evenBatchLength(sizes, JOURNAL_PIECE);
  const pieces = Math.max(1, Math.ceil(removed.length / per), Math.ceil(added.length / per));
  const piece = (list: RR[], i: number) => JSON.stringify(list.slice(i * per, (i + 1) * per));
  const change = await tx.change.create({ data: { ...head, removed: piece(removed, 0), added: piece(added, 0) }, select: { id: true } });
  for (let i = 1; i < pieces; i++) {
    await slice.maybePause();
    await executeBulk(
      tx,
      Prisma.sql`INSERT INTO "ChangePart" ("changeId", "removed", "added") VALUES (${sqlCast(change.id, 'integer')}, ${piece(removed, i)}, ${piece(added, i)})`,
    );
  }
  return change;
}

export interface ChangeRecords {
  removed: RR[];
  added: RR[];
}

/**
 * Every record the given changes removed and added, their parts included,
 * by change id. A malformed stored list reads as empty rather than breaking
 * the whole changelog.
 */
export async function readChangeRecords(
  client: Client,
  changes: readonly { id: number; removed: string; added: string }[],
  slice = new TimeSlice(),
): Promise<Map<number, ChangeRecords>> {
  const out = new Map<number, ChangeRecords>();
  for (const c of changes) out.set(c.id, { removed: recordList(c.removed), added: recordList(c.added) });
  if (changes.length === 0) return out;
  // Part by part: a big change's parts together are as big as the statement they avoid.
  let after = 0;
  for (;;) {
    await slice.maybePause();
    const parts = await client.changePart.findMany({
      where: { changeId: { in: changes.map((c) => c.id) }, id: { gt: after } },
      orderBy: { id: 'asc' },
      take: 10,
    });
    for (const p of parts) {
      const lists = out.get(p.changeId)!;
      appendAll(lists.removed, recordList(p.removed));
      appendAll(lists.added, recordList(p.added));
    }
    if (parts.length < 10) return out;
    after = parts.at(-1)!.id;
  }
}

/** One push per record: spreading a long list into push() overflows the call stack. */
function appendAll(into: RR[], more: RR[]): void {
  for (const r of more) into.push(r);
}

function recordList(json: string): RR[] {
  try {
    const v: unknown = JSON.parse(json);
    if (!Array.isArray(v)) return [];
    return v.filter(
      (r): r is RR =>
        typeof r === 'object' && r !== null && typeof r.name === 'string' && typeof r.type === 'string' && typeof r.ttl === 'number' && typeof r.content === 'string',
    );
  } catch {
    return [];
  }
}

/** How many records a change removed and added, the SOA not counted. */
export interface ChangeCounts {
  removed: number;
  added: number;
}

type CountRow = { id: number | bigint } & Record<`${'removed' | 'added'}${'Row' | 'Parts' | 'Last' | 'Soa'}`, number | bigint | null>;

/**
 * The record counts of the given changes, without reading their records:
 * the row's lists are counted by the database's JSON functions, and of the
 * parts only the last one that holds each list is, since every part before
 * it holds as many records of that list as the row does (writeChange). octet_length
 * tells an empty list ('[]') without reading it (PostgreSQL reads the size
 * from the stored value's header), so a change of a million records costs
 * what one of two thousand does: counting every part was 0.5 s on
 * PostgreSQL (measured 2026-12-06). The SOA, first in each list of a change
 * that moved the serial, is not counted.
 */
export async function countChangeRecords(ids: readonly number[]): Promise<Map<number, ChangeCounts>> {
  if (ids.length === 0) return new Map();
  const list = (col: 'removed' | 'added') => {
    const row = Prisma.raw(`c."${col}"`);
    const part = Prisma.raw(`p."${col}"`);
    const held = Prisma.sql`p."changeId" = c."id" AND octet_length(${part}) > 2`;
    return Prisma.sql`
      ${jsonArrayLength(row)} AS ${Prisma.raw(`"${col}Row"`)},
      (SELECT COUNT(*) FROM "ChangePart" p WHERE ${held}) AS ${Prisma.raw(`"${col}Parts"`)},
      (SELECT ${jsonArrayLength(part)} FROM "ChangePart" p WHERE ${held} ORDER BY p."id" DESC LIMIT 1) AS ${Prisma.raw(`"${col}Last"`)},
      CASE WHEN ${jsonItemText(row, 0, 'type')} = 'SOA' THEN 1 ELSE 0 END AS ${Prisma.raw(`"${col}Soa"`)}`;
  };
  const rows = await db().$queryRaw<CountRow[]>(
    Prisma.sql`SELECT c."id", ${list('removed')}, ${list('added')} FROM "Change" c WHERE c."id" IN (${Prisma.join([...ids])})`,
  );
  const total = (r: CountRow, col: 'removed' | 'added') => {
    const parts = Number(r[`${col}Parts`] ?? 0);
    const inRow = Number(r[`${col}Row`] ?? 0);
    const inParts = parts > 0 ? inRow * (parts - 1) + Number(r[`${col}Last`] ?? 0) : 0;
    return inRow + inParts - Number(r[`${col}Soa`] ?? 0);
  };
  return new Map(rows.map((r) => [Number(r.id), { removed: total(r, 'removed'), added: total(r, 'added') }]));
}

