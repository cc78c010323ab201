// The PowerDNS-compatible API driven by the real clients operators run, from
// Debian's packages, against the real product: the web server (a child
// process, the production build) and a worker on this file's database, with a
// real BIND as the zones' secondary. lego (provider `pdns`) gets a certificate
// for `*.acme.test` and `acme.test` from pebble, which validates DNS-01
// against the worker, with a key limited to `_acme-challenge` TXT records of
// that zone, and leaves no TXT behind; lexicon (provider `powerdns`) creates,
// lists and deletes a record. Each change is in the changelog under the key's
// name, and BIND gets it by IXFR.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../auth/api-keys';
import { db } from '../db';
import { freePort } from '../testing/bind';
import { followWithBind, type BindFollower } from '../testing/bind-follower';
import { ask, eventually } from '../testing/dns-client';
import { startPebble, type RunningPebble } from '../testing/pebble';
import { runProgram, type ProgramResult } from '../testing/run-program';
import { requirePrograms } from '../testing/system-program';
import { startWebServer, type WebServerProcess } from '../testing/web-server';
import { startWorker, type RunningWorker } from '../worker/worker';
import { applyChangeset } from '../zones/changes';
import { listChanges } from '../zones/data';
import { createZone } from '../zones/zone-lifecycle';

const programs = requirePrograms({ lego: 'lego', pebble: 'pebble', lexicon: 'lexicon', openssl: 'openssl', named: 'bind9' });

const ACME = 'acme.test';
// lexicon finds the zone with the public-suffix list, so its zone sits under a real suffix (served on loopback only).
const LEXICON = 'lexicon-zk.net';
const actor = { name: 'test' };

const txtAt = async (port: number, name: string) =>
  (await ask(port, name, 'TXT', { timeoutMs: 500 })).answers.filter((a) => a.type === 'TXT').flatMap((a) => [a.data].flat().map(String));

describe.skipIf(!programs)('real API clients: lego with pebble, lexicon', { timeout: 180_000 }, () => {
  let worker: RunningWorker;
  let web: WebServerProcess;
  let bind: BindFollower;
  let pebble: RunningPebble;
  let dnsPort = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-clients-'));

  const changelog = async (zone: string) => {
    const z = await db().zone.findUniqueOrThrow({ where: { name: `${zone}.` } });
    return (await listChanges(z.id, { pageSize: 50 })).items;
  };
  const failure = (r: ProgramResult) => `exit ${r.status}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}\n--- web:\n${web.output().slice(-2000)}`;

  beforeAll(async () => {
    for (const zone of [ACME, LEXICON]) {
      await createZone({ name: zone, nameservers: [`ns1.${zone}.`] }, actor);
      await applyChangeset(zone, { add: [{ name: 'ns1', type: 'A', content: '127.0.0.1' }] }, actor);
    }
    dnsPort = await freePort('127.0.0.1');
    worker = await startWorker({
      listen: [{ address: '127.0.0.1', port: dnsPort }],
      controlPort: 0,
      pollIntervalMs: 200,
      notify: { firstBackoffMs: 1000, timeoutsMs: [500] },
      probe: { intervalMs: 0 },
    });
    bind = await followWithBind(programs!.named, [ACME, LEXICON], dnsPort);
    [web, pebble] = await Promise.all([
      // The worker's data folder: the control secret the web app presents to it is kept there.
      startWebServer({ DATABASE_URL: process.env.DATABASE_URL!, ZK_DATA_DIR: process.env.ZK_DATA_DIR!, ZK_CONTROL_PORT: String(worker.controlPort) }),
      startPebble({ program: programs!.pebble, openssl: programs!.openssl, dnsServer: `127.0.0.1:${dnsPort}` }),
    ]);
  }, 600_000);

  afterAll(async () => {
    await Promise.all([web?.stop(), pebble?.stop(), bind?.stop(), worker?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lego gets a certificate for *.acme.test and acme.test with a key for _acme-challenge TXT only, and removes its TXT', async () => {
    const { secret } = await createApiKey({ name: 'lego', zones: [ACME], names: ['_acme-challenge.*'], types: ['TXT'] }, 'test');
    const ixfrsBefore = bind.ixfrsOf(ACME);
    const lego = await runProgram(
      programs!.lego,
      [
        '--accept-tos', '--email', `admin@${ACME}`, '--server', pebble.directory, '--path', path.join(dir, 'lego'),
        '--dns', 'pdns', '--dns.resolvers', `127.0.0.1:${dnsPort}`, '--dns.disable-cp',
        '--key-type', 'ec256', '--domains', `*.${ACME}`, '--domains', ACME, 'run',
      ],
      {
        env: { ...process.env, LEGO_CA_CERTIFICATES: pebble.caFile, PDNS_API_URL: web.base, PDNS_API_KEY: secret, PDNS_TTL: '60' },
        timeoutMs: 120_000,
      },
    );
    expect(lego.status, failure(lego)).toBe(0);

    const certificate = new X509Certificate(fs.readFileSync(path.join(dir, 'lego/certificates', `_.${ACME}.crt`)));
    expect(certificate.subjectAltName?.split(', ').sort()).toEqual([`DNS:*.${ACME}`, `DNS:${ACME}`]);
    // Present and clean up: two challenges set, then removed, each a change named after the key.
    const byKey = (await changelog(ACME)).filter((c) => c.actor === 'api key lego');
    expect(byKey.length).toBeGreaterThanOrEqual(2);
    expect(byKey.flatMap((c) => c.added.map((r) => `${r.name} ${r.type}`))).toContain(`_acme-challenge.${ACME}. TXT`);
    expect(byKey.flatMap((c) => c.removed.map((r) => `${r.name} ${r.type}`))).toContain(`_acme-challenge.${ACME}. TXT`);
    // Nothing left behind, on the worker and on the secondary, which followed by IXFR.
    expect(await eventually(() => txtAt(dnsPort, `_acme-challenge.${ACME}.`), (t) => t.length === 0, 2000)).toEqual([]);
    const serial = Number((await db().zone.findUniqueOrThrow({ where: { name: `${ACME}.` } })).serial);
    await bind.caughtUp(ACME, serial);
    expect(await txtAt(bind.port, `_acme-challenge.${ACME}.`)).toEqual([]);
    expect(bind.ixfrsOf(ACME)).toBeGreaterThan(ixfrsBefore);
  });

  it('lexicon creates, lists and deletes a TXT record; BIND gets each change by IXFR', async () => {
    const { secret } = await createApiKey({ name: 'lexicon', zones: [LEXICON] }, 'test');
    const lexicon = (action: string, ...args: string[]) =>
      runProgram(
        programs!.lexicon,
        ['powerdns', action, LEXICON, 'TXT', ...args, '--auth-token', secret, '--pdns-server', web.base, '--pdns-server-id', 'localhost'],
        // Its public-suffix cache goes to our folder; Debian's tldextract reads the list from /usr/share/publicsuffix.
        { env: { ...process.env, TLDEXTRACT_CACHE_PATH: path.join(dir, 'tldextract') }, timeoutMs: 60_000 },
      );
    const name = `_lx.${LEXICON}.`;

    let ixfrs = bind.ixfrsOf(LEXICON);
    const created = await lexicon('create', '--name', '_lx', '--content', 'hello from lexicon');
    expect(created.status, failure(created)).toBe(0);
    expect(await eventually(() => txtAt(dnsPort, name), (t) => t.length > 0, 2000)).toEqual(['hello from lexicon']);
    expect(await eventually(() => txtAt(bind.port, name), (t) => t.length > 0, 10_000, 100)).toEqual(['hello from lexicon']);
    expect(bind.ixfrsOf(LEXICON)).toBeGreaterThan(ixfrs);

    const listed = await lexicon('list');
    expect(listed.status, failure(listed)).toBe(0);
    expect(listed.stdout).toContain('hello from lexicon');

    ixfrs = bind.ixfrsOf(LEXICON);
    const deleted = await lexicon('delete', '--name', '_lx', '--content', 'hello from lexicon');
    expect(deleted.status, failure(deleted)).toBe(0);
    expect(await eventually(() => txtAt(dnsPort, name), (t) => t.length === 0, 2000)).toEqual([]);
    expect(await eventually(() => txtAt(bind.port, name), (t) => t.length === 0, 10_000, 100)).toEqual([]);
    expect(bind.ixfrsOf(LEXICON)).toBeGreaterThan(ixfrs);

    const byKey = (await changelog(LEXICON)).filter((c) => c.actor === 'api key lexicon');
    const names = (rrs: { name: string; type: string }[]) => rrs.filter((r) => r.type !== 'SOA').map((r) => r.name);
    expect(byKey.map((c) => [names(c.added), names(c.removed)])).toEqual([
      [[], [name]],
      [[name], []],
    ]);
  });
});
