// AXFR messages assembled from a compact snapshot (axfr.ts), without sockets:
// the records come out as the transfer sent them before the snapshot was
// compact (SOA, every owner in the order first read with its types in that
// order and its records as read, SOA), every message decodes, and none is
// over its limit.
import { describe, expect, it } from 'vitest';
import { normalizeContent, wireToContent } from '../dns/rdata';
import type { RR } from '../dns/types';
import { decodeMessage, newQuery, RCODE, type Message } from '../dns/wire';
import { axfrMessages } from './axfr';
import { buildSnapshot, type SnapshotHeader, type ZoneSnapshot } from './zone-snapshot';

const Z = 'axfr.test.';
const rr = (name: string, type: string, content: string, ttl = 300): RR => ({ name: name === '@' ? Z : `${name}.${Z}`, type, ttl, content: normalizeContent(type, content, Z) });
const header: SnapshotHeader = { id: 1, name: Z, serial: 9, version: 1, negativeTtl: 60, soa: { name: Z, type: 'SOA', ttl: 3600, content: `ns1.${Z} hostmaster.${Z} 9 3600 600 86400 60` } };

/** The transfer as it was before: SOA, then each owner first read with its types in order, records as read, then SOA. */
function expected(records: RR[]): string[] {
  const byOwner = new Map<string, Map<string, RR[]>>([[Z, new Map([['SOA', [header.soa]]])]]);
  for (const r of records) {
    const types = byOwner.get(r.name) ?? new Map<string, RR[]>();
    byOwner.set(r.name, types);
    types.set(r.type, [...(types.get(r.type) ?? []), r]);
  }
  const body = [...byOwner.values()].flatMap((types) => [...types].filter(([t]) => t !== 'SOA').flatMap(([, list]) => list));
  return [header.soa, ...body, header.soa].map(show);
}

const show = (r: RR) => `${r.name} ${r.ttl} ${r.type} ${r.content}`;

function transfer(zone: ZoneSnapshot, limit: number, question = Z): { messages: Message[]; raw: Buffer[]; records: string[] } {
  const query = newQuery(question, 'AXFR', { id: 4242 });
  const raw = [...axfrMessages(zone, query, limit)];
  const messages = raw.map((b) => decodeMessage(b));
  const records = messages.flatMap((m) => m.answers).map((a) => show({ name: a.name.toLowerCase(), type: a.type, ttl: a.ttl, content: wireToContent(a.type, a.data) }));
  return { messages, raw, records };
}

const mixed: RR[] = [
  rr('@', 'NS', 'ns1'),
  rr('@', 'NS', 'ns2.elsewhere.example.'),
  rr('ns1', 'A', '192.0.2.1'),
  rr('@', 'MX', '10 mail'),
  rr('mail', 'A', '192.0.2.25'),
  rr('ns1', 'AAAA', '2001:db8::1'),
  rr('@', 'NS', 'ns3'),
  rr('www', 'CNAME', '@'),
  rr('*.wild', 'TXT', '"wild"'),
  rr('a.b.c', 'A', '192.0.2.3'),
  rr('child', 'NS', 'ns.child'),
  rr('ns.child', 'A', '192.0.2.53'),
  rr('_sip._tcp', 'SRV', '10 5 5060 sip.elsewhere.example.'),
  rr('mail', 'TXT', '"hello"', 60),
  rr('caa', 'CAA', '0 issue "ca.example"'),
];

describe('axfrMessages', () => {
  it('sends every record as before, in the same order, in one message when it fits', () => {
    const t = transfer(buildSnapshot(header, mixed), 65023);
    expect(t.records).toEqual(expected(mixed));
    expect(t.messages).toHaveLength(1);
    expect(t.messages[0]).toMatchObject({ id: 4242, qr: true, aa: true, rcode: RCODE.NOERROR, questions: [{ name: Z, type: 'AXFR' }] });
  });

  it('splits a big zone over messages under the limit, the question only in the first', () => {
    const records = [...mixed, ...Array.from({ length: 3000 }, (_, i) => rr(`host${i}`, i % 3 ? 'A' : 'TXT', i % 3 ? `10.0.${i >> 8}.${i & 255}` : `"host ${i} padding padding"`))];
    for (const limit of [512, 4096, 65023]) {
      const t = transfer(buildSnapshot(header, records), limit);
      expect(t.records).toEqual(expected(records));
      expect(t.raw.every((b) => b.length <= limit)).toBe(true);
      expect(t.messages.length).toBeGreaterThan(65023 / limit);
      expect(t.messages.map((m) => m.questions.length)).toEqual(t.messages.map((_, i) => (i === 0 ? 1 : 0)));
      expect(t.messages.every((m) => m.id === 4242 && m.aa && m.answers.length > 0)).toBe(true);
    }
  });

  it('names owners with the question’s spelling of the apex, as the encoder did', () => {
    const t = transfer(buildSnapshot(header, mixed), 65023, 'AXFR.Test.');
    expect(t.messages[0]!.answers.map((a) => a.name).slice(0, 3)).toEqual(['AXFR.Test.', 'AXFR.Test.', 'AXFR.Test.']);
    expect(t.records).toEqual(expected(mixed));
  });

  it('gives a record too big for the limit a message of its own', () => {
    const big = rr('big', 'TXT', Array.from({ length: 8 }, () => `"${'x'.repeat(250)}"`).join(' '));
    const t = transfer(buildSnapshot(header, [rr('a', 'A', '192.0.2.1'), big, rr('b', 'A', '192.0.2.2')]), 1024);
    expect(t.records).toEqual(expected([rr('a', 'A', '192.0.2.1'), big, rr('b', 'A', '192.0.2.2')]));
    expect(t.messages.map((m) => m.answers.length)).toEqual([2, 1, 2]);
  });

  it('sends owners a secondary stored with escapes as the bytes they stand for', () => {
    const odd: RR[] = [
      { name: `a\\.b.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
      { name: `sp\\032ace.${Z}`, type: 'A', ttl: 300, content: '192.0.2.2' },
      { name: `x.a\\.b.${Z}`, type: 'TXT', ttl: 300, content: '"x"' },
    ];
    const t = transfer(buildSnapshot(header, odd), 65023);
    expect(t.records).toEqual(expected(odd));
  });

  it('sends a zone of only its SOA as the SOA twice', () => {
    expect(transfer(buildSnapshot(header, []), 65023).records).toEqual([show(header.soa), show(header.soa)]);
  });

  it('compresses owners against the apex: a record costs its own labels, not the zone name again', () => {
    const records = Array.from({ length: 1000 }, (_, i) => rr(`h${i}`, 'A', '192.0.2.1'));
    const t = transfer(buildSnapshot(header, records), 65023);
    // Owner "h123" plus a pointer (7), type and class (4), TTL, RDLENGTH, address (10).
    expect(t.raw.reduce((n, b) => n + b.length, 0) / 1000).toBeLessThan(22);
  });
});
