// The replication doctor against real BIND 9 secondaries, each misconfigured
// one way: the doctor names that cause and a fix with the setting to change,
// through the data function and through `zonekeeper replication doctor`
// (exit status 1), and calls the correctly configured one healthy.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startBind, type BindOptions, type RunningBind } from '../testing/bind';
import { eventually } from '../testing/dns-client';
import { requireProgram } from '../testing/system-program';
import { applyChangeset, importZone } from '../zones/changes';
import { setZoneOptions } from '../zones/zone-lifecycle';
import { createTsigKey } from '../zones/tsig-keys';
import { startWorker, type RunningWorker } from '../worker/worker';
import { db } from '../db';
import { createSession } from '../auth/session-store';
import { createUser, grantZone } from '../auth/users';
import { startWebServer } from '../testing/web-server';
import { getZoneReplication } from './data';
import { diagnoseProblemZones, diagnoseZones } from './doctor-data';
import type { SecondaryDiagnosis, ZoneDiagnosis } from './doctor';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../../bin/zonekeeper.mjs');
const named = requireProgram('named', 'bind9');
const actor = { name: 'test' };
const DOC = 'doc.test';
const SIGNED = 'signed.test';
const ACL = 'acl.test';
/** Replicated to the good secondary alone: a zone the doctor finds healthy. */
const FINE = 'fine.test';

const zoneFile = (zone: string, serial: number) =>
  [`$ORIGIN ${zone}.`, '$TTL 300', `@ IN SOA ns1 hostmaster ${serial} 86400 86400 1209600 300`, '@ IN NS ns1', 'ns1 IN A 127.0.0.1', 'www IN A 192.0.2.1', ''].join('\n');

/**
 * A BIND that refreshes only on NOTIFY (timers of a day) and sends no NOTIFY
 * itself. Each asks from an address of its own (`source`), as secondaries on
 * different hosts do: we record transfers by the client's address.
 */
function bind(port: number, source: string, config: BindOptions['config'], opts: Partial<BindOptions> = {}): BindOptions {
  const lines = ['notify no;', 'min-refresh-time 86400;', 'min-retry-time 86400;', `transfer-source ${source};`, `query-source address ${source};`];
  return { program: named!, port, options: [...lines, ...(opts.options ?? [])], config, files: opts.files };
}
const secondaryZone = (zone: string, d: string, primary: string) => `zone "${zone}" { type secondary; primaries { ${primary}; }; file "${d}/${zone}.db"; };`;

describe.skipIf(!named)('the replication doctor with misconfigured BIND secondaries', { timeout: 90_000 }, () => {
  let worker: RunningWorker;
  let workerPort: number;
  const ports: Record<string, number> = {};
  const binds: Record<string, RunningBind> = {};
  const names = ['good', 'notifyRefused', 'wrongPrimaries', 'stopped', 'absent', 'ahead', 'keyAndAcl'] as const;
  const target = (n: (typeof names)[number]) => `127.0.0.1:${ports[n]}`;
  const behindMs = 1000;
  const of = (d: ZoneDiagnosis | undefined, n: (typeof names)[number]): SecondaryDiagnosis => {
    const s = d?.secondaries.find((x) => x.target === target(n));
    if (!s) throw new Error(`no diagnosis of ${n} in ${JSON.stringify(d)}`);
    return s;
  };
  const zoneId = async (z: string) => (await db().zone.findUniqueOrThrow({ where: { name: `${z}.` } })).id;
  let doc: ZoneDiagnosis;
  let signed: ZoneDiagnosis;
  let acl: ZoneDiagnosis;

  beforeAll(async () => {
    for (const z of [DOC, SIGNED, ACL, FINE]) await importZone(z, zoneFile(z, 100), actor);
    await createTsigKey('xfr-key', 'hmac-sha256');
    const other = await createTsigKey('other-key', 'hmac-sha256');
    workerPort = await freePort('127.0.0.1');
    for (const n of names) ports[n] = await freePort('127.0.0.1');
    const nowhere = await freePort('127.0.0.1');
    await setZoneOptions(DOC, { alsoNotify: ['good', 'notifyRefused', 'wrongPrimaries', 'stopped', 'absent', 'ahead'].map((n) => target(n as (typeof names)[number])) }, actor);
    await setZoneOptions(FINE, { alsoNotify: [target('good')] }, actor);
    await setZoneOptions(SIGNED, { tsig: 'xfr-key', alsoNotify: [target('keyAndAcl')] }, actor);
    // Only 127.0.0.2 may transfer it; BIND asks from 127.0.0.1.
    await setZoneOptions(ACL, { allowTransfer: ['127.0.0.2/32'], alsoNotify: [target('keyAndAcl')] }, actor);

    worker = await startWorker({
      listen: [
        { address: '127.0.0.1', port: workerPort },
        { address: '127.0.0.2', port: workerPort },
      ],
      controlPort: 0,
      pollIntervalMs: 200,
      notify: { firstBackoffMs: 60_000, timeoutsMs: [500] },
      probe: { intervalMs: 0, timeoutsMs: [300, 300], chaseDelaysMs: [0, 100, 200, 300, 500, 800, 1200, 2000] },
    });
    process.env.ZK_CONTROL_PORT = String(worker.controlPort);
    process.env.ZK_DNS_LISTEN = `127.0.0.1:${workerPort},127.0.0.2:${workerPort}`;
    process.env.ZK_BEHIND_AFTER = String(behindMs / 1000);
    const us = `127.0.0.1 port ${workerPort}`;
    const started = await Promise.all([
      startBind(bind(ports.good!, '127.0.0.11', (d) => [secondaryZone(DOC, d, us), secondaryZone(FINE, d, us)].join('\n'))),
      // It knows us as 127.0.0.2 and takes NOTIFY from nobody else: ours come from 127.0.0.1.
      startBind(bind(ports.notifyRefused!, '127.0.0.12', (d) => secondaryZone(DOC, d, `127.0.0.2 port ${workerPort}`), { options: ['allow-notify { none; };'] })),
      // It takes NOTIFY from anyone but asks a primary where nothing listens.
      startBind(bind(ports.wrongPrimaries!, '127.0.0.13', (d) => secondaryZone(DOC, d, `127.0.0.1 port ${nowhere}`), { options: ['allow-notify { 127.0.0.0/8; };'] })),
      startBind(bind(ports.stopped!, '127.0.0.14', (d) => secondaryZone(DOC, d, us))),
      startBind(bind(ports.absent!, '127.0.0.15', () => '')),
      // A copy restored from elsewhere, with a serial far ahead of ours.
      startBind(bind(ports.ahead!, '127.0.0.16', (d) => `zone "${DOC}" { type primary; file "${d}/doc.zone"; };`, { files: { 'doc.zone': zoneFile(DOC, 900_000) } })),
      // Both zones' transfers refused: one for the key it signs with, one for the address it asks from.
      startBind(
        bind(ports.keyAndAcl!, '127.0.0.1', (d) =>
          [
            `key "other-key." { algorithm hmac-sha256; secret "${other.secret}"; };`,
            `zone "${SIGNED}" { type secondary; primaries { 127.0.0.1 port ${workerPort} key "other-key."; }; file "${d}/${SIGNED}.db"; };`,
            secondaryZone(ACL, d, us),
          ].join('\n'),
        ),
      ),
    ]);
    names.forEach((n, i) => (binds[n] = started[i]!));
    await binds.good!.waitForLog(new RegExp(`zone ${FINE}/IN: transferred serial 100`), 15_000);
    await Promise.all(
      (['good', 'notifyRefused', 'stopped'] as const).map((n) => binds[n]!.waitForLog(new RegExp(`zone ${DOC}/IN: transferred serial 100`), 15_000)),
    );
    // Its first transfers, refused: one for the key, one for the address.
    await eventually(
      () => db().zoneEvent.findMany({ where: { outcome: 'refused', kind: { in: ['axfr-out', 'ixfr-out'] } }, select: { zoneName: true } }),
      (rows) => [SIGNED, ACL].every((z) => rows.some((r) => r.zoneName === `${z}.`)),
      15_000,
    );
    await binds.stopped!.stop();
    delete binds.stopped;

    const c = await applyChangeset(DOC, { add: [{ name: 'new', type: 'A', content: '192.0.2.2' }], comment: 'doctor test' }, actor);
    const docId = await zoneId(DOC);
    await eventually(
      async () => (await getZoneReplication(docId))!.secondaries,
      (ss) => ss.some((s) => s.target === target('good') && s.serial === c.newSerial),
      10_000,
    );
    // The NOTIFYs are answered (or not) by now; past ZK_BEHIND_AFTER the laggards are behind.
    await new Promise((r) => setTimeout(r, behindMs + 200));
    for (const z of [DOC, SIGNED, ACL, FINE]) await worker.prober.probeZone(`${z}.`);
    const found = await diagnoseZones([docId, await zoneId(SIGNED), await zoneId(ACL)], { behindMs });
    [doc, signed, acl] = [DOC, SIGNED, ACL].map((z) => found.find((d) => d.zone === `${z}.`)!);
  }, 90_000);

  afterAll(async () => {
    await worker?.stop();
    await Promise.all(Object.values(binds).map((b) => b.stop()));
  });

  it('calls the correctly configured secondary healthy', () => {
    expect(of(doc, 'good')).toMatchObject({ healthy: true, cause: 'in-sync' });
    expect(doc.healthy).toBe(false);
  });

  it('a secondary that refuses our NOTIFY: our source address and allow-notify', () => {
    const d = of(doc, 'notifyRefused');
    expect(d.cause).toBe('notify-refused');
    expect(d.evidence.map((f) => f.text).join('\n')).toMatch(/NOTIFY of serial \d+ from 127\.0\.0\.1: refused/);
    expect(d.fix.join('\n')).toMatch(/allow-notify \{ 127\.0\.0\.1; \}/);
    expect(d.fix.join('\n')).toMatch(/ZK_NOTIFY_SOURCE/);
  });

  it('a secondary whose primaries name another address: the address it needs', () => {
    const d = of(doc, 'wrongPrimaries');
    expect(d.cause).toBe('no-transfer-after-notify');
    expect(d.fix.join('\n')).toContain(`must name 127.0.0.1:${workerPort}`);
  });

  it('a stopped secondary: no answer, its address and port', () => {
    const d = of(doc, 'stopped');
    expect(d.cause).toBe('unreachable');
    expect(d.summary).toContain(`127.0.0.1 port ${ports.stopped}`);
  });

  it('a server without the zone: not configured there, with the catalog route', () => {
    const d = of(doc, 'absent');
    expect(d.cause).toBe('zone-missing');
    expect(d.fix.join('\n')).toMatch(/type secondary; primaries \{ 127\.0\.0\.1 port \d+; \}/);
    expect(d.fix.join('\n')).toMatch(/catalog/);
  });

  it('a copy with a higher serial: how to move ours past it', () => {
    const d = of(doc, 'ahead');
    expect(d.cause).toBe('serial-ahead');
    expect(d.fix.join('\n')).toMatch(/serial there to 900001/);
    expect(d.fix.join('\n')).toMatch(/rndc retransfer doc\.test/);
  });

  it('a secondary signing with another key: the key each side must use', () => {
    const d = of(signed, 'keyAndAcl');
    expect(d.cause).toBe('transfer-refused');
    expect(d.evidence.map((f) => f.text).join('\n')).toMatch(/requires TSIG key xfr-key\.; the request was signed with other-key\./);
    expect(d.fix.join('\n')).toMatch(/use key xfr-key\., not other-key\./);
  });

  it('a secondary outside our allow-transfer: the range to add here', () => {
    const d = of(acl, 'keyAndAcl');
    expect(d.cause).toBe('transfer-refused');
    expect(d.fix.join('\n')).toMatch(/--allow-transfer 127\.0\.0\.2\/32,127\.0\.0\.1\/32/);
  });

  it('lists every zone with a problem, and the CLI exits 1 with the causes', async () => {
    const all = await diagnoseProblemZones({ behindMs });
    expect(all.map((d) => d.zone)).toEqual([`${ACL}.`, `${DOC}.`, `${SIGNED}.`]);
    // Bounded, the worst state first: doc.test has a secondary without the zone (missing).
    expect((await diagnoseProblemZones({ behindMs, limit: 1 })).map((d) => d.zone)).toEqual([`${DOC}.`]);

    const env = { ...process.env };
    const zk = (args: string[]) =>
      run(process.execPath, [BIN, ...args], { env, timeout: 30_000 }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const one = await zk(['replication', 'doctor', DOC, '--json']);
    expect(one.code).toBe(1);
    const parsed = JSON.parse(one.out) as { healthy: boolean; zones: ZoneDiagnosis[] };
    const causes = Object.fromEntries(parsed.zones[0]!.secondaries.map((s) => [s.target, s.cause]));
    expect(causes).toEqual({
      [target('good')]: 'in-sync',
      [target('notifyRefused')]: 'notify-refused',
      [target('wrongPrimaries')]: 'no-transfer-after-notify',
      [target('stopped')]: 'unreachable',
      [target('absent')]: 'zone-missing',
      [target('ahead')]: 'serial-ahead',
    });
    const fine = await zk(['replication', 'doctor', FINE]);
    expect(fine.code).toBe(0);
    expect(fine.out).toMatch(new RegExp(`${FINE}\\.  serial 100  healthy`));
    const text = await zk(['replication', 'doctor', '--probe']);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/signed\.test\.[\s\S]*transfer-refused[\s\S]*fix: .*use key xfr-key\./);
    expect(text.out).toMatch(/notify-refused: it refuses our NOTIFY from 127\.0\.0\.1/);
  });

  it('shows the diagnosis beside each secondary on the zone page, and the counts per cause on /replication to those who may read the zones', async () => {
    const admin = await createUser('doctor-admin', 'doctor-admin-password', 'admin');
    const editor = await createUser('doctor-editor', 'doctor-editor-password', 'editor');
    await grantZone('doctor-editor', DOC);
    const cookie = async (id: number) => `zk_session=${(await createSession(id, { address: '127.0.0.1', userAgent: 'doctor test' })).token}`;
    const env = Object.fromEntries(
      ['DATABASE_URL', 'ZK_DATA_DIR', 'ZK_DNS_LISTEN', 'ZK_BEHIND_AFTER'].map((k) => [k, process.env[k]!]),
    );
    // The CLI in the editor's name: only the zone granted to them.
    const mine = await run(process.execPath, [BIN, 'replication', 'doctor', '--json', '--as', 'doctor-editor'], { env: process.env, timeout: 30_000 }).catch((e: { code: number; stdout: string }) => e);
    expect((mine as { code?: number }).code).toBe(1);
    expect((JSON.parse(mine.stdout) as { zones: ZoneDiagnosis[] }).zones.map((z) => z.zone)).toEqual([`${DOC}.`]);
    const web = await startWebServer(env);
    try {
      const page = async (href: string, id: number) => (await fetch(`${web.base}${href}`, { headers: { cookie: await cookie(id) } })).text();
      const zonePage = await page(`/zones/${DOC}/replication`, admin.id);
      // Under the secondary that refuses NOTIFY: the cause, the NOTIFY answer and the setting.
      expect(zonePage).toMatch(new RegExp(`data-cause="notify-refused"[\\s\\S]*refused \\(REFUSED\\)[\\s\\S]*allow-notify \\{ 127\\.0\\.0\\.1; \\}`));
      expect(zonePage).toContain('data-cause="serial-ahead"');
      expect(zonePage).not.toContain('data-cause="in-sync"');

      const dashboard = await page('/replication', admin.id);
      expect(dashboard).toMatch(/data-testid="doctor-cause-transfer-refused"[^]*?signed\.test/);
      expect(dashboard).toMatch(/data-testid="doctor-cause-notify-refused"/);
      const theirs = await page('/replication', editor.id);
      expect(theirs).toMatch(/data-testid="doctor-cause-notify-refused"/);
      expect(theirs).not.toContain('signed.test');
      expect(theirs).not.toContain('doctor-cause-transfer-refused');
    } finally {
      await web.stop();
    }
  }, 600_000);
});
