// The replication dashboard with many zones: seeds ZONES primary zones of
// RECORDS records (bench/shared/seed.ts) and what a prober would have
// recorded of their two secondaries each (seedReplicaStatus: nearly all in
// sync, a few lagging, unreachable or missing, a few with no secondaries),
// then times
//   - the reads in this process, against the database directly: the full
//     list (listReplication, what `zonekeeper replication` and /api/metrics
//     read) and what the dashboard reads for one page;
//   - the pages through the web app (built first if its sources changed),
//     signed in as an admin (sees every zone) and as an editor granted half
//     of them.
// Median and p95 of each, with the machine's load. A benchmark, not a test:
// it never fails on time, it prints.
//
// Usage (through bench/replication.sh):
//   tsx bench/replication.ts [--zones N] [--records N] [--runs N] [--postgres] [--no-web]
// --postgres starts a throwaway cluster (lib/testing/postgres.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flag, numberOption } from './shared/options.ts';
import { pageLines, quantile, timePages } from './shared/page-times.ts';
import { machineLoad, seconds } from './shared/processes.ts';
import { manyZoneNames, seedDatabase, seedReplicaStatus, smallZoneRecords } from './shared/seed.ts';

const ZONES = numberOption('zones', 50_000);
const RECORDS = numberOption('records', 20);
const RUNS = numberOption('runs', 15);
const POSTGRES = flag('postgres');
const WITH_WEB = !flag('no-web');
// Longer than the run: the seeded lagging zones stay "propagating" or "behind" as seeded.
const BEHIND_AFTER = String(86_400);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-replication-'));
const cleanups: (() => Promise<unknown>)[] = [];
const now = () => performance.now();
const log = (line: string) => console.log(`[${seconds(now())}] ${line}`);

async function databaseUrl(): Promise<string> {
  if (!POSTGRES) return `file:${path.join(work, 'zk.db')}`;
  const { findPostgresBin, pgQuery, startCluster } = await import('../lib/testing/postgres.ts');
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql');
  const cluster = await startCluster(bin);
  cleanups.push(() => cluster.stop());
  await pgQuery(cluster.url(), 'CREATE DATABASE zk_bench');
  return cluster.url('zk_bench');
}

/** Median and p95 of `runs` calls after two warm-ups; a failure is printed in their place. */
async function timeCall(label: string, fn: () => Promise<unknown>): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const t = now();
    try {
      await fn();
    } catch (err) {
      return `${label.padEnd(58)} failed: ${(err as Error).message.trim().split('\n').at(-1)}`;
    }
    if (i >= 2) times.push(now() - t);
  }
  return `${label.padEnd(58)} ${quantile(times, 0.5).toFixed(0).padStart(6)} ms ${quantile(times, 0.95).toFixed(0).padStart(6)} ms`;
}

async function main(): Promise<void> {
  const url = await databaseUrl();
  process.env.DATABASE_URL = url;
  process.env.ZK_DATA_DIR = work;
  process.env.ZK_CONTROL_PORT = '1'; // no worker to nudge
  process.env.ZK_BEHIND_AFTER = BEHIND_AFTER;
  const { migrateDatabase } = await import('../lib/setup/database.ts');
  const { createUser } = await import('../lib/auth/users.ts');
  const { createSession } = await import('../lib/auth/session-store.ts');
  const { db, disconnectDb } = await import('../lib/db.ts');
  const { Prisma } = await import('../lib/generated/prisma/client.ts');
  cleanups.push(() => disconnectDb());

  const title = `${ZONES.toLocaleString('en')} zones × ${RECORDS} records on ${POSTGRES ? 'PostgreSQL' : 'SQLite'}`;
  log(`${title}: seeding (setup, not measured)…`);
  await migrateDatabase();
  const admin = await createUser('admin', 'bench-admin-password-1', 'admin');
  const editor = await createUser('editor', 'bench-editor-password-1', 'editor');
  const names = manyZoneNames(ZONES);
  await seedDatabase(url, (function* () {
    for (let i = 0; i < names.length; i++) yield { name: names[i]!, serial: 2026120501, records: smallZoneRecords(names[i]!, RECORDS, i) };
  })());
  await seedReplicaStatus(url);
  await db().$executeRaw(Prisma.sql`INSERT INTO "ZoneGrant" ("userId", "zoneId", "createdAt") SELECT ${editor.id}, "id", ${new Date()} FROM "Zone" WHERE "id" % 2 = 0`);
  const rows = await db().replicaStatus.count();
  log(`seeded: ${ZONES} zones, ${rows} ReplicaStatus rows, ${Math.floor(ZONES / 2)} zones granted to the editor`);

  const { listReplication, listReplicationPage } = await import('../lib/replication/data.ts');
  const { counts } = await listReplicationPage();
  log(`states: ${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(', ')}`);

  console.log(`\n${title} — reads in this process, ${RUNS} runs — ${machineLoad()}`);
  console.log(`${'read'.padEnd(58)} ${'median'.padStart(9)} ${'p95'.padStart(9)}`);
  const lines = [
    await timeCall('listReplication(), every zone (CLI, /api/metrics)', () => listReplication()),
    await timeCall('dashboard, admin: listReplicationPage, page 1', () => listReplicationPage({ visibleTo: admin })),
    await timeCall('dashboard, admin: page 250', () => listReplicationPage({ visibleTo: admin, page: 250 })),
    await timeCall('dashboard, admin: state behind', () => listReplicationPage({ visibleTo: admin, state: 'behind' })),
    await timeCall('dashboard, editor of half the zones: page 1', () => listReplicationPage({ visibleTo: editor })),
  ];
  for (const l of lines) console.log(l);

  if (WITH_WEB) {
    const { startWebServer } = await import('../lib/testing/web-server.ts');
    log('starting the web app (builds it first if its sources changed)…');
    const web = await startWebServer({ DATABASE_URL: url, ZK_DATA_DIR: work, ZK_BEHIND_AFTER: BEHIND_AFTER });
    cleanups.push(() => web.stop());
    const session = async (id: number) => `zk_session=${(await createSession(id, { address: '127.0.0.1', userAgent: 'bench/replication.ts' })).token}`;
    const pages = [
      ['replication dashboard', '/replication'],
      ['replication, page 250', '/replication?page=250'],
      ['replication, state=behind', '/replication?state=behind'],
      ['replication, state=in sync, page 100', '/replication?state=in+sync&page=100'],
      ['zone list', '/zones'],
    ] as const;
    for (const [who, id] of [['admin', admin.id], ['editor of half the zones', editor.id]] as const) {
      const times = await timePages(web.base, await session(id), pages, RUNS);
      console.log(`\n${title} — pages as ${who}, ${RUNS} runs — ${machineLoad()}`);
      for (const line of pageLines(times)) console.log(line);
    }
  }
}

process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  fs.rmSync(work, { recursive: true, force: true });
}
try {
  await main();
} catch (err) {
  console.error(`bench/replication failed: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
