// Zones we sign validate through real validators: zones in the database,
// signed by the change service (enableSigning), NSEC3 and NSEC, served by the
// worker, asked through BIND's delv (a trust anchor for the parent zone only)
// and through unbound (a stub zone to the worker, the parent's DS as its
// anchor). Every shape of answer RFC 4035 §3.1 proves validates: positive,
// NXDOMAIN, NODATA, a wildcard expansion, a CNAME chain, a secure delegation
// (the child signed here too, its DS added to the parent by a change) and an
// insecure one (a child we serve unsigned, the parent proving no DS). A record
// changed in the database behind the signer's back is bogus (SERVFAIL), and
// the zone still validates after its signatures are refreshed and after many
// changes, each re-signed as it is committed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { RCODE } from '../dns/wire';
import { freePort } from '../testing/bind';
import { delv, FULLY_VALIDATED, NEGATIVE_VALIDATED, UNSIGNED_ANSWER, verdictOf, writeTrustAnchor, type DelvTarget } from '../testing/delv';
import { ask } from '../testing/dns-client';
import { requirePrograms } from '../testing/system-program';
import { startUnbound, type RunningUnbound } from '../testing/unbound';
import { applyChangeset } from '../zones/changes';
import { markChanged } from '../zones/zone-changes';
import { createZone } from '../zones/zone-lifecycle';
import { getSigningStatus } from '../zones/dnssec-keys';
import { enableSigning, refreshSignatures } from '../zones/zone-signing';
import { startWorker, type RunningWorker } from './worker';

const programs = requirePrograms({ delv: 'bind9-dnsutils', unbound: 'unbound' });
const actor = { name: 'test' };

type Verdict = 'positive' | 'negative' | 'unsigned';
const DELV_LINE: Record<Verdict, string> = { positive: FULLY_VALIDATED, negative: NEGATIVE_VALIDATED, unsigned: UNSIGNED_ANSWER };

/** Questions under the parent zone P, what delv must call them, and the rcode unbound must give. */
const QUESTIONS: { name: string; type: string; verdict: Verdict; rcode: number }[] = [
  { name: 'www', type: 'A', verdict: 'positive', rcode: RCODE.NOERROR },
  { name: '@', type: 'MX', verdict: 'positive', rcode: RCODE.NOERROR },
  { name: 'nope', type: 'A', verdict: 'negative', rcode: RCODE.NXDOMAIN },
  { name: 'a.b.nope', type: 'TXT', verdict: 'negative', rcode: RCODE.NXDOMAIN },
  { name: 'www', type: 'MX', verdict: 'negative', rcode: RCODE.NOERROR },
  { name: 'ent', type: 'A', verdict: 'negative', rcode: RCODE.NOERROR },
  { name: 'x.wild', type: 'A', verdict: 'positive', rcode: RCODE.NOERROR },
  { name: 'y.wild', type: 'MX', verdict: 'negative', rcode: RCODE.NOERROR },
  { name: 'chain', type: 'A', verdict: 'positive', rcode: RCODE.NOERROR },
  { name: 'sec', type: 'DS', verdict: 'positive', rcode: RCODE.NOERROR },
  { name: 'www.sec', type: 'A', verdict: 'positive', rcode: RCODE.NOERROR },
  { name: 'nope.sec', type: 'A', verdict: 'negative', rcode: RCODE.NXDOMAIN },
  { name: 'ins', type: 'DS', verdict: 'negative', rcode: RCODE.NOERROR },
  { name: 'host.ins', type: 'A', verdict: 'unsigned', rcode: RCODE.NOERROR },
];

describe.skipIf(!programs).each(['nsec3', 'nsec'] as const)('validators accept a zone we sign with %s', { timeout: 60_000 }, (denial) => {
  const P = `v-${denial}.test.`;
  const abs = (name: string) => (name === '@' ? P : `${name}.${P}`);
  let worker: RunningWorker;
  let unbound: RunningUnbound;
  let dir: string;
  let target: DelvTarget;

  /** Asks unbound (recursion desired, DO set) and returns rcode, AD and the answer's types but RRSIG. */
  const resolve = async (name: string, type: string) => {
    const r = await ask(unbound.port, abs(name), type, { rd: true, dnssecOk: true, timeoutMs: 8000 });
    return { rcode: r.rcode, ad: r.ad, types: r.answers.map((a) => a.type).filter((t) => t !== 'RRSIG') };
  };
  const change = async (zone: string, cs: Parameters<typeof applyChangeset>[1]) => {
    await applyChangeset(zone, cs, actor);
    await worker.loader.sync();
  };

  beforeAll(async () => {
    await createZone({ name: P, nameservers: [`ns1.${P}`] }, actor);
    await applyChangeset(
      P,
      {
        add: [
          { name: 'ns1', type: 'A', content: '127.0.0.1' },
          { name: '@', type: 'MX', content: `10 mail.${P}` },
          { name: 'mail', type: 'A', content: '192.0.2.25' },
          { name: 'www', type: 'A', content: '192.0.2.80' },
          { name: 'www', type: 'AAAA', content: '2001:db8::80' },
          { name: 'tamper', type: 'A', content: '192.0.2.7' },
          { name: 'alias', type: 'CNAME', content: `www.${P}` },
          { name: 'chain', type: 'CNAME', content: `alias.${P}` },
          { name: '*.wild', type: 'A', content: '192.0.2.99' },
          { name: 'host.ent', type: 'A', content: '192.0.2.5' },
          { name: 'sec', type: 'NS', content: `ns.sec.${P}` },
          { name: 'ns.sec', type: 'A', content: '127.0.0.1' },
          { name: 'ins', type: 'NS', content: `ns.ins.${P}` },
          { name: 'ns.ins', type: 'A', content: '127.0.0.1' },
        ],
      },
      actor,
    );
    // The children: both served here, only the secure one signed.
    for (const child of ['sec', 'ins']) {
      await createZone({ name: `${child}.${P}`, nameservers: [`ns.${child}.${P}`] }, actor);
      await applyChangeset(`${child}.${P}`, { add: [{ name: 'ns', type: 'A', content: '127.0.0.1' }, { name: 'www', type: 'A', content: '192.0.2.81' }, { name: 'host', type: 'A', content: '192.0.2.82' }] }, actor);
    }
    await enableSigning(`sec.${P}`, { denial }, actor);
    await enableSigning(P, { denial }, actor);
    const childKsk = await kskOf(`sec.${P}`);
    await applyChangeset(P, { add: [{ name: 'sec', type: 'DS', content: childKsk.ds! }] }, actor);

    const port = await freePort('127.0.0.1');
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port }], controlPort: 0, pollIntervalMs: 60_000, notify: { firstBackoffMs: 60_000, timeoutsMs: [200] }, probe: { intervalMs: 0 } });
    const ksk = await kskOf(P);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-validators-'));
    target = { program: programs!.delv, anchors: writeTrustAnchor(dir, P, ksk.dnskey), zone: P, port };
    unbound = await startUnbound(programs!.unbound, [{ zone: P, anchor: `DS ${ksk.ds}`, port }]);
  });

  afterAll(async () => {
    await unbound?.stop();
    await worker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(QUESTIONS)('delv: $name $type is $verdict', async ({ name, type, verdict }) => {
    const out = await delv(target, abs(name), type);
    expect(verdictOf(out), out).toBe(DELV_LINE[verdict]);
  });

  it.each(QUESTIONS)('unbound: $name $type has AD unless $verdict is unsigned', async ({ name, type, verdict, rcode }) => {
    const r = await resolve(name, type);
    expect(r.rcode, unbound.log()).toBe(rcode);
    expect(r.ad, unbound.log()).toBe(verdict !== 'unsigned');
    if (verdict !== 'negative') expect(r.types.length).toBeGreaterThan(0);
    else expect(r.types).toEqual([]);
  });

  it('a record changed in the database without signing is bogus: unbound answers SERVFAIL, delv fails', async () => {
    expect(verdictOf(await delv(target, abs('tamper'), 'A'))).toBe(FULLY_VALIDATED);
    await tamper(P, abs('tamper'), 'A', '192.0.2.66');
    await worker.loader.sync();
    expect((await resolve('tamper', 'A')).rcode, unbound.log()).toBe(RCODE.SERVFAIL);
    const out = await delv(target, abs('tamper'), 'A');
    expect(out, out).toContain('resolution failed');
    // Only that RRset: its neighbour still validates.
    expect(verdictOf(await delv(target, abs('mail'), 'A'))).toBe(FULLY_VALIDATED);
  });

  it('still validates after the signatures are refreshed', async () => {
    const before = await db().zone.findUniqueOrThrow({ where: { name: P } });
    expect(await refreshSignatures(P, new Date(before.resignAt!.getTime() + 1000))).toBe(true);
    await worker.loader.sync();
    // The tampered record was signed again with the rest: it validates once more.
    expect(verdictOf(await delv(target, abs('tamper'), 'A'))).toBe(FULLY_VALIDATED);
    expect(verdictOf(await delv(target, abs('www'), 'AAAA'))).toBe(FULLY_VALIDATED);
    expect(verdictOf(await delv(target, abs('gone'), 'A'))).toBe(NEGATIVE_VALIDATED);
    const r = await resolve('www', 'TXT');
    expect([r.rcode, r.ad]).toEqual([RCODE.NOERROR, true]);
  });

  it('still validates after many changes, each re-signed', async () => {
    for (let i = 0; i < 10; i++) {
      await change(P, {
        add: [
          { name: `h${i}.new`, type: 'A', content: `192.0.2.${100 + i}` },
          ...(i % 4 === 0 ? [{ name: `d${i}`, type: 'NS', content: `ns.d${i}.${P}` }, { name: `ns.d${i}`, type: 'A', content: '127.0.0.1' }] : []),
        ],
        remove: i === 3 ? [{ name: 'host.ent', type: 'A' }] : i === 6 ? [{ name: 'www', type: 'AAAA' }] : [],
      });
    }
    for (const [name, type, verdict] of [
      ['h9.new', 'A', FULLY_VALIDATED],
      ['h0.new', 'A', FULLY_VALIDATED],
      ['new', 'A', NEGATIVE_VALIDATED],
      ['host.ent', 'A', NEGATIVE_VALIDATED],
      ['www', 'AAAA', NEGATIVE_VALIDATED],
      ['d4', 'DS', NEGATIVE_VALIDATED],
      ['h10.new', 'A', NEGATIVE_VALIDATED],
    ] as const) {
      const out = await delv(target, abs(name), type);
      expect(verdictOf(out), `${name} ${type}\n${out}`).toBe(verdict);
    }
    // Names unbound has never asked about, so its answer is not from its cache.
    for (const [name, rcode, answers] of [['h5.new', RCODE.NOERROR, 1], ['h11.new', RCODE.NXDOMAIN, 0]] as const) {
      const r = await resolve(name, 'A');
      expect([r.rcode, r.ad, r.types.length], unbound.log()).toEqual([rcode, true, answers]);
    }
  });
});

/** The zone's KSK as getSigningStatus shows it: its DNSKEY rdata and its DS for the parent. */
async function kskOf(zone: string) {
  const row = await db().zone.findUniqueOrThrow({ where: { name: zone } });
  const ksk = (await getSigningStatus(row.id)).keys.find((k) => k.role === 'ksk');
  if (!ksk?.ds) throw new Error(`${zone} has no KSK`);
  return ksk;
}

/**
 * Changes one record's content in the database directly, as no user can: no signing, no
 * journal entry. The zone's version and its count of unjournaled writes move, and the change
 * feed names it, so a worker reloads it in full (lib/worker/zone-loader.ts).
 */
async function tamper(zone: string, name: string, type: string, content: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const z = await tx.zone.findUniqueOrThrow({ where: { name: zone } });
    const n = await tx.record.updateMany({ where: { zoneId: z.id, name, type }, data: { content } });
    if (n.count !== 1) throw new Error(`expected one ${name} ${type} record, found ${n.count}`);
    await tx.zone.update({ where: { id: z.id }, data: { version: { increment: 1 }, unjournaled: { increment: 1 } } });
    await markChanged(tx, zone);
  });
}
