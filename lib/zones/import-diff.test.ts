// The import preview and the import commit against a real SQLite database
// (this file's own copy): what the preview lists must be exactly what the
// commit applies, minus what the user unchecked.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import type { RR } from '../dns/types';
import { getZone, listChanges } from './data';
import { previewImport } from './import-preview';
import { AppError } from '../errors';
import { applyRecordDiff, diffRecords, SOA_ITEM_ID } from './import-diff';
import { applyChangeset, commitImport } from './changes';
import { createZone } from './zone-lifecycle';

const actor = { name: 'tester' };
const rr = (name: string, type: string, ttl: number, content: string): RR => ({ name, type, ttl, content });

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('diffRecords', () => {
  it('pairs one-to-one replacements and TTL changes as changes, the rest as deletes and adds', () => {
    const current = [
      rr('z.', 'NS', 3600, 'ns1.z.'),
      rr('www.z.', 'A', 300, '192.0.2.1'),
      rr('mail.z.', 'A', 300, '192.0.2.5'),
      rr('web.z.', 'A', 300, '192.0.2.10'),
      rr('web.z.', 'A', 300, '192.0.2.11'),
      rr('old.z.', 'TXT', 300, '"bye"'),
    ];
    const incoming = [
      rr('z.', 'SOA', 3600, 'ns1.z. h.z. 9 1 1 1 1'),
      rr('z.', 'NS', 3600, 'ns1.z.'),
      rr('www.z.', 'A', 300, '192.0.2.2'),
      rr('mail.z.', 'A', 600, '192.0.2.5'),
      rr('web.z.', 'A', 300, '192.0.2.12'),
      rr('new.z.', 'AAAA', 300, '2001:db8::1'),
    ];
    const d = diffRecords(current, incoming);
    expect(d.unchanged).toBe(1);
    const show = (r: RR) => `${r.name} ${r.type} ${r.ttl} ${r.content}`;
    expect(d.changes.map((c) => (c.kind === 'change' ? `${show(c.from)} → ${show(c.to)}` : ''))).toEqual([
      'mail.z. A 300 192.0.2.5 → mail.z. A 600 192.0.2.5',
      'www.z. A 300 192.0.2.1 → www.z. A 300 192.0.2.2',
    ]);
    // Two records leave web.z. A and one arrives: no unambiguous pairing.
    expect(d.deletes.map((c) => (c.kind === 'delete' ? show(c.record) : ''))).toEqual([
      'old.z. TXT 300 "bye"',
      'web.z. A 300 192.0.2.10',
      'web.z. A 300 192.0.2.11',
    ]);
    expect(d.adds.map((c) => (c.kind === 'add' ? show(c.record) : ''))).toEqual(['new.z. AAAA 300 2001:db8::1', 'web.z. A 300 192.0.2.12']);
  });

  it('gives every item a distinct id, the same when computed again', () => {
    const current = [rr('a.z.', 'A', 1, '192.0.2.1'), rr('b.z.', 'A', 1, '192.0.2.1')];
    const incoming = [rr('a.z.', 'A', 2, '192.0.2.1'), rr('c.z.', 'A', 1, '192.0.2.1')];
    const one = diffRecords(current, incoming);
    const ids = [...one.adds, ...one.changes, ...one.deletes].map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    const again = diffRecords([...current].reverse(), [...incoming].reverse());
    expect([...again.adds, ...again.changes, ...again.deletes].map((i) => i.id)).toEqual(ids);
  });

  it('applies all items to give the file, and leaves unchecked ones as they were', () => {
    const current = [rr('z.', 'NS', 3600, 'ns1.z.'), rr('a.z.', 'A', 300, '192.0.2.1'), rr('gone.z.', 'A', 300, '192.0.2.9')];
    const incoming = [rr('z.', 'NS', 3600, 'ns1.z.'), rr('a.z.', 'A', 300, '192.0.2.2'), rr('b.z.', 'A', 300, '192.0.2.3')];
    const d = diffRecords(current, incoming);
    const key = (rs: RR[]) => rs.map((r) => `${r.name} ${r.content}`).sort();
    expect(key(applyRecordDiff(current, d, new Set()))).toEqual(key(incoming));
    const keep = new Set([d.deletes[0]!.id, d.changes[0]!.id]);
    expect(key(applyRecordDiff(current, d, keep))).toEqual(['a.z. 192.0.2.1', 'b.z. 192.0.2.3', 'gone.z. 192.0.2.9', 'z. ns1.z.']);
  });

  it('diffs 20,000 records, pairing TTL-only changes', () => {
    const current = Array.from({ length: 20_000 }, (_, i) => rr(`h${i}.z.`, 'A', 300, `10.0.${i >> 8}.${i & 255}`));
    const incoming = current.map((r, i) => (i % 10 === 0 ? { ...r, ttl: 600 } : r));
    const d = diffRecords(current, incoming);
    expect(d.changes).toHaveLength(2000);
    expect(d.unchanged).toBe(18_000);
  });
});

const FILE = (serial: number, extra = '') => `$TTL 300
@    3600 IN SOA ns1.imp.example. hostmaster.imp.example. ${serial} 7200 3600 1209600 3600
@    3600 IN NS  ns1.imp.example.
www       IN A   192.0.2.2
new       IN AAAA 2001:db8::1
${extra}`;

describe('previewImport and commitImport', () => {
  async function zoneWithRecords(name: string) {
    const { serial } = await createZone({ name, nameservers: [`ns1.${name}.`] }, actor);
    const r = await applyChangeset(
      name,
      {
        add: [
          { name: 'www', type: 'A', ttl: 300, content: '192.0.2.1' },
          { name: 'old', type: 'TXT', ttl: 300, content: '"bye"' },
        ],
        expectedSerial: serial,
      },
      actor,
    );
    return r.newSerial;
  }

  it('previews adds, changes, deletes and the SOA difference against the stored zone, writing nothing', async () => {
    const serial = await zoneWithRecords('imp.example');
    const p = await previewImport('imp.example', FILE(1));
    expect(p?.errors).toEqual([]);
    expect(p?.serial).toBe(serial);
    expect(p?.diff.adds.map((i) => i.kind === 'add' && i.record.name)).toEqual(['new.imp.example.']);
    expect(p?.diff.changes.map((i) => i.kind === 'change' && `${i.from.content} → ${i.to.content}`)).toEqual(['192.0.2.1 → 192.0.2.2']);
    expect(p?.diff.deletes.map((i) => i.kind === 'delete' && i.record.name)).toEqual(['old.imp.example.']);
    // The file's serial 1 is behind the zone's, so only the refresh timer differs.
    expect(p?.soa).toEqual([{ field: 'refresh', from: '10800', to: '7200' }]);
    expect(p?.ruleErrors).toEqual([]);
    expect((await getZone('imp.example'))?.serial).toBe(serial);
  });

  it('lists parse errors with their line numbers and computes no diff', async () => {
    await zoneWithRecords('bad.example');
    const p = await previewImport('bad.example', '$TTL 300\n@ IN NS ns1.bad.example.\nwww IN A 999.1.1.1\nx IN BOGUS 1\n');
    expect(p?.errors.map((e) => e.line)).toEqual([3, 4]);
    expect(p?.diff.adds).toEqual([]);
  });

  it('commits the checked items as one change with the comment, leaving the unchecked one as it was', async () => {
    const serial = await zoneWithRecords('com.example');
    const file = FILE(1).replaceAll('imp.example', 'com.example');
    const p = (await previewImport('com.example', file))!;
    const skipped = p.diff.deletes[0]!.id; // keep old TXT
    const r = await commitImport('com.example', file, { expectedSerial: serial, comment: 'from BIND', excluded: [skipped] }, actor);
    expect(r.changed).toBe(true);
    const zone = await getZone('com.example');
    expect(zone?.records.map((x) => `${x.name} ${x.type} ${x.content}`).filter((x) => !x.includes('SOA'))).toEqual([
      'com.example. NS ns1.com.example.',
      'new.com.example. AAAA 2001:db8::1',
      'old.com.example. TXT "bye"',
      'www.com.example. A 192.0.2.2',
    ]);
    expect(zone?.soa.refresh).toBe(7200);
    const history = await listChanges(zone!.id);
    expect(history.items[0]?.comment).toBe('from BIND');
    expect(history.total).toBe(3); // created, records added, import
  });

  it('keeps the SOA as it is when its item is unchecked, and keeps a file serial that is ahead', async () => {
    const serial = await zoneWithRecords('soa.example');
    const file = FILE(2_000_000_000).replaceAll('imp.example', 'soa.example');
    const p = (await previewImport('soa.example', file))!;
    expect(p.soa[0]).toEqual({ field: 'serial', from: String(serial), to: '2000000000' });
    await commitImport('soa.example', file, { expectedSerial: serial, comment: 'no soa', excluded: [SOA_ITEM_ID] }, actor);
    const z1 = await getZone('soa.example');
    expect(z1?.soa.refresh).toBe(10800);
    expect(z1?.serial).toBe(serial + 1);
    await db().zone.update({ where: { name: 'soa.example.' }, data: { soaRefresh: 1 } });
    await commitImport('soa.example', file, { expectedSerial: serial + 1, comment: 'with soa', excluded: [] }, actor);
    const z2 = await getZone('soa.example');
    expect(z2?.soa.refresh).toBe(7200);
    expect(z2?.serial).toBe(2_000_000_000);
  });

  it('refuses a commit made against an older serial, and a file with errors, writing nothing', async () => {
    const serial = await zoneWithRecords('race.example');
    const file = FILE(1).replaceAll('imp.example', 'race.example');
    await applyChangeset('race.example', { add: [{ name: 'x', type: 'A', ttl: 300, content: '192.0.2.7' }] }, actor);
    const conflict = await rejection(commitImport('race.example', file, { expectedSerial: serial, comment: 'late', excluded: [] }, actor));
    expect(conflict.code).toBe('conflict');
    const bad = await rejection(commitImport('race.example', `${file}\nbroken IN A nope\n`, { expectedSerial: serial + 1, comment: 'bad', excluded: [] }, actor));
    expect(bad.code).toBe('invalid');
    expect(bad.recordErrors[0]?.line).toBe(7);
    expect((await getZone('race.example'))?.serial).toBe(serial + 1);
  });
});

describe('listChanges', () => {
  it('pages newest first and filters by comment text and date range', async () => {
    let { serial } = await createZone({ name: 'log.example', nameservers: ['ns1.log.example.'] }, actor);
    for (let i = 0; i < 25; i++) {
      const r = await applyChangeset(
        'log.example',
        { add: [{ name: `h${i}`, type: 'A', ttl: 300, content: '192.0.2.1' }], comment: i % 5 === 0 ? `Ticket ${i}` : `routine ${i}`, expectedSerial: serial },
        actor,
      );
      serial = r.newSerial;
    }
    const zoneId = (await getZone('log.example'))!.id;
    const first = await listChanges(zoneId, { pageSize: 10 });
    expect(first.total).toBe(26);
    expect(first.pages).toBe(3);
    expect(first.items[0]?.comment).toBe('routine 24');
    expect(first.items[0]?.added.some((r) => r.type === 'SOA')).toBe(true);
    const last = await listChanges(zoneId, { pageSize: 10, page: 99 });
    expect(last.page).toBe(3);
    expect(last.items.at(-1)?.comment).toBe('zone created');
    const tickets = await listChanges(zoneId, { query: 'Ticket' });
    expect(tickets.items.map((c) => c.comment)).toEqual(['Ticket 20', 'Ticket 15', 'Ticket 10', 'Ticket 5', 'Ticket 0']);
    // Case does not matter, on PostgreSQL (exact LIKE) as on SQLite.
    expect((await listChanges(zoneId, { query: 'tICKET' })).total).toBe(5);
    const future = await listChanges(zoneId, { from: new Date(Date.now() + 86_400_000) });
    expect(future.total).toBe(0);
    const past = await listChanges(zoneId, { to: new Date(Date.now() - 86_400_000) });
    expect(past.total).toBe(0);
    const today = await listChanges(zoneId, { from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000) });
    expect(today.total).toBe(26);
  });
});
