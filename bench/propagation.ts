// Propagation: how long after a change is committed with the CLI do real
// secondaries serve it? The worker (its own process, as `npm run worker`)
// is the primary of one zone; BIND 9 is a secondary through also-notify,
// PowerDNS 4.7 an autosecondary through the zone's NS set. Both have
// refresh timers of a day, so only NOTIFY moves them. CHANGES changes in a
// row; for each, the time from the CLI's return to each secondary answering
// the new serial (polled over UDP every few ms). Prints median and p95.
//
// Usage (through bench/propagation.sh): tsx bench/propagation.ts [--changes N]
// Needs root: PowerDNS transfers from the NOTIFY's source address on port 53.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { freePort, startBind, stopProcess, tail } from '../lib/testing/bind.ts';
import { startPdns } from '../lib/testing/pdns.ts';
import { findProgram } from '../lib/testing/system-program.ts';
import { untilSerial } from './shared/dns-watch.ts';
import { numberOption } from './shared/options.ts';
import { WORKER_NODE_ARGS } from '../lib/worker/command.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const ZONE = 'propagation.test';
const CHANGES = numberOption('changes', 50);
// A random 127.X.Y.0/24 of our own: the worker on .2 port 53, PowerDNS on .3.
const NET = `127.${100 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 254)}`;
const WORKER = `${NET}.2`;
const PDNS = `${NET}.3`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stats(xs: number[]): string {
  if (xs.length === 0) return 'no samples';
  const s = [...xs].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return `median ${rank(0.5).toFixed(0).padStart(5)} ms   p95 ${rank(0.95).toFixed(0).padStart(5)} ms   min ${s[0]!.toFixed(0).padStart(5)} ms   max ${s.at(-1)!.toFixed(0).padStart(5)} ms`;
}

async function canListen53(address: string): Promise<string | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    srv.listen(53, address, () => srv.close(() => resolve(null)));
  });
}

async function main(): Promise<void> {
  const named = findProgram('named');
  const pdnsServer = findProgram('pdns_server');
  if (!named || !pdnsServer) throw new Error('needs named and pdns_server: apt-get install bind9 pdns-server pdns-backend-sqlite3');
  const why = await canListen53(WORKER);
  if (why) throw new Error(`the worker cannot listen on ${WORKER}:53 (${why}): run as root; PowerDNS transfers only from port 53`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-prop-'));
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `file:${path.join(work, 'zk.db')}`,
      ZK_DATA_DIR: work,
      ZK_DNS_LISTEN: `${WORKER}:53`,
      ZK_CONTROL_PORT: String(await freePort('127.0.0.1')),
      ZK_LOG_LEVEL: 'warn',
    };
    delete env.ZK_NOTIFY_SOURCE;
    const zk = async (...args: string[]) => (await run(process.execPath, [path.join(ROOT, 'bin/zonekeeper.mjs'), ...args], { env })).stdout;

    const pdns = await startPdns({
      program: pdnsServer,
      address: PDNS,
      port: 53,
      autosecondary: [{ ip: WORKER, nameserver: `ns2.${ZONE}` }],
      settings: ['xfr-cycle-interval=86400'],
    });
    cleanups.push(() => pdns.stop());

    // The first CLI call creates and migrates the database before the worker starts.
    fs.writeFileSync(
      path.join(work, 'zone.db'),
      [
        `$ORIGIN ${ZONE}.`,
        '$TTL 300',
        '@ IN SOA ns1 hostmaster 1 86400 86400 1209600 300',
        '@ IN NS ns1',
        '@ IN NS ns2',
        `ns1 IN A ${WORKER}`,
        `ns2 IN A ${PDNS}`,
        'www IN A 192.0.2.80',
        '',
      ].join('\n'),
    );
    await zk('zone', 'list');
    const worker = spawn(process.execPath, [...WORKER_NODE_ARGS], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let workerOut = '';
    worker.stdout!.on('data', (d: Buffer) => (workerOut += d));
    worker.stderr!.on('data', (d: Buffer) => (workerOut += d));
    let exited = false;
    const exit = new Promise<void>((r) => worker.once('exit', () => ((exited = true), r())));
    cleanups.push(() => stopProcess(worker, exit, () => exited));
    for (let t = 0; !/answering on/.test(workerOut); t++) {
      if (exited || t > 300) throw new Error(`the worker did not start:\n${tail(workerOut)}`);
      await sleep(100);
    }

    // PowerDNS creates the zone on the NOTIFY that follows this import.
    await zk('zone', 'import', ZONE, path.join(work, 'zone.db'));
    if ((await untilSerial(PDNS, 53, ZONE, 1, 10_000)) === null) throw new Error(`PowerDNS did not pick the zone up:\n${tail(pdns.log())}`);

    const bind = await startBind({
      program: named,
      debugLevel: 3, // for its "got incremental response" lines
      options: ['allow-notify { 127.0.0.0/8; };', 'notify no;', 'min-refresh-time 86400;', 'min-retry-time 86400;'],
      config: (d) => `zone "${ZONE}" { type secondary; primaries { ${WORKER} port 53; }; file "${d}/${ZONE}.db"; };`,
    });
    cleanups.push(() => bind.stop());
    await bind.waitForLog(new RegExp(`zone ${ZONE}/IN: transferred serial 1`), 10_000);
    await zk('zone', 'set', ZONE, '--also-notify', `127.0.0.1:${bind.port}`);

    const secondaries = [
      { name: 'BIND 9.18', host: '127.0.0.1', port: bind.port, fromReturn: [] as number[], fromCommit: [] as number[], missed: 0 },
      { name: 'PowerDNS 4.7', host: PDNS, port: 53, fromReturn: [] as number[], fromCommit: [] as number[], missed: 0 },
    ];
    const cli: number[] = [];
    // The commit's own time: the journal row written in the change's transaction.
    const zkDb = new Database(path.join(work, 'zk.db'), { readonly: true });
    cleanups.push(async () => void zkDb.close());
    const committedAt = zkDb.prepare('select c."createdAt" as at from "Change" c join "Zone" z on z.id = c."zoneId" where z.name = ? and c."newSerial" = ?');
    console.log(`${CHANGES} changes to ${ZONE}; worker ${WORKER}:53, BIND 127.0.0.1:${bind.port}, PowerDNS ${PDNS}:53`);
    for (let n = 0; n < CHANGES; n++) {
      const t0 = performance.now();
      const out = await zk('record', 'add', ZONE, `host${n}`, 'A', '300', `192.0.2.${n % 250}`);
      const returned = Date.now();
      cli.push(performance.now() - t0);
      const want = Number(/serial \d+ → (\d+)/.exec(out)?.[1]);
      const commit = Date.parse((committedAt.get(`${ZONE}.`, want) as { at: string }).at);
      const got = await Promise.all(secondaries.map(async (s) => (await untilSerial(s.host, s.port, ZONE, want, 10_000))?.at ?? null));
      got.forEach((at, k) => {
        const s = secondaries[k]!;
        if (at === null) return void s.missed++;
        s.fromReturn.push(Math.max(0, at - returned));
        s.fromCommit.push(at - commit);
      });
      const shown = got.map((at, k) => `${secondaries[k]!.name} ${at === null ? 'MISSED' : `${at - commit} ms`}`).join('  ');
      process.stdout.write(`  ${String(n + 1).padStart(3)}: serial ${want}  CLI ${(performance.now() - t0).toFixed(0)} ms  from commit: ${shown}\n`);
    }
    console.log('');
    console.log(`${CHANGES} changes, time until each secondary served the new serial (target: median under 1000 ms)`);
    console.log('from the CLI\'s return (the commit happened inside the CLI, before it disconnects and exits):');
    for (const s of secondaries) console.log(`  ${s.name.padEnd(13)} ${stats(s.fromReturn)}${s.missed ? `   ${s.missed} not served within 10 s` : ''}`);
    console.log('from the commit (the journal row\'s timestamp):');
    for (const s of secondaries) console.log(`  ${s.name.padEnd(13)} ${stats(s.fromCommit)}`);
    console.log(`the CLI process itself: ${stats(cli)}`);
    const incremental = (bind.log().match(/got incremental response/g) ?? []).length;
    console.log(`  BIND logged ${incremental} incremental transfers`);
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`bench/propagation failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
