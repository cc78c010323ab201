// Rows numbered 1…count for tests that fill a table in one statement, in SQL
// that SQLite, PostgreSQL and MySQL all run: ten-row digit tables joined
// together. A recursive CTE would be shorter, but MySQL and MariaDB stop
// recursion at 1000 rows by default and do not take INSERT … WITH.
import { Prisma } from '../generated/prisma/client';

/**
 * A derived table `n` with the columns "i" (1…count) and "d0", "d1", … (the
 * decimal digits of i − 1, lowest first), for `INSERT … SELECT … FROM`. Use
 * the digits, not division, to build values: `/` gives decimals on MySQL.
 */
export function numbersSql(count: number): Prisma.Sql {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`numbersSql needs a positive whole count, not ${count}`);
  const places = Math.max(1, Math.ceil(Math.log10(count + 1)));
  const digits = Array.from({ length: 10 }, (_, d) => `SELECT ${d} AS "d"`).join(' UNION ALL ');
  const cols = Array.from({ length: places }, (_, p) => `t${p}."d" AS "d${p}"`);
  const value = Array.from({ length: places }, (_, p) => `t${p}."d" * ${10 ** p}`).join(' + ');
  const from = Array.from({ length: places }, (_, p) => `(${digits}) t${p}`).join(', ');
  return Prisma.raw(`(SELECT ${value} + 1 AS "i", ${cols.join(', ')} FROM ${from} WHERE ${value} < ${count}) n`);
}
