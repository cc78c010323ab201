// Record data in wire form, as the worker holds zones: every type's rdata
// written from its stored (canonical) content is exactly what the encoder
// writes for contentToWire's data, reads back to the same content, and
// encodes inside a message to the same bytes as that data does.
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { contentToRdata, MAX_RDATA, rdataToContent, writeContentRdata } from './rdata-wire';
import { contentToWire, normalizeContent, RdataError, STORED_TYPES } from './rdata';
import { encodeMessage, encodeRdata, newResponse, newQuery, WireRdata, type Message, type WireRecord } from './wire';
import { RDATA_SAMPLES } from '../testing/rdata-samples';

const O = 'example.test.';

/** Inputs normalizeContent accepts, per type: the plain shapes and the ones the direct path leaves to the general one. */
const INPUTS: ReadonlyArray<readonly [string, string]> = [
  ...RDATA_SAMPLES,
  ['A', '0.0.0.0'],
  ['A', '255.255.255.255'],
  ['A', '10.0.100.9'],
  ['AAAA', '::'],
  ['AAAA', '::1'],
  ['AAAA', '2001:db8:0:0:1:0:0:1'],
  ['AAAA', 'fe80::1:2:3:4'],
  ['AAAA', '1:2:3:4:5:6:7:8'],
  ['AAAA', '2001:DB8::A'],
  ['CNAME', '@'],
  ['CNAME', '.'],
  ['CNAME', '_service._tcp.example.test.'],
  ['CNAME', '*.wild.example.test.'],
  ['CNAME', 'Mixed.Case.Test.'],
  ['CNAME', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.`],
  ['CNAME', '1-2.x-y.example.test.'],
  ['MX', '65535 mx.elsewhere.example.'],
  ['MX', '010 mail'],
  ['NS', '123.example.test.'],
  ['PTR', '_x.example.test.'],
  ['TXT', '""'],
  ['TXT', '"a" "b c" ""'],
  ['TXT', '"café ☕ 𝄞"'],
  ['TXT', `"${'q'.repeat(255)}"`],
  ['TXT', `"${'é'.repeat(200)}"`],
  ['TXT', '"tab\\009here"'],
  ['TXT', 'unquoted'],
  ['SRV', '65535 65535 65535 t.example.test.'],
  ['SOA', 'ns1.example.test. hostmaster.example.test. 4294967295 2147483647 0 1 2'],
  ['SOA', 'ns1 hostmaster 1 1h 15m 1w 5m'],
  ['SOA', '. . 0 0 0 0 0'],
];

const CASES = INPUTS.map(([type, input]) => [type, normalizeContent(type, input, O)] as const);

/** The reference: contentToWire's data through the message encoder, without compression. */
const reference = (type: string, content: string) => encodeRdata(type, contentToWire(type, content));

describe('rdata in wire form', () => {
  it('covers every supported type', () => {
    expect(new Set(INPUTS.map(([t]) => t))).toEqual(new Set(STORED_TYPES));
  });

  it.each(CASES)('%s %s: the bytes the encoder writes, and back to the same content', (type, content) => {
    const want = reference(type, content);
    expect(contentToRdata(type, content).equals(want)).toBe(true);
    const out = Buffer.alloc(7 + MAX_RDATA, 0xee);
    const end = writeContentRdata(type, content, out, 7);
    expect(out.subarray(7, end).equals(want)).toBe(true);
    expect(rdataToContent(type, out, 7, end)).toBe(content);
  });

  it('agrees with dns-packet on the bytes of the common types', () => {
    for (const [type, content] of CASES.filter(([t]) => ['A', 'AAAA', 'NS', 'CNAME', 'PTR', 'MX', 'SOA', 'SRV', 'TXT'].includes(t))) {
      const packet = dnsPacket.encode({ type: 'response', answers: [{ type, name: 'x', ttl: 1, class: 'IN', data: contentToWire(type, content) } as dnsPacket.Answer] });
      // Header (12), owner "x" (3), type, class, TTL (8), RDLENGTH (2); dns-packet never compresses.
      expect(contentToRdata(type, content).equals(packet.subarray(25))).toBe(true);
    }
  });

  it.each([
    ['A', '010.0.0.1'],
    ['A', '1.2.3'],
    ['A', '256.1.1.1'],
    ['AAAA', '1::2::3'],
    ['AAAA', '2001:db8::1%eth0'],
    ['NS', '.'],
    ['NS', '_ns.example.test.'],
    ['NS', '-ns.example.test.'],
    ['MX', '10 .'],
    ['MX', '70000 mail.example.test.'],
    ['SRV', '1 2 mail.example.test.'],
    ['SOA', 'ns1.example.test. hostmaster.example.test. 4294967296 1 1 1 1'],
    ['SOA', 'ns1.example.test. hostmaster.example.test. 1 2147483648 1 1 1'],
    ['TXT', `"${'q'.repeat(70000)}"`],
  ])('refuses %s %s as normalizeContent does', (type, content) => {
    expect(() => normalizeContent(type, content, '.')).toThrow(RdataError);
    expect(() => contentToRdata(type, content)).toThrow();
  });
});

describe('WireRdata in a message', () => {
  const Z = 'example.test.';
  function both(records: { name: string; type: string; content: string }[], question = Z): [Buffer, Buffer] {
    const msg = (toData: (type: string, content: string) => unknown): Message => {
      const res = newResponse(newQuery(question, 'ANY', { id: 1 }));
      res.answers = records.map((r): WireRecord => ({ name: r.name, type: r.type, class: 'IN', ttl: 300, data: toData(r.type, r.content) }));
      return res;
    };
    const held = msg((type, content) => {
      // Rdata held inside a bigger buffer, as a zone keeps it.
      const buf = Buffer.alloc(MAX_RDATA + 10);
      const end = writeContentRdata(type, content, buf, 5);
      return new WireRdata(buf, 5, end);
    });
    return [encodeMessage(msg(contentToWire)).buf, encodeMessage(held).buf];
  }

  it('encodes every type to the same bytes as its dns-packet data, names compressed alike', () => {
    const records = CASES.map(([type, content]) => ({ name: `x.${Z}`, type, content }));
    const [data, wire] = both(records);
    expect(wire.equals(data)).toBe(true);
  });

  it('compresses NS, CNAME, PTR, MX and SOA targets against the question and earlier names, in any case', () => {
    const records = [
      { name: Z, type: 'SOA', content: `ns1.${Z} hostmaster.${Z} 1 2 3 4 5` },
      { name: Z, type: 'NS', content: `ns1.${Z}` },
      { name: Z, type: 'MX', content: `10 mail.${Z}` },
      { name: `www.${Z}`, type: 'CNAME', content: `host.${Z}` },
      { name: `1.2.${Z}`, type: 'PTR', content: `host.${Z}` },
      { name: `_s._tcp.${Z}`, type: 'SRV', content: `1 1 1 host.${Z}` },
    ];
    const [data, wire] = both(records, 'EXAMPLE.Test.');
    expect(wire.equals(data)).toBe(true);
    // Compressed indeed: shorter than with every name written out (dns-packet never compresses).
    const whole = dnsPacket.encode({ type: 'response', questions: [{ name: 'EXAMPLE.Test', type: 'ANY' as 'A', class: 'IN' }], answers: records.map((r) => ({ name: r.name, type: r.type, ttl: 300, class: 'IN', data: contentToWire(r.type, r.content) }) as dnsPacket.Answer) });
    expect(wire.length).toBeLessThan(whole.length - 80);
  });

  it('refuses rdata whose names run past its end', () => {
    const res = newResponse(newQuery(Z, 'NS'));
    res.answers = [{ name: Z, type: 'NS', ttl: 1, data: new WireRdata(Buffer.from([3, 0x61, 0x62]), 0, 3) }];
    expect(() => encodeMessage(res)).toThrow(/malformed domain name/);
    res.answers = [{ name: Z, type: 'NS', ttl: 1, data: new WireRdata(Buffer.from([1, 0x61, 0]), 0, 2) }];
    expect(() => encodeMessage(res)).toThrow(/runs past its rdata/);
  });
});
