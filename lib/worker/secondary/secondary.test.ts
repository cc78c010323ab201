// The real worker as a secondary of a scripted primary on loopback: first
// transfer, NOTIFY → SOA check → IXFR, the journal it keeps (so it can feed
// its own secondaries), a transfer cut off midway that changes nothing,
// IXFR that does not apply, several primaries in order, TSIG, expiry and
// recovery, `zone retrieve` and `zone status`; autoprimaries that create
// zones, and the names they may not take.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db';
import { RCODE } from '../../dns/wire';
import type { RR } from '../../dns/types';
import type { TsigKey } from '../../dns/tsig';
import { ask, eventually } from '../../testing/dns-client';
import { startFakePrimary, type FakePrimary } from '../../testing/fake-primary';
import { runZonekeeper } from '../../testing/run-program';
import { transfer } from '../../testing/xfr-client';
import { getZone } from '../../zones/data';
import { addAutoprimary } from '../../zones/autoprimaries';
import { createZone, setZoneOptions } from '../../zones/zone-lifecycle';
import { createTsigKey } from '../../zones/tsig-keys';
import { sendNotify } from '../notify-out';
import { startWorker, type RunningWorker } from '../worker';

const actor = { name: 'test' };
const Z = 'fake.test.';
const rr = (name: string, type: string, content: string, ttl = 300): RR => ({ name: name === '@' ? Z : `${name}.${Z}`, type, ttl, content });
const base: RR[] = [rr('@', 'NS', `ns1.${Z}`), rr('ns1', 'A', '192.0.2.53'), rr('www', 'A', '192.0.2.1')];
const big = (n: number): RR[] => Array.from({ length: n }, (_, i) => rr(`host${i}`, 'A', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));

let primary: FakePrimary;
let worker: RunningWorker;
let port: number;

const events = async (zone: string) =>
  (await db().zoneEvent.findMany({ where: { zoneName: zone }, orderBy: { id: 'asc' } })).map((e) => ({ kind: e.kind, outcome: e.outcome, serial: e.serial === null ? null : Number(e.serial), detail: e.detail ?? '', peer: e.peer }));
const served = (name: string, type = 'A') => ask(port, name, type);
const servedSerial = async (zone: string) => {
  const r = await ask(port, zone, 'SOA');
  return r.rcode === RCODE.NOERROR ? (r.answers[0]!.data as { serial: number }).serial : -r.rcode;
};
/** The CLI as a child process; asynchronous, because the worker it talks to runs in this process. */
const zk = (args: string[]) => runZonekeeper(args);
const storedRecords = async (zone: string) => (await getZone(zone))!.records;

beforeAll(async () => {
  primary = await startFakePrimary(Z);
  primary.publish(1, base);
  await createZone({ name: Z, kind: 'secondary', primaries: [primary.target] }, actor);
  worker = await startWorker({
    listen: [{ address: '127.0.0.1', port: 0 }],
    controlPort: 0,
    pollIntervalMs: 60_000,
    secondary: { limits: { minSeconds: 1, maxSeconds: 3600, retryMaxSeconds: 3600 }, queryTimeoutsMs: [300, 300], transferLimits: { idleMs: 2000, timeoutMs: 10_000 } },
  });
  port = worker.dns[0]!.port;
  process.env.ZK_CONTROL_PORT = String(worker.controlPort);
});

afterAll(async () => {
  await worker?.stop();
  await primary?.close();
});

describe('a secondary of a scripted primary', () => {
  it('transfers the zone at start and serves it', async () => {
    expect(await eventually(() => servedSerial(Z), (s) => s === 1, 5000)).toBe(1);
    const r = await served(`www.${Z}`);
    expect(r.aa).toBe(true);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    expect(primary.log).toContain('tcp AXFR');
    const z = (await db().zone.findUnique({ where: { name: Z } }))!;
    expect(Number(z.serial)).toBe(1);
    expect(z.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 80_000_000);
    expect(z.nextRefreshAt!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect((await events(Z)).at(-1)).toMatchObject({ kind: 'axfr-in', outcome: 'ok', serial: 1 });
  });

  it('on NOTIFY from its primary checks the SOA and applies an IXFR', async () => {
    primary.publish(2, [...base.filter((r) => r.name !== `www.${Z}`), rr('www', 'A', '192.0.2.2'), rr('new', 'TXT', '"hello"')]);
    const started = Date.now();
    const ack = await sendNotify({ name: Z, type: 'SOA', ttl: 3600, content: `ns1.${Z} hostmaster.${Z} 2 3600 600 86400 300` }, { address: '127.0.0.1', port }, { source: '127.0.0.1' });
    expect(ack.outcome).toBe('acknowledged');
    const r = await eventually(() => served(`www.${Z}`), (m) => m.answers[0]?.data === '192.0.2.2', 2000);
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.2']);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(primary.log.slice(-2)).toEqual(['udp SOA', 'tcp IXFR 1']);
    const ev = await events(Z);
    expect(ev.find((e) => e.kind === 'notify-in')).toMatchObject({ outcome: 'ok', serial: 2, peer: '127.0.0.1' });
    expect(ev.at(-1)).toMatchObject({ kind: 'ixfr-in', outcome: 'ok', serial: 2 });
    expect(ev.at(-1)!.detail).toMatch(/incremental: 1 change, \+2 −1 records/);
  });

  it('journals what it received, so it serves IXFR to its own secondaries', async () => {
    const changes = await db().change.findMany({ where: { zone: { name: Z } }, orderBy: { id: 'asc' } });
    expect(changes.map((c) => [Number(c.oldSerial), Number(c.newSerial), c.actor])).toEqual([
      [0, 1, 'transfer'],
      [1, 2, 'transfer'],
    ]);
    const x = await transfer(port, Z, 'IXFR', { serial: 1 });
    const types = x.records.map((r) => `${r.type}${r.type === 'SOA' ? (r.data as { serial: number }).serial : ''}`);
    // SOA(2), SOA(1), removed www A, SOA(2), added…, SOA(2): incremental.
    expect(types[0]).toBe('SOA2');
    expect(types[1]).toBe('SOA1');
    expect(types.at(-1)).toBe('SOA2');
    expect(x.records.filter((r) => r.type === 'TXT')).toHaveLength(1);
  });

  it('refuses records edits on a secondary zone', async () => {
    const { applyChangeset } = await import('../../zones/changes');
    await expect(applyChangeset(Z, { add: [{ name: 'x', type: 'A', content: '192.0.2.9' }] }, actor)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('a transfer cut off midway (the primary dies during the AXFR of a large zone) leaves the previous copy served and stored intact', async () => {
    const before = await storedRecords(Z);
    const journalBefore = await db().change.count({ where: { zone: { name: Z } } });
    primary.publish(3, [...base, ...big(5000)]);
    primary.behaviour.cutAfterMessages = 10; // 10 of 26 messages, then half a frame, then the connection dies
    const outcome = await worker.secondary.retrieve(Z);
    expect(outcome).toMatchObject({ ok: false });
    expect((outcome as { error: string }).error).toMatch(/cut off/);
    expect(await storedRecords(Z)).toEqual(before);
    expect(await db().change.count({ where: { zone: { name: Z } } })).toBe(journalBefore);
    expect(await servedSerial(Z)).toBe(2);
    expect((await served(`host10.${Z}`)).rcode).toBe(RCODE.NXDOMAIN);
    expect((await served(`www.${Z}`)).answers.map((a) => a.data)).toEqual(['192.0.2.2']);
    const last = (await events(Z)).at(-1)!;
    expect(last).toMatchObject({ kind: 'axfr-in', outcome: 'error' });
    expect(last.detail).toMatch(/the primary closed the connection after 10 messages \(\d+ bytes\): the transfer was cut off/);
    const z = (await db().zone.findUnique({ where: { name: Z } }))!;
    expect(z.refreshFailures).toBe(1);
    expect(z.lastError).toMatch(/cut off/);

    // The IXFR path is cut the same way, then the AXFR it falls back to: still nothing changes.
    primary.behaviour.cutAfterMessages = 3;
    expect(await worker.secondary.refreshNow(Z)).toMatchObject({ ok: false });
    expect(await storedRecords(Z)).toEqual(before);
    expect((await events(Z)).slice(-2).map((e) => `${e.kind} ${e.outcome}`)).toEqual(['ixfr-in error', 'axfr-in error']);

    // Once the primary is whole again the large zone arrives.
    primary.behaviour.cutAfterMessages = undefined;
    expect(await worker.secondary.refreshNow(Z)).toMatchObject({ ok: true, status: 'transferred', serial: 3 });
    expect((await served(`host4999.${Z}`)).answers.map((a) => a.data)).toEqual(['10.0.19.135']);
    expect((await db().zone.findUnique({ where: { name: Z } }))!.refreshFailures).toBe(0);
  });

  it('falls back to AXFR when an IXFR does not apply, and when the primary has no IXFR', async () => {
    primary.publish(4, [...base, ...big(10)]);
    primary.behaviour.corruptIxfr = true;
    expect(await worker.secondary.refreshNow(Z)).toMatchObject({ ok: true, serial: 4, style: 'axfr' });
    const ev = await events(Z);
    expect(ev.slice(-2).map((e) => `${e.kind} ${e.outcome}`)).toEqual(['ixfr-in error', 'axfr-in ok']);
    expect(ev.at(-2)!.detail).toMatch(/deletes never-there\.fake\.test\. A 192\.0\.2\.254, which we do not hold; trying AXFR/);
    expect((await served(`host9.${Z}`)).answers).toHaveLength(1);
    expect((await served(`host10.${Z}`)).rcode).toBe(RCODE.NXDOMAIN);

    primary.behaviour.corruptIxfr = false;
    primary.behaviour.noIxfr = true;
    primary.publish(5, base);
    expect(await worker.secondary.refreshNow(Z)).toMatchObject({ ok: true, serial: 5, style: 'axfr' });
    expect((await events(Z)).slice(-2).map((e) => `${e.kind} ${e.outcome}`)).toEqual(['ixfr-in error', 'axfr-in ok']);
    primary.behaviour.noIxfr = false;
  });

  it('`zone retrieve` (control channel) transfers the whole zone even when current; `zone status` shows the state', { timeout: 90_000 }, async () => {
    const r = await zk(['zone', 'retrieve', 'fake.test']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/fake\.test\.: transferred serial 5 from 127\.0\.0\.1:\d+ \(axfr, 3 records\)/);
    expect(primary.log.at(-1)).toBe('tcp AXFR');

    const s = await zk(['zone', 'status', 'fake.test', '--events', '50']);
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/^kind:\s+secondary$/m);
    expect(s.stdout).toMatch(/^serial:\s+5$/m);
    expect(s.stdout).toMatch(new RegExp(`^primaries:\\s+${primary.target.replace(/\./g, '\\.')}$`, 'm'));
    expect(s.stdout).toMatch(/^last check:\s+\S+ \(.*ago\), ok$/m);
    expect(s.stdout).toMatch(/^next refresh:\s+\S+ \(in /m);
    expect(s.stdout).toMatch(/^expires:\s+\S+ \(in /m);
    expect(s.stdout).toMatch(/axfr-in\s+127\.0\.0\.1:\d+\s+5\s+ok/);
    expect(s.stdout).toMatch(/ixfr-in\s+127\.0\.0\.1:\d+\s+2\s+ok/);

    const primaryZone = await zk(['zone', 'retrieve', 'nosuch.test']);
    expect(primaryZone.status).toBe(1);
    expect(primaryZone.stderr).toMatch(/no zone nosuch\.test\./);
  });
});

describe('several primaries, TSIG, expiry', () => {
  let signedPrimary: FakePrimary;
  const key: TsigKey = { name: 'fake-xfr.', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 3) };

  beforeAll(async () => {
    signedPrimary = await startFakePrimary('signed.test.', { key });
    signedPrimary.publish(7, [{ name: 'signed.test.', type: 'NS', ttl: 300, content: 'ns1.signed.test.' }, { name: 'www.signed.test.', type: 'A', ttl: 300, content: '192.0.2.7' }], { refresh: 1, retry: 1, expire: 4 });
  });
  afterAll(async () => {
    await signedPrimary?.close();
  });

  it('tries the primaries in order, and transfers with the zone key (TSIG on every message)', async () => {
    await createTsigKey(key.name, key.algorithm, key.secret.toString('base64'));
    // A first primary where nothing listens: the UDP SOA check fails at once (port unreachable).
    const dead = await startFakePrimary('signed.test.');
    const deadTarget = dead.target;
    await dead.close();
    await createZone({ name: 'signed.test', kind: 'secondary', primaries: [deadTarget, signedPrimary.target] }, actor);
    await setZoneOptions('signed.test', { tsig: key.name }, actor);
    await worker.loader.sync();
    await worker.secondary.sync();
    // createZone's nudge may have started a refresh before the key was set: that one goes out unsigned and fails.
    let outcome = await worker.secondary.refreshNow('signed.test.');
    for (let i = 0; i < 3 && !outcome?.ok; i++) outcome = await worker.secondary.refreshNow('signed.test.');
    expect(outcome).toMatchObject({ ok: true, status: 'transferred', serial: 7, primary: signedPrimary.target });
    expect(signedPrimary.log.filter((l) => l.startsWith('tcp'))).toEqual(['tcp AXFR']);
    expect((await served('www.signed.test.')).answers.map((a) => a.data)).toEqual(['192.0.2.7']);
    const ev = await events('signed.test.');
    expect(ev[0]).toMatchObject({ kind: 'refresh', peer: deadTarget });
    // (The SOA asks for a refresh every second, so later checks may follow.)
    const axfr = ev.find((e) => e.kind === 'axfr-in' && e.outcome === 'ok');
    expect(axfr).toMatchObject({ peer: signedPrimary.target, serial: 7 });
    expect(axfr!.detail).toMatch(/TSIG fake-xfr\./);
  });

  it('past expire without a successful refresh answers SERVFAIL, and serves again once refreshed', async () => {
    // The SOA says refresh 1 s, retry 1 s, expire 4 s (the test limits allow 1 s).
    await worker.secondary.refreshNow('signed.test.');
    expect((await served('www.signed.test.')).rcode).toBe(RCODE.NOERROR);
    signedPrimary.behaviour.refuse = true;
    const down = Date.now();
    const fail = await eventually(() => served('www.signed.test.'), (m) => m.rcode === RCODE.SERVFAIL, 8000, 100);
    expect(fail.rcode).toBe(RCODE.SERVFAIL);
    expect(Date.now() - down).toBeGreaterThan(2000);
    expect((await served('signed.test.', 'SOA')).rcode).toBe(RCODE.SERVFAIL);
    // Other zones are unaffected.
    expect((await served(`www.${Z}`)).rcode).toBe(RCODE.NOERROR);
    const ev = await events('signed.test.');
    expect(ev.some((e) => e.kind === 'refresh' && e.outcome === 'refused')).toBe(true);
    expect(await eventually(() => events('signed.test.'), (e) => e.some((x) => x.kind === 'expire'), 2000).then((e) => e.find((x) => x.kind === 'expire'))).toMatchObject({ outcome: 'expired' });

    signedPrimary.behaviour.refuse = false;
    const back = await eventually(() => served('www.signed.test.'), (m) => m.rcode === RCODE.NOERROR, 5000, 100);
    expect(back.answers.map((a) => a.data)).toEqual(['192.0.2.7']);
  });
});

describe('autoprimaries', () => {
  const OUR_NS = 'ns2.zonekeeper.test.';
  const notifyFor = (zone: string) =>
    sendNotify({ name: zone, type: 'SOA', ttl: 3600, content: `ns1.${zone} hostmaster.${zone} 1 3600 600 86400 300` }, { address: '127.0.0.1', port }, { source: '127.0.0.1' });
  const startAnnouncing = async (zone: string) => {
    const p = await startFakePrimary(zone);
    p.publish(1, [{ name: zone, type: 'NS', ttl: 300, content: OUR_NS }, { name: `www.${zone}`, type: 'A', ttl: 300, content: '192.0.2.77' }]);
    await addAutoprimary(p.target, OUR_NS);
    await worker.secondary.sync();
    return p;
  };
  afterEach(async () => {
    await db().autoprimary.deleteMany({});
    await worker.secondary.sync();
  });

  it('a NOTIFY from an autoprimary for a name inside one of our zones is REFUSED, recorded with the reason, and creates nothing', async () => {
    // Bug: a registered autoprimary whose NS set named us created www.ours.test. below our ours.test., and the worker then answered www.ours.test from the autoprimary's copy.
    await createZone({ name: 'ours.test' }, actor);
    await worker.loader.sync();
    const inner = 'www.ours.test.';
    const ap = await startAnnouncing(inner);
    try {
      const ack = await notifyFor(inner);
      expect(ack).toMatchObject({ outcome: 'refused', detail: 'REFUSED' });
      const ev = await eventually(() => events(inner), (e) => e.length > 0, 3000);
      expect(ev).toEqual([
        { kind: 'notify-in', outcome: 'refused', serial: 1, peer: '127.0.0.1', detail: 'www.ours.test. lies inside our zone ours.test.; an autoprimary never creates a zone below an existing one' },
      ]);
      // Not even the NS question went out, and ours.test. still answers for the name.
      await new Promise((r) => setTimeout(r, 300));
      expect(ap.log).toEqual([]);
      expect(await db().zone.findUnique({ where: { name: inner } })).toBeNull();
      const r = await served(inner, 'SOA');
      expect(r).toMatchObject({ rcode: RCODE.NXDOMAIN, aa: true });
      expect(r.authorities.map((a) => `${a.name} ${a.type}`)).toEqual(['ours.test. SOA']);
    } finally {
      await ap.close();
    }
  });

  it('a zone above that the worker has not loaded yet is caught by the change service: refused, not created', async () => {
    // The fast check reads the worker's registry; a zone created since its last sync must still stop the autoprimary.
    const inner = 'www.late.test.';
    const ap = await startAnnouncing(inner);
    try {
      await db().zone.create({ data: { name: 'late.test.', kind: 'primary', serial: 1n, serialPolicy: 'increment', soaMname: 'ns1.late.test.', soaRname: 'h.late.test.', soaRefresh: 3600, soaRetry: 600, soaExpire: 86400, soaMinimum: 300, soaTtl: 300, defaultTtl: 300 } });
      const ack = await notifyFor(inner);
      expect(ack.outcome).toBe('acknowledged');
      const ev = await eventually(() => events(inner), (e) => e.length > 0, 5000);
      expect(ev).toEqual([
        { kind: 'notify-in', outcome: 'refused', serial: null, peer: '127.0.0.1', detail: 'www.late.test. lies inside our zone late.test.; an autoprimary never creates a zone below an existing one.' },
      ]);
      expect(ap.log).toEqual(['udp NS']);
      expect(await db().zone.findUnique({ where: { name: inner } })).toBeNull();
    } finally {
      await ap.close();
    }
  });

  it('a NOTIFY from an autoprimary for a zone outside ours creates it and transfers it', async () => {
    const zone = 'adopted.example.';
    const ap = await startAnnouncing(zone);
    try {
      expect((await notifyFor(zone)).outcome).toBe('acknowledged');
      const r = await eventually(() => served(`www.${zone}`), (m) => m.rcode === RCODE.NOERROR, 5000);
      expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.77']);
      expect((await events(zone)).find((e) => e.kind === 'notify-in')).toMatchObject({ outcome: 'ok' });
    } finally {
      await ap.close();
    }
  });
});
