// What a failure of the database itself (not of our data) means, in one place.
// A full disk or a write lock that never came free reaches us in many shapes:
// better-sqlite3's SqliteError (code SQLITE_FULL), the Prisma adapter's
// DriverAdapterError (originalCode SQLITE_BUSY, or a PostgreSQL SQLSTATE),
// Prisma's own errors wrapping those (P1008 "Operation has timed out" is
// SQLITE_BUSY renamed, P2034 a PostgreSQL write conflict, P2028 a transaction
// that could not start in time). databaseFailure() turns every one of them
// into a DatabaseError whose message people can act on; the CLI prints it, the
// web app shows it beside the form, the worker logs it and records it.
// Never import next/* or server-only here: the worker and CLI use it too.
import { databaseProvider, databaseUrl, redactedUrl, sqliteFile } from './config/database-url';

export type DatabaseFailureKind =
  | 'disk-full' // SQLITE_FULL, PostgreSQL 53100, MySQL 1114/1021: no room to store the change
  | 'busy' // another writer held the database longer than we wait for it
  | 'read-only' // a replica (MySQL read_only=ON, a PostgreSQL hot standby) refused the write
  | 'too-big' // one statement over MySQL's max_allowed_packet
  | 'unavailable'; // the connection to the server broke (MariaDB stops on a full disk)

/**
 * A change the database refused for a reason of its own. Nothing of the
 * change was stored (the transaction was rolled back), and the message says
 * so in one line, with what to do. Deliberately without a `code` property:
 * Prisma rewraps any error that has one into its own error type.
 */
export class DatabaseError extends Error {
  constructor(
    readonly kind: DatabaseFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

/** Where the database is, for messages: the SQLite file, or the PostgreSQL URL without its password. */
function databaseLocation(url = databaseUrl()): string {
  try {
    return databaseProvider(url) === 'sqlite' ? sqliteFile(url) : redactedUrl(url);
  } catch {
    return redactedUrl(url);
  }
}

function diskFullError(cause?: unknown, location = databaseLocation()): DatabaseError {
  return new DatabaseError('disk-full', `The database disk is full (${location}): nothing was changed. Free space on that disk and try again.`, { cause });
}

/** `waitedMs`: how long we waited for the write lock, when we know. */
export function busyError(cause?: unknown, waitedMs?: number, location = databaseLocation()): DatabaseError {
  const waited = waitedMs === undefined ? '' : ` for ${waitedMs >= 1000 ? `${Math.round(waitedMs / 1000)} s` : `${waitedMs} ms`}`;
  return new DatabaseError('busy', `The database is busy (${location}): another write held it${waited}, so nothing was changed. Try again.`, { cause });
}

/**
 * A write sent to a replica: MySQL 1290 ("running with the --read-only
 * option") or 1792 (a READ ONLY transaction, ZK_READ_ONLY's sessions),
 * PostgreSQL 25006 on a hot standby. Also what a read-write process says
 * when it starts against one (lib/setup/migrate-mysql.ts).
 */
export function readOnlyError(cause?: unknown, location = databaseLocation()): DatabaseError {
  return new DatabaseError(
    'read-only',
    `The database is read-only (${location}): it is a replica or runs with read_only=ON, so nothing was changed. ` +
      'Point DATABASE_URL at the primary, or set ZK_READ_ONLY=1 for a DNS worker that only serves from this replica.',
    { cause },
  );
}

function tooBigError(cause?: unknown, location = databaseLocation()): DatabaseError {
  return new DatabaseError(
    'too-big',
    `The change is too big for the database server (${location}): one statement went over its max_allowed_packet, so nothing was changed. ` +
      'Raise max_allowed_packet on the server (Zonekeeper needs at least 16M; 64M leaves room) or make the change in smaller parts.',
    { cause },
  );
}

function unavailableError(cause?: unknown, location = databaseLocation()): DatabaseError {
  return new DatabaseError(
    'unavailable',
    `The database server is unavailable (${location}): the connection broke before the change was confirmed. ` +
      'Check that the server runs and has free disk space (MariaDB stops when its disk is full), then look whether the change is there before trying again.',
    { cause },
  );
}

/** The errors an error wraps (cause, Prisma's meta.driverAdapterError), itself first. */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e: unknown = err; e && typeof e === 'object' && out.length < 8 && !out.includes(e); ) {
    out.push(e);
    const o = e as { cause?: unknown; meta?: { driverAdapterError?: unknown } };
    e = o.meta?.driverAdapterError ?? o.cause;
  }
  return out;
}

/**
 * The database's own error code somewhere in `err`: `SQLITE_FULL`,
 * `SQLITE_BUSY_SNAPSHOT`, a PostgreSQL SQLSTATE such as `53100`, a MySQL error
 * number such as `1213`, or Prisma's
 * `P1008`, `P2028`, `P2034`; the innermost one found wins.
 */
export function driverErrorCode(err: unknown): string | undefined {
  let found: string | undefined;
  for (const e of chain(err)) {
    const o = e as { code?: unknown; originalCode?: unknown; kind?: unknown; errno?: unknown; sqlState?: unknown };
    // A DriverAdapterError's cause: { originalCode, kind, code? (PostgreSQL's SQLSTATE) }.
    if (typeof o.originalCode === 'string') found = o.originalCode;
    else if (o.kind === 'postgres' && typeof o.code === 'string') found = o.code;
    // The `mariadb` driver's own SqlError (lib/db.ts selectRows): the server's number in errno, a name in code.
    else if (typeof o.errno === 'number' && typeof o.sqlState === 'string') found = String(o.errno);
    else if (typeof o.code === 'string') found = o.code;
  }
  return found;
}

// MySQL/MariaDB error numbers: 1114 "The table is full" and 1021 "Disk full"; 1213 a deadlock;
// 1205 a lock wait timeout (after innodb_lock_wait_timeout, which lib/db-adapters.ts sets to
// our LOCK_WAIT_MS: busy, but not worth waiting for again; 45028 is the driver's pool giving up
// after as long); 1290/1792 read-only (1290 is also
// "--secure-file-priv" and the like, hence the message check); 1153 a statement over
// max_allowed_packet, 45046 the driver refusing to send one. 45001/45009/45013/45019 are the
// `mariadb` driver's own numbers for a connection that broke or closed; 57P01 is PostgreSQL
// ending a session as it shuts down. A server that refuses to connect at all is none of these:
// nothing was under way, and the driver's own message says so.
const DISK_FULL = /^(SQLITE_FULL|53100|1114|1021)$/;
const BUSY = /^(SQLITE_BUSY\w*|SQLITE_LOCKED\w*|P1008|P2028|P2034|40001|40P01|1213)$/;
const LOCK_WAIT_TIMEOUT = /^(1205|45028)$/;
const READ_ONLY = /^(1290|1792|25006)$/;
const READ_ONLY_TEXT = /read[- ]only/i;
const TOO_BIG = /^(1153|45046)$/;
const UNAVAILABLE = /^(45001|45009|45013|45019|ECONNRESET|EPIPE|57P01)$/;
const UNAVAILABLE_TEXT = /\b(ECONNRESET|EPIPE)\b|socket has unexpectedly been closed|Connection lost: The server closed the connection/i;

/**
 * A conflict with another writer that running the transaction again from the
 * start resolves: SQLite's "database is locked" in any of its forms, a
 * PostgreSQL serialization failure (40001, P2034) or deadlock (40P01), a
 * MySQL deadlock (1213). Not a
 * DatabaseError: that one has already waited as long as we wait.
 */
export function isTransientConflict(err: unknown): boolean {
  if (err instanceof DatabaseError) return false;
  const code = driverErrorCode(err);
  if (code) return BUSY.test(code);
  return /database is locked|Operation has timed out/i.test(String((err as Error)?.message ?? err));
}

/**
 * Whether `err` is Prisma's report of a unique constraint the write broke
 * (P2002): not a failure of the database but of our data, which each caller
 * maps to its own message (a name already taken) or answers by reading again.
 */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'P2002' && err instanceof Error;
}

/**
 * Whether `err` is a write that named a row which is gone (Prisma's P2003,
 * SQLite's SQLITE_CONSTRAINT_FOREIGNKEY, PostgreSQL's 23503): a zone deleted
 * while the worker was recording something about it.
 */
export function isForeignKeyViolation(err: unknown): boolean {
  if ((err as { code?: unknown } | null)?.code === 'P2003') return true;
  const code = driverErrorCode(err);
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503' || /foreign key constraint/i.test(String((err as Error)?.message ?? ''));
}

/**
 * The DatabaseError that `err` amounts to, or null when it is something else
 * (a bug, a constraint the caller maps itself, an AppError).
 */
export function databaseFailure(err: unknown): DatabaseError | null {
  if (err instanceof DatabaseError) return err;
  for (const e of chain(err)) if (e instanceof DatabaseError) return e;
  const code = driverErrorCode(err);
  const message = String((err as Error)?.message ?? err);
  if ((code && DISK_FULL.test(code)) || /database or disk is full|could not extend file|No space left on device/i.test(message)) return diskFullError(err);
  if (isTransientConflict(err) || (code && LOCK_WAIT_TIMEOUT.test(code))) return busyError(err);
  const text = chainText(err);
  if (code && READ_ONLY.test(code) && READ_ONLY_TEXT.test(text)) return readOnlyError(err);
  if ((code && TOO_BIG.test(code)) || /max_allowed_packet/.test(text)) return tooBigError(err);
  if ((code && UNAVAILABLE.test(code)) || UNAVAILABLE_TEXT.test(text)) return unavailableError(err);
  return null;
}

/** Every message along `err`'s chain (Prisma's, the adapter's originalMessage, the driver's), for codes whose meaning depends on it. */
function chainText(err: unknown): string {
  return chain(err)
    .flatMap((e) => [(e as { message?: unknown }).message, (e as { originalMessage?: unknown }).originalMessage])
    .filter((m): m is string => typeof m === 'string')
    .join('\n');
}

/** What to log for a failure: a DatabaseError's one line instead of Prisma's message with its call site. */
export function failureMessage(err: unknown): string {
  return databaseFailure(err)?.message ?? String((err as Error)?.message ?? err);
}
