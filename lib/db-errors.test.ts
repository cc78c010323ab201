// A full disk reached the user as a Prisma stack trace, and SQLite's busy
// lock as "Operation has timed out": every shape those failures come in maps
// to the one DatabaseError, and nothing else does.
import { describe, expect, it } from 'vitest';
import { sqliteFile } from './config/database-url';
import { db } from './db';
import { databaseFailure, isForeignKeyViolation, isTransientConflict } from './db-errors';
import { Prisma } from './generated/prisma/client';
import { AppError } from './errors';

const known = (code: string, message: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: '6.19.3', meta });
/** What @prisma/adapter-pg throws for an SQLSTATE it has no name for. */
const pgError = (code: string, message: string) => Object.assign(new Error('postgres'), { name: 'DriverAdapterError', cause: { kind: 'postgres', code, message, originalCode: code } });
/** What @prisma/adapter-mariadb throws: the server's error number as text in originalCode. */
const mysqlError = (code: number, kind: string, message: string) =>
  Object.assign(new Error(kind), { name: 'DriverAdapterError', cause: { kind, code, message, originalCode: String(code), originalMessage: message } });

describe('databaseFailure', () => {
  it('knows a full disk in every shape: SQLite at COMMIT or in a statement, PostgreSQL 53100, MySQL 1114', () => {
    const shapes = [
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      known('SQLITE_FULL', '\nInvalid `tx.record.createMany()` invocation:\n\ndatabase or disk is full'),
      known('P2010', 'Raw query failed', { driverAdapterError: pgError('53100', 'could not extend file "base/16384/16385": No space left on device') }),
      pgError('53100', 'could not extend file'),
      mysqlError(1114, 'mysql', "The table 'Record' is full"),
    ];
    for (const err of shapes) {
      const d = databaseFailure(err);
      expect(d?.kind).toBe('disk-full');
      expect(d?.message).toBe(`The database disk is full (${sqliteFile()}): nothing was changed. Free space on that disk and try again.`);
    }
  });

  it('knows the lock under its names: SQLITE_BUSY, P1008 "Operation has timed out", P2028, P2034, 40001, 40P01, MySQL 1213', () => {
    const shapes = [
      known('P1008', 'Operation has timed out', { driverAdapterError: { cause: { kind: 'SocketTimeout', originalCode: 'SQLITE_BUSY' } } }),
      Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY_SNAPSHOT' }),
      known('P2028', 'Transaction API error: Unable to start a transaction in the given time.'),
      known('P2034', 'Transaction failed due to a write conflict or a deadlock. Please retry your transaction'),
      pgError('40P01', 'deadlock detected'),
      known('P2010', 'Raw query failed', { driverAdapterError: mysqlError(1213, 'TransactionWriteConflict', 'Deadlock found when trying to get lock; try restarting transaction') }),
    ];
    for (const err of shapes) {
      expect(isTransientConflict(err)).toBe(true);
      expect(databaseFailure(err)?.message).toMatch(/^The database is busy \(.+\): another write held it, so nothing was changed\. Try again\.$/);
    }
  });

  it('calls a MySQL lock wait timeout (1205) busy without running the transaction again', () => {
    const err = known('P2010', 'Raw query failed', { driverAdapterError: mysqlError(1205, 'mysql', 'Lock wait timeout exceeded; try restarting transaction') });
    expect(isTransientConflict(err)).toBe(false);
    expect(databaseFailure(err)?.kind).toBe('busy');
  });

  it('knows a write refused by a replica: MySQL 1290 read_only, 1792 a READ ONLY session (also from the driver itself), PostgreSQL 25006', () => {
    const driverError = Object.assign(new Error('(conn:21, no: 1792, SQLState: 25006) Cannot execute statement in a READ ONLY transaction'), {
      errno: 1792,
      sqlState: '25006',
      code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
    });
    for (const err of [
      mysqlError(1290, 'mysql', 'The MariaDB server is running with the --read-only option so it cannot execute this statement'),
      known('P2010', 'Raw query failed', { driverAdapterError: mysqlError(1792, 'mysql', 'Cannot execute statement in a READ ONLY transaction') }),
      driverError,
      pgError('25006', 'cannot execute INSERT in a read-only transaction'),
    ]) {
      expect(databaseFailure(err)?.message).toBe(
        `The database is read-only (${sqliteFile()}): it is a replica or runs with read_only=ON, so nothing was changed. ` +
          'Point DATABASE_URL at the primary, or set ZK_READ_ONLY=1 for a DNS worker that only serves from this replica.',
      );
    }
    // 1290 is also how MySQL refuses other options' statements: those are not about replicas.
    expect(databaseFailure(mysqlError(1290, 'mysql', 'The MariaDB server is running with the --secure-file-priv option so it cannot execute this statement'))).toBeNull();
  });

  it('names max_allowed_packet for a statement over it, from the server (1153) or the driver (45046)', () => {
    for (const err of [
      mysqlError(1153, 'mysql', "Got a packet bigger than 'max_allowed_packet' bytes"),
      mysqlError(45046, 'mysql', 'query size (17825858) is >= to max_allowed_packet (16777216)'),
    ]) {
      expect(databaseFailure(err)?.kind).toBe('too-big');
      expect(databaseFailure(err)?.message).toMatch(/max_allowed_packet.*Raise max_allowed_packet on the server \(Zonekeeper needs at least 16M/);
    }
  });

  it('calls a connection that broke mid-change unavailable, pointing at the server and its disk (MariaDB stops when its disk fills)', () => {
    for (const err of [
      known('P1017', 'Server has closed the connection.', { driverAdapterError: Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET' }) }),
      new Error('\nInvalid `tx.record.createMany()` invocation:\n\nwrite ECONNRESET'),
      mysqlError(45009, 'mysql', 'socket has unexpectedly been closed'),
    ]) {
      expect(databaseFailure(err)?.kind).toBe('unavailable');
      expect(databaseFailure(err)?.message).toMatch(/^The database server is unavailable \(.+\): the connection broke before the change was confirmed\. Check that the server runs and has free disk space/);
    }
  });

  it('leaves everything else to its caller: our own errors, constraint violations, bugs', () => {
    for (const err of [
      new AppError('conflict', 'example.test. changed since you loaded it'),
      known('P2002', 'Unique constraint failed on the fields: (`name`)'),
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      pgError('23514', 'new row violates check constraint'),
    ]) {
      expect(databaseFailure(err)).toBeNull();
      expect(isTransientConflict(err)).toBe(false);
    }
  });
});

describe('isForeignKeyViolation', () => {
  // The worker logged "NOTIFY attempt failed" as an error when a zone was deleted while its NOTIFY was under way.
  it('knows a write naming a zone that is gone, as this database reports it, and nothing else', async () => {
    const err: unknown = await db()
      .zoneEvent.create({ data: { zoneId: 2_000_000_000, zoneName: 'gone.example.', kind: 'notify-out', peer: '192.0.2.1:53', outcome: 'ok' } })
      .then(() => null, (e: unknown) => e);
    expect(err).not.toBeNull();
    expect(isForeignKeyViolation(err)).toBe(true);
    expect(isForeignKeyViolation(pgError('23503', 'insert or update on table "ZoneEvent" violates foreign key constraint'))).toBe(true);
    expect(isForeignKeyViolation(known('P2002', 'Unique constraint failed'))).toBe(false);
    expect(isForeignKeyViolation(new Error('connection reset'))).toBe(false);
  });
});
