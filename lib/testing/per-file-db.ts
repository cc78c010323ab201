// Runs before each test file: a private copy of the migrated base database
// and a private data folder, so files never share state. SQLite: a copy of the
// base file. PostgreSQL and MariaDB (the `postgres` and `mariadb` vitest
// projects, ZK_TEST_DB=postgres|mariadb): a database copied from the migrated
// base on the run's server (test-databases.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, inject } from 'vitest';
import { disconnectDb } from '../db';
import { copyTestDatabase, type TestDatabase } from './test-databases';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-test-'));
let serverDatabase: TestDatabase | null = null;
if (process.env.ZK_TEST_DB === 'postgres' || process.env.ZK_TEST_DB === 'mariadb') {
  const server = process.env.ZK_TEST_DB === 'postgres' ? inject('pg') : inject('mariadb');
  // Also for helpers that need databases of their own (worker-process.ts).
  process.env.ZK_TEST_DB_ADMIN = server.admin;
  process.env.ZK_TEST_DB_TEMPLATE = server.template;
  serverDatabase = await copyTestDatabase();
  process.env.DATABASE_URL = serverDatabase!.url;
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
  await serverDatabase?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});
