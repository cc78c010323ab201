// The transfer reader: end-of-transfer detection and the shapes of RFC 1995
// and RFC 5936, fed records the way transfer-in.ts does (message by message).
import { describe, expect, it } from 'vitest';
import { contentToWire } from '../../dns/rdata';
import type { WireRecord } from '../../dns/wire';
import { describeSkipped, TransferFormatError, TransferReader } from './xfr-parse';

const Z = 'xfr.test.';
const soa = (serial: number, ttl = 3600): WireRecord => ({
  name: 'XFR.test.',
  type: 'SOA',
  class: 'IN',
  ttl,
  data: contentToWire('SOA', `ns1.${Z} hostmaster.${Z} ${serial} 3600 600 86400 300`),
});
const a = (name: string, ip: string): WireRecord => ({ name: `${name}.${Z}`, type: 'A', class: 'IN', ttl: 300, data: ip });

function read(messages: WireRecord[][], ixfrFrom?: number): TransferReader {
  const r = new TransferReader(Z, ixfrFrom);
  for (const m of messages) r.addMessage(m);
  return r;
}

describe('AXFR', () => {
  it('is complete at the second SOA, over any number of messages', () => {
    const r = new TransferReader(Z);
    r.addMessage([soa(5), a('www', '192.0.2.1')]);
    expect(r.done).toBe(false);
    r.addMessage([a('Mail', '192.0.2.2')]);
    expect(r.done).toBe(false);
    r.addMessage([soa(5)]);
    expect(r.done).toBe(true);
    const c = r.result();
    expect(c.style).toBe('full');
    if (c.style !== 'full') return;
    expect(c.soa.soa.serial).toBe(5);
    expect(c.soa.ttl).toBe(3600);
    // Names come out canonical (lowercase), content canonical.
    expect(c.records).toEqual([
      { name: `www.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
      { name: `mail.${Z}`, type: 'A', ttl: 300, content: '192.0.2.2' },
    ]);
  });

  it('accepts a zone that is its SOA alone', () => {
    const c = read([[soa(9), soa(9)]]).result();
    expect(c).toMatchObject({ style: 'full', records: [] });
  });

  it('is not complete when the connection ends before the closing SOA', () => {
    const r = read([[soa(5), a('www', '192.0.2.1')]]);
    expect(r.done).toBe(false);
    expect(() => r.result()).toThrow(/ended early/);
  });

  it.each([
    ['starts with another type', [[a('www', '192.0.2.1'), soa(5)]], /starts with A/],
    ['ends with another serial', [[soa(5), a('www', '192.0.2.1'), soa(6)]], /ends with serial 6/],
    ['has records after the end', [[soa(5), soa(5), a('www', '192.0.2.1')]], /after the end/],
    ['has an SOA of another zone', [[soa(5), { ...soa(5), name: 'other.test.' }]], /SOA record for other\.test\./],
  ])('refuses a transfer that %s', (_what, messages, error) => {
    expect(() => read(messages as WireRecord[][])).toThrow(error as RegExp);
  });

  it('leaves out records it cannot store and says so', () => {
    const c = read([
      [
        soa(5),
        { name: `meta.${Z}`, type: 'TKEY', class: 'IN', ttl: 300, data: Buffer.from('00', 'hex') },
        { name: 'elsewhere.test.', type: 'A', class: 'IN', ttl: 300, data: '192.0.2.9' },
        { name: `ch.${Z}`, type: 'A', class: 'CH', ttl: 300, data: '192.0.2.8' },
        a('www', '192.0.2.1'),
        soa(5),
      ],
    ]).result();
    expect(c.style).toBe('full');
    if (c.style !== 'full') return;
    expect(c.records.map((r) => r.name)).toEqual([`www.${Z}`]);
    expect(describeSkipped(c.skipped)).toBe('left out types this server does not store: 1 TKEY; 1 records outside the zone ignored; 1 records of another class ignored');
  });

  it('keeps a signed zone whole: the DNSSEC types, and types without a mnemonic as RFC 3597 rdata', () => {
    const sig = `A 13 3 300 20270101000000 20261201000000 27721 ${Z} ${'DMRNHrL6dDwVsik6N2V/SZjlFI/Bp8VFvs6CPZ7P7mt8F6ygZ1Cx0JnHoJjbhKUJeN9yYgmHL2jTuPdtvM98kA=='}`;
    const kept = [
      { name: Z, type: 'DNSKEY', content: '257 3 15 Mrw2m4YpSLMLsogFRtQ4QB5ABmDzSp5Bj44WE44igkg=' },
      { name: Z, type: 'NSEC3PARAM', content: '1 0 0 -' },
      { name: Z, type: 'CDS', content: '0 0 0 00' },
      { name: `www.${Z}`, type: 'RRSIG', content: sig },
      { name: `www.${Z}`, type: 'NSEC', content: `${Z} A RRSIG NSEC` },
      { name: `23h26qfqlf9nr239hoid32mf55i5lhr8.${Z}`, type: 'NSEC3', content: '1 0 0 - 3CUG7JUHQ2R08IJPNG38RQT64Q8SSS19 A RRSIG' },
      { name: `sub.${Z}`, type: 'DS', content: `1 13 2 ${'AB'.repeat(32)}` },
    ];
    const wire = kept.map((r): WireRecord => ({ name: r.name, type: r.type, class: 'IN', ttl: 300, data: contentToWire(r.type, r.content) }));
    // BIND's signing state at the apex, which its NSEC bitmap lists (TYPE65534), and a type the
    // decoder reads into fields we have no handler for (RP): both kept as their bytes.
    wire.push({ name: Z, type: 'UNKNOWN_65534', class: 'IN', ttl: 0, data: Buffer.from('0d5e640001', 'hex') });
    wire.push({ name: Z, type: 'RP', class: 'IN', ttl: 300, data: { mbox: `a.${Z}`, txt: '.' } });
    const c = read([[soa(5), ...wire, soa(5)]]).result();
    if (c.style !== 'full') throw new Error(c.style);
    expect(c.records).toEqual([
      ...kept.map((r) => ({ ...r, ttl: 300 })),
      { name: Z, type: 'TYPE65534', ttl: 0, content: '\\# 5 0D5E640001' },
      { name: Z, type: 'TYPE17', ttl: 300, content: '\\# 13 01610378667204746573740000' },
    ]);
    expect(describeSkipped(c.skipped)).toBe('');
  });

  it('refuses rdata it cannot read', () => {
    expect(() => read([[soa(5), { name: `mx.${Z}`, type: 'MX', class: 'IN', ttl: 60, data: { preference: 70000, exchange: 'x.' } }, soa(5)]])).toThrow(TransferFormatError);
  });
});

describe('IXFR', () => {
  it('a lone SOA in the first message: we are current (RFC 1995 §2)', () => {
    const r = read([[soa(7)]], 7);
    expect(r.done).toBe(true);
    expect(r.result()).toMatchObject({ style: 'up-to-date', soa: { soa: { serial: 7 } } });
  });

  it('a lone SOA older than ours in the first message: also current', () => {
    expect(read([[soa(6)]], 7).result()).toMatchObject({ style: 'up-to-date', soa: { soa: { serial: 6 } } });
  });

  // PowerDNS 4.7 sends the first SOA of its AXFR-style answer in a message of its own; we took it
  // for "current", failed, and fetched the zone a second time by AXFR.
  it.each([
    ['the whole zone', [[a('www', '192.0.2.1'), soa(9)]], 'full'],
    ['difference sequences', [[soa(7), a('old', '192.0.2.1'), soa(9), a('new', '192.0.2.2'), soa(9)]], 'incremental'],
  ])('a lone newer SOA in the first message goes on, to %s', (_what, rest, style) => {
    const r = new TransferReader(Z, 7);
    r.addMessage([soa(9)]);
    expect(r.done).toBe(false);
    for (const m of rest as WireRecord[][]) r.addMessage(m);
    expect(r.done).toBe(true);
    expect(r.result()).toMatchObject({ style, soa: { soa: { serial: 9 } } });
  });

  it('a lone newer SOA and nothing after it is a transfer cut short, not "current"', () => {
    const r = read([[soa(9)]], 7);
    expect(r.done).toBe(false);
    expect(() => r.result()).toThrow(/ended early, after 1 records/);
  });

  it('newer is RFC 1982 newer: a serial that wrapped past 0 goes on', () => {
    expect(read([[soa(2)]], 4294967290).done).toBe(false);
    expect(read([[soa(4294967290)]], 2).done).toBe(true);
  });

  it('reads the difference sequences in order, across messages', () => {
    const r = new TransferReader(Z, 7);
    r.addMessage([soa(9), soa(7), a('old', '192.0.2.1'), soa(8), a('new', '192.0.2.2')]);
    r.addMessage([soa(8), soa(9), a('newer', '192.0.2.3')]);
    expect(r.done).toBe(false);
    r.addMessage([soa(9)]);
    expect(r.done).toBe(true);
    const c = r.result();
    expect(c.style).toBe('incremental');
    if (c.style !== 'incremental') return;
    expect(c.diffs.map((d) => [d.from.soa.serial, d.to.soa.serial, d.removed.length, d.added.length])).toEqual([
      [7, 8, 1, 1],
      [8, 9, 0, 1],
    ]);
    expect(c.diffs[0]!.removed[0]).toEqual({ name: `old.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' });
  });

  it('takes an AXFR-style answer to IXFR as the whole zone', () => {
    const c = read([[soa(9), a('www', '192.0.2.1'), soa(9)]], 7).result();
    expect(c).toMatchObject({ style: 'full', records: [{ name: `www.${Z}` }] });
  });

  it('takes a change that only bumps the serial', () => {
    const c = read([[soa(8), soa(7), soa(8), soa(8)]], 7).result();
    expect(c.style).toBe('incremental');
  });

  it('refuses a chain that does not start at our serial', () => {
    expect(() => read([[soa(9), soa(6), soa(9), soa(9)]], 7)).toThrow(/starts from serial 6, we asked from 7/);
  });

  it('refuses a chain with a gap', () => {
    expect(() => read([[soa(10), soa(7), soa(8), soa(9), soa(10), soa(10)]], 7)).toThrow(/from serial 9 does not follow the one to 8/);
  });

  it('is not complete when cut between sequences', () => {
    const r = read([[soa(9), soa(7), a('old', '192.0.2.1'), soa(8)]], 7);
    expect(r.done).toBe(false);
    expect(() => r.result()).toThrow(/ended early/);
  });
});
