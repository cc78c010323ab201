// A change of many records is stored in pieces (the Change row and its
// ChangeParts) and read back whole, in order, by the changelog and by the
// worker's IXFR; deleting the zone deletes the pieces.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { log } from '../worker/logger';
import { ixfrRecords } from '../worker/ixfr';
import { ZoneLoader } from '../worker/zone-loader';
import { ZoneStore } from '../worker/zone-store';
import { getChange, listChanges } from './data';
import { countChangeRecords, JOURNAL_PIECE } from './journal';
import { importZone } from './changes';
import { deleteZone } from './zone-lifecycle';

const actor = { name: 'test' };
const Z = 'journal.test.';
const HOSTS = 2 * JOURNAL_PIECE + 500;

describe('the change journal', () => {
  it('keeps a change of thousands of records in pieces and reads it back whole, in order', async () => {
    const head = [`$ORIGIN ${Z}`, '$TTL 300', '@ IN SOA ns1 hostmaster 1 3600 600 86400 60', '@ IN NS ns1', 'ns1 IN A 192.0.2.53'];
    await importZone(Z, head.join('\n'), actor);
    const add = Array.from({ length: HOSTS }, (_, i) => ({ name: `host${i}`, type: 'A', content: `10.0.${i >> 8}.${i & 255}` }));
    const r = await importZone(Z, [...head, ...add.map((a) => `${a.name} IN A ${a.content}`)].join('\n'), actor, 'many hosts');
    expect(r.newSerial).toBe(2);

    const row = await db().change.findUniqueOrThrow({ where: { id: r.changeId! } });
    expect((JSON.parse(row.added) as unknown[]).length).toBe(JOURNAL_PIECE);
    // SOA + HOSTS records: three pieces, the row's and two parts.
    expect(await db().changePart.count({ where: { changeId: row.id } })).toBe(2);

    const change = (await getChange(row.zoneId, row.id))!;
    expect(change.removed.map((x) => x.type)).toEqual(['SOA']);
    expect(change.added).toHaveLength(HOSTS + 1);
    expect(change.added[0]!.type).toBe('SOA');
    expect(change.added.slice(1).map((x) => x.name)).toEqual(add.map((a) => `${a.name}.${Z}`));
    const page = await listChanges(row.zoneId);
    expect(page.items.map((c) => c.added.length)).toEqual([HOSTS + 1, 3]);
    // Counted without reading the parts' records (the activity pages), the SOA left out.
    const counts = await countChangeRecords(page.items.map((c) => c.id));
    expect(page.items.map((c) => counts.get(c.id))).toEqual([
      { added: HOSTS, removed: 0 },
      { added: 2, removed: 0 },
    ]);

    // The worker's IXFR from serial 1: SOA 2, SOA 1, SOA 2, every added record, SOA 2.
    const store = new ZoneStore();
    await new ZoneLoader(store, log).sync();
    const ixfr = (await ixfrRecords(store.get(Z)!, 1))!;
    expect(ixfr).toHaveLength(HOSTS + 4);
    expect(ixfr.slice(3, -1).map((x) => x.name)).toEqual(add.map((a) => `${a.name}.${Z}`));

    await deleteZone(Z, actor);
    expect(await db().changePart.count({ where: { changeId: row.id } })).toBe(0);
  });
});
