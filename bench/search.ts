// Global search and activity at scale (issue 21; run through bench/search.sh).
// Seeds a fresh database in bulk (bench/shared/seed.ts: the rows the change
// service would have written, Record.target included), then times the reads
// the /search and /activity pages make (lib/search/data.ts searchAll,
// lib/activity/data.ts listActivity), median and slowest of --runs, as an
// admin (every zone) and as an editor granted 200 zones, and prints how the
// database runs the record and change queries (EXPLAIN).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { clusterAt, dropDatabase, findPostgresBin, pgQuery, startCluster } from '../lib/testing/postgres.ts';
import { flag, numberOption } from './shared/options.ts';
import { manyZoneNames, seedDatabase, smallZoneRecords, type SeedRecord, type SeedZone } from './shared/seed.ts';

const ZONES = numberOption('zones', 50_000);
const RECORDS = numberOption('records', 20);
const RUNS = numberOption('runs', 7);
const POSTGRES = flag('postgres') || /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '');
const GRANTED = 200;
const REVERSE = '10.in-addr.arpa.';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-search-'));
const cleanups: (() => Promise<unknown>)[] = [];
const now = () => performance.now();
const log = (line: string) => console.log(`[${(now() / 1000).toFixed(1)} s] ${line}`);

async function newDatabase(): Promise<string> {
  if (!POSTGRES) return `file:${path.join(work, 'search.db')}`;
  let admin = process.env.DATABASE_URL;
  if (!admin || !/^postgres(ql)?:/.test(admin)) {
    const bin = findPostgresBin();
    if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql (or give DATABASE_URL=postgresql://…)');
    const cluster = await startCluster(bin);
    cleanups.push(() => cluster.stop());
    admin = cluster.url();
  }
  const server = clusterAt(admin);
  const name = `zk_search_${process.pid}`;
  await pgQuery(server.url(), `CREATE DATABASE "${name}"`);
  cleanups.unshift(() => dropDatabase(server, name));
  return server.url(name);
}

/** The www address of zone number `seq` as smallZoneRecords writes it, and its PTR record's owner name. */
function wwwAddress(seq: number): { address: string; ptr: string } {
  const [a, b, c] = [(seq >> 8) & 255, seq & 255, 2];
  return { address: `10.${a}.${b}.${c}`, ptr: `${c}.${b}.${a}.10.in-addr.arpa.` };
}

const url = await newDatabase();
process.env.DATABASE_URL = url;
process.env.ZK_DATA_DIR = path.join(work, 'data');
process.env.ZK_CONTROL_PORT = '1';
fs.mkdirSync(process.env.ZK_DATA_DIR, { recursive: true });

const { migrateDatabase } = await import('../lib/setup/database.ts');
const { createUser } = await import('../lib/auth/users.ts');
const { db, disconnectDb } = await import('../lib/db.ts');
const { searchAll } = await import('../lib/search/data.ts');
const { listActivity } = await import('../lib/activity/data.ts');

try {
  await migrateDatabase();
  const admin = await createUser('admin', 'bench-admin-password-1', 'admin');
  const editor = await createUser('alice', 'bench-editor-password-1', 'editor');
  const names = manyZoneNames(ZONES);
  const reverse: SeedRecord[] = names.map((n, i) => ({ name: wwwAddress(i).ptr, type: 'PTR', ttl: 3600, content: `www.${n}` }));
  function* zones(): Generator<SeedZone> {
    for (let i = 0; i < names.length; i++) yield { name: names[i]!, serial: 2026120501, records: smallZoneRecords(names[i]!, RECORDS, i) };
    yield { name: REVERSE, serial: 2026120501, records: [{ name: REVERSE, type: 'NS', ttl: 3600, content: 'ns1.example.net.' }, ...reverse] };
  }
  log(`seeding ${ZONES.toLocaleString('en')} zones × ${RECORDS} records and ${REVERSE} with ${reverse.length.toLocaleString('en')} PTR records (setup, not measured)…`);
  let t = now();
  const seeded = await seedDatabase(url, zones());
  // Activity to filter: the editor's grants and changes (one zone in 250 is theirs), a rare
  // comment, and changes spread over a year, as a changelog in use has them.
  const shape = [
    `INSERT INTO "ZoneGrant" ("userId", "zoneId", "level") SELECT ${editor.id}, "id", 'edit' FROM "Zone" WHERE "id" % 250 = 0 AND "id" <= ${GRANTED * 250}`,
    `UPDATE "Change" SET "userId" = ${editor.id}, "actor" = 'alice', "comment" = 'ticket ' || "id" WHERE "zoneId" % 250 = 0`,
    `UPDATE "Change" SET "comment" = 'rare ticket 4711' WHERE "id" % 10000 = 7`,
  ];
  if (POSTGRES) {
    for (const s of shape) await pgQuery(url, s);
    await pgQuery(url, `UPDATE "Change" SET "createdAt" = now() - ("id" % 365) * interval '1 day'`);
    await pgQuery(url, 'ANALYZE');
  } else {
    const conn = new Database(url.replace(/^file:/, ''));
    for (const s of shape) conn.exec(s);
    // DateTime columns hold ISO text on SQLite (bench/shared/seed.ts).
    const day = conn.prepare('UPDATE "Change" SET "createdAt" = ? WHERE "id" = ?');
    const ids = conn.prepare('SELECT "id" FROM "Change"').pluck().all() as number[];
    conn.transaction(() => {
      for (const id of ids) day.run(new Date(Date.now() - (id % 365) * 86_400_000).toISOString().replace('Z', '+00:00'), id);
    })();
    conn.exec('ANALYZE');
    conn.close();
  }
  log(`seeded ${seeded.zones.toLocaleString('en')} zones, ${seeded.records.toLocaleString('en')} records in ${((now() - t) / 1000).toFixed(1)} s`);

  const mid = Math.floor(ZONES / 2);
  const zone = names[mid]!;
  const granted = names[249]!; // zone id 250: granted to the editor
  const www = wwwAddress(mid);
  const searches: [string, string][] = [
    ['zone name, contains', zone.slice(0, -10)],
    ['owner name, exact', `www.${zone}`],
    ['owner name, prefix matching every zone ("www.")', 'www.'],
    ['owner name, prefix ("host1")', 'host1'],
    ['IPv4 address: A + PTR', www.address],
    ['IPv6 address: AAAA + PTR', `2001:db8::${mid.toString(16)}`],
    ['host name pointed at by 1 MX', `mail.${zone}`],
    ['host name pointed at by 1 PTR', `www.${zone}`.slice(0, -1)],
    ['host name pointed at by 100,000 NS (ns1.example.net)', 'ns1.example.net'],
    ['nothing found', 'no-such-name.invalid'],
    ['the editor’s own zone', granted],
  ];
  const dayAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
  const activities: [string, Parameters<typeof listActivity>[1]][] = [
    ['newest changes, no filter', {}],
    ['page 2 (cursor)', { before: 1_000_000_000 }],
    ['by user (alice, 200 changes)', { user: 'alice' }],
    ['by zone', { zone }],
    ['date range, 30 to 20 days ago', { from: dayAgo(30), to: dayAgo(20) }],
    ['comment text, rare', { text: 'rare ticket 4711' }],
    ['comment text, none matches', { text: 'no such comment' }],
  ];

  async function time(fn: () => Promise<unknown>): Promise<{ median: number; max: number }> {
    await fn(); // warm: the statement compiled, the pages in the cache
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = now();
      await fn();
      ms.push(now() - t0);
    }
    ms.sort((a, b) => a - b);
    return { median: ms[Math.floor(ms.length / 2)]!, max: ms.at(-1)! };
  }
  const cell = (r: { median: number; max: number }) => `${r.median.toFixed(1)} ms (max ${r.max.toFixed(1)})`;
  const who = [
    ['admin', admin],
    ['editor, 200 zones', editor],
  ] as const;

  const db_ = POSTGRES ? 'PostgreSQL' : 'SQLite';
  console.log(`\nSearch, ${ZONES.toLocaleString('en')} zones, ${seeded.records.toLocaleString('en')} records, ${db_}, median of ${RUNS} (target under 300 ms)\n`);
  console.log(`| search | text | ${who.map(([w]) => w).join(' | ')} | found (admin) |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const [label, text] of searches) {
    const cells: string[] = [];
    for (const [, u] of who) cells.push(cell(await time(() => searchAll(u, text))));
    const r = await searchAll(admin, text);
    const found = `${r.zones.total} zones, ${r.byName.total}${r.byName.capped ? '+' : ''} by name, ${r.byContent.total}${r.byContent.capped ? '+' : ''} by content`;
    console.log(`| ${label} | \`${text}\` | ${cells.join(' | ')} | ${found} |`);
  }

  const changes = await db().change.count();
  console.log(`\nActivity, ${changes.toLocaleString('en')} changes, ${db_}, median of ${RUNS} (target under 300 ms)\n`);
  console.log(`| filter | ${who.map(([w]) => w).join(' | ')} | entries (admin) |`);
  console.log('| --- | --- | --- | --- |');
  for (const [label, f] of activities) {
    const cells: string[] = [];
    for (const [, u] of who) cells.push(cell(await time(() => listActivity(u, f))));
    console.log(`| ${label} | ${cells.join(' | ')} | ${(await listActivity(admin, f)).items.length} |`);
  }

  // How the database runs them: each should name an index, never a scan of Record or Change.
  const plans: [string, string][] = [
    ['owner-name prefix', `SELECT r."id" FROM "Record" r JOIN "Zone" z ON z."id" = r."zoneId" WHERE r."name" >= 'www.' AND r."name" < 'www/' AND r."type" NOT IN ('RRSIG') ORDER BY r."name", r."id" LIMIT 26`],
    ['pointing at a host', `SELECT r."id" FROM "Record" r JOIN "Zone" z ON z."id" = r."zoneId" WHERE r."target" = 'ns1.example.net.' AND r."type" IN ('NS', 'MX') ORDER BY r."id" LIMIT 26`],
    ['pointing at a host, as the editor', `SELECT r."id" FROM "Record" r JOIN "Zone" z ON z."id" = r."zoneId" WHERE r."target" = 'ns1.example.net.' AND r."type" IN ('NS', 'MX') AND r."zoneId" IN (SELECT g."zoneId" FROM "ZoneGrant" g WHERE g."userId" = ${editor.id}) ORDER BY r."id" LIMIT 26`],
    ['activity by user', `SELECT "id" FROM "Change" WHERE "userId" = ${editor.id} ORDER BY "id" DESC LIMIT 26`],
    ['activity by date', `SELECT "id" FROM "Change" WHERE "createdAt" >= '2026-01-01' AND "createdAt" < '2026-01-10' ORDER BY "id" DESC LIMIT 26`],
  ];
  console.log(`\nQuery plans (${db_})\n`);
  for (const [label, sql] of plans) {
    const rows = await db().$queryRawUnsafe<Record<string, unknown>[]>(`${POSTGRES ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${sql}`);
    console.log(`${label}:`);
    for (const r of rows) console.log(`  ${String(POSTGRES ? r['QUERY PLAN'] : r.detail)}`);
  }
} finally {
  await disconnectDb();
  for (const c of cleanups) await c().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  fs.rmSync(work, { recursive: true, force: true });
}
