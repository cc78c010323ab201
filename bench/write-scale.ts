// The write path at hosting-provider scale (issue 15), on a throwaway SQLite
// database: `zonekeeper zone import` of a big zone file into a new zone, the
// file imported again over it with some records changed (one change over the
// stored zone), then one-record commits through the change service on that
// zone. Prints wall and CPU time of each, and checks that each import was one
// change (one Change row, one serial step). Targets: an import of 1,000,000
// records within 30 s, a one-record commit within 100 ms. An import that
// fails is reported as such; when the first one does, the zone is written
// straight into the database instead, so that the later steps still run.
//
// Usage: node --import tsx bench/write-scale.ts [--records N] [--commits K] [--keep]
//   --keep  leave the database and the zone files in the temporary folder
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseZoneFile } from '../lib/dns/zone-file.ts';
import { runProgram } from '../lib/testing/run-program.ts';
import { bigZoneText } from './shared/big-zone.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ZONE = 'write-bench.test.';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const RECORDS = option('records', 1_000_000);
const COMMITS = option('commits', 20);
const WARM = 6;
const KEEP = process.argv.includes('--keep');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-write-bench-'));
const env = {
  ...process.env,
  DATABASE_URL: `file:${path.join(work, 'zonekeeper.db')}`,
  ZK_DATA_DIR: work,
  // No worker listens: the nudge after a commit fails at once, as it does when the worker is down.
  ZK_CONTROL_PORT: '1',
  ZK_LOG_LEVEL: 'silent',
};
Object.assign(process.env, env);

interface Timing {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

/** One CLI command under /usr/bin/time: its wall and CPU time and peak memory, and what it printed (stderr when it failed). */
async function zonekeeper(args: string[]): Promise<Timing & { ok: boolean; output: string }> {
  const r = await runProgram('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, path.join(ROOT, 'bin/zonekeeper.mjs'), ...args], {
    env,
    timeoutMs: 30 * 60_000,
  });
  const m = /TIME (\S+) (\S+) (\S+) (\S+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`zonekeeper ${args.slice(0, 2).join(' ')} was killed: ${r.stderr.slice(-2000)}`);
  const ok = r.status === 0;
  const printed = (ok ? r.stdout : r.stderr.replace(/(Command exited .*\n)?TIME .*\s*$/, '')).trim().split('\n');
  // The CLI says what failed in one line; anything longer is a crash, shown in full.
  const output = printed.length > 1 && !ok ? printed.join('\n') : printed[0]!;
  return { ok, output, wallMs: Number(m[1]) * 1000, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, maxRssMb: Number(m[4]) / 1024 };
}

/** The zone of `text` written straight into the database: the SOA and apex through the CLI, every other record with one prepared insert. */
async function seedZone(text: string): Promise<void> {
  const head = path.join(work, 'head.zone');
  fs.writeFileSync(head, text.split('\n').filter((l) => !/^host\d/.test(l)).join('\n'));
  const created = await zonekeeper(['zone', 'import', ZONE, head]);
  if (!created.ok) throw new Error(`could not create ${ZONE}: ${created.output}`);
  const conn = new Database(path.join(work, 'zonekeeper.db'));
  const zone = conn.prepare('SELECT id FROM "Zone" WHERE name = ?').get(ZONE) as { id: number };
  const insert = conn.prepare('INSERT INTO "Record" ("zoneId", "name", "type", "ttl", "content") VALUES (?, ?, ?, ?, ?)');
  conn.transaction(() => {
    for (const r of parseZoneFile(text, { origin: ZONE }).records) if (r.name.startsWith('host')) insert.run(zone.id, r.name, r.type, r.ttl, r.content);
  })();
  conn.close();
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** The file again with every 1000th host's address changed and `added` new hosts: a few thousand records differ. */
function changedText(text: string, added: number): string {
  const lines = text.split('\n');
  let hosts = 0;
  for (let i = 0; i < lines.length; i++) {
    if (/^host\d+ IN A /.test(lines[i]!) && hosts++ % 1000 === 0) lines[i] = lines[i]!.replace(/ IN A .*/, ` IN A 192.0.2.${hosts % 250}`);
  }
  for (let i = 0; i < added; i++) lines.push(`added${i} IN A 198.51.100.${i % 250}`);
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, in ${work}`);
  const file = path.join(work, 'big.zone');
  const text = bigZoneText(ZONE, RECORDS);
  fs.writeFileSync(file, text);
  const file2 = path.join(work, 'big-changed.zone');
  fs.writeFileSync(file2, changedText(text, 1000));
  console.log(`zone files: ${RECORDS} records (${(text.length / 1e6).toFixed(0)} MB), and a copy with ${Math.ceil(RECORDS / 1000) + 1000}-odd records changed`);

  // Creates and migrates the database, so that the imports below time only the import.
  const migrated = await zonekeeper(['zone', 'list']);
  if (!migrated.ok) throw new Error(`zonekeeper zone list: ${migrated.output}`);

  const { db, disconnectDb } = await import('../lib/db.ts');
  const { applyChangeset } = await import('../lib/zones/mutations.ts');
  const changes = async () => {
    const zone = await db().zone.findUniqueOrThrow({ where: { name: ZONE }, select: { id: true, serial: true } });
    return { count: await db().change.count({ where: { zoneId: zone.id } }), serial: Number(zone.serial) };
  };

  const timing = (t: Timing) => `wall ${s(t.wallMs)}, CPU ${s(t.cpuMs)}, peak ${t.maxRssMb.toFixed(0)} MB`;
  const first = await zonekeeper(['zone', 'import', ZONE, file]);
  if (!first.ok) {
    console.log(`import, new zone:      FAILED after ${timing(first)}: ${first.output}`);
    await seedZone(text);
    console.log('  (the zone was written straight into the database instead)');
  }
  const afterFirst = await changes();
  if (first.ok) console.log(`import, new zone:      ${timing(first)}; changes ${afterFirst.count}, serial ${afterFirst.serial}`);
  const second = await zonekeeper(['zone', 'import', ZONE, file2]);
  const afterSecond = await changes();
  console.log(
    `import over the zone:  ${second.ok ? '' : 'FAILED after '}${timing(second)}; changes ${afterSecond.count} (+${afterSecond.count - afterFirst.count}), serial ${afterFirst.serial} → ${afterSecond.serial}`,
  );
  console.log(`  ${second.output}`);

  // The first commits of a process run cold (Prisma's query compiler loading, code not yet optimized),
  // on any zone: timed apart, as a long-running web app pays them once.
  const actor = { name: 'bench' };
  const commit = async (i: number) => {
    const name = `commit${i >> 1}`;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await applyChangeset(
      ZONE,
      i % 2 ? { remove: [{ name, type: 'A' }] } : { add: [{ name, type: 'A', ttl: 3600, content: `192.0.2.${i % 250}` }] },
      actor,
    );
    const c = process.cpuUsage(c0);
    if (!r.changed) throw new Error(`commit ${i} changed nothing`);
    return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
  };
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const cold: string[] = [];
  for (let i = 0; i < WARM; i++) {
    const t = await commit(i);
    cold.push(`${ms(t.wall)} (CPU ${ms(t.cpu)})`);
  }
  console.log(`one-record commits, the process's first ${WARM}: ${cold.join(', ')}`);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = WARM; i < WARM + COMMITS; i++) {
    const t = await commit(i);
    wall.push(t.wall);
    cpu.push(t.cpu);
  }
  console.log(
    `one-record commits, the next ${COMMITS} (adds and deletes): wall median ${ms(quantile(wall, 0.5))}, p90 ${ms(quantile(wall, 0.9))}, max ${ms(Math.max(...wall))}; CPU median ${ms(quantile(cpu, 0.5))}, max ${ms(Math.max(...cpu))}`,
  );
  const last = await changes();
  console.log(`changes ${last.count} (+${last.count - afterSecond.count} for ${WARM + COMMITS} commits)`);
  await disconnectDb();
}

try {
  await main();
} finally {
  if (!KEEP) fs.rmSync(work, { recursive: true, force: true });
}
