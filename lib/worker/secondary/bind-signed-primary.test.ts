// The worker as secondary of a zone BIND 9.18 signs itself (`dnssec-policy default`,
// inline-signing): every record the transfer brings is kept (DNSKEY, RRSIG, NSEC, DS and
// BIND's private TYPE65534, which its NSEC bitmap lists), so the worker's AXFR is BIND's
// record for record and passes dnssec-verify and ldns-verify-zone; a change made on BIND with
// nsupdate arrives by IXFR and the zone still verifies. delv, with BIND's own key as its
// only trust anchor, validates the worker's answers from both zones.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db';
import { RCODE } from '../../dns/wire';
import { freePort, startBind, type RunningBind } from '../../testing/bind';
import { ask, eventually } from '../../testing/dns-client';
import { runProgram } from '../../testing/run-program';
import { requirePrograms } from '../../testing/system-program';
import { delv, FULLY_VALIDATED, NEGATIVE_VALIDATED, verdictOf, writeTrustAnchor } from '../../testing/delv';
import { createZone } from '../../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from '../worker';

const programs = requirePrograms({
  named: 'bind9',
  nsupdate: 'bind9-dnsutils',
  dig: 'bind9-dnsutils',
  delv: 'bind9-dnsutils',
  'dnssec-verify': 'bind9-utils',
  'ldns-verify-zone': 'ldnsutils',
});
const Z = 'signed.test.';
/** The same zone signed with NSEC3 as RFC 9276 wants it (no salt, no extra iterations). */
const Z3 = 'nsec3.test.';

const zoneFile = (z: string) => [
  '$TTL 300',
  `@ IN SOA ns1.${z} hostmaster.${z} 1 3600 600 86400 300`,
  `@ IN NS ns1.${z}`,
  'ns1 IN A 127.0.0.1',
  'www IN A 192.0.2.1',
  // The NSEC before it names it in this case, and signs it so (RFC 6840 §5.1).
  'MiXed IN A 192.0.2.5',
  'alias IN CNAME www',
  '*.wild IN TXT "any"',
  `sub IN NS ns.elsewhere.example.`,
  `sub IN DS 12345 13 2 ${'AB'.repeat(32)}`,
  '',
].join('\n');

describe.skipIf(!programs)('the worker as secondary of a zone BIND signs', () => {
  let bind: RunningBind;
  let worker: RunningWorker;
  let port: number;
  let bindPort: number;

  const serialAt = async (p: number, z = Z) => {
    const r = await ask(p, z, 'SOA');
    return r.rcode === RCODE.NOERROR && r.answers[0]?.type === 'SOA' ? (r.answers[0].data as { serial: number }).serial : -1;
  };
  /** The zone by AXFR from `p`, one record a line as dig prints it (one SOA), and the file it was written to. */
  const axfr = async (p: number, file: string, z = Z) => {
    const r = await runProgram(programs!.dig, ['+tcp', '+onesoa', '+nocmd', '+nostats', '+nocomments', '@127.0.0.1', '-p', String(p), z, 'AXFR']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith(';')).map((l) => l.trim().split(/\s+/).join(' '));
    const out = path.join(bind.dir, file);
    writeFileSync(out, lines.join('\n') + '\n');
    // Owners compared case-blind (RFC 4343): BIND writes NSEC3 hashes in upper case, we store names in lower.
    const owner = (l: string) => l.replace(/^\S+/, (o) => o.toLowerCase());
    return { lines: lines.map(owner).sort(), file: out };
  };
  const verify = async (file: string, z = Z) => {
    // -z: BIND's default policy signs with one key (a CSK, flags 257) for both roles.
    const bindCheck = await runProgram(programs!['dnssec-verify'], ['-z', '-o', z, file]);
    expect(bindCheck.stdout + bindCheck.stderr).toMatch(/Zone fully signed/);
    expect(bindCheck.status).toBe(0);
    const ldns = await runProgram(programs!['ldns-verify-zone'], [file]);
    expect(ldns.stdout + ldns.stderr).toMatch(/Zone is verified and complete/);
    expect(ldns.status).toBe(0);
  };
  /** Waits until BIND's serial holds still (signing goes in steps) and the worker serves it. */
  const inStep = async (ready: () => Promise<boolean>, z = Z) => {
    let last = -1;
    let since = Date.now();
    const settled = await eventually(
      async () => {
        const s = (await ready()) ? await serialAt(bindPort, z) : -1;
        if (s !== last) [last, since] = [s, Date.now()];
        return s > 0 && Date.now() - since > 1500 && (await serialAt(port, z)) === s ? s : -1;
      },
      (s) => s > 0,
      30_000,
      200,
    );
    expect(settled).toBeGreaterThan(0);
    return settled;
  };
  const events = async (z = Z) => db().zoneEvent.findMany({ where: { zoneName: z }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    bindPort = await freePort('127.0.0.1');
    for (const z of [Z, Z3]) await createZone({ name: z, kind: 'secondary', primaries: [`127.0.0.1:${bindPort}`] }, { name: 'test' });
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 1000 });
    port = worker.dns[0]!.port;
    bind = await startBind({
      program: programs!.named,
      port: bindPort,
      options: ['notify-source 127.0.0.1;'],
      files: { 'signed.test.zone': zoneFile(Z), 'nsec3.test.zone': zoneFile(Z3) },
      config: (dir) => {
        const zone = (z: string, policy: string) =>
          `zone "${z}" { type primary; file "${path.join(dir, `${z}zone`)}"; dnssec-policy ${policy}; inline-signing yes; ` +
          `key-directory "${dir}"; notify explicit; also-notify { 127.0.0.1 port ${port}; }; notify-delay 0; max-ixfr-ratio unlimited; ` +
          'allow-update { 127.0.0.1; }; allow-transfer { 127.0.0.1; }; };';
        return ['dnssec-policy "nsec3" { nsec3param iterations 0 optout no salt-length 0; };', zone(Z, 'default'), zone(Z3, '"nsec3"')].join('\n');
      },
    });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await bind?.stop();
  });

  it('keeps every record of the signed zone, and its AXFR verifies', { timeout: 60_000 }, async () => {
    // BIND signs after loading, then notifies the signed serial.
    await inStep(async () => (await ask(bindPort, Z, 'DNSKEY')).answers.length > 0);
    const ours = await axfr(port, 'ours.zone');
    const theirs = await axfr(bindPort, 'bind.zone');
    expect(ours.lines).toEqual(theirs.lines);
    const types = new Set(ours.lines.map((l) => l.split(' ')[3]));
    // (BIND publishes CDS and CDNSKEY only hours later, once the DS could be at the parent.)
    for (const t of ['DNSKEY', 'RRSIG', 'NSEC', 'DS', 'TYPE65534']) expect(types).toContain(t);
    await verify(ours.file);
    expect((await events()).find((e) => e.kind === 'axfr-in' && e.outcome === 'ok')?.detail ?? '').not.toMatch(/left out/);
  });

  it('keeps an NSEC3 chain the same way (RFC 9276 parameters)', { timeout: 60_000 }, async () => {
    await inStep(async () => (await ask(bindPort, Z3, 'NSEC3PARAM')).answers.length > 0, Z3);
    const ours = await axfr(port, 'ours3.zone', Z3);
    expect(ours.lines).toEqual((await axfr(bindPort, 'bind3.zone', Z3)).lines);
    expect(ours.lines).toContain(`${Z3} 0 IN NSEC3PARAM 1 0 0 -`);
    expect(ours.lines.filter((l) => l.split(' ')[3] === 'NSEC3').length).toBeGreaterThan(3);
    await verify(ours.file, Z3);
  });

  it('takes a change made on BIND by IXFR, and the zone still verifies', { timeout: 60_000 }, async () => {
    const before = await serialAt(port);
    const r = await runProgram(programs!.nsupdate, [], { input: [`server 127.0.0.1 ${bindPort}`, 'zone signed.test', 'update add www2.signed.test. 300 A 192.0.2.22', 'send', ''].join('\n') });
    expect(r.stderr).toBe('');
    // BIND re-signs (new RRSIGs, a new NSEC link) and notifies; the worker follows.
    expect(await inStep(async () => (await ask(bindPort, `www2.${Z}`, 'A')).answers.length > 0)).toBeGreaterThan(before);
    const ixfr = (await events()).filter((e) => e.kind === 'ixfr-in' && e.outcome === 'ok');
    expect(ixfr.length).toBeGreaterThan(0);
    expect(ixfr.at(-1)!.detail).toMatch(/^incremental/);
    const ours = await axfr(port, 'ours2.zone');
    expect(ours.lines).toEqual((await axfr(bindPort, 'bind2.zone')).lines);
    expect(ours.lines.some((l) => l.startsWith(`www2.${Z} 300 IN RRSIG A `))).toBe(true);
    await verify(ours.file);
  });

  it.each([Z, Z3])('answers from %s that delv, trusting only the key BIND signed with, calls fully validated', { timeout: 60_000 }, async (z) => {
    // BIND's default policy signs with one key for both roles (a CSK, flags 257).
    const keys = await runProgram(programs!.dig, ['+short', '@127.0.0.1', '-p', String(bindPort), z, 'DNSKEY']);
    const csk = keys.stdout.split('\n').find((l) => l.startsWith('257 '));
    expect(csk, keys.stdout).toBeDefined();
    const target = { program: programs!.delv, anchors: writeTrustAnchor(bind.dir, z, csk!), zone: z, port };
    for (const [name, type, verdict] of [
      [`www.${z}`, 'A', FULLY_VALIDATED],
      [`mixed.${z}`, 'A', FULLY_VALIDATED],
      [`x.wild.${z}`, 'TXT', FULLY_VALIDATED],
      [`alias.${z}`, 'CNAME', FULLY_VALIDATED],
      [`sub.${z}`, 'DS', FULLY_VALIDATED],
      [`nope.${z}`, 'A', NEGATIVE_VALIDATED],
      [`www.${z}`, 'MX', NEGATIVE_VALIDATED],
      [`x.wild.${z}`, 'A', NEGATIVE_VALIDATED],
      ...(z === Z ? ([[`www2.${z}`, 'A', FULLY_VALIDATED]] as const) : []),
    ] as const) {
      const out = await delv(target, name, type);
      expect(verdictOf(out), `${name} ${type}\n${out}`).toBe(verdict);
    }
  });
});
