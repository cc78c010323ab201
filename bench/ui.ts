// Web app response times with a big installation: seeds 10,000 zones and one
// zone of 50,000 records into a fresh database, starts the product (`npm
// start`'s entry point) on it, signs in with a session cookie, and times the
// pages operators load all day. Prints the median and 95th percentile of each
// against the 300 ms target. A benchmark, not a test: it never fails on time.
//
// Usage (through bench/ui.sh): tsx bench/ui.ts [--zones N] [--records N] [--runs N]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { numberOption } from './shared/options.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ZONES = numberOption('zones', 10_000);
const RECORDS = numberOption('records', 50_000);
const RUNS = numberOption('runs', 15);
const BIG = 'big-zone.test.';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-ui-'));
process.env.ZK_DATA_DIR = dir;
process.env.DATABASE_URL = `file:${path.join(dir, 'zk.db')}`;
process.env.ZK_CONTROL_PORT = '1'; // no worker to nudge while seeding

const { migrateDatabase } = await import('../lib/setup/database.ts');
const { db, disconnectDb } = await import('../lib/db.ts');
const { createUser } = await import('../lib/auth/users.ts');
const { createZone } = await import('../lib/zones/zone-lifecycle.ts');
const { createSession } = await import('../lib/auth/session-store.ts');
const { freePort } = await import('../lib/testing/bind.ts');
const { pageLines, timePages } = await import('./shared/page-times.ts');
const { seedReplicaStatus } = await import('./shared/seed.ts');

const now = () => performance.now();

async function seed(): Promise<void> {
  const t0 = now();
  await migrateDatabase();
  const admin = await createUser('admin', 'bench-admin-password', 'admin');
  // Bulk rows in chunks: the data the pages read, not the change service's
  // journal of how it got there (creating 10,000 zones one by one takes minutes).
  const stamp = new Date();
  for (let start = 0; start < ZONES; start += 1000) {
    const rows = [];
    for (let i = start; i < Math.min(ZONES, start + 1000); i++) {
      rows.push({
        name: `zone-${String(i).padStart(5, '0')}.example.`,
        kind: i % 10 === 9 ? 'secondary' : 'primary',
        serial: BigInt(2026112500 + (i % 97)),
        soaMname: 'ns1.example.net.',
        soaRname: 'hostmaster.example.net.',
        soaRefresh: 10800,
        soaRetry: 3600,
        soaExpire: 1209600,
        soaMinimum: 3600,
        soaTtl: 3600,
        defaultTtl: 3600,
        updatedAt: new Date(stamp.getTime() - i * 60_000),
      });
    }
    await db().zone.createMany({ data: rows });
  }
  const ids = await db().zone.findMany({ select: { id: true, name: true } });
  for (let start = 0; start < ids.length; start += 2000) {
    await db().record.createMany({
      data: ids.slice(start, start + 2000).flatMap(({ id, name }) => [
        { zoneId: id, name, type: 'NS', ttl: 3600, content: 'ns1.example.net.' },
        { zoneId: id, name, type: 'NS', ttl: 3600, content: 'ns2.example.net.' },
      ]),
    });
  }
  await createZone({ name: BIG, nameservers: ['ns1.example.net.', 'ns2.example.net.'] }, { userId: admin.id, name: admin.name });
  const big = await db().zone.findUniqueOrThrow({ where: { name: BIG } });
  for (let start = 0; start < RECORDS; start += 5000) {
    const data = [];
    for (let i = start; i < Math.min(RECORDS, start + 5000); i++) {
      const type = i % 5 === 4 ? 'AAAA' : i % 7 === 6 ? 'TXT' : 'A';
      const content = type === 'A' ? `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` : type === 'AAAA' ? `2001:db8::${i.toString(16)}` : `"host ${i}"`;
      data.push({ zoneId: big.id, name: `host${i}.${BIG}`, type, ttl: 3600, content });
    }
    await db().record.createMany({ data });
  }
  await disconnectDb();
  // Two secondaries per primary zone, as the prober would have recorded them: what /replication reads.
  await seedReplicaStatus(process.env.DATABASE_URL!);
  console.log(`seeded ${ZONES} zones, their secondaries' status and ${BIG} with ${RECORDS} records in ${((now() - t0) / 1000).toFixed(1)} s`);
}

async function waitFor(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${ms / 1000} s`);
}

async function main(): Promise<void> {
  await seed();
  // A session of the first user, as if they had signed in.
  const { token } = await createSession(1, { address: '127.0.0.1', userAgent: 'bench/ui.ts' });
  const cookie = `zk_session=${token}`;
  const port = await freePort('127.0.0.1');
  const env = {
    ...process.env,
    PORT: String(port),
    ZK_DNS_LISTEN: `127.0.0.1:${await freePort('127.0.0.1')}`,
    ZK_CONTROL_PORT: String(await freePort('127.0.0.1')),
    NEXT_TELEMETRY_DISABLED: '1',
  };
  console.log('starting the product (builds the web app first if its sources changed)…');
  const product = spawn(process.execPath, ['--import', 'tsx', 'lib/start/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  product.stdout.on('data', (b: Buffer) => (log += b));
  product.stderr.on('data', (b: Buffer) => (log += b));
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/login`, 600_000);
    const pages = [
      ['zone list', '/zones'],
      ['zone list, page 100', '/zones?page=100'],
      ['zone search', '/zones?q=zone-04242'],
      ['zone list by last change', '/zones?sort=changed&dir=desc'],
      [`big zone (${RECORDS} records)`, `/zones/${BIG.slice(0, -1)}`],
      ['big zone, filtered', `/zones/${BIG.slice(0, -1)}?q=host4999`],
      ['big zone history', `/zones/${BIG.slice(0, -1)}/history`],
      ['replication dashboard', '/replication'],
    ] as const;
    console.log('');
    for (const line of pageLines(await timePages(base, cookie, pages, RUNS))) console.log(line);
  } catch (err) {
    console.error(String(err));
    console.error(log.split('\n').slice(-40).join('\n'));
    process.exitCode = 1;
  } finally {
    try {
      process.kill(-product.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 1000));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
