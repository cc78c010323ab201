// Runs before each test file: a private copy of the migrated base database
// and a private data folder, so files never share state.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, inject } from 'vitest';
import { disconnectDb } from '../db';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-test-'));
const file = path.join(dir, 'zonekeeper.db');
fs.copyFileSync(inject('baseDb'), file);
process.env.DATABASE_URL = `file:${file}`;
process.env.ZK_DATA_DIR = dir;
// Nothing listens here unless a test starts a worker and sets the real port.
process.env.ZK_CONTROL_PORT = '1';
process.env.ZK_DNS_LISTEN = '127.0.0.1:0';
process.env.ZK_LOG_LEVEL ??= 'silent';

afterAll(async () => {
  await disconnectDb();
  fs.rmSync(dir, { recursive: true, force: true });
});
