// PostgreSQL migrations: prisma/postgres/migrations, applied in order through
// the `pg` driver, each in its own transaction, recorded in "zk_migrations" so
// that a second run applies nothing. `prisma migrate deploy` cannot do this
// offline on PostgreSQL (prisma/orm#27403): our machines reach the npm
// registry but not Prisma's binary downloads.
// An advisory lock serialises processes that start at the same moment (the web
// app's start-up, several workers, a CLI call): the second waits, then finds
// nothing left to apply.
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { databaseUrl } from '../config/database-url';
import { listMigrations, type MigrationResult } from './migrate';

export const PG_MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/postgres/migrations');

/** Any fixed 64-bit key: "zkmigr" in ASCII (decimal: PostgreSQL 15 has no hex literals). */
const LOCK_KEY = '134601815713650';

async function connect(url: string): Promise<pg.Client> {
  // Loaded here, not at the top: a process on SQLite (every CLI command) never needs the driver (lib/db-adapters.ts).
  const { default: driver } = await import('pg');
  const client = new driver.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  await client.connect();
  return client;
}

export async function migratePostgres(url = databaseUrl(), dir = PG_MIGRATIONS_DIR): Promise<MigrationResult> {
  const client = await connect(url);
  try {
    await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS "zk_migrations" ("name" TEXT NOT NULL PRIMARY KEY, "appliedAt" TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ name: string }>('SELECT "name" FROM "zk_migrations"')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const name of listMigrations(dir)) {
      if (done.has(name)) continue;
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      // PostgreSQL's DDL is transactional: a failure anywhere undoes the whole file.
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO "zk_migrations" ("name") VALUES ($1)', [name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(
          `Migration ${name} failed and was rolled back; the database is as it was before it. ` +
            `Cause: ${(err as Error).message}`,
        );
      }
      applied.push(name);
    }
    return { applied };
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end().catch(() => undefined);
  }
}

/** Migrations not yet applied, without writing anything (a read-only worker on a hot standby). */
export async function pendingPostgres(url = databaseUrl(), dir = PG_MIGRATIONS_DIR): Promise<string[]> {
  const client = await connect(url);
  try {
    const exists = await client.query(`SELECT to_regclass('"zk_migrations"') IS NOT NULL AS ok`);
    const done = exists.rows[0]?.ok
      ? new Set((await client.query<{ name: string }>('SELECT "name" FROM "zk_migrations"')).rows.map((r) => r.name))
      : new Set<string>();
    return listMigrations(dir).filter((n) => !done.has(n));
  } finally {
    await client.end().catch(() => undefined);
  }
}
