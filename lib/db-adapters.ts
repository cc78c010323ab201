// The driver adapters under lib/db.ts's Prisma client, wrapped where Prisma's
// own leave a process stuck or fail a write for a lock. Only lib/db.ts uses
// this module.
//
// 1. A transaction always ends. Prisma's transaction manager sends COMMIT (or
//    ROLLBACK) through the transaction's executeRaw and only afterwards calls
//    its commit() (or rollback()), which is where the adapter lets go of what
//    it holds: the SQLite adapter its one-transaction-at-a-time lock, the
//    PostgreSQL adapter its pooled connection. When that COMMIT fails (SQLite
//    on a full disk answers SQLITE_FULL) neither is ever called, and every
//    later transaction of the process waits forever. GuardedTransaction rolls
//    a failed COMMIT back and releases before the error goes on.
// 2. SQLite writers queue instead of failing. The adapter opens transactions
//    with a deferred BEGIN; one that reads and then writes while another
//    process writes fails at once with SQLITE_BUSY (SQLite skips the busy
//    handler when a reader asks to become a writer, since waiting could
//    deadlock), which Prisma reports as P1008 "Operation has timed out". Here
//    every transaction starts with BEGIN IMMEDIATE, taking the write lock
//    first, and waits for it (LOCK_WAIT_MS at most) without blocking the
//    event loop: SQLite's own busy_timeout sleeps inside the synchronous
//    driver call, which would stop the worker answering DNS meanwhile.
// 3. A SQLite transaction has a connection of its own. The adapter runs
//    everything on one connection, so a query from elsewhere in the process
//    ran inside whatever transaction was open, saw its uncommitted rows (the
//    worker's zone loader could load half a transfer) and was undone with it.
//    Queries outside transactions now go to a second connection and see only
//    what is committed, as they do on PostgreSQL.
// 4. A bulk statement finds its transaction. lib/db.ts executeBulk sends big
//    statements straight to the adapter transaction, past Prisma's query
//    compiler; startTransaction records that transaction in the scope
//    (transactionScope) that writeTransaction opens around it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client';
import type { MysqlConnection } from './config/database-url';
import { busyError, driverErrorCode } from './db-errors';

type SqlDriverAdapter = Awaited<ReturnType<SqlDriverAdapterFactory['connect']>>;
type Transaction = Awaited<ReturnType<SqlDriverAdapter['startTransaction']>>;
type SqlQuery = Parameters<SqlDriverAdapter['queryRaw']>[0];
type SqlResultSet = Awaited<ReturnType<SqlDriverAdapter['queryRaw']>>;
type IsolationLevel = Parameters<SqlDriverAdapter['startTransaction']>[0];
export type Queryable = Pick<SqlDriverAdapter, 'queryRaw' | 'executeRaw'>;
type Outcome = 'commit' | 'rollback' | 'broken';

/**
 * One lib/db.ts writeTransaction, for the bulk statements it sends past
 * Prisma (lib/db.ts executeBulk): `connection` is the adapter transaction,
 * set when startTransaction runs inside the scope writeTransaction opens for
 * it; `client` is the Prisma transaction client handed to its callback.
 */
export interface TransactionScope {
  connection?: Queryable;
  client?: unknown;
}

export const transactionScope = new AsyncLocalStorage<TransactionScope>();

function enterScope(tx: GuardedTransaction): GuardedTransaction {
  const scope = transactionScope.getStore();
  // The first transaction started in the scope is its own; a second one would belong to a nested call.
  if (scope && !scope.connection) scope.connection = tx;
  return tx;
}

/**
 * How long a SQLite write waits for another writer (another process, or a
 * transaction of this one) before it gives up with "the database is busy".
 */
export const LOCK_WAIT_MS = 30_000;

const sql = (text: string): SqlQuery => ({ sql: text, args: [], argTypes: [] });

/**
 * Queries this process has run and the rows they returned, over every
 * connection. Tests read it to pin what a piece of work costs in the
 * database: an idle worker must read as much with 1,000 zones as with 100.
 */
export const queryCounts = { queries: 0, rows: 0 };

/**
 * While a test holds an array in `statements`, the SQL of every statement run
 * inside a transaction is appended to it, in order: tests ask the database how
 * it runs a piece of work (EXPLAIN QUERY PLAN), e.g. that a one-record commit
 * walks no table.
 */
export const statementTrace: { statements: string[] | null } = { statements: null };

/** Counts one query that returned `rows` rows in queryCounts (Prisma's, and the bulk reads of lib/db.ts selectRows). */
export function countQuery(rows: number): void {
  queryCounts.queries++;
  queryCounts.rows += rows;
}

async function counted(result: Promise<SqlResultSet>): Promise<SqlResultSet> {
  const r = await result;
  countQuery(r.rows.length);
  return r;
}

/** Errors after which SQLite may have rolled the transaction back by itself (https://sqlite.org/lang_transaction.html). */
const ROLLS_BACK = /^SQLITE_(FULL|IOERR|NOMEM|BUSY|INTERRUPT|CORRUPT)/;

/** A transaction that ends, whatever happens to its COMMIT or ROLLBACK; `finish` releases what it holds, once. */
class GuardedTransaction implements Transaction {
  readonly options = { usePhantomQuery: false };
  private ended = false;
  /** A failure after which SQLite may have ended the transaction: later statements must not run outside it. */
  private broken: unknown = null;

  constructor(
    readonly provider: Transaction['provider'],
    readonly adapterName: string,
    private readonly conn: Queryable,
    private readonly finish: (outcome: Outcome) => Promise<void>,
  ) {}

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    statementTrace.statements?.push(query.sql);
    return counted(this.statement(() => this.conn.queryRaw(query)));
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    statementTrace.statements?.push(query.sql);
    if (query.sql === 'ROLLBACK') {
      await this.rollBack();
      return 0;
    }
    if (query.sql !== 'COMMIT') return this.statement(() => this.conn.executeRaw(query));
    try {
      return await this.statement(() => this.conn.executeRaw(query));
    } catch (err) {
      await this.rollBack();
      throw err;
    }
  }

  commit(): Promise<void> {
    return this.end('commit');
  }

  rollback(): Promise<void> {
    return this.end('rollback');
  }

  private async statement<T>(run: () => Promise<T>): Promise<T> {
    // Once released, the connection may already carry the next transaction.
    if (this.ended) throw new Error('this transaction has already ended');
    if (this.broken) throw this.broken;
    try {
      return await run();
    } catch (err) {
      if (ROLLS_BACK.test(driverErrorCode(err) ?? '')) this.broken = err;
      throw err;
    }
  }

  /** ROLLBACK, and release even when it fails; "no transaction is active" (SQLite rolled back itself) is no failure. */
  private async rollBack(): Promise<void> {
    if (this.ended) return;
    let outcome: Outcome = 'rollback';
    try {
      await this.conn.executeRaw(sql('ROLLBACK'));
    } catch (err) {
      if (!/no transaction is active/i.test(String((err as Error)?.message))) outcome = 'broken';
    }
    await this.end(outcome);
  }

  private async end(outcome: Outcome): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.finish(outcome);
  }
}

/** One transaction at a time per connection, first come first served; a waiter gives up after `timeoutMs`. */
class TurnLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  acquire(timeoutMs: number): Promise<(() => void) | null> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(this.releaser());
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.held = false;
    };
  }
}

function isBusy(err: unknown): boolean {
  return /^SQLITE_BUSY/.test(driverErrorCode(err) ?? '');
}

/** Runs `run` again while SQLite answers SQLITE_BUSY, sleeping between tries, until `deadline`. */
async function untilUnlocked<T>(run: () => Promise<T>, started: number, waitMs: number, location: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isBusy(err)) throw err;
      const left = started + waitMs - Date.now();
      if (left <= 0) throw busyError(err, waitMs, location);
      // From 2 ms up to 50 ms, with jitter so that waiting processes do not retry in step.
      const pause = Math.min(50, 2 * 1.5 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, Math.min(left, pause)));
    }
  }
}

class SqliteAdapter implements SqlDriverAdapter {
  readonly provider = 'sqlite' as const;
  readonly adapterName: string;
  private readonly turn = new TurnLock();

  constructor(
    /** Queries outside transactions. */
    private readonly main: SqlDriverAdapter,
    /** Transactions, one at a time; reopened when a ROLLBACK left it in doubt. */
    private txConn: SqlDriverAdapter | null,
    private readonly open: () => Promise<SqlDriverAdapter>,
    private readonly lockWaitMs: number,
    private readonly location: string,
  ) {
    this.adapterName = main.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return counted(untilUnlocked(() => this.main.queryRaw(query), Date.now(), this.lockWaitMs, this.location));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return untilUnlocked(() => this.main.executeRaw(query), Date.now(), this.lockWaitMs, this.location);
  }

  executeScript(script: string): Promise<void> {
    return this.main.executeScript(script);
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== 'SERIALIZABLE') throw new Error(`SQLite transactions are SERIALIZABLE; ${isolationLevel} cannot be chosen`);
    const started = Date.now();
    const release = await this.turn.acquire(this.lockWaitMs);
    if (!release) throw busyError(undefined, this.lockWaitMs, this.location);
    try {
      const conn = (this.txConn ??= await this.open());
      await untilUnlocked(() => conn.executeRaw(sql('BEGIN IMMEDIATE')), started, this.lockWaitMs, this.location);
      return enterScope(
        new GuardedTransaction(this.provider, this.adapterName, conn, async (outcome) => {
          if (outcome === 'broken') {
            // A ROLLBACK that failed leaves the connection's state unknown: the next transaction gets a new one.
            this.txConn = null;
            await conn.dispose().catch(() => undefined);
          }
          release();
        }),
      );
    } catch (err) {
      release();
      throw err;
    }
  }

  async dispose(): Promise<void> {
    await Promise.all([this.main.dispose(), this.txConn?.dispose()]);
  }
}

/** Whether connections opened from now on leave checkpoints to a thread of their own (lib/db.ts checkpointInBackground). */
let quietCheckpoints = false;

/** From now on, this process's SQLite connections never checkpoint at the end of a commit. */
export function quietSqliteCheckpoints(): void {
  quietCheckpoints = true;
}

/**
 * better-sqlite3 on the SQLite file `file`: two connections (see 3. above),
 * SQLite's busy timeout off (we wait ourselves), writers waiting up to
 * `lockWaitMs` for the lock.
 */
export function sqliteAdapter(file: string, opts: { lockWaitMs?: number } = {}): SqlDriverAdapterFactory {
  const factory = new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 0 });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const open = async () => {
        const conn = await factory.connect();
        if (quietCheckpoints) await conn.queryRaw(sql('PRAGMA wal_autocheckpoint = 0'));
        return conn;
      };
      return new SqliteAdapter(await open(), await open(), open, opts.lockWaitMs ?? LOCK_WAIT_MS, file);
    },
  };
}

/** Reshapes what a query returned (MySQL's column types, see mysqlAdapter); the identity elsewhere. */
type ResultFix = (result: SqlResultSet) => SqlResultSet;

/**
 * Whether `err` says a statement could not be sent because its pooled
 * connection was already closed by the server, so the server never saw it.
 * MariaDB closes a connection after a statement over max_allowed_packet (and
 * on wait_timeout, or when it restarts), and the `mariadb` pool can hand it
 * out again before it has noticed: the next query of the process then failed
 * with "write ECONNRESET". 45001 and 45013 are the driver refusing to send on
 * a connection it knows is closed.
 */
function sentToClosedConnection(err: unknown): boolean {
  const e = err as { code?: unknown; syscall?: unknown } | null;
  if (e?.syscall === 'write' && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return true;
  return /^(45001|45013)$/.test(driverErrorCode(err) ?? '');
}

/** `run`, once more on another connection when the first could not even be sent (see sentToClosedConnection). */
async function resentOnce<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!sentToClosedConnection(err)) throw err;
    return run();
  }
}

/** A pooled server database (PostgreSQL, MySQL): queries counted, transactions guarded as above. */
class PooledAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider'];
  readonly adapterName: string;

  constructor(
    private readonly inner: SqlDriverAdapter,
    private readonly fix: ResultFix = (r) => r,
    /** How a statement outside a transaction, or a transaction's start, is sent: resentOnce on MySQL. */
    private readonly send: <T>(run: () => Promise<T>) => Promise<T> = (run) => run(),
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return counted(this.send(() => this.inner.queryRaw(query)).then(this.fix));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.send(() => this.inner.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    return this.inner.executeScript(script);
  }

  getConnectionInfo() {
    return this.inner.getConnectionInfo!();
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const tx = await this.send(() => this.inner.startTransaction(isolationLevel));
    const conn: Queryable = { queryRaw: (q) => tx.queryRaw(q).then(this.fix), executeRaw: (q) => tx.executeRaw(q) };
    // Either call only hands the pooled connection back; the SQL was sent through executeRaw.
    return enterScope(new GuardedTransaction(tx.provider, tx.adapterName, conn, (outcome) => (outcome === 'commit' ? tx.commit() : tx.rollback())));
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/**
 * PostgreSQL through a pool of `max` connections, transactions guarded as
 * above. The driver is loaded with the first connection, so that a process on
 * SQLite never loads it: `pg` costs a CLI command tens of milliseconds (it
 * even starts Node's fetch implementation, to ask whether it runs on
 * Cloudflare).
 *
 * One connection stays open however long it idles (`min: 1`; the driver
 * closes those idle for 10 s): an idle worker's queries come further apart
 * than that, and each opened a new connection, the server's new process
 * included. A worker with 50,000 zones idled on 0.23–0.34 s of CPU a minute
 * with it kept, 0.63–0.96 s without (2026-12-07). An idle connection does not
 * keep a process from exiting (`allowExitOnIdle`).
 */
export function pgAdapter(connectionString: string, max: number): SqlDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect() {
      const { PrismaPg } = await import('@prisma/adapter-pg');
      return new PooledAdapter(await new PrismaPg({ connectionString, max, min: 1, allowExitOnIdle: true }).connect());
    },
  };
}

/**
 * What every MySQL/MariaDB connection of ours sets first. ANSI_QUOTES and
 * PIPES_AS_CONCAT let the raw SQL written for SQLite and PostgreSQL
 * ("Table"."column", a || b) run unchanged; Prisma's own SQL quotes with
 * backticks and never uses ||, so it is unaffected. UTC, because the
 * DDL's CURRENT_TIMESTAMP(3) defaults follow the session's time zone while
 * Prisma writes UTC. READ COMMITTED, as PostgreSQL runs, instead of InnoDB's
 * REPEATABLE READ, whose snapshots and gap locks our writers do not expect.
 * The driver escapes values itself (text protocol), so NO_BACKSLASH_ESCAPES
 * must never be set.
 */
export const MYSQL_SESSION_SQL = [
  "SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,PIPES_AS_CONCAT')",
  "SET SESSION time_zone = '+00:00'",
  'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
  // A row lock waits as long as a SQLite writer does, so a 1205 means what "busy" means there.
  `SET SESSION innodb_lock_wait_timeout = ${LOCK_WAIT_MS / 1000}`,
];

/**
 * MYSQL_SESSION_SQL, and for a read-only process (ZK_READ_ONLY) every
 * transaction read-only too. A replica's read_only=ON does not stop a user
 * with SUPER or READ ONLY ADMIN (root): its write would be applied there and
 * break replication at the primary's next colliding row. So our own code
 * cannot write even when the operator connects as such a user.
 */
export function mysqlSessionSql(readOnly: boolean): string[] {
  return readOnly ? [...MYSQL_SESSION_SQL, 'SET SESSION TRANSACTION READ ONLY'] : MYSQL_SESSION_SQL;
}

/** ColumnTypeEnum's Text and Bytes (@prisma/driver-adapter-utils). */
const TEXT_COLUMN = 7;
const BYTES_COLUMN = 13;

/**
 * The adapter (6.19) types every column with a binary collation as Bytes, and
 * Prisma then fails a $queryRaw with "Cannot serialize value of type string as
 * Bytes". Our text columns are all utf8mb4_bin or ascii_bin (byte-order
 * comparison, as on the other databases), so raw reads of names would fail.
 * The driver hands real binary data over as Buffers and text as strings: a
 * "Bytes" column holding strings is text. (Fixed upstream in Prisma 7,
 * prisma/prisma#29237.)
 */
function textForBinaryCollation(result: SqlResultSet): SqlResultSet {
  if (!result.columnTypes.includes(BYTES_COLUMN)) return result;
  const columnTypes = result.columnTypes.map((t, i) =>
    t === BYTES_COLUMN && result.rows.some((row) => typeof row[i] === 'string') ? TEXT_COLUMN : t,
  ) as SqlResultSet['columnTypes'];
  return { ...result, columnTypes };
}

/**
 * MySQL 8 or MariaDB through a pool of `max` connections, each set up with
 * mysqlSessionSql, transactions guarded as above. The driver is loaded with
 * the first connection, as for PostgreSQL.
 */
export function mysqlAdapter(connection: MysqlConnection, max: number, opts: { readOnly: boolean }): SqlDriverAdapterFactory {
  return {
    provider: 'mysql',
    adapterName: '@prisma/adapter-mariadb',
    async connect() {
      const { PrismaMariaDb } = await import('@prisma/adapter-mariadb');
      // Connections open as needed (the driver's default keeps `max` open from the start). A transaction
      // waits for a free connection as long as for a lock (the driver's default gives up after 10 s,
      // while writers queued behind one zone's lock each hold a connection).
      const factory = new PrismaMariaDb({ ...connection, connectionLimit: max, minimumIdle: 1, acquireTimeout: LOCK_WAIT_MS, initSql: mysqlSessionSql(opts.readOnly) });
      return new PooledAdapter(await factory.connect(), textForBinaryCollation, resentOnce);
    },
  };
}
