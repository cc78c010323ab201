// Vitest global setup of the `mariadb` project: one private MariaDB server for
// the whole run, with a migrated database "zk_base" that every test file
// copies (createDatabaseFrom), as pg-global-setup.ts does for PostgreSQL.
import type { TestProject } from 'vitest/node';
import { migrateMysql } from '../setup/migrate-mysql';
import { createDatabase, requireMariadb, startMariadb } from './mariadb';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const programs = requireMariadb();
  // vitest.config.ts leaves this project out when MariaDB is missing; this is a second guard.
  if (!programs) throw new Error('MariaDB is not installed: the mariadb test project cannot run');
  const server = await startMariadb(programs);
  let base: string;
  try {
    base = await createDatabase(server, 'zk_base');
    await migrateMysql(server.url(base));
  } catch (err) {
    await server.stop();
    throw err;
  }
  project.provide('mariadb', { admin: server.url(''), template: base });
  return () => server.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    mariadb: { admin: string; template: string };
  }
}
