// Key rollovers: the order of the automatic ZSK steps and the KSK steps an
// operator starts, each one change by the signer with a `dnssec` event, and
// the zone fully signed (dnssec-verify, ldns-verify-zone) after every step.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import type { DnssecTimers } from '../config/env';
import { expectAppError } from '../testing/app-error';
import { requireVerifiers, verifyZone } from '../testing/zone-verify';
import { applyChangeset } from './changes';
import { readZoneRecords, soaRecordOf } from './data';
import { keyStepDue, kskRolloversSeenAtParent, rollKsk, runKeyStep } from './key-rollover';
import { createZone } from './zone-lifecycle';
import { getSigningStatus } from './dnssec-keys';
import { enableSigning } from './zone-signing';

const T: DnssecTimers = { validitySeconds: 14 * 86_400, refreshSeconds: 7 * 86_400, zskLifetimeSeconds: 90 * 86_400, keyWaitSeconds: 2 * 86_400 };
const day = 86_400_000;
const t0 = new Date('2026-12-01T00:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * day);
const key = (id: number, role: string, state: string, sinceDays: number) => ({ id, role, state, algorithm: 13, keyTag: id, dnskey: '', stateSince: at(sinceDays) });

describe('keyStepDue', () => {
  it('rolls a ZSK by pre-publication: publish after its lifetime, sign after the wait, remove after another', () => {
    const ksk = key(1, 'ksk', 'active', 0);
    expect(keyStepDue([ksk, key(2, 'zsk', 'active', 0)], T, at(89))).toBeNull();
    expect(keyStepDue([ksk, key(2, 'zsk', 'active', 0)], T, at(90))).toMatchObject({ kind: 'zsk-prepublish' });
    const prepublished = [ksk, key(2, 'zsk', 'active', 0), key(3, 'zsk', 'pre-published', 90)];
    // The old ZSK is past its lifetime, but a rollover is under way: no second new key.
    expect(keyStepDue(prepublished, T, at(91))).toBeNull();
    expect(keyStepDue(prepublished, T, at(92))).toMatchObject({ kind: 'zsk-activate', key: { id: 3 }, old: [{ id: 2 }] });
    const retiring = [ksk, key(2, 'zsk', 'retiring', 92), key(3, 'zsk', 'active', 92)];
    expect(keyStepDue(retiring, T, at(93))).toBeNull();
    expect(keyStepDue(retiring, T, at(94))).toMatchObject({ kind: 'zsk-remove', key: { id: 2 } });
  });

  it('leaves a KSK waiting for its DS to people and the parent, and removes a retired one after the wait', () => {
    const waiting = [key(1, 'ksk', 'active', 0), key(4, 'ksk', 'waiting-ds', 10), key(2, 'zsk', 'active', 5)];
    expect(keyStepDue(waiting, T, at(80))).toBeNull();
    const retiring = [key(1, 'ksk', 'retiring', 20), key(4, 'ksk', 'active', 20), key(2, 'zsk', 'active', 5)];
    expect(keyStepDue(retiring, T, at(21))).toBeNull();
    expect(keyStepDue(retiring, T, at(22))).toMatchObject({ kind: 'ksk-remove', key: { id: 1 } });
  });
});

const verifiers = requireVerifiers();

describe.skipIf(!verifiers)('rollovers through the change service', () => {
  const actor = { name: 'test' };
  const zoneNamed = (name: string) => db().zone.findUniqueOrThrow({ where: { name } });
  const expectSigned = async (name: string) => {
    const z = await zoneNamed(name);
    const records = [soaRecordOf(z), ...(await readZoneRecords(db(), z.id))];
    const { bind, ldns } = verifyZone(verifiers!, name, records);
    expect(bind.ok, bind.output).toBe(true);
    expect(ldns.ok, ldns.output).toBe(true);
    return records;
  };
  const states = async (name: string) => (await getSigningStatus((await zoneNamed(name)).id)).keys.map((k) => `${k.role} ${k.state}`).sort();
  const dnssecEvents = async (name: string) =>
    (await db().zoneEvent.findMany({ where: { zoneName: name, kind: 'dnssec' }, orderBy: { id: 'asc' } })).map((e) => e.detail ?? '');

  it('rolls the ZSK in three steps, each one signed change, the zone valid throughout', async () => {
    const Z = 'zsk-roll.test.';
    await createZone({ name: Z, nameservers: [`ns1.${Z}`] }, actor);
    await applyChangeset(Z, { add: [{ name: 'ns1', type: 'A', content: '192.0.2.1' }, { name: 'www', type: 'A', content: '192.0.2.2' }] }, actor);
    await enableSigning(Z, {}, actor);
    const start = new Date();
    expect(await runKeyStep(Z, start)).toBeNull();
    const serial = Number((await zoneNamed(Z)).serial);
    const steps = [91, 93, 95].map((d) => new Date(start.getTime() + d * day));
    expect(await runKeyStep(Z, steps[0])).toMatch(/new ZSK \d+ published/);
    expect(await states(Z)).toEqual(['ksk active', 'zsk active', 'zsk pre-published']);
    expect((await expectSigned(Z)).filter((r) => r.type === 'DNSKEY')).toHaveLength(3);
    expect(await runKeyStep(Z, steps[1])).toMatch(/signs now/);
    expect(await states(Z)).toEqual(['ksk active', 'zsk active', 'zsk retiring']);
    await expectSigned(Z);
    expect(await runKeyStep(Z, steps[2])).toMatch(/removed/);
    expect(await states(Z)).toEqual(['ksk active', 'zsk active']);
    expect((await expectSigned(Z)).filter((r) => r.type === 'DNSKEY')).toHaveLength(2);
    expect(Number((await zoneNamed(Z)).serial)).toBe(serial + 3);
    const events = await dnssecEvents(Z);
    expect(events).toHaveLength(4);
    expect(events[0]).toMatch(/^signed with NSEC3: KSK \d+, ZSK \d+$/);
  });

  it('rolls the KSK when asked, once the parent here holds the new DS, and refuses steps out of order', async () => {
    const P = 'parent-roll.test.';
    const C = `child.${P}`;
    await createZone({ name: P, nameservers: [`ns1.${P}`] }, actor);
    await createZone({ name: C, nameservers: [`ns1.${P}`] }, actor);
    await enableSigning(C, {}, actor);
    await expectAppError(rollKsk(C, actor, true), 'conflict');
    const started = await rollKsk(C, actor, false);
    expect(started.step).toBe('started');
    await expectAppError(rollKsk(C, actor, false), 'conflict');
    expect(await states(C)).toEqual(['ksk active', 'ksk waiting-ds', 'zsk active']);
    const signed = await expectSigned(C);
    expect(signed.filter((r) => r.type === 'CDS').map((r) => r.content)).toEqual([started.ds]);
    expect(await kskRolloversSeenAtParent(10)).not.toContain(C);
    await applyChangeset(P, { add: [{ name: 'child', type: 'NS', content: `ns1.${P}` }, { name: 'child', type: 'DS', content: started.ds }] }, actor);
    expect(await kskRolloversSeenAtParent(10)).toContain(C);
    const done = await rollKsk(C, { name: 'signer' }, true);
    expect(done).toMatchObject({ step: 'completed', keyTag: started.keyTag });
    expect(await states(C)).toEqual(['ksk active', 'ksk retiring', 'zsk active']);
    await expectSigned(C);
    expect(await runKeyStep(C, new Date(Date.now() + 3 * day))).toMatch(/KSK \d+ removed/);
    expect(await states(C)).toEqual(['ksk active', 'zsk active']);
    const keys = (await expectSigned(C)).filter((r) => r.type === 'DNSKEY' && r.content.startsWith('257 '));
    expect(keys).toHaveLength(1);
  });
});
