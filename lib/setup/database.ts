// Brings the configured database to the current schema. The one entry point
// for start-up, the worker, the CLI and the tests.
import { databaseUrl, isSqlite } from '../config/database-url';
import { migrateSqlite, type MigrationResult } from './migrate';

export async function migrateDatabase(): Promise<MigrationResult> {
  const url = databaseUrl();
  if (!isSqlite(url)) throw new Error(`Unsupported DATABASE_URL ${url.split(':')[0]}: use a file: URL for SQLite`);
  return migrateSqlite();
}
