// Brings the configured database to the current schema. The one entry point
// for start-up, the worker, the CLI and the tests. Each provider has its own
// migrations folder (prisma/migrations for SQLite, prisma/postgres/migrations,
// prisma/mysql/migrations).
import { databaseProvider, databaseUrl, redactedUrl, type DatabaseProvider } from '../config/database-url';
import { readOnly } from '../config/env';
import { disconnectDb } from '../db';
import { migrateSqlite, pendingSqlite, type MigrationResult } from './migrate';
import { migrateMysql, pendingMysql } from './migrate-mysql';
import { migratePostgres, pendingPostgres } from './migrate-pg';
import { securePrivateFiles } from './private-files';

export interface StartupResult {
  /** Migrations applied now. */
  applied: string[];
  /** Files and folders whose modes were tightened (an installation from before they were made private). */
  secured: string[];
}

export async function migrateDatabase(): Promise<StartupResult> {
  const url = databaseUrl();
  // A read-only process (a worker on a hot standby) must not write, and a
  // standby refuses writes anyway: check instead, and refuse to run on a
  // schema older than the code.
  if (readOnly()) {
    const secured = securePrivateFiles({ createDatabase: false });
    await requireCurrentSchema();
    return { applied: [], secured };
  }
  const secured = securePrivateFiles();
  const { applied } = await RUNNERS[databaseProvider(url)].migrate(url);
  return { applied, secured };
}

/** Each database's migration runner, and its read-only check of what is left to apply. */
const RUNNERS: Record<DatabaseProvider, { migrate(url: string): Promise<MigrationResult> | MigrationResult; pending(url: string): Promise<string[]> | string[] }> = {
  sqlite: { migrate: () => migrateSqlite(), pending: () => pendingSqlite() },
  postgresql: { migrate: migratePostgres, pending: pendingPostgres },
  mysql: { migrate: migrateMysql, pending: pendingMysql },
};

export async function requireCurrentSchema(): Promise<void> {
  const url = databaseUrl();
  const missing = await RUNNERS[databaseProvider(url)].pending(url);
  if (missing.length) {
    throw new Error(
      `the database ${redactedUrl(url)} lacks ${missing.length} migration(s) (${missing.join(', ')}) and ZK_READ_ONLY is set, ` +
        'so this process will not apply them: start a read-write process (npm start or npm run worker) against the primary database first',
    );
  }
}

/** Closes the database client, as a process that is done with it (a CLI command) does last. */
export async function closeDatabase(): Promise<void> {
  await disconnectDb();
}
