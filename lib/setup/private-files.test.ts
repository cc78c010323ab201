// Who can read the files that hold password hashes, TSIG secrets and keys:
// only their owner, from the first start on and after a start on an old,
// world-readable installation. Checked through the CLI, which starts up the
// way `npm start` and the worker do (lib/setup/database.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runZonekeeper } from '../testing/run-program';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

function freshDir(): string {
  // A folder others may read, as a home directory usually is.
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-private-'));
  fs.chmodSync(parent, 0o755);
  return parent;
}

function envFor(dataDir: string, dbFile: string): NodeJS.ProcessEnv {
  return { ...process.env, ZK_DATA_DIR: dataDir, DATABASE_URL: `file:${dbFile}`, ZK_CONTROL_PORT: '1' };
}

describe('private files', () => {
  // Before: zonekeeper.db, -wal and -shm were 0644 and the data folder 0755.
  it('a first start creates the data folder 0700 and the database files 0600', { timeout: 60_000 }, async () => {
    const parent = freshDir();
    const data = path.join(parent, 'data');
    const db = path.join(parent, 'db', 'zk.db');
    const r = await runZonekeeper(['zone', 'create', 'private.test'], { env: envFor(data, db) });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/made private/);
    expect(mode(data)).toBe(0o700);
    expect(mode(path.dirname(db))).toBe(0o700);
    for (const f of [db, `${db}-wal`, `${db}-shm`].filter((f) => fs.existsSync(f))) expect(mode(f), f).toBe(0o600);
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('a start on an old 0644 installation makes its files private and says so', { timeout: 60_000 }, async () => {
    const parent = freshDir();
    const data = path.join(parent, 'data');
    fs.mkdirSync(data, { mode: 0o755 });
    fs.chmodSync(data, 0o755);
    const db = path.join(data, 'zonekeeper.db');
    // An installation from before: the database, its WAL files and a secret, all world-readable.
    const conn = new Database(db);
    conn.pragma('journal_mode = WAL');
    conn.exec('CREATE TABLE t (x)');
    conn.close();
    for (const f of [`${db}-wal`, `${db}-shm`]) fs.writeFileSync(f, '');
    fs.writeFileSync(path.join(data, 'control-secret'), `${'k'.repeat(43)}\n`);
    for (const f of [db, `${db}-wal`, `${db}-shm`, path.join(data, 'control-secret')]) fs.chmodSync(f, 0o644);

    const r = await runZonekeeper(['zone', 'list'], { env: envFor(data, db) });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`made private .*${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 755 → 700`));
    expect(r.stderr).toMatch(/zonekeeper\.db: 644 → 600/);
    expect(mode(data)).toBe(0o700);
    for (const f of [db, `${db}-wal`, `${db}-shm`, path.join(data, 'control-secret')].filter((f) => fs.existsSync(f))) {
      expect(mode(f), f).toBe(0o600);
    }
    // A second start has nothing left to fix.
    const again = await runZonekeeper(['zone', 'list'], { env: envFor(data, db) });
    expect(again.stderr).not.toMatch(/made private/);
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('leaves a shared folder named in DATABASE_URL alone, but not the database in it', { timeout: 60_000 }, async () => {
    const parent = freshDir();
    const data = path.join(parent, 'data');
    const db = path.join(parent, 'zk.db');
    const r = await runZonekeeper(['zone', 'list'], { env: envFor(data, db) });
    expect(r.status, r.stderr).toBe(0);
    expect(mode(parent)).toBe(0o755);
    expect(mode(db)).toBe(0o600);
    fs.rmSync(parent, { recursive: true, force: true });
  });

  // Before: a short control-secret was used as it was (the fallback re-read it).
  it('refuses a secret file shorter than 32 bytes, saying what to do', { timeout: 60_000 }, async () => {
    const parent = freshDir();
    const data = path.join(parent, 'data');
    fs.mkdirSync(data, { mode: 0o700 });
    fs.writeFileSync(path.join(data, 'control-secret'), 'short\n', { mode: 0o600 });
    const env = envFor(data, path.join(data, 'zk.db'));
    expect((await runZonekeeper(['zone', 'create', 'private.test'], { env })).status).toBe(0);
    const r = await runZonekeeper(['notify', 'private.test'], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/control-secret holds 5 bytes; a secret needs at least 32\. Delete the file/);
    fs.rmSync(parent, { recursive: true, force: true });
  });
});
