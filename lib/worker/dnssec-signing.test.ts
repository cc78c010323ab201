// Signing through the change service, end to end: `zone sign` signs a zone in
// one change, the worker serves it, and its AXFR passes BIND's dnssec-verify
// and ldns-verify-zone, with NSEC3 and with NSEC, right after signing, after
// many changes each re-signed incrementally, after the signatures are
// refreshed and after unsigning's first step. A real BIND secondary takes the
// signed changes by IXFR. Keys are stored sealed and shown public only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { wireToContent } from '../dns/rdata';
import { lowercased } from '../dns/wire';
import type { RR } from '../dns/types';
import { createUser } from '../auth/users';
import { freePort } from '../testing/bind';
import { followWithBind, type BindFollower } from '../testing/bind-follower';
import { expectAppError } from '../testing/app-error';
import { requirePrograms } from '../testing/system-program';
import { transfer } from '../testing/xfr-client';
import { requireVerifiers, verifyZone } from '../testing/zone-verify';
import { applyChangeset } from '../zones/changes';
import { listChanges } from '../zones/data';
import { createZone } from '../zones/zone-lifecycle';
import { getSigningStatus } from '../zones/dnssec-keys';
import { disableSigning, enableSigning, refreshSignatures } from '../zones/zone-signing';
import { startWorker, type RunningWorker } from './worker';

const verifiers = requireVerifiers();
const programs = requirePrograms({ named: 'bind9' });
const actor = { name: 'test' };
const NSEC3_ZONE = 'signed3.test';
const NSEC_ZONE = 'signed.test';

describe.skipIf(!verifiers || !programs)('signing a zone through the change service', { timeout: 240_000 }, () => {
  let worker: RunningWorker;
  let bind: BindFollower;
  let port = 0;

  const serialOf = async (zone: string) => Number((await db().zone.findUniqueOrThrow({ where: { name: `${zone}.` } })).serial);
  /** The zone as the worker serves it by AXFR, in presentation form, the closing SOA left out. */
  const served = async (zone: string): Promise<RR[]> => {
    const want = await serialOf(zone);
    for (let i = 0; ; i++) {
      const r = await transfer(port, `${zone}.`, 'AXFR');
      const records = r.records.slice(0, -1).map((a) => ({ name: lowercased(a.name), type: a.type, ttl: a.ttl ?? 0, content: wireToContent(a.type, a.data) }));
      const soa = records.find((x) => x.type === 'SOA');
      if ((soa && Number(soa.content.split(' ')[2]) === want) || i > 50) return records;
      await new Promise((res) => setTimeout(res, 100));
    }
  };
  const expectVerified = async (zone: string) => {
    const records = await served(zone);
    const { bind: b, ldns } = verifyZone(verifiers!, `${zone}.`, records);
    expect(b.ok, b.output).toBe(true);
    expect(ldns.ok, ldns.output).toBe(true);
    return records;
  };

  beforeAll(async () => {
    for (const zone of [NSEC3_ZONE, NSEC_ZONE]) {
      await createZone({ name: zone, nameservers: [`ns1.${zone}.`] }, actor);
      await applyChangeset(
        zone,
        {
          add: [
            { name: 'ns1', type: 'A', content: '127.0.0.1' },
            { name: 'www', type: 'A', content: '192.0.2.80' },
            { name: 'alias', type: 'CNAME', content: 'www' },
            { name: '*.wild', type: 'TXT', content: '"any"' },
            { name: 'host.deep.ent', type: 'A', content: '192.0.2.5' },
            { name: 'sub', type: 'NS', content: 'ns.sub' },
            { name: 'ns.sub', type: 'A', content: '192.0.2.53' },
          ],
        },
        actor,
      );
    }
    port = await freePort('127.0.0.1');
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port }], controlPort: 0, pollIntervalMs: 200, notify: { firstBackoffMs: 1000, timeoutsMs: [500] }, probe: { intervalMs: 0 } });
    bind = await followWithBind(programs!.named!, [NSEC3_ZONE], port);
  });
  afterAll(async () => {
    await bind?.stop();
    await worker?.stop();
  });

  it('signs each zone in one change by its user, with sealed keys and a DS to give the parent', async () => {
    const before = await serialOf(NSEC3_ZONE);
    const r = await enableSigning(NSEC3_ZONE, {}, actor);
    expect(r.newSerial).toBe(before + 1);
    await enableSigning(NSEC_ZONE, { denial: 'nsec', algorithm: 'ed25519' }, actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: `${NSEC3_ZONE}.` } });
    expect(zone.dnssec).toBe('nsec3');
    const changes = await listChanges(zone.id, { pageSize: 5 });
    expect(changes.items[0]).toMatchObject({ actor: 'test', newSerial: before + 1 });
    const keys = await db().dnssecKey.findMany({ where: { zoneId: zone.id } });
    expect(keys.map((k) => k.role).sort()).toEqual(['ksk', 'zsk']);
    for (const k of keys) expect(k.privateKey).not.toMatch(/PRIVATE KEY/);
    const status = await getSigningStatus(zone.id);
    const ksk = status.keys.find((k) => k.role === 'ksk')!;
    expect(ksk.ds).toMatch(new RegExp(`^${ksk.keyTag} 13 2 [0-9A-F]{64}$`));
    expect(JSON.stringify(status)).not.toMatch(/PRIVATE/);
  });

  it('serves a signed zone that both verifiers accept, NSEC3 and NSEC', async () => {
    const nsec3 = await expectVerified(NSEC3_ZONE);
    expect(nsec3.filter((r) => r.type === 'NSEC3PARAM').map((r) => r.content)).toEqual(['1 0 0 -']);
    expect(nsec3.some((r) => r.type === 'CDS') && nsec3.some((r) => r.type === 'CDNSKEY')).toBe(true);
    const nsec = await expectVerified(NSEC_ZONE);
    expect(nsec.some((r) => r.type === 'NSEC')).toBe(true);
    expect(nsec.some((r) => r.type === 'NSEC3')).toBe(false);
  });

  it('keeps the zone fully signed through many changes, each one serial, and BIND takes them by IXFR', async () => {
    for (const zone of [NSEC3_ZONE, NSEC_ZONE]) {
      for (let i = 0; i < 12; i++) {
        const before = await serialOf(zone);
        await applyChangeset(
          zone,
          {
            add: [
              { name: `h${i}.new`, type: 'A', content: `192.0.2.${100 + i}` },
              ...(i % 3 === 0 ? [{ name: `d${i}`, type: 'NS', content: `ns.d${i}` }, { name: `ns.d${i}`, type: 'A', content: '192.0.2.9' }] : []),
            ],
            remove: i === 5 ? [{ name: 'host.deep.ent', type: 'A' }] : i === 7 ? [{ name: 'www', type: 'A' }] : [],
          },
          actor,
        );
        expect(await serialOf(zone)).toBe(before + 1);
      }
      await expectVerified(zone);
    }
    const serial = await serialOf(NSEC3_ZONE);
    await bind.caughtUp(NSEC3_ZONE, serial);
    expect(bind.ixfrsOf(NSEC3_ZONE)).toBeGreaterThan(0);
  });

  it('refuses records of the signer from people, and signing from an editor', async () => {
    await expectAppError(applyChangeset(NSEC3_ZONE, { add: [{ name: '@', type: 'DNSKEY', content: '256 3 13 AAAA' }] }, actor), 'invalid');
    const editor = await createUser('sign-editor', 'a-long-enough-password', 'editor');
    await expectAppError(enableSigning(NSEC_ZONE, { denial: 'nsec3' }, { userId: editor.id, name: editor.name }), 'forbidden');
    await expectAppError(disableSigning(NSEC_ZONE, { userId: editor.id, name: editor.name }, false), 'forbidden');
  });

  it('refreshes signatures that are due, and only those zones', async () => {
    const zone = await db().zone.findUniqueOrThrow({ where: { name: `${NSEC3_ZONE}.` } });
    const later = new Date(zone.resignAt!.getTime() + 1000);
    expect(await refreshSignatures(`${NSEC_ZONE}.`, new Date())).toBe(false);
    const before = await serialOf(NSEC3_ZONE);
    expect(await refreshSignatures(`${NSEC3_ZONE}.`, later)).toBe(true);
    expect(await serialOf(NSEC3_ZONE)).toBe(before + 1);
    const after = await db().zone.findUniqueOrThrow({ where: { name: `${NSEC3_ZONE}.` } });
    expect(after.resignAt!.getTime()).toBeGreaterThan(zone.resignAt!.getTime());
    await expectVerified(NSEC3_ZONE);
  });

  it('unsigns in two steps: CDS/CDNSKEY delete first, everything of DNSSEC gone after', async () => {
    const first = await disableSigning(NSEC_ZONE, actor, false);
    expect(first.step).toBe('announced');
    const announced = await expectVerified(NSEC_ZONE);
    expect(announced.filter((r) => r.type === 'CDS').map((r) => r.content)).toEqual(['0 0 0 00']);
    expect(announced.filter((r) => r.type === 'CDNSKEY').map((r) => r.content)).toEqual(['0 3 0 AA==']);
    const second = await disableSigning(NSEC_ZONE, actor, true);
    expect(second.step).toBe('unsigned');
    const plain = await served(NSEC_ZONE);
    expect(plain.filter((r) => ['DNSKEY', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY'].includes(r.type))).toEqual([]);
    expect(await db().dnssecKey.count({ where: { zone: { name: `${NSEC_ZONE}.` } } })).toBe(0);
  });
});
