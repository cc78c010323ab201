// The HTTP API's change latency (issue 17): how long from an ACME client's
// PATCH of one rrset until the DNS server serves it, on a big zone, for
// Zonekeeper and a real PowerDNS 4.7 side by side in the same run.
//
// Zonekeeper runs as `npm start` runs it (lib/start/main.ts: the web app and
// the DNS worker, building the web app first when its build is stale, which
// takes minutes the first time), on a fresh SQLite database seeded with one
// zone of RECORDS records (the SOA counted) and an API key limited to that
// zone's `_acme-challenge` TXT records, made with `zonekeeper apikey add`.
// PowerDNS (Debian's pdns-server, gsqlite3 backend, api=yes, its webserver
// on loopback; lib/testing/pdns.ts, whose setup turns its caches off) gets
// the same zone: created through its API, the records then written into its
// database.
//
// Each change is a PATCH that REPLACEs `_acme-challenge.ZONE.` TXT with a new
// value, as an ACME client sets its challenge. From the moment the request is
// sent, the DNS server is asked for that TXT over UDP every few ms until the
// answer holds the new value: that time is "served". The two servers take
// turns, change by change, so that load elsewhere on the machine meets both
// alike. One change to each comes first as a warm-up and is not counted.
// Prints median, p95, min and max of both and the ratio (Zonekeeper /
// PowerDNS). A benchmark, not a test: it never fails on time.
//
// Usage (through bench/api.sh): tsx bench/api.ts [--records N] [--changes N]
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { freePort } from '../lib/testing/bind.ts';
import { ask } from '../lib/testing/dns-client.ts';
import { startPdns, type RunningPdns } from '../lib/testing/pdns.ts';
import { findProgram } from '../lib/testing/system-program.ts';
import { cleanupOnExit } from './shared/cleanup.ts';
import { rank, ratio, stats } from './shared/latency.ts';
import { numberOption } from './shared/options.ts';
import { machineLoad, seconds, startLogged, type LoggedProcess } from './shared/processes.ts';
import { SEED_SOA, seedDatabase, soaContent, type SeedRecord } from './shared/seed.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const RECORDS = Math.round(numberOption('records', 50_000));
const CHANGES = Math.round(numberOption('changes', 30));
const HOST = '127.0.0.1';
const ZONE = 'api-bench.test.';
const CHALLENGE = `_acme-challenge.${ZONE}`;
const TARGET_P95_MS = 300;
/** Between two UDP questions while waiting for the new value. */
const POLL_MS = 3;
/** A change not served within this long counts as missed. */
const SERVE_WITHIN_MS = 30_000;
/** A pause after each change, as between two ACME orders; not part of any figure. */
const PAUSE_MS = 200;
const START_TIMEOUT_MS = 30 * 60_000;
const PDNS_SECRET = `pdns-bench-${process.pid}`;

const t0 = performance.now();
const log = (line: string) => console.log(`[${seconds(performance.now() - t0).padStart(6)}] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-bench-api-'));
const cleanups = cleanupOnExit(work);

// ---------------------------------------------------------------- the zone

/** 2001:db8::/32 address number `seq` (1 to 2^32 - 1), canonical (RFC 5952). */
function ipv6(seq: number): string {
  const high = seq >>> 16;
  return `2001:db8::${high ? `${high.toString(16)}:` : ''}${(seq & 0xffff).toString(16)}`;
}

/**
 * The zone's records apart from its SOA, `n - 1` of them (so `n` with the
 * SOA), in the canonical form the change service stores: one NS (the SOA's
 * primary, so that neither server has secondaries to NOTIFY), MX, SPF, the
 * challenge TXT, a mail host, then hosts with an A, every 4th an AAAA, every
 * 10th a TXT.
 */
function zoneRecords(n: number): SeedRecord[] {
  const out: SeedRecord[] = [
    { name: ZONE, type: 'NS', ttl: 3600, content: SEED_SOA.mname },
    { name: ZONE, type: 'MX', ttl: 3600, content: `10 mail.${ZONE}` },
    { name: ZONE, type: 'TXT', ttl: 3600, content: '"v=spf1 mx -all"' },
    { name: CHALLENGE, type: 'TXT', ttl: 60, content: '"initial"' },
    { name: `mail.${ZONE}`, type: 'A', ttl: 3600, content: '10.255.255.1' },
  ].slice(0, Math.max(0, n - 1));
  for (let i = 0; out.length < n - 1; i++) {
    const host = `host${i}.${ZONE}`;
    out.push({ name: host, type: 'A', ttl: 3600, content: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
    if (out.length < n - 1 && i % 4 === 0) out.push({ name: host, type: 'AAAA', ttl: 3600, content: ipv6(i + 1) });
    if (out.length < n - 1 && i % 10 === 0) out.push({ name: host, type: 'TXT', ttl: 3600, content: `"host ${i} of the API benchmark"` });
  }
  return out;
}

// ---------------------------------------------------------------- the two servers

interface Server {
  label: string;
  /** Base of the API: http://HOST:PORT/api/v1/servers/localhost */
  api: string;
  key: string;
  dnsPort: number;
  /** Milliseconds from sending each counted PATCH to its 204, and to the new value being served. */
  response: number[];
  served: number[];
  missed: number;
}

async function startZonekeeper(records: SeedRecord[]): Promise<Server> {
  const webPort = await freePort(HOST);
  const dnsPort = await freePort(HOST);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ZK_DATA_DIR: path.join(work, 'zk-data'),
    DATABASE_URL: `file:${path.join(work, 'zk.db')}`,
    PORT: String(webPort),
    ZK_WEB_LISTEN: HOST,
    ZK_DNS_LISTEN: `${HOST}:${dnsPort}`,
    ZK_CONTROL_PORT: String(await freePort(HOST)),
    ZK_ADMIN_PASSWORD: `bench-admin-${process.pid}`,
    ZK_LOG_LEVEL: 'warn',
    // The bench asks the same name from one address every few ms; PowerDNS has no RRL in its way either.
    ZK_RRL_RESPONSES_PER_SECOND: '0',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  fs.mkdirSync(env.ZK_DATA_DIR!, { recursive: true });
  const zk = async (...args: string[]) => (await run(process.execPath, [path.join(ROOT, 'bin/zonekeeper.mjs'), ...args], { env, cwd: ROOT })).stdout;

  // The first command creates and migrates the database; no worker runs yet, so each command runs in its own process.
  await zk('zone', 'list');
  const seeded = await seedDatabase(env.DATABASE_URL!, [{ name: ZONE, serial: 1, records }]);
  log(`Zonekeeper: seeded ${seeded.records + 1} records (the SOA counted) into ${env.DATABASE_URL}`);
  const added = await zk('apikey', 'add', 'bench', '--zone', ZONE, '--name', '_acme-challenge.*', '--type', 'TXT');
  const key = /^secret: (zk_\S+)$/m.exec(added)?.[1];
  if (!key) throw new Error(`zonekeeper apikey add printed no secret:\n${added}`);

  log('Zonekeeper: starting as `npm start` does (node --import tsx lib/start/main.ts); it builds the web app first when its build is stale, which takes minutes the first time');
  const proc = startLogged(process.execPath, ['--import', 'tsx', 'lib/start/main.ts'], { cwd: ROOT, env });
  cleanups.add(() => proc.stop());
  const api = `http://${HOST}:${webPort}/api/v1/servers/localhost`;
  await untilReady('Zonekeeper', proc, api, key, dnsPort);
  return { label: 'Zonekeeper', api, key, dnsPort, response: [], served: [], missed: 0 };
}

async function startPowerDns(records: SeedRecord[]): Promise<{ server: Server; pdns: RunningPdns }> {
  const program = findProgram('pdns_server');
  if (!program) throw new Error('pdns_server is missing: apt-get install pdns-server pdns-backend-sqlite3');
  const webPort = await freePort(HOST);
  const dnsPort = await freePort(HOST);
  log('PowerDNS: starting pdns_server (gsqlite3, api=yes, webserver on loopback)');
  const pdns = await startPdns({
    program,
    address: HOST,
    port: dnsPort,
    settings: ['api=yes', `api-key=${PDNS_SECRET}`, 'webserver=yes', `webserver-address=${HOST}`, `webserver-port=${webPort}`, 'webserver-allow-from=127.0.0.0/8'],
  });
  cleanups.add(() => pdns.stop());
  const api = `http://${HOST}:${webPort}/api/v1/servers/localhost`;

  // The zone through its API (so that PowerDNS knows it at once), with our SOA and NS; the rest straight into its database.
  const created = await fetch(`${api}/zones`, {
    method: 'POST',
    headers: { 'x-api-key': PDNS_SECRET, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: ZONE,
      kind: 'Native',
      nameservers: [],
      rrsets: [
        { name: ZONE, type: 'SOA', ttl: SEED_SOA.ttl, records: [{ content: soaContent(1), disabled: false }] },
        { name: ZONE, type: 'NS', ttl: 3600, records: [{ content: SEED_SOA.mname, disabled: false }] },
      ],
    }),
  });
  if (created.status !== 201) throw new Error(`PowerDNS did not create ${ZONE}: ${created.status} ${await created.text()}`);
  const db = new Database(path.join(pdns.dir, 'pdns.sqlite3'));
  try {
    db.pragma('busy_timeout = 10000');
    const domainId = (db.prepare('select id from domains where name = ?').get(ZONE.slice(0, -1)) as { id: number }).id;
    const insert = db.prepare('insert into records (domain_id, name, type, content, ttl, prio, disabled, ordername, auth) values (?, ?, ?, ?, ?, ?, 0, null, 1)');
    // As its gsql backends store them: names without their final dot, in owners and in content
    // alike, and an MX's preference in its own column.
    db.transaction(() => {
      for (const r of records) {
        if (r.type === 'NS') continue;
        const mx = r.type === 'MX' ? /^(\d+) (.*)$/.exec(r.content) : null;
        const content = mx ? mx[2]! : r.content;
        insert.run(domainId, r.name.slice(0, -1), r.type, r.type === 'MX' || r.type === 'CNAME' ? content.replace(/\.$/, '') : content, r.ttl, mx ? Number(mx[1]) : 0);
      }
    })();
    const count = (db.prepare('select count(*) as n from records where domain_id = ?').get(domainId) as { n: number }).n;
    log(`PowerDNS: ${count} records in its database (the SOA counted)`);
  } finally {
    db.close();
  }
  await untilReady('PowerDNS', null, api, PDNS_SECRET, dnsPort);
  return { server: { label: 'PowerDNS', api, key: PDNS_SECRET, dnsPort, response: [], served: [], missed: 0 }, pdns };
}

/** Until the API answers with the key and the DNS server serves the zone's challenge TXT and its last host. */
async function untilReady(label: string, proc: LoggedProcess | null, api: string, key: string, dnsPort: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let building = false;
  let lastWord = Date.now();
  for (;;) {
    if (proc?.exited()) throw new Error(`${label} exited while starting:\n${proc.output().slice(-4000)}`);
    if (proc && !building && /building the web app/.test(proc.output())) {
      building = true;
      log(`${label}: building the web app (next build)…`);
    }
    const apiUp = await fetch(`${api}/zones/${ZONE}?rrsets=false`, { headers: { 'x-api-key': key } }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (apiUp && (await txtValues(dnsPort, CHALLENGE))?.includes('initial')) return void log(`${label}: API and DNS answer`);
    if (Date.now() > deadline) throw new Error(`${label} did not answer in ${START_TIMEOUT_MS / 60_000} min${proc ? `:\n${proc.output().slice(-4000)}` : ''}`);
    if (Date.now() - lastWord > 60_000) {
      lastWord = Date.now();
      log(`${label}: still starting (API ${apiUp ? 'up' : 'not up yet'})`);
    }
    await sleep(250);
  }
}

// ---------------------------------------------------------------- one change

/** The TXT strings a server answers for `name` now, one per record; null when it does not answer in time. */
async function txtValues(port: number, name: string, timeoutMs = 250): Promise<string[] | null> {
  try {
    const r = await ask(port, name, 'TXT', { timeoutMs }, HOST);
    return r.answers.filter((a) => a.type === 'TXT').map((a) => [a.data].flat().map(String).join(''));
  } catch {
    return null;
  }
}

/** Sends the PATCH that sets the challenge TXT to `value`, asks the DNS server meanwhile, and returns both times from the send. */
async function change(s: Server, value: string): Promise<{ responseMs: number; servedMs: number | null }> {
  const body = JSON.stringify({
    rrsets: [{ name: CHALLENGE, type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: `"${value}"`, disabled: false }] }],
  });
  const sent = performance.now();
  const patch = fetch(`${s.api}/zones/${ZONE}`, { method: 'PATCH', headers: { 'x-api-key': s.key, 'content-type': 'application/json' }, body }).then(async (r) => {
    const responseMs = performance.now() - sent;
    if (r.status !== 204) throw new Error(`${s.label}: PATCH answered ${r.status} ${(await r.text()).slice(0, 500)}`);
    return responseMs;
  });
  let failed = false;
  patch.catch(() => (failed = true));
  let servedMs: number | null = null;
  while (!failed && performance.now() - sent < SERVE_WITHIN_MS) {
    const values = await txtValues(s.dnsPort, CHALLENGE);
    if (values?.includes(value)) {
      servedMs = performance.now() - sent;
      break;
    }
    await sleep(POLL_MS);
  }
  return { responseMs: await patch, servedMs };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = new Date();
  console.log(
    `bench/api.sh ${started.toISOString().slice(0, 16)}Z  node ${process.version}  ${machineLoad()}  zone ${ZONE} of ${RECORDS} records, ${CHANGES} changes`,
  );
  const records = zoneRecords(RECORDS);
  const { server: pdnsServer, pdns } = await startPowerDns(records);
  const zk = await startZonekeeper(records);
  const version = ((await (await fetch(pdnsServer.api, { headers: { 'x-api-key': PDNS_SECRET } })).json()) as { version?: string }).version ?? '?';
  const servers = [zk, pdnsServer];
  const labels = { Zonekeeper: 'Zonekeeper', PowerDNS: `PowerDNS ${version}` } as Record<string, string>;
  const width = Math.max(...Object.values(labels).map((l) => l.length));

  log(`load before the changes: ${machineLoad()}`);
  const tag = Date.now().toString(36);
  for (const s of servers) {
    const w = await change(s, `warm-up-${tag}`);
    log(`warm-up (not counted), ${labels[s.label]}: 204 after ${w.responseMs.toFixed(0)} ms, served after ${w.servedMs === null ? 'MISSED' : `${w.servedMs.toFixed(0)} ms`}`);
    await sleep(PAUSE_MS);
  }
  for (let i = 1; i <= CHANGES; i++) {
    const line = new Map<Server, string>();
    // Taking turns, who goes first alternating too.
    for (const s of i % 2 ? servers : [...servers].reverse()) {
      const r = await change(s, `bench-${tag}-${i}`);
      s.response.push(r.responseMs);
      if (r.servedMs === null) s.missed++;
      else s.served.push(r.servedMs);
      line.set(s, `${labels[s.label]} 204 ${r.responseMs.toFixed(0).padStart(4)} ms, served ${r.servedMs === null ? 'MISSED' : `${r.servedMs.toFixed(0).padStart(4)} ms`}`);
      await sleep(PAUSE_MS);
    }
    console.log(`  ${String(i).padStart(3)}: ${servers.map((s) => line.get(s)).join('   ')}`);
  }

  // The zones still hold every record, and each server's last value is the last one sent.
  const zkCount = new Database(path.join(work, 'zk.db'), { readonly: true });
  const ours = (zkCount.prepare('select count(*) as n from "Record" r join "Zone" z on z.id = r."zoneId" where z.name = ?').get(ZONE) as { n: number }).n + 1;
  zkCount.close();
  const theirs = pdns.query<{ n: number }>("select count(*) as n from records r join domains d on d.id = r.domain_id where d.name = ?", ZONE.slice(0, -1))[0]!.n;

  console.log('');
  console.log(
    `bench/api.sh ${started.toISOString().slice(0, 16)}Z  node ${process.version}  ${machineLoad()}`,
  );
  console.log(
    `PATCH of one rrset (${CHALLENGE} TXT, REPLACE) → served over UDP (asked every ${POLL_MS} ms), zone of ${RECORDS} records (now ${ours} in Zonekeeper, ${theirs} in PowerDNS), ${CHANGES} changes each, taking turns, ${PAUSE_MS} ms apart; target p95 under ${TARGET_P95_MS} ms`,
  );
  console.log('time from sending the PATCH until the DNS server answers the new value:');
  for (const s of servers) console.log(`  ${labels[s.label]!.padEnd(width)}  ${stats(s.served)}${s.missed ? `   ${s.missed} not served within ${SERVE_WITHIN_MS / 1000} s` : ''}`);
  console.log(`  ratio (Zonekeeper / PowerDNS): median ${ratio(zk.served, pdnsServer.served, 0.5)}, p95 ${ratio(zk.served, pdnsServer.served, 0.95)}; Zonekeeper p95 ${zk.served.length ? (rank(zk.served, 0.95) <= TARGET_P95_MS ? 'within' : 'OVER') : '-'} the ${TARGET_P95_MS} ms target`);
  console.log('time from sending the PATCH until its 204:');
  for (const s of servers) console.log(`  ${labels[s.label]!.padEnd(width)}  ${stats(s.response)}`);
  console.log(`  ratio (Zonekeeper / PowerDNS): median ${ratio(zk.response, pdnsServer.response, 0.5)}, p95 ${ratio(zk.response, pdnsServer.response, 0.95)}`);
  console.log('PowerDNS as lib/testing/pdns.ts sets it up: gsqlite3, packet and query caches off, its defaults otherwise (the zone: kind Native, no DNSSEC, api_rectify off); Zonekeeper with RRL off (ZK_RRL_RESPONSES_PER_SECOND=0)');
}

main()
  .catch((err: Error) => {
    console.error(`bench/api failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(() => cleanups.run());
