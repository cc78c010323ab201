// The change pipeline against a real SQLite database: what an operator would
// notice after a commit, a refused commit, or an import.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { expectAppError } from '../testing/app-error';
import { applyChangeset, importZone } from './changes';
import { getZone } from './data';
import { createZone, setZoneOptions } from './zone-lifecycle';

const actor = { name: 'tester' };

describe('applyChangeset', () => {
  it('adds records in one change: one serial bump, one journal entry with old and new SOA', async () => {
    const { serial } = await createZone({ name: 'edit.example', nameservers: ['ns1.edit.example.'] }, actor);
    const r = await applyChangeset(
      'edit.example',
      {
        add: [
          { name: 'www', type: 'A', ttl: 300, content: '192.0.2.1' },
          { name: 'www', type: 'A', ttl: 300, content: '192.0.2.2' },
          { name: '@', type: 'MX', content: '10 mail' },
        ],
        comment: 'web servers',
        expectedSerial: serial,
      },
      actor,
    );
    expect(r.oldSerial).toBe(serial);
    expect(r.newSerial).toBe(serial + 1);
    const zone = await getZone('edit.example');
    expect(zone?.serial).toBe(serial + 1);
    expect(zone?.records.filter((x) => x.type === 'MX')).toEqual([{ name: 'edit.example.', type: 'MX', ttl: 3600, content: '10 mail.edit.example.' }]);
    const change = await db().change.findFirstOrThrow({ where: { zoneId: zone!.id }, orderBy: { id: 'desc' } });
    expect(change.comment).toBe('web servers');
    const added = JSON.parse(change.added) as { type: string; content: string }[];
    const removed = JSON.parse(change.removed) as { type: string; content: string }[];
    expect(added[0]?.type).toBe('SOA');
    expect(added[0]?.content).toContain(` ${serial + 1} `);
    expect(removed).toHaveLength(1);
    expect(removed[0]?.content).toContain(` ${serial} `);
    expect(added.filter((a) => a.type !== 'SOA')).toHaveLength(3);
  });

  it('rejects the whole changeset when one record is bad, and writes nothing', async () => {
    const { serial } = await createZone({ name: 'atomic.example' }, actor);
    const err = await expectAppError(
      applyChangeset('atomic.example', { add: [{ name: 'ok', type: 'A', content: '192.0.2.1' }, { name: 'bad', type: 'A', content: '999.1.1.1' }] }, actor),
      'invalid',
    );
    expect(err.recordErrors).toHaveLength(1);
    expect(err.recordErrors[0]).toMatchObject({ index: 1 });
    expect(err.recordErrors[0]!.message).toMatch(/999\.1\.1\.1/);
    const zone = await getZone('atomic.example');
    expect(zone?.serial).toBe(serial);
    expect(zone?.records.some((r) => r.name.startsWith('ok.'))).toBe(false);
  });

  it('refuses a CNAME beside other data, and an NS pointing at a CNAME', async () => {
    await createZone({ name: 'cname.example' }, actor);
    await applyChangeset('cname.example', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const e1 = await expectAppError(applyChangeset('cname.example', { add: [{ name: 'www', type: 'CNAME', content: 'web' }] }, actor), 'invalid');
    expect(e1.recordErrors[0]!.message).toMatch(/CNAME and other data/);
    await applyChangeset('cname.example', { add: [{ name: 'alias', type: 'CNAME', content: 'www' }] }, actor);
    const e2 = await expectAppError(applyChangeset('cname.example', { add: [{ name: '@', type: 'NS', content: 'alias' }] }, actor), 'invalid');
    expect(e2.recordErrors[0]!.message).toMatch(/points at alias\.cname\.example\., which is a CNAME/);
  });

  it('refuses a commit from a stale editor and names who changed the zone', async () => {
    const { serial } = await createZone({ name: 'stale.example' }, actor);
    await applyChangeset('stale.example', { add: [{ name: 'a', type: 'A', content: '192.0.2.1' }] }, { name: 'alice' });
    const err = await expectAppError(
      applyChangeset('stale.example', { add: [{ name: 'b', type: 'A', content: '192.0.2.2' }], expectedSerial: serial }, actor),
      'conflict',
    );
    expect(err.message).toMatch(/by alice/);
    expect((await getZone('stale.example'))?.records.some((r) => r.name === 'b.stale.example.')).toBe(false);
  });

  it('deletes one record or a whole RRset, and says when there is nothing to delete', async () => {
    await createZone({ name: 'del.example' }, actor);
    await applyChangeset('del.example', { add: [{ name: 'x', type: 'A', content: '192.0.2.1' }, { name: 'x', type: 'A', content: '192.0.2.2' }] }, actor);
    await applyChangeset('del.example', { remove: [{ name: 'x', type: 'A', content: '192.0.2.1' }] }, actor);
    expect((await getZone('del.example'))?.records.filter((r) => r.type === 'A').map((r) => r.content)).toEqual(['192.0.2.2']);
    await applyChangeset('del.example', { remove: [{ name: 'x.del.example.', type: 'a' }] }, actor);
    expect((await getZone('del.example'))?.records.filter((r) => r.type === 'A')).toEqual([]);
    const err = await expectAppError(applyChangeset('del.example', { remove: [{ name: 'x', type: 'A' }] }, actor), 'invalid');
    expect(err.recordErrors[0]!.message).toMatch(/no A record/);
  });

  it('enqueues one NOTIFY job per secondary: NS glue addresses, out-of-zone NS hosts, also-notify; not the SOA MNAME', async () => {
    await createZone({ name: 'notify.example', nameservers: ['ns1.notify.example.', 'ns2.notify.example.', 'ns.other.example.'] }, actor);
    await setZoneOptions('notify.example', { alsoNotify: ['192.0.2.53:5353'] }, actor);
    const r = await applyChangeset(
      'notify.example',
      { add: [{ name: 'ns1', type: 'A', content: '192.0.2.1' }, { name: 'ns2', type: 'A', content: '192.0.2.2' }] },
      actor,
    );
    // ns1 is the SOA MNAME, the primary itself (RFC 1996 §3.6).
    expect(r.notifyTargets.sort()).toEqual(['192.0.2.2:53', '192.0.2.53:5353', 'ns.other.example.:53']);
    const jobs = await db().notifyJob.findMany({ where: { zone: { name: 'notify.example.' }, state: 'pending' } });
    expect(jobs.map((j) => Number(j.serial))).toEqual([r.newSerial, r.newSerial, r.newSerial]);
  });

  it('never notifies its own listen address', async () => {
    const saved = process.env.ZK_DNS_LISTEN;
    process.env.ZK_DNS_LISTEN = '127.0.0.1:5300';
    try {
      await createZone({ name: 'self.example' }, actor);
      await setZoneOptions('self.example', { alsoNotify: ['127.0.0.1:5300', '127.0.0.1:5301'] }, actor);
      const r = await applyChangeset('self.example', { add: [{ name: 'x', type: 'A', content: '192.0.2.1' }] }, actor);
      expect(r.notifyTargets).toEqual(['127.0.0.1:5301']);
    } finally {
      process.env.ZK_DNS_LISTEN = saved;
    }
  });

  it('will not edit a secondary zone', async () => {
    await createZone({ name: 'sec.example', kind: 'secondary', primaries: ['192.0.2.1'] }, actor);
    await expectAppError(applyChangeset('sec.example', { add: [{ name: 'a', type: 'A', content: '192.0.2.1' }] }, actor), 'forbidden');
  });
});


describe('importZone', () => {
  const file = (a: string) => `$ORIGIN imp.example.
$TTL 1h
@   IN SOA ns1 hostmaster ( 2026010100 3h 1h 2w 1h )
www IN A ${a}
    IN NS ns1
ns1 IN A 192.0.2.53
`;

  it('creates the zone from the file, then replaces its content as one change', async () => {
    const first = await importZone('imp.example', file('192.0.2.1').replace('    IN NS ns1', '@   IN NS ns1'), actor);
    expect(first.newSerial).toBe(2026010100);
    const second = await importZone('imp.example', file('192.0.2.9').replace('    IN NS ns1', '@   IN NS ns1'), actor);
    expect(second.removed.map((r) => r.content)).toEqual(['192.0.2.1']);
    expect(second.added.map((r) => r.content)).toEqual(['192.0.2.9']);
    expect(second.newSerial).toBe(2026010101);
  });

  it('replaces a record stored twice like any other: kept while the file has it, both rows gone once it has not', async () => {
    await importZone('twins.example', file('192.0.2.1').replace('imp.example', 'twins.example').replace('    IN NS ns1', '@   IN NS ns1'), actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'twins.example.' } });
    const twin = { zoneId: zone.id, name: 'twin.twins.example.', type: 'A', ttl: 3600, content: '192.0.2.77' };
    await db().record.createMany({ data: [twin, twin] });
    const withTwin = `${file('192.0.2.1').replace('imp.example', 'twins.example').replace('    IN NS ns1', '@   IN NS ns1')}twin IN A 192.0.2.77\n`;
    expect((await importZone('twins.example', withTwin, actor)).changed).toBe(false);
    expect(await db().record.count({ where: { zoneId: zone.id, name: twin.name } })).toBe(2);
    const r = await importZone('twins.example', file('192.0.2.1').replace('imp.example', 'twins.example').replace('    IN NS ns1', '@   IN NS ns1'), actor);
    expect(r.removed).toEqual([{ name: twin.name, type: 'A', ttl: 3600, content: '192.0.2.77' }, { name: twin.name, type: 'A', ttl: 3600, content: '192.0.2.77' }]);
    expect(await db().record.count({ where: { zoneId: zone.id, name: twin.name } })).toBe(0);
  });

  it('names the bad line and changes nothing', async () => {
    await createZone({ name: 'badimp.example' }, actor);
    const before = await getZone('badimp.example');
    const text = `$TTL 300
@ IN SOA ns1 hostmaster 1 2 3 4 5
@ IN NS ns1.badimp.example.
www IN A 999.1.1.1
ok IN A 192.0.2.1
`;
    const err = await expectAppError(importZone('badimp.example', text, actor), 'invalid');
    expect(err.recordErrors[0]).toMatchObject({ line: 4 });
    expect(err.message).toMatch(/line 4/);
    expect(await getZone('badimp.example')).toEqual(before);
  });
});
