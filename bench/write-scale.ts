// The write path at hosting-provider scale (issue 15), on a throwaway SQLite
// database: `zonekeeper zone import` of a big zone file into a new zone, the
// file imported again over it with some records changed (one change over the
// stored zone), then one-record commits through the change service on that
// zone, with the DNS worker running as in production (a commit nudges it and
// may wait for it), each commit once the worker serves the one before. Prints
// wall and CPU time of each, the time from each commit's return until the
// worker serves it, and checks that each import was one change (one Change
// row, one serial step). Targets: an import of 1,000,000 records within 30 s,
// a one-record commit within 100 ms. An import that fails is reported as
// such; when the first one does, the zone is written straight into the
// database instead, so that the later steps still run.
//
// Usage: node --import tsx bench/write-scale.ts [--records N] [--commits K] [--keep] [--no-worker]
//   --keep       leave the database and the zone files in the temporary folder
//   --no-worker  commit with no worker running (its nudge fails at once)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parseZoneFile } from '../lib/dns/zone-file.ts';
import { freePort, stopProcess } from '../lib/testing/bind.ts';
import { ask } from '../lib/testing/dns-client.ts';
import { runProgram } from '../lib/testing/run-program.ts';
import { bigZoneText } from './shared/big-zone.ts';
import { flag, numberOption } from './shared/options.ts';
import { WORKER_NODE_ARGS } from '../lib/worker/command.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const ZONE = 'write-bench.test.';

const RECORDS = numberOption('records', 1_000_000);
const COMMITS = numberOption('commits', 20);
const WARM = 6;
const KEEP = flag('keep');
const WORKER = !flag('no-worker');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-write-bench-'));
const env = {
  ...process.env,
  DATABASE_URL: `file:${path.join(work, 'zonekeeper.db')}`,
  ZK_DATA_DIR: work,
  // No worker listens while the zone is imported (its nudge fails at once, as when the worker is down);
  // the commits below have one (startWorker) unless --no-worker.
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

/** The DNS worker as `npm run worker` starts it on the bench's database, once it answers; stop() ends it. */
async function startWorker(): Promise<{ dnsPort: number; stop(): Promise<void> }> {
  const dnsPort = await freePort('127.0.0.1');
  const controlPort = await freePort('127.0.0.1');
  const workerEnv = {
    ...env,
    ZK_DNS_LISTEN: `127.0.0.1:${dnsPort}`,
    ZK_CONTROL_PORT: String(controlPort),
    ZK_PROBE_INTERVAL: '0',
    ZK_LOG_LEVEL: 'warn',
    // Asked for the SOA every few ms below: response rate limiting out of reach.
    ZK_RRL_RESPONSES_PER_SECOND: '1000000000',
  };
  const child = spawn(process.execPath, [...WORKER_NODE_ARGS], { cwd: ROOT, env: workerEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 10 * 60_000;
  while (!output.includes('Zonekeeper DNS worker answering')) {
    if (exited || Date.now() > deadline) {
      await stopProcess(child, exit, () => exited);
      throw new Error(`the worker did not start:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // From here on, this process's commits nudge it.
  process.env.ZK_CONTROL_PORT = String(controlPort);
  return { dnsPort, stop: () => stopProcess(child, exit, () => exited) };
}

/** Waits until the worker on `port` serves `serial` for the zone (at most a minute); the time it took. */
async function servedAfter(port: number, serial: number): Promise<number> {
  const t0 = performance.now();
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const m = await ask(port, ZONE, 'SOA', { timeoutMs: 1000 }).catch(() => null);
    if ((m?.answers[0]?.data as { serial?: number } | undefined)?.serial === serial) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`the worker did not serve serial ${serial} within a minute`);
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

type Worker = Awaited<ReturnType<typeof startWorker>>;
// The worker the commits run beside, stopped at the end whatever happens (the `as`: set inside main()).
let worker = null as Worker | null;

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
  const { applyChangeset } = await import('../lib/zones/changes.ts');
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

  worker = WORKER ? await startWorker() : null;
  console.log(worker ? `DNS worker running (port ${worker.dnsPort}); each commit below starts once it serves the one before` : 'no DNS worker running (--no-worker)');

  // The first commits of a process run cold (Prisma's query compiler loading, code not yet optimized),
  // on any zone: timed apart, as a long-running web app pays them once.
  const actor = { name: 'bench' };
  const served: number[] = [];
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
    const wall = performance.now() - t0;
    if (!r.changed) throw new Error(`commit ${i} changed nothing`);
    if (worker) served.push(await servedAfter(worker.dnsPort, r.newSerial));
    return { wall, cpu: (c.user + c.system) / 1000 };
  };
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const cold: string[] = [];
  if (worker) await servedAfter(worker.dnsPort, (await changes()).serial);
  for (let i = 0; i < WARM; i++) {
    const t = await commit(i);
    cold.push(`${ms(t.wall)} (CPU ${ms(t.cpu)})`);
  }
  served.length = 0;
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
  if (worker) console.log(`  served by the worker after the commit returned: median ${ms(quantile(served, 0.5))}, max ${ms(Math.max(...served))}`);
  const last = await changes();
  console.log(`changes ${last.count} (+${last.count - afterSecond.count} for ${WARM + COMMITS} commits)`);
  await disconnectDb();
}

try {
  await main();
} finally {
  await worker?.stop();
  if (!KEEP) fs.rmSync(work, { recursive: true, force: true });
}
