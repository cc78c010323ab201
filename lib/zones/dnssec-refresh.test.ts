// Refreshing a big zone's signatures is many small changes, not one the size
// of the zone: each takes at most a batch of the signatures due, found along
// Record(zoneId, target) without reading the zone, and the zone stays fully
// signed between them (dnssec-verify, ldns-verify-zone).
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { requireVerifiers, verifyZone } from '../testing/zone-verify';
import { applyChangeset } from './changes';
import { readZoneRecords, soaRecordOf } from './data';
import { createZone } from './zone-lifecycle';
import { enableSigning, refreshSignatures } from './zone-signing';

const verifiers = requireVerifiers();
const Z = 'refresh-big.test.';
const HOSTS = 2500;

describe.skipIf(!verifiers)('refreshing signatures in batches', { timeout: 120_000 }, () => {
  it('refreshes 2,500 names in a few changes of at most a batch each, the zone valid after each', async () => {
    await createZone({ name: Z, nameservers: [`ns1.${Z}`] }, { name: 'test' });
    const add = Array.from({ length: HOSTS }, (_, i) => ({ name: `h${i}`, type: 'A', content: `10.0.${i >> 8}.${i & 255}` }));
    await applyChangeset(Z, { add: [{ name: 'ns1', type: 'A', content: '192.0.2.1' }, ...add] }, { name: 'test' });
    await enableSigning(Z, {}, { name: 'test' });
    const zone = () => db().zone.findUniqueOrThrow({ where: { name: Z } });
    const expectSigned = async () => {
      const z = await zone();
      const { bind, ldns } = verifyZone(verifiers!, Z, [soaRecordOf(z), ...(await readZoneRecords(db(), z.id))]);
      expect(bind.ok, bind.output).toBe(true);
      expect(ldns.ok, ldns.output).toBe(true);
    };
    const signedAt = await zone();
    // As if the refresh margin had come: every signature is due.
    const later = new Date(signedAt.resignAt!.getTime() + 1000);
    // The signing's own signatures all end in the same second; the refresh makes new ones a second later at least.
    const signedUntil = (await db().record.findFirstOrThrow({ where: { zoneId: signedAt.id, type: 'RRSIG' }, orderBy: { target: 'desc' } })).target!;
    await new Promise((r) => setTimeout(r, 1100));
    const old = () => db().record.count({ where: { zoneId: signedAt.id, type: 'RRSIG', target: { lte: signedUntil } } });
    const counts = [await old()];
    while (counts.at(-1)! > 0) {
      expect(await refreshSignatures(Z, later)).toBe(true);
      counts.push(await old());
      await expectSigned();
      if (counts.length > 9) throw new Error(`still due after 8 refreshes: ${counts.join(', ')}`);
    }
    // Each change took about a batch: 2,000 signatures, plus the others at the last names it reached
    // (a name is refreshed whole) and the SOA's.
    expect(counts[0]).toBeGreaterThan(4000);
    for (let i = 1; i < counts.length; i++) expect(counts[i - 1]! - counts[i]!).toBeLessThanOrEqual(2010);
    expect(counts.length).toBeGreaterThan(3);
    // Done: the next refresh is about a week away again (at most one more turn finds nothing left to make).
    if ((await zone()).resignAt!.getTime() <= later.getTime()) await refreshSignatures(Z, later);
    expect((await zone()).resignAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    expect(await refreshSignatures(Z, later)).toBe(false);
  });
});
