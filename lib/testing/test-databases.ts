// Databases of a test run's server, for the postgres and mariadb vitest
// projects: each test file (per-file-db.ts) and each worker process a test
// starts (worker-process.ts) gets a private copy of the run's migrated base
// database. The server and the base are found through the environment that
// per-file-db.ts sets from the project's global setup.
import * as my from './mariadb';
import * as pg from './postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A copy of the migrated base on the run's PostgreSQL or MariaDB server, or null under SQLite. */
export async function copyTestDatabase(prefix = 'zk'): Promise<TestDatabase | null> {
  const kind = process.env.ZK_TEST_DB;
  const admin = process.env.ZK_TEST_DB_ADMIN;
  const template = process.env.ZK_TEST_DB_TEMPLATE;
  if (!kind || !admin || !template) return null;
  if (kind === 'postgres') {
    const cluster = pg.clusterAt(admin);
    const name = await pg.createDatabaseFrom(cluster, template, prefix);
    return { url: cluster.url(name), drop: () => pg.dropDatabase(cluster, name).catch(() => undefined) };
  }
  if (kind === 'mariadb') {
    const server = my.serverAt(admin);
    const name = await my.createDatabaseFrom(server, template, prefix);
    return { url: server.url(name), drop: () => my.dropDatabase(server, name).catch(() => undefined) };
  }
  throw new Error(`ZK_TEST_DB=${kind}: unknown test database`);
}
