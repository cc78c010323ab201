// Retention of the tables that only grow (zone events, lag samples, serving
// times, the webhook log): each writer deletes a bounded batch of its oldest
// rows past the cutoff as it writes, along an index on the time column, so a
// table holds its window plus a backlog that shrinks with every write, with
// no sweep and no timer.

const DAY_MS = 86_400_000;

/**
 * Rows past the retention a write deletes: at least 500, and twice what it wrote when that is
 * more, so a backlog (a lowered setting, a long stop) drains over a few writes rather than in
 * one long transaction.
 */
export function pruneBatch(written: number): number {
  return Math.max(500, 2 * written);
}

/** The cutoff of a retention of `days` days: rows written before it go. */
export function daysBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** A table as deleteOldest reads and deletes it: rows with an integer id, found by `where`, oldest first by `orderBy`. */
export interface PrunableTable<Where, OrderBy> {
  findMany(args: { where: Where; orderBy: OrderBy; take: number; select: { id: true } }): PromiseLike<{ id: number }[]>;
  deleteMany(args: { where: { id: { in: number[] } } }): PromiseLike<unknown>;
}

/** Deletes at most `most` of the rows `where` finds, the first by `orderBy` (the oldest); how many it deleted. */
export async function deleteOldest<Where, OrderBy>(table: PrunableTable<Where, OrderBy>, where: Where, orderBy: OrderBy, most: number): Promise<number> {
  const old = await table.findMany({ where, orderBy, take: most, select: { id: true } });
  if (old.length > 0) await table.deleteMany({ where: { id: { in: old.map((r) => r.id) } } });
  return old.length;
}
