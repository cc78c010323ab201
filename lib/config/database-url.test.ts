// databaseIdentity(): what the CLI and the worker compare before the worker
// runs a command for the CLI (lib/cli/via-worker.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseIdentity } from './database-url';

describe('databaseIdentity', () => {
  it('names a SQLite file the same way however the URL reaches it', () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'zk-identity-')));
    try {
      const file = path.join(dir, 'zk.db');
      fs.writeFileSync(file, '');
      fs.symlinkSync(file, path.join(dir, 'link.db'));
      const relative = `file:${path.relative(process.cwd(), file)}`;
      expect(databaseIdentity(`file:${file}`)).toBe(`file:${file}`);
      expect(databaseIdentity(relative)).toBe(`file:${file}`);
      expect(databaseIdentity(`file:${path.join(dir, 'link.db')}`)).toBe(`file:${file}`);
      expect(databaseIdentity(`file:${path.join(dir, 'other.db')}`)).not.toBe(`file:${file}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a PostgreSQL database without its password, wherever the URL holds it', () => {
    const plain = databaseIdentity('postgresql://zk@db.example:5432/zonekeeper');
    expect(databaseIdentity('postgresql://zk:s3cret@db.example:5432/zonekeeper')).toBe(plain);
    expect(databaseIdentity('postgresql://zk@db.example:5432/zonekeeper?password=s3cret')).toBe(plain);
    expect(databaseIdentity('postgresql://zk:s3cret@db.example:5432/zonekeeper?sslmode=require&sslpassword=k3y')).not.toMatch(/s3cret|k3y/);
    expect(databaseIdentity('postgresql://zk@db.example:5432/other')).not.toBe(plain);
  });
});
