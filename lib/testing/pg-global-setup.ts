// Vitest global setup of the `postgres` project: one real PostgreSQL cluster
// for the whole run, with a migrated database "zk_base" that every test file
// copies (CREATE DATABASE … TEMPLATE), as global-setup.ts does for SQLite.
import type { TestProject } from 'vitest/node';
import { migratePostgres } from '../setup/migrate-pg';
import { pgQuery, requirePostgres, startCluster, type PgCluster } from './postgres';

export const BASE_DB = 'zk_base';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bin = requirePostgres();
  if (!bin) {
    // vitest.config.ts leaves this project out when PostgreSQL is missing; this is a second guard.
    throw new Error('PostgreSQL is not installed: the postgres test project cannot run');
  }
  const cluster: PgCluster = await startCluster(bin);
  try {
    await pgQuery(cluster.url(), `CREATE DATABASE "${BASE_DB}"`);
    await migratePostgres(cluster.url(BASE_DB));
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  project.provide('pg', { admin: cluster.url(), port: cluster.port, template: BASE_DB, bin });
  return () => cluster.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { admin: string; port: number; template: string; bin: string };
  }
}
