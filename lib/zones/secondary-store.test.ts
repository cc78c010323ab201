// Transfers stored into a secondary zone on a real database: what this
// server then offers its own secondaries (IXFR from the journal, NOTIFY to
// the also-notify list) follows the serial, as lib/zones/zone-version.ts
// writes every version, a primary's commit and a transfer alike.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import type { RR } from '../dns/types';
import { applySecondaryDiffs, replaceSecondaryContent, type ReceivedSoa } from './secondary-store';
import { createZone, setZoneOptions } from './zone-lifecycle';

const actor = { name: 'test' };
const Z = 'store.secondary.test.';
const soa = (serial: number): ReceivedSoa => ({
  soa: { mname: `ns1.${Z}`, rname: `hostmaster.${Z}`, serial, refresh: 3600, retry: 600, expire: 86400, minimum: 300 },
  ttl: 300,
});
const a = (host: string, address: string): RR => ({ name: `${host}.${Z}`, type: 'A', ttl: 300, content: address });
const ns: RR = { name: Z, type: 'NS', ttl: 300, content: `ns1.${Z}` };

async function state(zoneId: number) {
  const zone = await db().zone.findUniqueOrThrow({ where: { id: zoneId } });
  const changes = await db().change.findMany({ where: { zoneId }, orderBy: { id: 'asc' } });
  const jobs = await db().notifyJob.findMany({ where: { zoneId }, orderBy: { id: 'asc' } });
  const records = await db().record.findMany({ where: { zoneId }, orderBy: { name: 'asc' } });
  return {
    serial: Number(zone.serial),
    unjournaled: zone.unjournaled,
    journal: changes.map((c) => `${c.actor} ${c.oldSerial}→${c.newSerial}`),
    jobs: jobs.map((j) => `${j.target} ${j.serial} ${j.state}`),
    records: records.map((r) => `${r.name} ${r.type} ${r.content}`),
  };
}

describe('a secondary zone storing transfers', () => {
  it('journals and notifies a serial that moved; a forced retrieve at the same serial replaces the records and is counted as unjournaled', async () => {
    await createZone({ name: Z, kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
    await setZoneOptions(Z, { alsoNotify: ['192.0.2.9'] }, actor);
    const { id } = await db().zone.findUniqueOrThrow({ where: { name: Z } });

    await replaceSecondaryContent(id, soa(5), [ns, a('www', '192.0.2.10')], { peer: '192.0.2.1:53' });
    expect(await state(id)).toMatchObject({
      serial: 5,
      unjournaled: 0,
      journal: ['transfer 0→5'],
      jobs: ['192.0.2.9:53 5 pending'],
    });

    // `zone retrieve` of a primary that changed its records without moving its serial.
    await replaceSecondaryContent(id, soa(5), [ns, a('www', '192.0.2.11')], { peer: '192.0.2.1:53', force: true });
    expect(await state(id)).toEqual({
      serial: 5,
      unjournaled: 1,
      journal: ['transfer 0→5'],
      jobs: ['192.0.2.9:53 5 pending'],
      records: [`${Z} NS ns1.${Z}`, `www.${Z} A 192.0.2.11`],
    });

    await applySecondaryDiffs(id, [{ from: soa(5), to: soa(6), removed: [a('www', '192.0.2.11')], added: [a('www', '192.0.2.12')] }], { peer: '192.0.2.1:53' });
    expect(await state(id)).toEqual({
      serial: 6,
      unjournaled: 1,
      journal: ['transfer 0→5', 'transfer 5→6'],
      jobs: ['192.0.2.9:53 5 superseded', '192.0.2.9:53 6 pending'],
      records: [`${Z} NS ns1.${Z}`, `www.${Z} A 192.0.2.12`],
    });
  });
});
