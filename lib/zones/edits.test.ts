// The pending-edit queue: what the panel says for each edit, the changeset a
// commit sends, the revert flow's edits, and what is read back from storage.
import { describe, expect, it } from 'vitest';
import { describeEdit, editProblem, editsToChangeset, parseStoredEdits, pendingStorageKey, queueProblems, revertEdits, type PendingEdit } from './edits';

const Z = 'example.com.';
const rr = (name: string, type: string, ttl: number, content: string) => ({ name, type, ttl, content });
const soa = { mname: 'ns1.example.com.', rname: 'hostmaster.example.com.', refresh: 10800, retry: 3600, expire: 1209600, minimum: 3600, ttl: 3600 };

describe('describeEdit', () => {
  it('says adds, deletes and changes in plain language with names relative to the zone', () => {
    expect(describeEdit({ kind: 'add', record: rr('www.example.com.', 'A', 3600, '192.0.2.1') }, Z)).toBe('add www A 192.0.2.1');
    expect(describeEdit({ kind: 'delete', record: rr('mail.example.com.', 'MX', 300, '10 mx.example.com.') }, Z)).toBe('delete mail MX 10 mx.example.com.');
    expect(describeEdit({ kind: 'add', record: rr('example.com.', 'TXT', 300, '"v=spf1 -all"') }, Z)).toBe('add @ TXT "v=spf1 -all"');
  });

  it('names a TTL-only change as such', () => {
    const from = rr('mail.example.com.', 'MX', 300, '10 mx.example.com.');
    expect(describeEdit({ kind: 'change', from, to: { ...from, ttl: 3600 } }, Z)).toBe('TTL of mail MX 300 → 3600');
  });

  it('shows old and new content, and the TTL when it moves too', () => {
    const from = rr('www.example.com.', 'A', 300, '192.0.2.1');
    expect(describeEdit({ kind: 'change', from, to: { ...from, content: '192.0.2.2' } }, Z)).toBe('change www A 192.0.2.1 → 192.0.2.2');
    expect(describeEdit({ kind: 'change', from, to: { ...from, content: '192.0.2.2', ttl: 60 } }, Z)).toBe('change www A 192.0.2.1 → 192.0.2.2 (TTL 300 → 60)');
    expect(describeEdit({ kind: 'change', from, to: { ...from, name: 'web.example.com.' } }, Z)).toBe('change www A 192.0.2.1 → web A 192.0.2.1');
  });

  it('lists only the SOA fields that change', () => {
    expect(describeEdit({ kind: 'soa', from: soa, to: { ...soa, refresh: 7200, minimum: 300 } }, Z)).toBe('SOA refresh 10800 → 7200, negative TTL 3600 → 300');
  });
});

describe('editsToChangeset', () => {
  it('turns adds, deletes, changes and an SOA edit into one changeset', () => {
    const a = rr('a.example.com.', 'A', 60, '192.0.2.1');
    const b = rr('b.example.com.', 'A', 60, '192.0.2.2');
    const edits: PendingEdit[] = [
      { kind: 'add', record: a },
      { kind: 'delete', record: b },
      { kind: 'change', from: a, to: { ...a, ttl: 120 } },
      { kind: 'soa', from: soa, to: { ...soa, retry: 600 } },
    ];
    expect(editsToChangeset(edits, 7, 'why')).toEqual({
      add: [a, { ...a, ttl: 120 }],
      remove: [
        { name: b.name, type: 'A', content: b.content },
        { name: a.name, type: 'A', content: a.content },
      ],
      expectedSerial: 7,
      comment: 'why',
      soa: { ...soa, retry: 600 },
    });
  });

  it('leaves the SOA out when it is not edited (the history page relies on this shape)', () => {
    expect(editsToChangeset([], 1, '')).toEqual({ add: [], remove: [], expectedSerial: 1, comment: '' });
  });
});

describe('revertEdits and storage', () => {
  it('undoes a change except its SOA, and survives a round trip through sessionStorage text', () => {
    const edits = revertEdits({
      added: [rr(Z, 'SOA', 3600, 'x'), rr('n.example.com.', 'A', 60, '192.0.2.9')],
      removed: [rr('o.example.com.', 'A', 60, '192.0.2.8')],
    });
    expect(edits).toEqual([
      { kind: 'delete', record: rr('n.example.com.', 'A', 60, '192.0.2.9') },
      { kind: 'add', record: rr('o.example.com.', 'A', 60, '192.0.2.8') },
    ]);
    expect(parseStoredEdits(JSON.stringify(edits))).toEqual(edits);
    expect(pendingStorageKey(Z)).toBe('zk:pending:example.com.');
  });

  it('leaves the signer\'s records of a signed zone\'s change to the signer', () => {
    const sig = rr('n.example.com.', 'RRSIG', 60, `A 13 3 60 20270101000000 20261201000000 1 ${Z} AAAA`);
    const edits = revertEdits({ added: [rr('n.example.com.', 'A', 60, '192.0.2.9'), sig, rr('n.example.com.', 'NSEC', 60, `${Z} A RRSIG NSEC`)], removed: [] });
    expect(edits).toEqual([{ kind: 'delete', record: rr('n.example.com.', 'A', 60, '192.0.2.9') }]);
  });

  it('drops what it cannot read instead of trusting it', () => {
    expect(parseStoredEdits(null)).toEqual([]);
    expect(parseStoredEdits('{not json')).toEqual([]);
    expect(parseStoredEdits('{"kind":"add"}')).toEqual([]);
    expect(parseStoredEdits(JSON.stringify([{ kind: 'add', record: { name: 'a', type: 'A' } }, { kind: 'nuke' }]))).toEqual([]);
  });
});

describe('checks on the queue alone', () => {
  it('says why a record is invalid', () => {
    expect(editProblem({ kind: 'add', record: rr('a.example.com.', 'A', 60, '999.1.1.1') }, Z)).toMatch(/IPv4 address/);
    expect(editProblem({ kind: 'add', record: rr('a.other.org.', 'A', 60, '192.0.2.1') }, Z)).toMatch(/outside the zone/);
    expect(editProblem({ kind: 'add', record: rr('a.example.com.', 'A', 60, '192.0.2.1') }, Z)).toBeNull();
  });

  it('finds a record added twice and one deleted twice', () => {
    const a = rr('a.example.com.', 'A', 60, '192.0.2.1');
    expect(
      queueProblems([
        { kind: 'add', record: a },
        { kind: 'add', record: a },
        { kind: 'delete', record: a },
        { kind: 'change', from: a, to: { ...a, ttl: 5 } },
      ]).map((p) => p.index),
    ).toEqual([1, 3, 3]);
  });
});
