// Found on a server whose disk filled up: after one commit failed with
// SQLITE_FULL every later transaction of the process waited forever (Prisma's
// SQLite adapter kept its transaction lock); the web app's commits hung until
// it was restarted. Here the real web server (lib/start/web-server.ts) runs on
// a database on a small tmpfs that the test fills and frees, and commits
// through the change service by the zone import's HTTP route.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession } from '../auth/session-store';
import { createUser } from '../auth/users';
import { db, disconnectDb } from '../db';
import { mountSmallDisk } from '../testing/small-disk';
import { startWebServer, type WebServerProcess } from '../testing/web-server';
import { createZone } from '../zones/zone-lifecycle';

const Z = 'web-full.test.';
const disk = mountSmallDisk(16);
const file = path.join(disk?.dir ?? '', 'zonekeeper.db');
const fullMessage = `The database disk is full (${file}): nothing was changed. Free space on that disk and try again.`;
/** The zone file the user imports: far more than the full disk has room for. */
const zoneFile = [`$ORIGIN ${Z}`, `@ 300 IN NS ns1.example.net.`]
  .concat(Array.from({ length: 4000 }, (_, i) => `h${i} 300 IN TXT "${'w'.repeat(120)} ${i}"`))
  .join('\n');

describe.skipIf(!disk)('the web app on a disk that fills up', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-web-full-'));
  const previousUrl = process.env.DATABASE_URL;
  let web: WebServerProcess | undefined;
  let base = '';
  let cookie = '';

  beforeAll(async () => {
    fs.copyFileSync(inject('baseDb'), file);
    fs.chmodSync(file, 0o600);
    await disconnectDb();
    process.env.DATABASE_URL = `file:${file}`;
    const user = await createUser('full-admin', 'full-admin-password', 'admin');
    await createZone({ name: Z, nameservers: ['ns1.example.net.'] }, { name: 'test' });
    web = await startWebServer({ DATABASE_URL: `file:${file}`, ZK_DATA_DIR: dataDir });
    base = web.base;
    cookie = `zk_session=${(await createSession(user.id, { address: '127.0.0.1', userAgent: 'disk-full test' })).token}`;
  }, 600_000);

  afterAll(async () => {
    await web?.stop();
    await disconnectDb();
    process.env.DATABASE_URL = previousUrl;
    fs.rmSync(dataDir, { recursive: true, force: true });
    disk?.remove();
  });

  const serial = async () => Number((await db().zone.findUniqueOrThrow({ where: { name: Z } })).serial);

  /** Commits the whole zone file as the import page does; answers the route's JSON. */
  const commitImport = async (expectedSerial: number) => {
    const form = new FormData();
    form.set('step', 'commit');
    form.set('text', zoneFile);
    form.set('expectedSerial', String(expectedSerial));
    form.set('comment', 'bulk TXT');
    form.set('excluded', '[]');
    // Bounded: a commit stuck behind a lock that is never released must fail the test, not hang it.
    const r = await fetch(`${base}/zones/${Z.replace(/\.$/, '')}/import/upload`, { method: 'POST', headers: { cookie }, body: form, signal: AbortSignal.timeout(20_000) });
    return { status: r.status, body: (await r.json()) as { message?: string; committed?: string } };
  };

  it('refuses a commit it cannot store with the message for people, and changes nothing', async () => {
    const before = await serial();
    disk!.fill();
    const r = await commitImport(before);
    expect(r.status, web!.output().slice(-2000)).toBe(200);
    expect(r.body.message).toBe(fullMessage);
    expect(r.body.committed).toBeUndefined();
    expect(await serial()).toBe(before);
    // The pages still load: reading needs no room.
    const page = await fetch(`${base}/zones/${Z.replace(/\.$/, '')}`, { headers: { cookie } });
    expect(page.status).toBe(200);
  });

  it('commits once space is back', async () => {
    disk!.free();
    const before = await serial();
    const r = await commitImport(before);
    expect(r.body).toEqual({ committed: Z });
    expect(await serial()).toBe(before + 1);
    expect(await db().record.count({ where: { zone: { name: Z }, type: 'TXT' } })).toBe(4000);
  });

  it('stops within a few seconds on SIGTERM', async () => {
    const sent = Date.now();
    web!.child.kill('SIGTERM');
    await web!.exited;
    expect(Date.now() - sent).toBeLessThan(4000);
  });
});
