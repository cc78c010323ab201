// Runs before each test file: a private copy of the migrated base database
// and a private data folder, so files never share state. SQLite: a copy of the
// base file. PostgreSQL (the `postgres` vitest project, ZK_TEST_DB=postgres):
// a database made from the migrated template in the run's cluster.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, inject } from 'vitest';
import { disconnectDb } from '../db';
import { clusterAt, createDatabaseFrom, dropDatabase } from './postgres';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-test-'));
let pgDatabase: string | null = null;
if (process.env.ZK_TEST_DB === 'postgres') {
  const pg = inject('pg');
  const cluster = clusterAt(pg.admin);
  pgDatabase = await createDatabaseFrom(cluster, pg.template);
  process.env.DATABASE_URL = cluster.url(pgDatabase);
  // For helpers that need databases of their own (worker-process.ts).
  process.env.ZK_TEST_PG_ADMIN = pg.admin;
  process.env.ZK_TEST_PG_TEMPLATE = pg.template;
  process.env.ZK_TEST_PG_BIN = pg.bin;
} else {
  const file = path.join(dir, 'zonekeeper.db');
  fs.copyFileSync(inject('baseDb'), file);
  // Private, as a real start leaves it (lib/setup/private-files.ts), so processes the tests start have nothing to fix.
  fs.chmodSync(file, 0o600);
  process.env.DATABASE_URL = `file:${file}`;
}
process.env.ZK_DATA_DIR = dir;
// Nothing listens here unless a test starts a worker and sets the real port.
process.env.ZK_CONTROL_PORT = '1';
process.env.ZK_DNS_LISTEN = '127.0.0.1:1'; // port 0 is refused (lib/dns/address.ts)
process.env.ZK_LOG_LEVEL ??= 'silent';

afterAll(async () => {
  await disconnectDb();
  if (pgDatabase) {
    await dropDatabase(clusterAt(process.env.ZK_TEST_PG_ADMIN!), pgDatabase).catch(() => undefined);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
