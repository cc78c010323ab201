// The one Prisma client of the process, built with the driver adapter that
// DATABASE_URL selects (SQLite file or PostgreSQL). Nothing else knows which
// database runs underneath; the few places where the two differ ask this
// module (textContains) instead of looking at the URL.
// Never import next/* or server-only here: the worker and CLI use it too.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import { PrismaClient as PgPrismaClient } from './generated/prisma-pg/client';
import { databaseProvider, databaseUrl, sqliteFile, sqliteUrl, type DatabaseProvider } from './config/database-url';

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
    const adapter = new PrismaPg({ connectionString: url, max: Number(process.env.ZK_DB_POOL ?? 10) });
    return new PgPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  const adapter = new OneSqliteUserAtATime({ url: sqliteUrl(url) });
  return new PrismaClient({ adapter });
}

type SqliteAdapter = Awaited<ReturnType<PrismaBetterSQLite3['connect']>>;
type SqliteTransaction = Awaited<ReturnType<SqliteAdapter['startTransaction']>>;

/**
 * better-sqlite3 gives the process one connection. The adapter runs one
 * transaction on it at a time, but a query outside any transaction runs
 * straight on the connection: while a transaction is open it reads that
 * transaction's uncommitted rows, and its writes join the transaction and
 * are rolled back with it. A transaction that gives the event loop a turn
 * (a big transfer applied in slices, lib/time-slice.ts) leaves it open for
 * long enough to matter. So here every use of the connection waits its turn:
 * a query for its one statement, a transaction from BEGIN to COMMIT or
 * ROLLBACK. (Inside a transaction, use its client `tx`, never db(): a query
 * on db() would wait for the transaction to end.)
 */
class OneSqliteUserAtATime extends PrismaBetterSQLite3 {
  override async connect(): Promise<SqliteAdapter> {
    const adapter = await super.connect();
    let last: Promise<void> = Promise.resolve();
    /** Waits for the connection; the returned function frees it for the next user. */
    const turn = async (): Promise<() => void> => {
      let free!: () => void;
      const mine = new Promise<void>((resolve) => (free = resolve));
      const before = last;
      last = mine;
      await before;
      return free;
    };
    const alone = async <T>(run: () => Promise<T>): Promise<T> => {
      const free = await turn();
      try {
        return await run();
      } finally {
        free();
      }
    };
    return Object.assign(Object.create(adapter) as SqliteAdapter, {
      queryRaw: (q: Parameters<SqliteAdapter['queryRaw']>[0]) => alone(() => adapter.queryRaw(q)),
      executeRaw: (q: Parameters<SqliteAdapter['executeRaw']>[0]) => alone(() => adapter.executeRaw(q)),
      executeScript: (script: string) => alone(() => adapter.executeScript(script)),
      startTransaction: async (level?: Parameters<SqliteAdapter['startTransaction']>[0]): Promise<SqliteTransaction> => {
        const free = await turn();
        let tx: SqliteTransaction;
        try {
          tx = await adapter.startTransaction(level);
        } catch (err) {
          free();
          throw err;
        }
        const end = (how: () => Promise<void>) => async () => {
          try {
            await how();
          } finally {
            free();
          }
        };
        return Object.assign(Object.create(tx) as SqliteTransaction, { commit: end(() => tx.commit()), rollback: end(() => tx.rollback()) });
      },
    });
  }
}

const holder = globalThis as unknown as { __zkPrisma?: PrismaClient };

/** The shared client; created on first use so that tests can set DATABASE_URL first. */
export function db(): PrismaClient {
  holder.__zkPrisma ??= createClient();
  return holder.__zkPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = holder.__zkPrisma;
  holder.__zkPrisma = undefined;
  await client?.$disconnect();
}

/** Which database the client talks to (for the few callers that must differ, e.g. change notification). */
export function dbProvider(): DatabaseProvider {
  return databaseProvider();
}

/**
 * A case-insensitive "contains" filter. SQLite's LIKE ignores ASCII case;
 * PostgreSQL's is exact, so ask for ILIKE there.
 */
export function textContains(text: string): Prisma.StringFilter {
  if (dbProvider() === 'postgresql') return { contains: text, mode: 'insensitive' } as Prisma.StringFilter;
  return { contains: text };
}

/** How often checkpointInBackground copies the SQLite WAL into the database file. */
const CHECKPOINT_EVERY_MS = 1000;

// The checkpointing thread: plain JavaScript, its own connection to the file.
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const conn = new Database(workerData.file, { timeout: 0 });
const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs and never waits for a lock.
    conn.pragma('wal_checkpoint(PASSIVE)');
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
 * 250–400 ms in which a DNS process answers nothing (measured 2026-12-05).
 * A process that answers queries calls this: its own commits no longer
 * checkpoint, and a thread with a connection of its own does it every second
 * instead. Nothing to do on PostgreSQL. Returns a function that stops it.
 */
export async function checkpointInBackground(onError: (message: string) => void = () => undefined): Promise<() => Promise<void>> {
  if (dbProvider() !== 'sqlite') return async () => undefined;
  await db().$queryRawUnsafe('PRAGMA wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const thread = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, file: sqliteFile(), everyMs: CHECKPOINT_EVERY_MS } });
  thread.on('message', (m: string) => onError(m));
  thread.on('error', (err) => onError(err.message));
  thread.unref();
  return async () => {
    const exited = new Promise((resolve) => thread.once('exit', resolve));
    thread.postMessage('stop');
    await exited;
  };
}

/** What the database can do beyond plain queries; callers branch on these, never on the provider. */
export interface DbCapabilities {
  /** SELECT … FOR UPDATE SKIP LOCKED: concurrent workers claim disjoint rows. */
  skipLocked: boolean;
  /** LISTEN/NOTIFY: workers hear of a commit at once, wherever it was made. */
  changeFeed: boolean;
}

export function dbCapabilities(): DbCapabilities {
  const pg = dbProvider() === 'postgresql';
  return { skipLocked: pg, changeFeed: pg };
}

/** The PostgreSQL channel on which committed zone changes are announced; the payload is the zone name. */
export const CHANGES_CHANNEL = 'zonekeeper_changes';

/**
 * Tells every worker on this database that `zone` changed (call after the
 * commit). PostgreSQL: NOTIFY on CHANGES_CHANNEL, heard by listenForChanges in
 * every worker. SQLite: nothing (one machine; the control-channel nudge and
 * polling deliver it).
 */
export async function announceChange(zone: string): Promise<void> {
  if (!dbCapabilities().changeFeed) return;
  await db().$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${zone})`;
}

export interface ChangeFeed {
  /** False on SQLite and on a PostgreSQL hot standby (LISTEN is refused during recovery): poll instead. */
  listening: boolean;
  close(): Promise<void>;
}

/**
 * Calls `onChange(zone)` for every announceChange on this database, on a
 * connection of its own (LISTEN holds a session). A dropped connection is
 * reopened after a second; changes made meanwhile arrive by polling.
 */
export async function listenForChanges(
  onChange: (zone: string) => void,
  onError: (message: string) => void = () => undefined,
): Promise<ChangeFeed> {
  if (!dbCapabilities().changeFeed) return { listening: false, close: async () => undefined };
  const url = databaseUrl();
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  const open = async (): Promise<boolean> => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
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

/**
 * The way every read-then-write transaction runs: `db().$transaction(fn)`,
 * again from the start when SQLite answers "database is locked" (see
 * retryWhenLocked). `fn` must do nothing outside the database, since it may
 * run more than once.
 */
export function writeTransaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>, options?: { maxWait?: number; timeout?: number }): Promise<T> {
  return retryWhenLocked(() => db().$transaction(fn, options));
}

/**
 * Holds the lock `key` until `tx` ends, for a check that reads other rows
 * before it writes and that no unique index can guard (a new zone must not
 * appear above or below another one created at the same moment). PostgreSQL:
 * an advisory transaction lock, since READ COMMITTED would let both
 * transactions see nothing and commit. SQLite: nothing to do; a write
 * transaction that read what another connection then changed fails with
 * "database is locked" and writeTransaction runs it again, re-reading.
 */
export async function lockInTransaction(tx: Prisma.TransactionClient, key: number): Promise<void> {
  if (dbProvider() !== 'postgresql') return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${key}::bigint)`;
}

/** The lock keys of lockInTransaction, one per kind of check. */
export const TX_LOCK = { zoneNames: 0x5a4b0001 } as const;

/**
 * Runs a write transaction, again from the start when SQLite answers "database
 * is locked". In WAL mode a transaction that has read and then writes fails at
 * once (SQLITE_BUSY_SNAPSHOT, no busy wait) when another connection (the
 * worker recording a probe, say) committed in between; running it again from
 * the top reads the new state, so nothing half-done is ever kept.
 */
export async function retryWhenLocked<T>(run: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (err) {
      const locked = /database is locked|SQLITE_BUSY/i.test(String((err as Error)?.message ?? err));
      if (!locked || i >= attempts || dbProvider() !== 'sqlite') throw err;
      await new Promise((r) => setTimeout(r, 10 * i + Math.random() * 20 * i));
    }
  }
}
