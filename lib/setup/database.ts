// Brings the configured database to the current schema. The one entry point
// for start-up, the worker, the CLI and the tests. Each provider has its own
// migrations folder (prisma/migrations for SQLite, prisma/postgres/migrations).
import { databaseProvider, databaseUrl, redactedUrl } from '../config/database-url';
import { readOnly } from '../config/env';
import { migrateSqlite, pendingSqlite, type MigrationResult } from './migrate';
import { migratePostgres, pendingPostgres } from './migrate-pg';

export async function migrateDatabase(): Promise<MigrationResult> {
  const url = databaseUrl();
  // A read-only process (a worker on a hot standby) must not write, and a
  // standby refuses writes anyway: check instead, and refuse to run on a
  // schema older than the code.
  if (readOnly()) {
    await requireCurrentSchema();
    return { applied: [] };
  }
  return databaseProvider(url) === 'postgresql' ? migratePostgres(url) : migrateSqlite();
}

export async function requireCurrentSchema(): Promise<void> {
  const url = databaseUrl();
  const pending = databaseProvider(url) === 'postgresql' ? await pendingPostgres(url) : pendingSqlite();
  if (pending.length) {
    throw new Error(
      `the database ${redactedUrl(url)} lacks ${pending.length} migration(s) (${pending.join(', ')}) and ZK_READ_ONLY is set, ` +
        'so this process will not apply them: start a read-write process (npm start or npm run worker) against the primary database first',
    );
  }
}
