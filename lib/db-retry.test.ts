// Found in CI: `zonekeeper record add` failed with "database is locked" while
// the worker recorded a probe between the commit's read and its write (WAL
// mode fails such a transaction at once instead of waiting).
import { describe, expect, it } from 'vitest';
import { retryWhenLocked } from './db';

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
