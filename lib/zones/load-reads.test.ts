// The DNS worker's bulk read of records (load-reads.ts rangeRecordPages) against a real
// database: every enabled record of an id range, once, in order, a page at a time.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { TimeSlice } from '../time-slice';
import { importZone } from './changes';
import { RECORD_PAGE } from './data';
import { rangeRecordPages } from './load-reads';

const actor = { name: 'test' };

/** A zone file of `hosts` A records besides its SOA, NS, the NS's address and a TXT record. */
function zoneText(zone: string, hosts: number): string {
  const lines = [`$ORIGIN ${zone}`, '$TTL 300', '@ IN SOA ns1 hostmaster 1 3600 600 86400 60', '@ IN NS ns1', 'ns1 IN A 192.0.2.53', 'note 120 IN TXT "plain text"'];
  for (let i = 0; i < hosts; i++) lines.push(`h${i} IN A 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  return lines.join('\n') + '\n';
}

type Read = [zoneId: number, name: string, type: string, ttl: number, content: string];

async function readRange(first: number, last: number): Promise<{ records: Read[]; pages: number[] }> {
  const records: Read[] = [];
  const pages: number[] = [];
  for await (const page of rangeRecordPages(first, last, new TimeSlice())) {
    for (const [zoneId, , name, type, ttl, content] of page) records.push([zoneId, name, type, ttl, content]);
    pages.push(page.length);
  }
  return { records, pages };
}

/** The same records as Prisma reads them: what the worker must build its zones from. */
async function stored(first: number, last: number): Promise<Read[]> {
  const rows = await db().record.findMany({ where: { zoneId: { gte: first, lte: last }, disabled: false }, orderBy: [{ zoneId: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => [r.zoneId, r.name, r.type, r.ttl, r.content]);
}

describe('rangeRecordPages', () => {
  it('reads every enabled record of an id range once, in zone and record order, a page at a time', async () => {
    // A zone longer than a page between two short ones: pages end inside a zone and span zones.
    await importZone('a.pages.test.', zoneText('a.pages.test.', 3), actor);
    await importZone('b.pages.test.', zoneText('b.pages.test.', RECORD_PAGE + 700), actor);
    await importZone('c.pages.test.', zoneText('c.pages.test.', 5), actor);
    const zones = await db().zone.findMany({ where: { name: { endsWith: '.pages.test.' } }, orderBy: { id: 'asc' } });
    const [first, last] = [zones[0]!.id, zones.at(-1)!.id];
    const host = await db().record.findFirstOrThrow({ where: { zoneId: zones[2]!.id, name: 'h1.c.pages.test.' } });
    await db().record.update({ where: { id: host.id }, data: { disabled: true } });

    const { records, pages } = await readRange(first, last);
    expect(records).toEqual(await stored(first, last));
    // Each zone's NS, its address and the TXT (the SOA lives on the zone's row), less the one disabled.
    expect(records).toHaveLength(3 + 3 + (3 + RECORD_PAGE + 700) + (3 + 5 - 1));
    expect(records.some((r) => r[1] === 'h1.c.pages.test.')).toBe(false);
    expect(records.find((r) => r[1] === 'note.a.pages.test.')).toEqual([first, 'note.a.pages.test.', 'TXT', 120, '"plain text"']);
    expect(pages.length).toBeGreaterThan(1);
    expect(Math.max(...pages)).toBeLessThanOrEqual(RECORD_PAGE);

    // One zone alone, as a reload reads it.
    const one = await readRange(zones[1]!.id, zones[1]!.id);
    expect(one.records).toEqual(await stored(zones[1]!.id, zones[1]!.id));
  });
});
