// Found in CI: `zonekeeper record add` failed with "database is locked" while
// the worker recorded a probe between the commit's read and its write (WAL
// mode fails such a transaction at once instead of waiting).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteFile } from './config/database-url';
import { db, retryWhenLocked, writeTransaction } from './db';

describe('retryWhenLocked', () => {
  it('runs a transaction again when SQLite says the database is locked', async () => {
    let calls = 0;
    const result = await retryWhenLocked(async () => {
      if (++calls < 3) throw new Error('Invalid `tx.zone.updateMany()` invocation: database is locked');
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(calls).toBe(3);
  });

  it('passes any other failure through at once, and gives up on a lock that stays', async () => {
    let calls = 0;
    await expect(retryWhenLocked(async () => (calls++, Promise.reject(new Error('UNIQUE constraint failed'))))).rejects.toThrow(/UNIQUE/);
    expect(calls).toBe(1);
    calls = 0;
    await expect(retryWhenLocked(async () => (calls++, Promise.reject(new Error('database is locked'))), 3)).rejects.toThrow(/locked/);
    expect(calls).toBe(3);
  });
});

describe('writeTransaction', () => {
  it('runs again, and commits, when another connection wrote between its read and its write (real SQLite)', async () => {
    await db().setting.upsert({ where: { key: 'probe-count' }, create: { key: 'probe-count', value: '0' }, update: {} });
    // Another process on the same file, as the worker is to the web app.
    const other = new Database(sqliteFile());
    let calls = 0;
    try {
      const value = await writeTransaction(async (tx) => {
        calls++;
        const current = await tx.setting.findUniqueOrThrow({ where: { key: 'probe-count' } });
        if (calls === 1) other.prepare("UPDATE Setting SET value = '41' WHERE key = 'probe-count'").run();
        const next = String(Number(current.value) + 1);
        await tx.setting.update({ where: { key: 'probe-count' }, data: { value: next } });
        return next;
      });
      // The first run read 0 and could not write; the second read the other connection's 41.
      expect(calls).toBe(2);
      expect(value).toBe('42');
      expect((await db().setting.findUniqueOrThrow({ where: { key: 'probe-count' } })).value).toBe('42');
    } finally {
      other.close();
    }
  });
});
