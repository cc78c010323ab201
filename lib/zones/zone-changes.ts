// The change feed: how a worker learns which zones to reload without looking
// at every zone. Every write that changes what a worker serves (records, zone
// settings, creation, deletion, a transfer in, a secondary's expiry lifted, the
// TSIG keys, the autoprimaries) appends a ZoneChange row in its own
// transaction, through markChanged(); a worker reads the rows after the last
// one it saw (ChangeCursor), so an idle poll reads no zone at all.
//
// Rows must become visible in `seq` order: a reader that has seen seq 11 never
// looks back for a 10 committed after it. SQLite writers take turns (BEGIN
// IMMEDIATE, lib/db-adapters.ts), so they are. PostgreSQL and MySQL hand out
// sequence values as rows are inserted, not as transactions commit, so there the append
// takes a lock that its transaction holds until it ends: appends and their
// commits take turns, and the append is each transaction's last statement, so
// the turn lasts no longer than the commit. (A reader re-reading an overlap
// window instead would need a bound on how long a transaction may hold a
// sequence value before committing, and an import may run for minutes;
// LISTEN/NOTIFY is lost while its connection is down and absent on a standby.
// Both stay what they were: ways to wake the workers at once. MySQL has no
// LISTEN: there the wake-up is a look at the newest seq several times a second,
// lib/db.ts listenForChanges.)
//
// The table keeps about the newest KEEP_ROWS rows: every PRUNE_EVERY-th append
// deletes those before them, in the same transaction. A reader whose next rows
// have been pruned (a worker that stalled through KEEP_ROWS changes) is told to
// compare everything once; a worker that starts compares everything anyway.
import type { Prisma } from '../generated/prisma/client';
import { db, lockInTransaction, selectRows, TX_LOCK } from '../db';

/** The rows kept: at 100 changes a second, a reader may fall behind by a quarter of an hour. */
export const KEEP_ROWS = 100_000;
const PRUNE_EVERY = 1000;
/** Rows per query when a reader catches up. */
const READ_PAGE = 10_000;
/** Names per query when a reader looks the named zones up: well under any database's bind-variable limit. */
const NAMES_PER_QUERY = 500;

/** The `zone` of a row about what every zone shares: the TSIG keys and the autoprimaries. */
const SHARED = '';

/**
 * Records, inside `tx`, that `zone` (canonical name) changed in what a worker
 * serves or how it keeps it; without a zone, that the TSIG keys or the
 * autoprimaries did. Call it last in the transaction (see above).
 */
export async function markChanged(tx: Prisma.TransactionClient, zone: string = SHARED): Promise<void> {
  await lockInTransaction(tx, TX_LOCK.changeFeed);
  const { seq } = await tx.zoneChange.create({ data: { zone }, select: { seq: true } });
  if (seq % PRUNE_EVERY === 0) await tx.zoneChange.deleteMany({ where: { seq: { lte: seq - KEEP_ROWS } } });
}

/**
 * markChanged for many zones at once (a catalog dropping thousands of
 * members): rows written a page at a time, the table pruned when a page
 * crosses a multiple of PRUNE_EVERY, as single appends would have.
 */
export async function markChangedMany(tx: Prisma.TransactionClient, zones: readonly string[]): Promise<void> {
  if (zones.length === 0) return;
  await lockInTransaction(tx, TX_LOCK.changeFeed);
  for (let i = 0; i < zones.length; i += NAMES_PER_QUERY) {
    // createMany and the highest seq after it, not createManyAndReturn, which Prisma's MySQL client lacks.
    // Holding the changeFeed lock, nobody else appends meanwhile: the new rows are the last `count`.
    const { count } = await tx.zoneChange.createMany({ data: zones.slice(i, i + NAMES_PER_QUERY).map((zone) => ({ zone })) });
    const last = Number((await tx.zoneChange.aggregate({ _max: { seq: true } }))._max.seq ?? 0);
    const first = last - count + 1;
    if (Math.floor(last / PRUNE_EVERY) > Math.floor((first - 1) / PRUNE_EVERY)) await tx.zoneChange.deleteMany({ where: { seq: { lte: last - KEEP_ROWS } } });
  }
}

/** What changed after a cursor's position. */
export interface ZoneChanges {
  /** The zones named (canonical names). */
  zones: Set<string>;
  /** The TSIG keys or the autoprimaries changed. */
  shared: boolean;
  /** Compare everything: the cursor has not started, or rows it never read have been pruned. */
  everything: boolean;
  /** The position after these changes (ChangeCursor.advance). */
  upTo: number;
}

/** A row of the feed as ChangeCursor reads it, and its two pages: the first, and those after. */
type FeedRow = [seq: number | bigint, zone: string];
const FIRST_PAGE_SQL = 'SELECT "seq", "zone" FROM "ZoneChange" WHERE "seq" > ? OR "seq" = (SELECT MAX("seq") FROM "ZoneChange") ORDER BY "seq" LIMIT ?';
const NEXT_PAGE_SQL = 'SELECT "seq", "zone" FROM "ZoneChange" WHERE "seq" > ? ORDER BY "seq" LIMIT ?';

/**
 * One reader's position in the feed. read() leaves it where it is; the reader
 * calls advance() once it has acted on what it read, so that a reader that
 * fails half-way reads the same rows again.
 */
export class ChangeCursor {
  private at: number | null = null;

  /** Where the cursor stands: the last row acted on (null before the first read). */
  get position(): number | null {
    return this.at;
  }

  async read(): Promise<ZoneChanges> {
    if (this.at === null) {
      // The position is taken before the full comparison the caller makes, so that a change
      // committed during it is read again afterwards rather than missed.
      const last = await db().zoneChange.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true } });
      return { zones: new Set(), shared: true, everything: true, upTo: last?.seq ?? 0 };
    }
    const from = this.at;
    const zones = new Set<string>();
    let shared = false;
    let upTo = from;
    let first: number | undefined;
    let newest: number | null = null;
    for (let page = 0; ; page++) {
      // Read by the driver itself (db.ts selectRows, a prepared statement kept): every poll of
      // every worker runs this, and a query through the client cost an idle worker more CPU
      // than anything else it did each second. The first page also brings the newest row,
      // whatever its number, so that a feed that went backwards is seen at no extra cost.
      const rows = (await selectRows(page === 0 ? FIRST_PAGE_SQL : NEXT_PAGE_SQL, [upTo, READ_PAGE])) as FeedRow[];
      if (page === 0) newest = rows.length > 0 ? Number(rows.at(-1)![0]) : null;
      const fresh = rows.filter((r) => Number(r[0]) > from);
      for (const [, zone] of fresh) {
        if (zone === SHARED) shared = true;
        else zones.add(zone);
      }
      if (fresh.length > 0) {
        first ??= Number(fresh[0]![0]);
        upTo = Number(fresh.at(-1)![0]);
      }
      if (rows.length < READ_PAGE) break;
    }
    // The feed's newest row is behind this reader's position, or the feed is empty though the
    // reader has read rows: the database was restored from a backup or replaced under a running
    // worker. Its numbers start again below the position, so compare everything once.
    if ((newest ?? 0) < from) return { zones, shared: true, everything: true, upTo: newest ?? 0 };
    // A gap after the position is an append rolled back, or rows pruned before this reader read
    // them. Pruning deletes from the oldest row up: only if it has passed the position can a row
    // have gone unread.
    let everything = false;
    if (first !== undefined && first > from + 1) {
      const oldest = await db().zoneChange.findFirst({ orderBy: { seq: 'asc' }, select: { seq: true } });
      everything = (oldest?.seq ?? first) > from;
    }
    return { zones, shared, everything, upTo };
  }

  advance(to: ZoneChanges): void {
    this.at = to.upTo;
  }
}

/** What `find` returns for all of `names`, asked NAMES_PER_QUERY names at a time. */
export async function findByNames<T>(names: Iterable<string>, find: (names: string[]) => Promise<T[]>): Promise<T[]> {
  const list = [...names];
  const out: T[] = [];
  for (let i = 0; i < list.length; i += NAMES_PER_QUERY) {
    for (const row of await find(list.slice(i, i + NAMES_PER_QUERY))) out.push(row);
  }
  return out;
}
