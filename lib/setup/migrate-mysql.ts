// MySQL/MariaDB migrations: prisma/mysql/migrations, applied in order through
// the `mariadb` driver and recorded in `zk_migrations`, so that a second run
// applies nothing.
// MySQL commits every DDL statement by itself, so a migration cannot be one
// transaction as on PostgreSQL. Instead each statement is recorded in
// `zk_migration_steps` once it has run: a migration that fails part-way
// (a full disk, a server restart) leaves the statements before the failed one
// applied and recorded, and the next start carries on at the failed one. That
// is the documented recovery: fix the cause the error names, start again.
// A statement that changes only data is recorded in its own transaction; one
// with DDL is recorded right after (MySQL ends the transaction around DDL).
// GET_LOCK serialises processes that start at the same moment; it belongs to
// the runner's connection and ends with it.
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mariadb';
import { databaseUrl, mysqlConnection, redactedUrl } from '../config/database-url';
import { readOnlyError } from '../db-errors';
import { listMigrations, type MigrationResult } from './migrate';

export const MYSQL_MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/mysql/migrations');

const LOCK_NAME = 'zonekeeper-migrate';
const LOCK_WAIT_S = 120;

async function connect(url: string): Promise<Connection> {
  // Loaded here, not at the top: a process on SQLite (every CLI command) never needs the driver.
  const { default: driver } = await import('mariadb');
  return driver.createConnection({ ...mysqlConnection(url), connectTimeout: 15_000, multipleStatements: false });
}

/** The statements of one migration file, in order: split at `;` ending a line, `--` comment lines dropped. */
export function migrationStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
    .split(/;[ \t]*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const DDL = /^\s*(CREATE|ALTER|DROP|RENAME|TRUNCATE)\b/i;

export async function migrateMysql(url = databaseUrl(), dir = MYSQL_MIGRATIONS_DIR): Promise<MigrationResult> {
  const conn = await connect(url);
  try {
    // Every caller writes (the web app, a read-write worker, the CLI). On a replica, say so now
    // rather than fail at the first write later, or, as root, write there and break replication.
    const [server] = await conn.query<{ readOnly: number | bigint }[]>('SELECT @@GLOBAL.read_only AS readOnly');
    if (Number(server?.readOnly)) throw readOnlyError(undefined, redactedUrl(url));
    const [lock] = await conn.query<{ ok: number | bigint | null }[]>(`SELECT GET_LOCK(?, ?) AS ok`, [LOCK_NAME, LOCK_WAIT_S]);
    if (Number(lock?.ok) !== 1) throw new Error(`another process has been migrating this database for ${LOCK_WAIT_S} s; start again once it is done`);
    await conn.query(
      'CREATE TABLE IF NOT EXISTS `zk_migrations` (`name` VARCHAR(191) NOT NULL PRIMARY KEY, ' +
        '`appliedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
    );
    await conn.query(
      'CREATE TABLE IF NOT EXISTS `zk_migration_steps` (`name` VARCHAR(191) NOT NULL, `step` INT NOT NULL, ' +
        'PRIMARY KEY (`name`, `step`)) ENGINE=InnoDB DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
    );
    const done = new Set((await conn.query<{ name: string }[]>('SELECT `name` FROM `zk_migrations`')).map((r) => r.name));
    const applied: string[] = [];
    for (const name of listMigrations(dir)) {
      if (done.has(name)) continue;
      await applyMigration(conn, name, fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8'));
      applied.push(name);
    }
    return { applied };
  } finally {
    // Ending the session releases GET_LOCK too.
    await conn.end().catch(() => conn.destroy());
  }
}

async function applyMigration(conn: Connection, name: string, sql: string): Promise<void> {
  const statements = migrationStatements(sql);
  const steps = new Set(
    (await conn.query<{ step: number }[]>('SELECT `step` FROM `zk_migration_steps` WHERE `name` = ?', [name])).map((r) => Number(r.step)),
  );
  for (const [i, statement] of statements.entries()) {
    const step = i + 1;
    if (steps.has(step)) continue;
    try {
      if (DDL.test(statement)) {
        await conn.query(statement);
        await conn.query('INSERT INTO `zk_migration_steps` (`name`, `step`) VALUES (?, ?)', [name, step]);
      } else {
        await conn.beginTransaction();
        await conn.query(statement);
        await conn.query('INSERT INTO `zk_migration_steps` (`name`, `step`) VALUES (?, ?)', [name, step]);
        await conn.commit();
      }
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw new Error(
        `Migration ${name} failed at statement ${step} of ${statements.length}; statements 1 to ${step - 1} are applied and recorded ` +
          `(MySQL commits each DDL statement). Fix the cause and start again: the migration resumes at statement ${step}. ` +
          `Cause: ${(err as Error).message}`,
      );
    }
  }
  await conn.beginTransaction();
  await conn.query('INSERT INTO `zk_migrations` (`name`) VALUES (?)', [name]);
  await conn.query('DELETE FROM `zk_migration_steps` WHERE `name` = ?', [name]);
  await conn.commit();
}

/** Migrations not yet applied, without writing anything (a read-only worker on a replica). */
export async function pendingMysql(url = databaseUrl(), dir = MYSQL_MIGRATIONS_DIR): Promise<string[]> {
  const conn = await connect(url);
  try {
    const [exists] = await conn.query<{ n: number | bigint }[]>(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'zk_migrations'",
    );
    const done = Number(exists?.n)
      ? new Set((await conn.query<{ name: string }[]>('SELECT `name` FROM `zk_migrations`')).map((r) => r.name))
      : new Set<string>();
    return listMigrations(dir).filter((n) => !done.has(n));
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}
