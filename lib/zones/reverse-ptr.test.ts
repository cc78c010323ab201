// PTRs kept beside A/AAAA edits against a real database: which reverse zone
// is found, what the reverse changeset writes and links, and who is refused.
import { describe, expect, it } from 'vitest';
import { createUser } from '../auth/users';
import type { SessionUser } from '../auth/permission';
import { db } from '../db';
import { applyChangeset } from './changes';
import { getZone, listChanges } from './data';
import type { PendingEdit } from './edits';
import { findReverseZone, ptrOffers, setPtrs } from './reverse-ptr';
import { createZone } from './zone-lifecycle';

const operator = { name: 'cli' };
const add = (name: string, content: string, type = 'A'): PendingEdit => ({ kind: 'add', record: { name, type, ttl: 600, content } });

async function ptrsAt(zone: string, name: string): Promise<string[]> {
  return (await getZone(zone))!.records.filter((r) => r.name === name && r.type === 'PTR').map((r) => r.content);
}

describe('findReverseZone', () => {
  it('takes the longest primary reverse zone, follows an RFC 2317 CNAME into a zone here, and finds none elsewhere', async () => {
    await createZone({ name: '10.in-addr.arpa' }, operator);
    await createZone({ name: '1.10.in-addr.arpa' }, operator);
    expect((await findReverseZone('10.1.2.3'))?.zone.name).toBe('1.10.in-addr.arpa.');
    expect(await findReverseZone('10.9.9.9')).toMatchObject({ zone: { name: '10.in-addr.arpa.' }, ptrName: '9.9.9.10.in-addr.arpa.' });
    expect(await findReverseZone('203.0.113.9')).toBeNull();

    await createZone({ name: '100.51.198.in-addr.arpa' }, operator);
    await createZone({ name: '0-63.100.51.198.in-addr.arpa' }, operator);
    await applyChangeset('100.51.198.in-addr.arpa.', { add: [{ name: '5', type: 'CNAME', ttl: 300, content: '5.0-63.100.51.198.in-addr.arpa.' }] }, operator);
    expect(await findReverseZone('198.51.100.5')).toMatchObject({ zone: { name: '0-63.100.51.198.in-addr.arpa.' }, ptrName: '5.0-63.100.51.198.in-addr.arpa.' });
    expect(await findReverseZone('2001:db8::1')).toBeNull();
  });
});

describe('PTRs beside forward edits', () => {
  it('adds a PTR, replaces one that points elsewhere, links both to the forward change, and skips what is in place', async () => {
    const admin = await createUser('ptr-admin', 'a long enough password 1', 'admin');
    await createZone({ name: 'fwd.example' }, operator);
    await createZone({ name: '2.0.192.in-addr.arpa' }, operator);
    await applyChangeset('2.0.192.in-addr.arpa.', { add: [{ name: '20', type: 'PTR', ttl: 300, content: 'old.elsewhere.example.' }] }, operator);

    const edits = [add('www.fwd.example.', '192.0.2.10'), add('mail.fwd.example.', '192.0.2.20'), add('ext.fwd.example.', '8.8.8.8'), add('txt.fwd.example.', 'x', 'TXT')];
    const offers = await ptrOffers(admin, 'fwd.example.', edits);
    expect(offers.map((o) => [o.edit, o.ptrName, o.reverseZone, o.replaces])).toEqual([
      [0, '10.2.0.192.in-addr.arpa.', '2.0.192.in-addr.arpa.', []],
      [1, '20.2.0.192.in-addr.arpa.', '2.0.192.in-addr.arpa.', ['old.elsewhere.example.']],
    ]);

    const forward = await applyChangeset('fwd.example.', { add: edits.slice(0, 3).map((e) => (e as { record: { name: string; type: string; ttl: number; content: string } }).record) }, { userId: admin.id, name: admin.name });
    const [outcome] = await setPtrs(admin, 'fwd.example.', forward.changeId, offers);
    expect(outcome).toMatchObject({ ok: true, reverseZone: '2.0.192.in-addr.arpa.' });
    expect(await ptrsAt('2.0.192.in-addr.arpa.', '10.2.0.192.in-addr.arpa.')).toEqual(['www.fwd.example.']);
    expect(await ptrsAt('2.0.192.in-addr.arpa.', '20.2.0.192.in-addr.arpa.')).toEqual(['mail.fwd.example.']);
    const reverseChange = await db().change.findUniqueOrThrow({ where: { id: outcome!.result!.changeId! } });
    expect(reverseChange.linkedChangeId).toBe(forward.changeId);
    // Both histories show the link.
    const reverseEntry = (await listChanges((await getZone('2.0.192.in-addr.arpa.'))!.id)).items[0]!;
    expect(reverseEntry.links).toEqual([{ zone: 'fwd.example.', changeId: forward.changeId, relation: 'made-for' }]);
    const forwardEntry = (await listChanges((await getZone('fwd.example.'))!.id)).items[0]!;
    expect(forwardEntry.links).toEqual([{ zone: '2.0.192.in-addr.arpa.', changeId: reverseChange.id, relation: 'made-with' }]);
    expect(reverseChange.comment).toBe('PTR for www.fwd.example. (192.0.2.10), mail.fwd.example. (192.0.2.20), with a change to fwd.example.');

    // Once in place, nothing more to commit.
    const again = await ptrOffers(admin, 'fwd.example.', [add('www.fwd.example.', '192.0.2.10')]);
    expect(again[0]!.inPlace).toBe(true);
    expect(await setPtrs(admin, 'fwd.example.', undefined, again)).toEqual([]);
  });

  it('moves the PTR when an address changes, and removes it with the record, only where it names the owner', async () => {
    const admin = await createUser('ptr-admin3', 'a long enough password 1', 'admin');
    await createZone({ name: 'move.example' }, operator);
    await createZone({ name: '9.168.192.in-addr.arpa' }, operator);
    await applyChangeset('9.168.192.in-addr.arpa.', { add: [{ name: '10', type: 'PTR', ttl: 300, content: 'www.move.example.' }, { name: '11', type: 'PTR', ttl: 300, content: 'other.example.' }] }, operator);
    const www = { name: 'www.move.example.', type: 'A', ttl: 600, content: '192.168.9.10' };
    const edits: PendingEdit[] = [
      { kind: 'change', from: www, to: { ...www, content: '192.168.9.30' } },
      { kind: 'delete', record: { name: 'old.move.example.', type: 'A', ttl: 600, content: '192.168.9.11' } },
    ];
    const offers = await ptrOffers(admin, 'move.example.', edits);
    // .11 names another host: not this record's to remove.
    expect(offers.map((o) => [o.action, o.ptrName])).toEqual([
      ['set', '30.9.168.192.in-addr.arpa.'],
      ['remove', '10.9.168.192.in-addr.arpa.'],
    ]);
    const [outcome] = await setPtrs(admin, 'move.example.', undefined, offers);
    expect((await db().change.findUniqueOrThrow({ where: { id: outcome!.result!.changeId! } })).comment).toBe(
      'PTR for www.move.example. (192.168.9.30); PTR removed for www.move.example. (192.168.9.10), with a change to move.example.',
    );
    expect(await ptrsAt('9.168.192.in-addr.arpa.', '30.9.168.192.in-addr.arpa.')).toEqual(['www.move.example.']);
    expect(await ptrsAt('9.168.192.in-addr.arpa.', '10.9.168.192.in-addr.arpa.')).toEqual([]);
    expect(await ptrsAt('9.168.192.in-addr.arpa.', '11.9.168.192.in-addr.arpa.')).toEqual(['other.example.']);
  });

  it('offers nothing in a reverse zone the editor may not edit, and refuses to set it there', async () => {
    const editor = await createUser('ptr-editor', 'a long enough password 1', 'editor');
    const user: SessionUser = { id: editor.id, name: editor.name, role: 'editor' };
    await createZone({ name: 'mine.example' }, { userId: editor.id, name: editor.name });
    await createZone({ name: '113.0.203.in-addr.arpa' }, operator);
    const edits = [add('www.mine.example.', '203.0.113.7')];
    expect(await ptrOffers(user, 'mine.example.', edits)).toEqual([]);
    const forged = [{ edit: 0, action: 'set' as const, owner: 'www.mine.example.', address: '203.0.113.7', ttl: 600, reverseZone: '113.0.203.in-addr.arpa.', ptrName: '7.113.0.203.in-addr.arpa.', replaces: [], inPlace: false }];
    const [refused] = await setPtrs(user, 'mine.example.', undefined, forged);
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/may not edit 113\.0\.203\.in-addr\.arpa\./) });
    expect(await ptrsAt('113.0.203.in-addr.arpa.', '7.113.0.203.in-addr.arpa.')).toEqual([]);
  });

  it('keeps the forward change when the reverse zone refuses, and says what to add by hand', async () => {
    const admin = await createUser('ptr-admin2', 'a long enough password 1', 'admin');
    await createZone({ name: 'cn.example' }, operator);
    await createZone({ name: '64.100.in-addr.arpa' }, operator);
    // A CNAME at the PTR name whose target is no zone here: nothing can be set, so nothing is offered.
    await applyChangeset('64.100.in-addr.arpa.', { add: [{ name: '1.0', type: 'CNAME', ttl: 300, content: 'elsewhere.example.net.' }] }, operator);
    expect(await ptrOffers(admin, 'cn.example.', [add('a.cn.example.', '100.64.0.1')])).toEqual([]);
    // A PTR where a CNAME stands is refused by the reverse zone's rules.
    const forged = [{ edit: 0, action: 'set' as const, owner: 'a.cn.example.', address: '100.64.0.1', ttl: 600, reverseZone: '64.100.in-addr.arpa.', ptrName: '1.0.64.100.in-addr.arpa.', replaces: [], inPlace: false }];
    const [outcome] = await setPtrs(admin, 'cn.example.', undefined, forged);
    expect(outcome!.ok).toBe(false);
    expect(outcome!.message).toMatch(/the change to cn\.example\. stands\. In 64\.100\.in-addr\.arpa\., by hand: add 1\.0\.64\.100\.in-addr\.arpa\. PTR a\.cn\.example\.\.$/);
  });
});
