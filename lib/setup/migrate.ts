// Applies the committed migrations in prisma/migrations, in order, each in its
// own transaction, and records them so that a second run applies nothing.
// We run them ourselves instead of `prisma migrate deploy`: it needs no CLI
// process at start-up and works the same way on every database we support.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sqliteFile } from '../config/database-url';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../prisma/migrations');

export interface MigrationResult {
  applied: string[];
}

export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort();
}

export function migrateSqlite(file = sqliteFile(), dir = MIGRATIONS_DIR): MigrationResult {
  const conn = new Database(file);
  try {
    conn.pragma('journal_mode = WAL');
    conn.exec(
      'CREATE TABLE IF NOT EXISTS "zk_migrations" ("name" TEXT NOT NULL PRIMARY KEY, "appliedAt" TEXT NOT NULL)',
    );
    const done = new Set(
      (conn.prepare('SELECT "name" FROM "zk_migrations"').all() as { name: string }[]).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const name of listMigrations(dir)) {
      if (done.has(name)) continue;
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const apply = conn.transaction(() => {
        conn.exec(sql);
        const broken = conn.pragma('foreign_key_check') as unknown[];
        if (broken.length) throw new Error(`${broken.length} rows would break foreign keys: ${JSON.stringify(broken.slice(0, 3))}`);
        conn.prepare('INSERT INTO "zk_migrations" ("name", "appliedAt") VALUES (?, ?)').run(name, new Date().toISOString());
      });
      // SQLite rebuilds a table to alter it (create new, copy, drop old). With
      // foreign keys enforced, dropping the old table would cascade-delete every
      // row that refers to it, and the pragma is a no-op inside a transaction,
      // so switch enforcement off around the transaction and check by hand.
      conn.pragma('foreign_keys = OFF');
      try {
        apply();
      } catch (err) {
        throw new Error(
          `Migration ${name} failed and was rolled back; the database is as it was before it. ` +
            `Cause: ${(err as Error).message}`,
        );
      } finally {
        conn.pragma('foreign_keys = ON');
      }
      applied.push(name);
    }
    return { applied };
  } finally {
    conn.close();
  }
}

/** Migrations not yet applied to the SQLite file, read without writing (ZK_READ_ONLY). */
export function pendingSqlite(file = sqliteFile(), dir = MIGRATIONS_DIR): string[] {
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const table = conn.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'zk_migrations'`).get();
    const done = new Set(table ? (conn.prepare('SELECT "name" FROM "zk_migrations"').all() as { name: string }[]).map((r) => r.name) : []);
    return listMigrations(dir).filter((n) => !done.has(n));
  } finally {
    conn.close();
  }
}
