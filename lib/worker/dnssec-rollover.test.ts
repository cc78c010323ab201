// The worker's signer clock with short timers: nobody acts, and the worker
// refreshes signatures before they expire and rolls the ZSK by
// pre-publication; a KSK rollover started by the operator completes when the
// parent zone (served here too) gets the new DS. Throughout, delv, anchored
// at the parent only, keeps calling the child's answers fully validated:
// sampled all along, not only between steps.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../db';
import { freePort } from '../testing/bind';
import { delv, FULLY_VALIDATED, NEGATIVE_VALIDATED, verdictOf, writeTrustAnchor, type DelvTarget } from '../testing/delv';
import { eventually } from '../testing/dns-client';
import { requirePrograms } from '../testing/system-program';
import { applyChangeset } from '../zones/changes';
import { getSigningStatus } from '../zones/dnssec-keys';
import { rollKsk } from '../zones/key-rollover';
import { createZone } from '../zones/zone-lifecycle';
import { enableSigning } from '../zones/zone-signing';
import { startWorker, type RunningWorker } from './worker';

const programs = requirePrograms({ delv: 'bind9-dnsutils' });
const actor = { name: 'test' };
const P = 'roll-parent.test.';
const C = `kid.${P}`;

/** Seconds: signatures valid 40 s and made again 20 s before they end; a ZSK signs 6 s; each step waits 3 s. */
const TIMERS = { ZK_DNSSEC_VALIDITY: '40', ZK_DNSSEC_REFRESH: '20', ZK_DNSSEC_ZSK_LIFETIME: '6', ZK_DNSSEC_KEY_WAIT: '3' };

describe.skipIf(!programs)('the signer clock keeps a zone valid through refreshes and rollovers', { timeout: 120_000 }, () => {
  let worker: RunningWorker;
  let target: DelvTarget;
  let dir: string;
  const saved: Record<string, string | undefined> = {};

  const keysOf = async (zone: string) => (await getSigningStatus((await db().zone.findUniqueOrThrow({ where: { name: zone } })).id)).keys;
  const actors = async (zone: string) => (await db().change.findMany({ where: { zone: { name: zone } }, orderBy: { id: 'asc' }, select: { actor: true } })).map((c) => c.actor);
  /** delv's verdicts on the child's positive and negative answers, sampled every 300 ms while `until` is false. */
  const validateWhile = async (until: () => Promise<boolean>, withinMs: number) => {
    const verdicts = new Set<string>();
    const end = Date.now() + withinMs;
    while (!(await until())) {
      if (Date.now() > end) throw new Error('timed out waiting for the signer');
      verdicts.add(`www ${verdictOf(await delv(target, `www.${C}`, 'A'))}`);
      verdicts.add(`nope ${verdictOf(await delv(target, `nope.${C}`, 'A'))}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    return [...verdicts].sort();
  };
  const ALWAYS_VALID = [`nope ${NEGATIVE_VALIDATED}`, `www ${FULLY_VALIDATED}`];

  beforeAll(async () => {
    for (const [k, v] of Object.entries(TIMERS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zk-rollover-'));
    await createZone({ name: P, nameservers: [`ns1.${P}`] }, actor);
    await createZone({ name: C, nameservers: [`ns1.${P}`] }, actor);
    await applyChangeset(P, { add: [{ name: 'ns1', type: 'A', content: '127.0.0.1' }] }, actor);
    await applyChangeset(C, { add: [{ name: 'www', type: 'A', content: '192.0.2.80' }] }, actor);
    await enableSigning(P, {}, actor);
    await enableSigning(C, {}, actor);
    const kidKsk = (await keysOf(C)).find((k) => k.role === 'ksk')!;
    await applyChangeset(P, { add: [{ name: 'kid', type: 'NS', content: `ns1.${P}` }, { name: 'kid', type: 'DS', content: kidKsk.ds! }] }, actor);
    const parentKsk = (await keysOf(P)).find((k) => k.role === 'ksk')!;
    const port = await freePort('127.0.0.1');
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port }], controlPort: 0, pollIntervalMs: 100, probe: { intervalMs: 0 } });
    target = { program: programs!.delv!, anchors: writeTrustAnchor(dir, P, parentKsk.dnskey), zone: P, port };
  });
  afterAll(async () => {
    await worker?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rolls the ZSK by itself, one signer change per step, never unvalidated', async () => {
    const first = (await keysOf(C)).find((k) => k.role === 'zsk')!;
    const verdicts = await validateWhile(async () => {
      const zsks = (await keysOf(C)).filter((k) => k.role === 'zsk');
      return zsks.length === 1 && zsks[0]!.keyTag !== first.keyTag;
    }, 40_000);
    expect(verdicts).toEqual(ALWAYS_VALID);
    // Each step's event is written just after its change commits.
    const stepsSeen = (kinds: string[]) => [/new ZSK \d+ published/, /signs now/, /removed/].every((re) => kinds.some((d) => re.test(d)));
    const kinds = await eventually(
      async () => (await db().zoneEvent.findMany({ where: { zoneName: C, kind: 'dnssec' }, orderBy: { id: 'asc' } })).map((e) => e.detail ?? ''),
      stepsSeen,
      5000,
    );
    expect(stepsSeen(kinds), kinds.join('\n')).toBe(true);
    expect(await actors(C)).toContain('signer');
  });

  it('refreshes signatures before they expire, with nobody acting', async () => {
    // No ZSK rollover meanwhile: its re-signing would make the signatures new before they are due.
    process.env.ZK_DNSSEC_ZSK_LIFETIME = '100000';
    const refreshed = async () =>
      (await db().change.count({ where: { zone: { name: P }, actor: 'signer', comment: 'DNSSEC: signatures refreshed before they expire' } })) > 0;
    const verdicts = await validateWhile(refreshed, 40_000);
    expect(verdicts.every((v) => v.endsWith('validated'))).toBe(true);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: P } });
    expect(zone.resignAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it('rolls the KSK once the parent here holds the new DS, validated at every moment', async () => {
    const started = await rollKsk(C, actor, false);
    const old = (await keysOf(C)).find((k) => k.role === 'ksk' && k.keyTag !== started.keyTag)!;
    // The parent gets the new DS beside the old one; the worker sees it there and completes step 2 by itself.
    await applyChangeset(P, { add: [{ name: 'kid', type: 'DS', content: started.ds }] }, actor);
    let verdicts = await validateWhile(async () => (await keysOf(C)).some((k) => k.keyTag === old.keyTag && k.state === 'retiring'), 70_000);
    expect(verdicts).toEqual(ALWAYS_VALID);
    // The parent drops the old DS; after the wait the old KSK leaves the DNSKEY set.
    await applyChangeset(P, { remove: [{ name: 'kid', type: 'DS', content: old.ds! }] }, actor);
    verdicts = await validateWhile(async () => !(await keysOf(C)).some((k) => k.keyTag === old.keyTag), 70_000);
    expect(verdicts).toEqual(ALWAYS_VALID);
    await eventually(async () => verdictOf(await delv(target, `www.${C}`, 'A')), (v) => v === FULLY_VALIDATED, 5000);
    expect((await keysOf(C)).filter((k) => k.role === 'ksk').map((k) => k.keyTag)).toEqual([started.keyTag]);
  });
});
