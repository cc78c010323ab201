// The background checkpoint of a worker's SQLite file (db.ts checkpointInBackground):
// with the commits' own checkpoints turned off, the thread must keep copying the
// write-ahead log into the file, or the log grows with every write for good.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteFile } from './config/database-url';
import { checkpointInBackground, db } from './db';

const ROUND_ROWS = 60;
/** A row of about 2 KB: a round of writes adds some 120 KB to the log. */
const payload = 'x'.repeat(2000);

describe('checkpointInBackground', () => {
  let stop: (() => Promise<void>) | null = null;
  afterAll(async () => {
    await stop?.();
  });

  it('copies the log into the file after writes, so that later writes reuse the log rather than grow it', async () => {
    stop = await checkpointInBackground();
    await db().$executeRawUnsafe('CREATE TABLE "CheckpointScratch" ("x" TEXT)');
    const wal = `${sqliteFile()}-wal`;
    const sizes: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < ROUND_ROWS; i++) await db().$executeRawUnsafe('INSERT INTO "CheckpointScratch" ("x") VALUES (?)', payload);
      sizes.push(fs.statSync(wal).size);
      // The thread checkpoints once a second; a log copied in full starts again from its beginning.
      await new Promise((r) => setTimeout(r, 1500));
    }
    const round = sizes[0]!;
    expect(round).toBeGreaterThan(ROUND_ROWS * payload.length);
    // Without the checkpoints the log would hold all four rounds.
    expect(sizes.at(-1)!).toBeLessThan(2.5 * round);
  });
});
