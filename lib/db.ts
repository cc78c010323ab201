// The one Prisma client of the process, built with the driver adapter that
// DATABASE_URL selects (SQLite file, PostgreSQL or MySQL/MariaDB). Nothing else knows which
// database runs underneath; the few places where the two differ ask this
// module (textContains) instead of looking at the URL. The adapters come from
// db-adapters.ts, which makes every transaction end even when its COMMIT fails
// and makes SQLite writers wait their turn; failures of the database itself
// come out of writeTransaction as a DatabaseError (db-errors.ts).
// Never import next/* or server-only here: the worker and CLI use it too.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { Prisma, PrismaClient } from './generated/prisma/client';
import { PrismaClient as MysqlPrismaClient } from './generated/prisma-mysql/client';
import { PrismaClient as PgPrismaClient } from './generated/prisma-pg/client';
import { databaseProvider, databaseUrl, mysqlConnection, sqliteFile, type DatabaseProvider } from './config/database-url';
import { dbPoolSize, readOnly } from './config/env';
import { countQuery, LOCK_WAIT_MS, mysqlAdapter, mysqlSessionSql, pgAdapter, quietSqliteCheckpoints, sqliteAdapter, transactionScope, type Queryable, type TransactionScope } from './db-adapters';
import { databaseFailure, isTransientConflict } from './db-errors';

export { queryCounts, statementTrace } from './db-adapters';

/**
 * The client's type is the SQLite client's. The PostgreSQL client is generated
 * from the same models (prisma/postgres/schema.prisma is written from
 * prisma/schema.prisma, and lib/setup/schema-drift.test.ts fails when they
 * differ), so it takes every argument the SQLite client takes and returns the
 * same rows; it only accepts more (isolation levels, `mode: 'insensitive'`).
 * TypeScript cannot prove two separately generated generic declarations
 * equal, hence the one cast below; the drift test also checks the row types.
 */
export type Db = PrismaClient;

function createClient(): PrismaClient {
  const url = databaseUrl();
  if (databaseProvider(url) === 'postgresql') {
    // A pool per process; the web app, the worker and the CLI each hold one.
    const adapter = pgAdapter(url, dbPoolSize());
    return new PgPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  if (databaseProvider(url) === 'mysql') {
    // Its client lacks createManyAndReturn/updateManyAndReturn (Prisma has them for the other two only).
    const adapter = mysqlAdapter(mysqlConnection(url), dbPoolSize(), { readOnly: readOnly() });
    return new MysqlPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  return new PrismaClient({ adapter: sqliteAdapter(sqliteFile(url)) });
}

const holder = globalThis as unknown as { __zkPrisma?: PrismaClient; __zkRows?: RowReader };

/** The shared client; created on first use so that tests can set DATABASE_URL first. */
export function db(): PrismaClient {
  holder.__zkPrisma ??= createClient();
  return holder.__zkPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = holder.__zkPrisma;
  const rows = holder.__zkRows;
  holder.__zkPrisma = undefined;
  holder.__zkRows = undefined;
  await client?.$disconnect();
  await rows?.close();
}

interface RowReader {
  rows(sql: string, args: readonly (string | number)[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

/**
 * The rows of one SELECT as arrays of column values, in the order the SELECT
 * names them, read by the database driver itself on a connection of its own,
 * outside any transaction. For bulk reads only (the DNS worker loading zones):
 * Prisma turns every row into an object through its query engine, about 7 µs a
 * row, so a million-record zone took 7 s to read that way and 2 s this way.
 * `sql` takes `?` placeholders and double-quoted table and column names, which
 * SQLite and PostgreSQL read alike.
 */
export async function selectRows(sql: string, args: readonly (string | number)[]): Promise<unknown[][]> {
  holder.__zkRows ??= createRowReader();
  const rows = await holder.__zkRows.rows(sql, args);
  // Counted with Prisma's queries: tests pin what a piece of work reads, bulk reads included.
  countQuery(rows.length);
  return rows;
}

/** PostgreSQL's type id of `timestamp without time zone`. */
const PG_TIMESTAMP = 1114;

function createRowReader(): RowReader {
  const url = databaseUrl();
  if (databaseProvider(url) === 'postgresql') {
    // One connection, kept open between reloads (the first query on a new one takes a while).
    // The driver is loaded with it, as for the other connections (see below).
    let pool: pg.Pool | null = null;
    const texts = new Map<string, string>();
    return {
      async rows(sql, args) {
        if (!pool) {
          const { default: driver } = await import('pg');
          // A `timestamp` (Prisma's DateTime, in UTC) comes as its text: the driver would read it as local time.
          const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === PG_TIMESTAMP ? (text: string) => text : driver.types.getTypeParser(oid, format)) };
          pool = new driver.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0, allowExitOnIdle: true, types });
          // An idle connection that breaks must not take the process with it; the next query reconnects.
          pool.on('error', () => undefined);
        }
        let text = texts.get(sql);
        if (text === undefined) {
          let n = 0;
          text = sql.replace(/\?/g, () => `$${++n}`);
          texts.set(sql, text);
        }
        return (await pool.query({ text, values: [...args], rowMode: 'array' })).rows as unknown[][];
      },
      close: async () => void (await pool?.end()),
    };
  }
  if (databaseProvider(url) === 'mysql') return mysqlRowReader(url);
  // Reads in WAL mode never wait for writers; the short timeout covers the rare recovery.
  const conn = new Database(sqliteFile(url), { fileMustExist: true, timeout: 1000 });
  const statements = new Map<string, Database.Statement>();
  return {
    async rows(sql, args) {
      let st = statements.get(sql);
      if (!st) {
        st = conn.prepare(sql).raw(true);
        statements.set(sql, st);
      }
      return st.all(...args) as unknown[][];
    },
    async close() {
      conn.close();
    },
  };
}

/**
 * selectRows on MySQL/MariaDB: one connection of the `mariadb` driver with the
 * session settings of every connection of ours (ANSI_QUOTES for the
 * double-quoted names, UTC, read-only under ZK_READ_ONLY). A DATETIME comes as its text, in UTC like
 * PostgreSQL's (the driver would read it as local time); BIGINT as a bigint.
 */
function mysqlRowReader(url: string): RowReader {
  let pool: import('mariadb').Pool | null = null;
  return {
    async rows(sql, args) {
      if (!pool) {
        // Loaded here: a process on another database never needs the driver (lib/db-adapters.ts).
        const { default: driver } = await import('mariadb');
        pool = driver.createPool({ ...mysqlConnection(url), connectionLimit: 1, minimumIdle: 1, initSql: mysqlSessionSql(readOnly()) });
      }
      return (await pool.query({ sql, rowsAsArray: true, dateStrings: true }, [...args])) as unknown[][];
    },
    close: async () => void (await pool?.end()),
  };
}

/** Which database the client talks to (for the few callers that must differ, e.g. change notification). */
export function dbProvider(): DatabaseProvider {
  return databaseProvider();
}

/**
 * A case-insensitive "contains" filter. SQLite's LIKE ignores ASCII case;
 * PostgreSQL's is exact, so ask for ILIKE there. MySQL takes no `mode`: the
 * searched columns have a case-insensitive collation in its DDL instead
 * (prisma/mysql/translate.mjs CASE_INSENSITIVE).
 */
export function textContains(text: string): Prisma.StringFilter {
  if (dbProvider() === 'postgresql') return { contains: text, mode: 'insensitive' } as Prisma.StringFilter;
  return { contains: text };
}

/** The type of one column of jsonRows: text (NULL from JSON null) or a whole number. */
export type JsonRowColumn = 'text' | 'int';

/**
 * A table `j` over a JSON array of arrays bound as one parameter: one row per
 * inner array, its items as the columns `j.c0`, `j.c1`, … of the given types
 * (SQLite's json_each, PostgreSQL's json_array_elements, MySQL's JSON_TABLE,
 * since MariaDB has no ->> operator). Thousands of rows bound value by value
 * cost far more in Prisma than the database's own JSON parser does.
 */
export function jsonRows(json: string, columns: readonly JsonRowColumn[]): Prisma.Sql {
  if (dbProvider() === 'mysql') {
    // LONGTEXT: a record's content may outgrow TEXT; MySQL converts it to the target column's character set.
    const defs = columns.map((type, i) => `"c${i}" ${type === 'int' ? 'INT' : 'LONGTEXT'} PATH '$[${i}]'`);
    return Prisma.sql`JSON_TABLE(${json}, '$[*]' COLUMNS (${Prisma.raw(defs.join(', '))})) AS j`;
  }
  const items = columns.map((type, i) => (type === 'int' ? `CAST(value->>${i} AS INTEGER) AS "c${i}"` : `value->>${i} AS "c${i}"`));
  const source = dbProvider() === 'postgresql' ? Prisma.sql`json_array_elements(CAST(${json} AS json))` : Prisma.sql`json_each(${json})`;
  return Prisma.sql`(SELECT ${Prisma.raw(items.join(', '))} FROM ${source}) AS j`;
}

/** The SQL types sqlCast names, per database: MySQL 8 casts only to SIGNED/UNSIGNED/CHAR/…, not to INTEGER or TEXT. */
const CAST_TYPES = {
  integer: { other: 'INTEGER', mysql: 'SIGNED' },
  bigint: { other: 'BIGINT', mysql: 'SIGNED' },
  text: { other: 'TEXT', mysql: 'CHAR' },
} as const;

/**
 * `CAST(value AS type)` in this database's spelling. A bound parameter needs
 * it where PostgreSQL cannot infer its type (INSERT … SELECT, UNION columns);
 * `value` may be SQL (e.g. Prisma.raw('NULL')).
 */
export function sqlCast(value: unknown, type: keyof typeof CAST_TYPES): Prisma.Sql {
  return Prisma.sql`CAST(${value} AS ${Prisma.raw(CAST_TYPES[type][dbProvider() === 'mysql' ? 'mysql' : 'other'])})`;
}

/**
 * `"table"` as a FROM item read along `index` (its name in the migrations):
 * on MySQL/MariaDB with a hint, since MariaDB 10.11 reads `"zoneId" = ? AND
 * "id" > ?` through Record(zoneId, id) by its first column alone and tests
 * "id" entry by entry from the zone's first record on, so paging through a
 * zone of a million records read every page from the zone's start (21 s
 * against 4.2 s with the hint, 2026-12-06). The other two find the range
 * themselves.
 */
export function tableAlong(table: string, index: string): string {
  return dbProvider() === 'mysql' ? `"${table}" FORCE INDEX ("${index}")` : `"${table}"`;
}

/**
 * DELETE of the rows of `table` whose "id" is listed in `json`, a JSON array
 * of [id] rows (jsonRows). MariaDB 10.11 does not turn `"id" IN (SELECT …)`
 * of a single-table DELETE into a join: it tested every row of the table
 * against the list, 1.4 s a statement of 2,000 ids in a table of 10,000 rows
 * (2026-12-06), and a zone of a million records would pay that per 2,000
 * records deleted. There the rows are deleted through a join instead.
 */
export function deleteListed(table: string, json: string): Prisma.Sql {
  const target = Prisma.raw(`"${table}"`);
  if (dbProvider() === 'mysql') return Prisma.sql`DELETE t FROM ${target} t JOIN ${jsonRows(json, ['int'])} ON t."id" = j."c0"`;
  return Prisma.sql`DELETE FROM ${target} WHERE "id" IN (SELECT j."c0" FROM ${jsonRows(json, ['int'])})`;
}

/**
 * The length of the JSON array stored in a text column (SQLite reads the
 * text as it is, PostgreSQL wants the json type, MySQL spells it JSON_LENGTH).
 */
export function jsonArrayLength(column: Prisma.Sql): Prisma.Sql {
  if (dbProvider() === 'mysql') return Prisma.sql`JSON_LENGTH(${column})`;
  if (dbProvider() === 'postgresql') return Prisma.sql`json_array_length(CAST(${column} AS json))`;
  return Prisma.sql`json_array_length(${column})`;
}

/**
 * The text of member `key` of item `index` of the JSON array stored in a text
 * column (`column -> index ->> key`; MariaDB has no such operators). `key` is
 * a name of ours, never input: it becomes part of the SQL.
 */
export function jsonItemText(column: Prisma.Sql, index: number, key: string): Prisma.Sql {
  if (!Number.isSafeInteger(index) || !/^\w+$/.test(key)) throw new TypeError(`jsonItemText takes an index and a plain key, not ${index}, ${key}`);
  if (dbProvider() === 'mysql') return Prisma.sql`JSON_VALUE(${column}, ${Prisma.raw(`'$[${index}].${key}'`)})`;
  const json = dbProvider() === 'postgresql' ? Prisma.sql`CAST(${column} AS json)` : column;
  return Prisma.sql`${json} -> ${Prisma.raw(String(index))} ->> ${Prisma.raw(`'${key}'`)}`;
}

/** How often checkpointInBackground copies the SQLite WAL into the database file. */
const CHECKPOINT_EVERY_MS = 1000;

// The checkpointing thread: plain JavaScript, its own connection to the file.
// A second with no write leaves the log's size and time as they were: then
// there is nothing to copy, and a stat of the log costs less than asking
// SQLite (the checkpoint was a tenth of an idle worker's CPU, 2026-12-07).
const CHECKPOINTER = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const conn = new Database(workerData.file, { timeout: 0 });
// PASSIVE: copies what no reader still needs and never waits for a lock.
const checkpoint = conn.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let seen = '';
const timer = setInterval(() => {
  try {
    const log = fs.statSync(workerData.file + '-wal', { throwIfNoEntry: false });
    const now = log ? log.size + ':' + log.mtimeMs : '';
    if (now === seen) return;
    const done = checkpoint.get();
    // Frames a reader still needed stay in the log: tried again at the next tick.
    if (done.log === done.checkpointed) seen = now;
  } catch (err) {
    parentPort.postMessage(String(err && err.message));
  }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); conn.close(); parentPort.close(); });
`;

/**
 * SQLite copies its write-ahead log into the database file (a checkpoint) at
 * the end of the commit that takes the log past 1000 pages, inside that
 * commit's synchronous call. After a big transfer that is tens of megabytes:
 * 250–400 ms in which the worker answers nothing (measured 2026-12-05).
 * A process that answers queries calls this: its own commits no longer
 * checkpoint, and a thread with a connection of its own does it every second
 * instead. Nothing to do on PostgreSQL. Returns a function that stops it.
 */
export async function checkpointInBackground(onError: (message: string) => void = () => undefined): Promise<() => Promise<void>> {
  if (dbProvider() !== 'sqlite') return async () => undefined;
  // Every connection of the process: the ones opened from now on, and the two already open
  // (queries outside transactions, and transactions: lib/db-adapters.ts).
  quietSqliteCheckpoints();
  await db().$queryRawUnsafe('PRAGMA wal_autocheckpoint = 0');
  await db().$transaction((tx) => tx.$queryRawUnsafe('PRAGMA wal_autocheckpoint = 0'));
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // No inherited execArgv: a process started with --input-type=module would make this CommonJS source an ES module.
  const thread = new Worker(CHECKPOINTER, { eval: true, execArgv: [], workerData: { driver, file: sqliteFile(), everyMs: CHECKPOINT_EVERY_MS } });
  // Watched from the start: a thread that has already ended (it could not open the file, say) must not hold up a stop.
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
  thread.on('message', (m: string) => onError(m));
  thread.on('error', (err) => onError(err.message));
  thread.unref();
  return async () => {
    thread.postMessage('stop');
    // Bounded, so that a stuck thread never keeps the process from stopping.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    await thread.terminate();
  };
}

/** What the database can do beyond plain queries; callers branch on these, never on the provider. */
export interface DbCapabilities {
  /** SELECT … FOR UPDATE SKIP LOCKED: concurrent workers claim disjoint rows. */
  skipLocked: boolean;
  /** UPDATE … RETURNING (PostgreSQL; neither MySQL nor MariaDB 10.11 has it): a claim in one statement. */
  updateReturning: boolean;
  /** A feed: workers hear of a commit within a fraction of a second, wherever it was made (listenForChanges). */
  changeFeed: boolean;
}

export function dbCapabilities(): DbCapabilities {
  const provider = dbProvider();
  const server = provider !== 'sqlite';
  return { skipLocked: server, updateReturning: provider === 'postgresql', changeFeed: server };
}

/** The PostgreSQL channel on which committed zone changes are announced; the payload is the zone name. */
export const CHANGES_CHANNEL = 'zonekeeper_changes';

/**
 * Tells every worker on this database that `zone` changed (call after the
 * commit). PostgreSQL: NOTIFY on CHANGES_CHANNEL, heard by listenForChanges in
 * every worker. MySQL/MariaDB: nothing; the ZoneChange row the commit appended
 * is what listenForChanges follows there. SQLite: nothing (one machine; the
 * control-channel nudge and polling deliver it).
 */
export async function announceChange(zone: string): Promise<void> {
  if (dbProvider() !== 'postgresql') return;
  await db().$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${zone})`;
}

export interface ChangeFeed {
  /** False on SQLite and on a PostgreSQL hot standby (LISTEN is refused during recovery): poll instead. */
  listening: boolean;
  close(): Promise<void>;
}

/**
 * Calls `onChange(zone)` soon after a zone change is committed anywhere on this
 * database (the zone's name, or '' when it is not known: reload what changed).
 * PostgreSQL: LISTEN for announceChange, on a connection of its own (LISTEN
 * holds a session); a dropped connection is reopened after a second, and
 * changes made meanwhile arrive by polling. MySQL/MariaDB: followChangeSequence.
 */
export async function listenForChanges(
  onChange: (zone: string) => void,
  onError: (message: string) => void = () => undefined,
): Promise<ChangeFeed> {
  if (!dbCapabilities().changeFeed) return { listening: false, close: async () => undefined };
  if (dbProvider() === 'mysql') return followChangeSequence(onChange, onError);
  const url = databaseUrl();
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  // Loaded here, not at the top: a process on SQLite never needs the driver (lib/db-adapters.ts).
  const { default: driver } = await import('pg');
  const open = async (): Promise<boolean> => {
    const c = new driver.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    c.on('error', (err) => onError(`change feed connection failed: ${err.message}`));
    await c.connect();
    const [{ standby }] = (await c.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby')).rows as [{ standby: boolean }];
    if (standby) {
      await c.end();
      return false;
    }
    c.on('notification', (n) => {
      if (n.channel === CHANGES_CHANNEL) onChange(n.payload ?? '');
    });
    c.on('end', () => {
      if (closed) return;
      client = null;
      retry = setTimeout(reopen, 1000);
      retry.unref();
    });
    await c.query(`LISTEN ${CHANGES_CHANNEL}`);
    client = c;
    return true;
  };
  const reopen = () => {
    if (closed) return;
    open()
      .then(() => onChange(''))
      .catch((err: Error) => {
        onError(`change feed reconnect failed: ${err.message}`);
        retry = setTimeout(reopen, 1000);
        retry.unref();
      });
  };
  const listening = await open();
  return {
    listening,
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

/** How often a worker on MySQL/MariaDB looks for a newer ZoneChange row: a commit is served well within a second. */
const SEQUENCE_CHECK_MS = 200;

/**
 * The change feed where the database has no LISTEN/NOTIFY (MySQL/MariaDB): every
 * SEQUENCE_CHECK_MS, the newest `seq` of ZoneChange (lib/zones/zone-changes.ts),
 * which every committed zone change appends to; `onChange('')` when it moved.
 * One query on the primary key's end, the same whatever the number of zones,
 * that returns no row while nothing changed; on selectRows' connection, so
 * never waiting behind Prisma's pool. It reads committed rows only, so it works
 * as well on a read-only replica, where replicated rows are changes like any
 * other. The first look, and the first after a failure, count as a change: a
 * commit between the worker's start-up load (or the outage) and that look is
 * then not left to the poll timer.
 */
async function followChangeSequence(onChange: (zone: string) => void, onError: (message: string) => void): Promise<ChangeFeed> {
  /** The newest seq seen; -1, which no row has, before the first look and after a failure. */
  let seen = -1;
  let failing = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const look = async () => {
    const rows = await selectRows('SELECT COALESCE(MAX("seq"), 0) FROM "ZoneChange" HAVING COALESCE(MAX("seq"), 0) <> ?', [seen]);
    // A look that ends after close() wakes nobody: the worker is stopping.
    if (rows.length === 0 || closed) return;
    seen = Number(rows[0]![0]);
    onChange('');
  };
  let looking: Promise<void> = look();
  // A feed that cannot be read at all fails here, and the worker polls instead (as when LISTEN fails).
  await looking;
  const next = () => {
    timer = setTimeout(() => {
      looking = look()
        .then(() => {
          failing = false;
        })
        .catch((err: Error) => {
          if (closed) return;
          seen = -1;
          // Said once per outage, not five times a second.
          if (!failing) onError(`change sequence check failed: ${err.message}`);
          failing = true;
        })
        .finally(() => {
          if (!closed) next();
        });
    }, SEQUENCE_CHECK_MS);
    timer.unref();
  };
  next();
  return {
    listening: true,
    async close() {
      closed = true;
      clearTimeout(timer);
      await looking.catch(() => undefined);
    },
  };
}

/**
 * Prisma gives up on a transaction that has not started after `maxWait` (2 s
 * by default), but only once the adapter has started it: the adapter's own
 * bound (LOCK_WAIT_MS on SQLite) must come first, with its clearer message.
 */
const START_WAIT_MS = LOCK_WAIT_MS + 10_000;

/**
 * The way every read-then-write transaction runs: `db().$transaction(fn)`,
 * again from the start after a conflict with another writer (see
 * retryWhenLocked). `fn` must do nothing outside the database, since it may
 * run more than once. A failure of the database itself (a full disk, a lock
 * held past LOCK_WAIT_MS) comes out as a DatabaseError (lib/db-errors.ts),
 * after the transaction was rolled back. `timeout`: how long `fn` may run
 * (Prisma's default is 5 s).
 */
export async function writeTransaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>, options?: { timeout?: number }): Promise<T> {
  try {
    return await retryWhenLocked(() => {
      // Each attempt is a transaction of its own, with a scope of its own (see executeBulk).
      const scope: TransactionScope = {};
      return transactionScope.run(scope, () =>
        db().$transaction(
          (tx) => {
            scope.client = tx;
            return fn(tx);
          },
          { ...options, maxWait: START_WAIT_MS },
        ),
      );
    });
  } catch (err) {
    throw databaseFailure(err) ?? err;
  }
}

type BulkStatement = Parameters<Queryable['executeRaw']>[0];

/** What executeBulk may bind: text, whole numbers, bigints (a serial), and null. */
function bulkArgType(value: unknown): BulkStatement['argTypes'][number] {
  // Both adapters pass these values to their driver as they are (lib/db-adapters.ts): the type only labels them.
  if (typeof value === 'string') return { scalarType: 'string', arity: 'scalar' };
  if (typeof value === 'bigint') return { scalarType: 'bigint', arity: 'scalar' };
  if (typeof value === 'number' && Number.isSafeInteger(value)) return { scalarType: 'int', arity: 'scalar' };
  if (value === null) return { scalarType: 'unknown', arity: 'scalar' };
  throw new TypeError(`executeBulk binds text, whole numbers, bigints and null, not ${typeof value === 'number' ? value : typeof value}`);
}

/**
 * Runs `query`, a statement carrying many rows (see jsonRows), in `tx`,
 * a transaction of writeTransaction, straight on that transaction's
 * connection. Prisma passes every parameter through its WASM query compiler:
 * for the megabytes of rows and journal of a 1,000,000-record import that
 * cost 8 s of the import's 22 s of CPU (measured 2026-12-05). The statement
 * still runs inside the transaction, committed or rolled back with it (the
 * transaction's connection is found through transactionScope, which
 * writeTransaction opens around it: lib/db-adapters.ts). Any other `tx` (a
 * transaction from db().$transaction, say) gets the statement through Prisma
 * as usual. The SQL must cast every parameter whose type the database cannot
 * infer: PostgreSQL receives them as untyped text, as through Prisma.
 */
export async function executeBulk(tx: Prisma.TransactionClient, query: Prisma.Sql): Promise<number> {
  const scope = transactionScope.getStore();
  if (!scope?.connection || scope.client !== tx) return tx.$executeRaw(query);
  const statement: BulkStatement = {
    sql: dbProvider() === 'postgresql' ? query.text : query.sql,
    args: query.values,
    argTypes: query.values.map(bulkArgType),
  };
  return scope.connection.executeRaw(statement);
}

/**
 * Holds the lock `key` (for one `name`, when given) until `tx` ends, for a
 * check that reads other rows before it writes and that no unique index can
 * guard (a new zone must not appear above or below another one created at
 * the same moment), or to make writers of one thing take turns (commits to
 * one zone). PostgreSQL: an advisory transaction lock, since READ COMMITTED
 * would let both transactions read the same state and one of them then
 * fail or commit on a stale read. MySQL/MariaDB: a row lock on a lock table,
 * for the same reason. SQLite: nothing to do; every transaction
 * holds the write lock from its start (BEGIN IMMEDIATE, db-adapters.ts), so
 * writing transactions never overlap.
 */
export async function lockInTransaction(tx: Prisma.TransactionClient, key: number, name?: string): Promise<void> {
  if (dbProvider() === 'mysql') {
    // The row of "ZkLock" (prisma/mysql/migrations) for this key and name, locked until the transaction ends.
    // Keys with a name: key·2³² + CRC32(name); without: -key, a space of its own as on PostgreSQL.
    const k = name === undefined ? Prisma.sql`${-key}` : Prisma.sql`${BigInt(key) << 32n} + CRC32(${name})`;
    await tx.$executeRaw`INSERT INTO "ZkLock" ("k") VALUES (${k}) ON DUPLICATE KEY UPDATE "k" = "k"`;
    return;
  }
  if (dbProvider() !== 'postgresql') return;
  // The one-key and two-key forms are separate lock spaces (PostgreSQL's advisory lock functions).
  if (name === undefined) await tx.$executeRaw`SELECT pg_advisory_xact_lock(${key}::bigint)`;
  else await tx.$executeRaw`SELECT pg_advisory_xact_lock(${key}::int4, hashtext(${name}))`;
}

/** The lock keys of lockInTransaction, one per kind of check. */
export const TX_LOCK = { zoneNames: 0x5a4b0001, zoneChanges: 0x5a4b0002, changeFeed: 0x5a4b0003 } as const;

/**
 * Runs a write transaction, again from the start after a conflict that doing
 * so resolves (db-errors.ts isTransientConflict): on PostgreSQL a
 * serialization failure or a deadlock; on SQLite "database is locked", which
 * BEGIN IMMEDIATE (db-adapters.ts) should leave nothing to cause. Running it
 * again from the top reads the new state, so nothing half-done is ever kept.
 */
export async function retryWhenLocked<T>(run: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      if (!isTransientConflict(err) || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 10 * i + Math.random() * 20 * i));
    }
  }
}
