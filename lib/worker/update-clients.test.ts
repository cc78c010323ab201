// DNS UPDATE from the clients operators run, from Debian's packages, against
// a worker on this file's database, with a real BIND secondary of the zones:
// nsupdate and knsupdate add and delete records with a TSIG key; lego (its
// rfc2136 provider) and certbot (python3-certbot-dns-rfc2136, with the
// hmac-md5 key it defaults to) each get a certificate from pebble, which
// checks the DNS-01 TXT records on the worker, with a key the zone's policy
// limits to _acme-challenge TXT. Each change is in the changelog under the
// key's name and reaches BIND by IXFR.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { freePort } from '../testing/bind';
import { followWithBind, type BindFollower } from '../testing/bind-follower';
import { ask, eventually } from '../testing/dns-client';
import { startPebble, type RunningPebble } from '../testing/pebble';
import { runProgram, type ProgramResult } from '../testing/run-program';
import { requirePrograms } from '../testing/system-program';
import { applyChangeset } from '../zones/changes';
import { listChanges } from '../zones/data';
import { createTsigKey } from '../zones/tsig-keys';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from './worker';

const programs = requirePrograms({
  nsupdate: 'bind9-dnsutils',
  knsupdate: 'knot-dnsutils',
  lego: 'lego',
  certbot: 'certbot python3-certbot-dns-rfc2136',
  pebble: 'pebble',
  openssl: 'openssl',
  named: 'bind9',
});

const DYN = 'dyn.test';
const LEGO = 'lego-update.test';
const CERTBOT = 'certbot-update.test';
const ZONES = [DYN, LEGO, CERTBOT];
const actor = { name: 'test' };

const answersAt = async (port: number, name: string, type: string) =>
  (await ask(port, name, type, { timeoutMs: 500 })).answers.filter((a) => a.type === type).map((a) => [a.data].flat().map(String).join(''));

describe.skipIf(!programs)('DNS UPDATE from real clients', { timeout: 240_000 }, () => {
  let worker: RunningWorker;
  let bind: BindFollower;
  let pebble: RunningPebble;
  let port = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-update-clients-'));
  const secrets: Record<string, { algorithm: string; secret: string }> = {};

  const actorsOf = async (zone: string) => {
    const z = await db().zone.findUniqueOrThrow({ where: { name: `${zone}.` } });
    return (await listChanges(z.id, { pageSize: 50 })).items.map((c) => c.actor);
  };
  const failure = (r: ProgramResult) => `exit ${r.status}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`;
  /** Waits for BIND to have transferred the zone's current serial. */
  const bindCaughtUp = async (zone: string) => bind.caughtUp(zone, Number((await db().zone.findUniqueOrThrow({ where: { name: `${zone}.` } })).serial));

  beforeAll(async () => {
    const keyFor: Record<string, [string, string]> = { [DYN]: ['dyn-key', 'hmac-sha256'], [LEGO]: ['lego-key', 'hmac-sha256'], [CERTBOT]: ['certbot-key', 'hmac-md5'] };
    for (const zone of ZONES) {
      const [keyName, algorithm] = keyFor[zone]!;
      const k = await createTsigKey(keyName, algorithm);
      secrets[keyName] = { algorithm, secret: k.secret };
      await createZone({ name: zone, nameservers: [`ns1.${zone}.`] }, actor);
      await applyChangeset(zone, { add: [{ name: 'ns1', type: 'A', content: '127.0.0.1' }] }, actor);
      const policy = zone === DYN ? [`grant ${keyName} zonesub ANY`] : [`grant ${keyName} name _acme-challenge.${zone}. TXT`];
      await setZoneOptions(zone, { updatePolicy: policy }, actor);
    }
    port = await freePort('127.0.0.1');
    worker = await startWorker({
      listen: [{ address: '127.0.0.1', port }],
      controlPort: 0,
      pollIntervalMs: 200,
      notify: { firstBackoffMs: 1000, timeoutsMs: [500] },
      probe: { intervalMs: 0 },
    });
    bind = await followWithBind(programs!.named, ZONES, port);
    pebble = await startPebble({ program: programs!.pebble, openssl: programs!.openssl, dnsServer: `127.0.0.1:${port}` });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([pebble?.stop(), bind?.stop(), worker?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const script = (zone: string, lines: string[]) => [`server 127.0.0.1 ${port}`, `zone ${zone}.`, ...lines, 'send', 'quit', ''].join('\n');

  it('nsupdate adds and deletes a record; BIND follows by IXFR', async () => {
    const { algorithm, secret } = secrets['dyn-key']!;
    const nsupdate = (lines: string[]) => runProgram(programs!.nsupdate, ['-y', `${algorithm}:dyn-key:${secret}`], { input: script(DYN, lines), timeoutMs: 30_000 });
    let ixfrs = bind.ixfrsOf(DYN);
    const added = await nsupdate([`update add host.${DYN}. 300 A 192.0.2.50`]);
    expect(added.status, failure(added)).toBe(0);
    expect(await eventually(() => answersAt(port, `host.${DYN}.`, 'A'), (a) => a.length > 0, 2000)).toEqual(['192.0.2.50']);
    await bindCaughtUp(DYN);
    expect(await answersAt(bind.port, `host.${DYN}.`, 'A')).toEqual(['192.0.2.50']);
    expect(bind.ixfrsOf(DYN)).toBeGreaterThan(ixfrs);

    ixfrs = bind.ixfrsOf(DYN);
    const deleted = await nsupdate([`update delete host.${DYN}. A`]);
    expect(deleted.status, failure(deleted)).toBe(0);
    expect(await eventually(() => answersAt(port, `host.${DYN}.`, 'A'), (a) => a.length === 0, 2000)).toEqual([]);
    await bindCaughtUp(DYN);
    expect(await answersAt(bind.port, `host.${DYN}.`, 'A')).toEqual([]);
    expect(bind.ixfrsOf(DYN)).toBeGreaterThan(ixfrs);
    expect((await actorsOf(DYN)).slice(0, 2)).toEqual(['tsig key dyn-key', 'tsig key dyn-key']);
  });

  it('knsupdate adds and deletes a record over TCP', async () => {
    const { algorithm, secret } = secrets['dyn-key']!;
    const knsupdate = (lines: string[]) => runProgram(programs!.knsupdate, ['-v', '-y', `${algorithm}:dyn-key:${secret}`], { input: script(DYN, lines), timeoutMs: 30_000 });
    const added = await knsupdate([`update add knot.${DYN}. 300 TXT "from knsupdate"`]);
    expect(added.status, failure(added)).toBe(0);
    expect(await eventually(() => answersAt(port, `knot.${DYN}.`, 'TXT'), (a) => a.length > 0, 2000)).toEqual(['from knsupdate']);
    const deleted = await knsupdate([`update delete knot.${DYN}. TXT`]);
    expect(deleted.status, failure(deleted)).toBe(0);
    expect(await eventually(() => answersAt(port, `knot.${DYN}.`, 'TXT'), (a) => a.length === 0, 2000)).toEqual([]);
    await bindCaughtUp(DYN);
    expect(await answersAt(bind.port, `knot.${DYN}.`, 'TXT')).toEqual([]);
  });

  it('a key refused by the policy changes nothing, and says so', async () => {
    const { algorithm, secret } = secrets['lego-key']!;
    const r = await runProgram(programs!.nsupdate, ['-y', `${algorithm}:lego-key:${secret}`], { input: script(LEGO, [`update add www.${LEGO}. 300 A 192.0.2.60`]), timeoutMs: 30_000 });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/REFUSED/);
    expect(await answersAt(port, `www.${LEGO}.`, 'A')).toEqual([]);
  });

  const certificateNames = (file: string) => new X509Certificate(fs.readFileSync(file)).subjectAltName?.split(', ').sort();

  it('lego (rfc2136) gets a certificate with a key limited to _acme-challenge TXT, and leaves no TXT behind', async () => {
    const { secret } = secrets['lego-key']!;
    const lego = await runProgram(
      programs!.lego,
      [
        '--accept-tos', '--email', `admin@${LEGO}`, '--server', pebble.directory, '--path', path.join(dir, 'lego'),
        '--dns', 'rfc2136', '--dns.resolvers', `127.0.0.1:${port}`, '--dns.disable-cp',
        '--key-type', 'ec256', '--domains', `*.${LEGO}`, '--domains', LEGO, 'run',
      ],
      {
        env: {
          ...process.env,
          LEGO_CA_CERTIFICATES: pebble.caFile,
          RFC2136_NAMESERVER: `127.0.0.1:${port}`,
          RFC2136_TSIG_KEY: 'lego-key.',
          RFC2136_TSIG_SECRET: secret,
          RFC2136_TSIG_ALGORITHM: 'hmac-sha256.',
          RFC2136_TTL: '60',
          // Its challenges for the apex and the wildcard share one name: it sets them one after the other, 60 s apart by default.
          RFC2136_SEQUENCE_INTERVAL: '1',
        },
        timeoutMs: 150_000,
      },
    );
    expect(lego.status, failure(lego)).toBe(0);
    expect(certificateNames(path.join(dir, 'lego/certificates', `_.${LEGO}.crt`))).toEqual([`DNS:*.${LEGO}`, `DNS:${LEGO}`]);
    expect(await eventually(() => answersAt(port, `_acme-challenge.${LEGO}.`, 'TXT'), (a) => a.length === 0, 2000)).toEqual([]);
    expect(await actorsOf(LEGO)).toContain('tsig key lego-key');
    await bindCaughtUp(LEGO);
    expect(await answersAt(bind.port, `_acme-challenge.${LEGO}.`, 'TXT')).toEqual([]);
    expect(bind.ixfrsOf(LEGO)).toBeGreaterThan(0);
  });

  it('certbot (dns-rfc2136, hmac-md5) gets a certificate with a key limited to _acme-challenge TXT', async () => {
    const { secret } = secrets['certbot-key']!;
    const credentials = path.join(dir, 'rfc2136.ini');
    fs.writeFileSync(
      credentials,
      [`dns_rfc2136_server = 127.0.0.1`, `dns_rfc2136_port = ${port}`, 'dns_rfc2136_name = certbot-key.', `dns_rfc2136_secret = ${secret}`, 'dns_rfc2136_algorithm = HMAC-MD5', ''].join('\n'),
      { mode: 0o600 },
    );
    const certbot = await runProgram(
      programs!.certbot,
      [
        'certonly', '--non-interactive', '--agree-tos', '--register-unsafely-without-email', '--server', pebble.directory,
        '--config-dir', path.join(dir, 'certbot/config'), '--work-dir', path.join(dir, 'certbot/work'), '--logs-dir', path.join(dir, 'certbot/logs'),
        '--dns-rfc2136', '--dns-rfc2136-credentials', credentials, '--dns-rfc2136-propagation-seconds', '1',
        '-d', CERTBOT, '-d', `*.${CERTBOT}`,
      ],
      { env: { ...process.env, REQUESTS_CA_BUNDLE: pebble.caFile }, timeoutMs: 150_000 },
    );
    expect(certbot.status, failure(certbot)).toBe(0);
    expect(certificateNames(path.join(dir, 'certbot/config/live', CERTBOT, 'cert.pem'))).toEqual([`DNS:*.${CERTBOT}`, `DNS:${CERTBOT}`]);
    expect(await eventually(() => answersAt(port, `_acme-challenge.${CERTBOT}.`, 'TXT'), (a) => a.length === 0, 2000)).toEqual([]);
    expect(await actorsOf(CERTBOT)).toContain('tsig key certbot-key');
    expect(bind.ixfrsOf(CERTBOT)).toBeGreaterThan(0);
  });
});
