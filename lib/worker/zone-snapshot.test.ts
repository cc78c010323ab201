// The compact zone snapshot (zone-snapshot.ts): every record type's rdata
// held in wire form and given back as stored, names found by lookup (owners,
// empty non-terminals, wildcards, delegations) and nothing else, order kept,
// and the size a record costs.
import { describe, expect, it } from 'vitest';
import { contentToWire, normalizeContent, STORED_TYPES } from '../dns/rdata';
import type { RR } from '../dns/types';
import { decodeMessage, encodeMessage, newQuery, newResponse, RCODE, T_CNAME, T_MX, T_NS, T_SRV, typeCodeOf, typeNameOf } from '../dns/wire';
import { handleMessage } from './handler';
import { log } from './logger';
import { buildSnapshot, ZoneBuilder, type SnapshotHeader, type ZoneSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

const Z = 'snap.test.';
const n = (name: string, zone = Z) => (name === '@' ? zone : zone === '.' ? `${name}.` : `${name}.${zone}`);
const rr = (name: string, type: string, content: string, ttl = 300, zone = Z): RR => ({ name: n(name, zone), type, ttl, content: normalizeContent(type, content, zone) });

function header(zone = Z): SnapshotHeader {
  return { id: 1, name: zone, serial: 7, version: 1, negativeTtl: 60, soa: { name: zone, type: 'SOA', ttl: 3600, content: `ns1.${zone === '.' ? '' : zone} hostmaster.${zone === '.' ? '' : zone} 7 3600 600 86400 60` } };
}

const HEX32 = 'ab'.repeat(32);
// One record of every type we store, some twice, in shapes the direct path takes and ones it does not.
const everyType: RR[] = [
  rr('@', 'NS', 'ns1'),
  rr('@', 'NS', 'ns.elsewhere.example.'),
  rr('@', 'MX', '10 mail'),
  rr('@', 'MX', '0 .', 300),
  rr('@', 'TXT', '"v=spf1 -all" "second string" ""'),
  rr('@', 'CAA', '0 issue "letsencrypt.org"'),
  rr('ns1', 'A', '192.0.2.1', 3600),
  rr('ns1', 'AAAA', '2001:db8::1', 3600),
  rr('mail', 'AAAA', '::ffff:192.0.2.25'),
  rr('www', 'CNAME', '@'),
  rr('_sip._tcp', 'SRV', '10 5 5060 sip'),
  rr('_sip._udp', 'SRV', '0 0 0 .'),
  rr('1.2', 'PTR', 'host.example.'),
  rr('*.wild', 'A', '192.0.2.9'),
  rr('tlsa', 'TLSA', `3 1 1 ${HEX32}`),
  rr('ssh', 'SSHFP', `4 2 ${HEX32}`),
  rr('child', 'NS', 'ns1.child'),
  rr('child', 'DS', `12345 13 2 ${HEX32}`),
  rr('ns1.child', 'A', '192.0.2.53'),
  rr('naptr', 'NAPTR', '100 10 "u" "E2U+sip" "!^.*$!sip:info@example.test!" .'),
  rr('hinfo', 'HINFO', '"x86 64" "Linux"'),
  rr('txt', 'TXT', '"with \\"quotes\\" and \\\\" "caf\\195\\169 \\255"'),
  rr('txt', 'TXT', `"${'q'.repeat(600)}"`),
  // A signed zone's records, as a secondary holds them, and a type without a mnemonic (RFC 3597).
  rr('@', 'DNSKEY', '257 3 15 Mrw2m4YpSLMLsogFRtQ4QB5ABmDzSp5Bj44WE44igkg='),
  rr('@', 'CDNSKEY', '257 3 15 Mrw2m4YpSLMLsogFRtQ4QB5ABmDzSp5Bj44WE44igkg='),
  rr('@', 'CDS', `1 15 2 ${HEX32}`),
  rr('@', 'NSEC3PARAM', '1 0 0 -', 0),
  rr('@', 'TYPE65534', '\\# 5 0D5E640001', 0),
  rr('www', 'RRSIG', `CNAME 15 3 300 20270101000000 20261201000000 1 ${Z} ${'A'.repeat(86)}==`),
  rr('www', 'NSEC', `WWW2.${Z} CNAME RRSIG NSEC`),
  rr('23h26qfqlf9nr239hoid32mf55i5lhr8', 'NSEC3', '1 0 0 - 3CUG7JUHQ2R08IJPNG38RQT64Q8SSS19 A RRSIG'),
];

describe('ZoneSnapshot', () => {
  const zone = buildSnapshot(header(), everyType);

  it('covers every type we store', () => {
    expect(new Set([...everyType.map((r) => r.type), 'SOA'])).toEqual(new Set([...STORED_TYPES, 'TYPE65534']));
  });

  it('gives every record back as stored, in the order read', () => {
    const owners = [...new Set(everyType.map((r) => r.name))];
    for (const owner of owners) {
      const types = [...new Set(everyType.filter((r) => r.name === owner).map((r) => r.type))];
      for (const type of types) expect(zone.recordsAt(owner, type)).toEqual(everyType.filter((r) => r.name === owner && r.type === type));
    }
    expect(zone.soaRR()).toEqual(header().soa);
    expect(zone.recordCount).toBe(everyType.length + 1);
  });

  it('hands the encoder records that encode as the same data would', () => {
    for (const r of everyType) {
      const node = zone.findNode(r.name);
      const set = zone.findSet(node, typeCodeOf(r.type));
      const held = newResponse(newQuery(r.name, r.type, { id: 9 }));
      zone.pushRecords(held.answers, set, r.name);
      const i = everyType.filter((x) => x.name === r.name && x.type === r.type).indexOf(r);
      held.answers = [held.answers[i]!];
      const plain = newResponse(newQuery(r.name, r.type, { id: 9 }));
      plain.answers = [{ name: r.name, type: r.type, class: 'IN', ttl: r.ttl, data: contentToWire(r.type, r.content) }];
      expect(encodeMessage(held).buf.equals(encodeMessage(plain).buf)).toBe(true);
    }
    const soa = decodeMessage(encodeMessage({ ...newResponse(newQuery(Z, 'SOA')), answers: [zone.soaRecord(42)] }).buf).answers[0]!;
    expect(soa).toMatchObject({ name: Z, type: 'SOA', ttl: 42, data: { serial: 7, minimum: 60 } });
  });

  it('finds owners and empty non-terminals, and no other name', () => {
    for (const r of everyType) expect(zone.setsAtNode(zone.findNode(r.name))).toBeGreaterThan(0);
    // The ancestors between an owner and the apex exist without records (RFC 4592 §2.2.2).
    for (const ent of ['_tcp', '_udp', '2', 'wild']) {
      const node = zone.findNode(n(ent));
      expect(node, ent).toBeGreaterThan(0);
      expect(zone.setsAtNode(node)).toBe(0);
    }
    expect(zone.findNode(Z)).toBe(0);
    for (const absent of [n('nope'), n('x.www'), n('tcp'), n('sip._tcp'), n('ns2.child'), 'other.test.', 'test.', '.', `ns1.x${Z}`, `*.${Z}`, `ns1\\.${Z}`, n('ns1\\000')]) {
      expect(zone.findNode(absent), absent).toBe(-1);
    }
  });

  it('marks delegations and knows the targets of NS, CNAME, MX and SRV', () => {
    expect(zone.cutCount).toBe(1);
    expect(zone.isCut(zone.findNode(n('child')))).toBe(true);
    expect(zone.isCut(0)).toBe(false);
    const at = (name: string, type: number) => zone.findSet(zone.findNode(name), type);
    expect([0, 1].map((i) => zone.targetName(at(Z, T_NS), i))).toEqual([n('ns1'), 'ns.elsewhere.example.']);
    expect([0, 1].map((i) => zone.targetName(at(Z, T_MX), i))).toEqual([n('mail'), '.']);
    expect(zone.targetName(at(n('www'), T_CNAME), 0)).toBe(Z);
    expect(zone.targetName(at(n('_sip._tcp'), T_SRV), 0)).toBe(n('sip'));
  });

  it('keeps owners in the order first read, and each owner its types in that order', () => {
    const owners: string[] = [];
    for (let node = 0; node < zone.nodeCount; node++) {
      if (zone.setsAtNode(node) === 0) continue;
      const first = zone.firstSet(node);
      const types = Array.from({ length: zone.setsAtNode(node) }, (_, i) => typeNameOf(zone.setType(first + i)));
      const name = nameOf(zone, node);
      owners.push(`${name} ${types.join(',')}`);
    }
    const want = new Map<string, string[]>([[Z, ['SOA']]]);
    for (const r of everyType) {
      const types = want.get(r.name) ?? [];
      // As wire.ts names codes: TYPE65534 is UNKNOWN_65534 there.
      const type = typeNameOf(typeCodeOf(r.type));
      if (!types.includes(type)) types.push(type);
      want.set(r.name, types);
    }
    expect(owners).toEqual([...want].map(([name, types]) => `${name} ${types.join(',')}`));
  });

  it('serves the root zone', () => {
    const root = buildSnapshot(header('.'), [rr('test', 'NS', 'ns1.test.', 300, '.'), rr('ns1.test', 'A', '192.0.2.1', 300, '.')]);
    expect(root.findNode('.')).toBe(0);
    expect(root.isCut(root.findNode('test.'))).toBe(true);
    expect(root.recordsAt('ns1.test.', 'A')[0]!.content).toBe('192.0.2.1');
    expect(root.findNode('other.')).toBe(-1);
  });

  it('holds a big zone compactly and finds every name in it', () => {
    const hosts = 20_000;
    const records: RR[] = [rr('@', 'NS', 'ns1')];
    for (let i = 0; i < hosts; i++) records.push({ name: n(`host${i}`), type: 'A', ttl: 3600, content: `10.0.${i >> 8}.${i & 255}` });
    const big = buildSnapshot(header(), records);
    for (let i = 0; i < hosts; i++) expect(big.findNode(n(`host${i}`))).toBe(i + 1);
    for (let i = hosts; i < hosts + 1000; i++) expect(big.findNode(n(`host${i}`))).toBe(-1);
    expect(big.recordsAt(n('host12345'), 'A')[0]!.content).toBe('10.0.48.57');
    // Name (10), node (16), set (10), record tail (10) and hash slots (6.5): about 53 bytes
    // for a host with one address, where a JavaScript object per record took about 1 KB.
    // (The buffer has room beyond that for changes; memory is taken only where they write.)
    const L = big.layout;
    expect((L.nodes * 16 + L.sets * 10 + L.names + L.recordBytes + L.slotCount * 4) / hosts).toBeLessThan(54);
  });

  it('refuses a record it could not hold rather than serve it wrong', () => {
    expect(() => buildSnapshot(header(), [{ name: 'www.other.test.', type: 'A', ttl: 1, content: '192.0.2.1' }])).toThrow(/not a name of zone/);
    expect(() => buildSnapshot(header(), [{ name: n('www'), type: 'A', ttl: -1, content: '192.0.2.1' }])).toThrow(/TTL/);
    expect(() => buildSnapshot(header(), [{ name: n('www'), type: 'A', ttl: 1, content: '192.0.2.300' }])).toThrow();
    expect(() => buildSnapshot(header(), [{ name: n('www'), type: 'BOGUS', ttl: 1, content: 'x' }])).toThrow();
  });

  it('builds the same snapshot added record by record', () => {
    const b = new ZoneBuilder(header());
    for (const r of everyType) b.add(r.name, r.type, r.ttl, r.content);
    const steps = b.finish();
    let step = steps.next();
    while (!step.done) step = steps.next();
    expect(step.value.data.equals(zone.data)).toBe(true);
  });
});

// A secondary zone stores owners as its primary sent them, spelled the way the decoder spells
// any byte (RFC 2181 §11: a label may hold any octet): `\.` for a dot inside a label, `\\`,
// `\DDD` for the rest. Each must answer as it did when zones were held as objects, and the
// dot inside a label must stay inside it.
describe('owners with any bytes, as a secondary receives them', () => {
  const odd: RR[] = [
    { name: `a\\.b.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
    { name: `*.a\\.b.${Z}`, type: 'TXT', ttl: 300, content: '"wild"' },
    { name: `sp\\032ace.${Z}`, type: 'A', ttl: 300, content: '192.0.2.2' },
    { name: `caf\\195\\169.${Z}`, type: 'A', ttl: 300, content: '192.0.2.3' },
    { name: `back\\\\slash.${Z}`, type: 'A', ttl: 300, content: '192.0.2.4' },
    { name: `semi;colon.deep.${Z}`, type: 'A', ttl: 300, content: '192.0.2.5' },
    { name: `www.${Z}`, type: 'CNAME', ttl: 300, content: `sp\\032ace.${Z}` },
  ];
  const store = new ZoneStore();
  store.set(buildSnapshot(header(), odd.filter((r) => r.type !== 'CNAME')));
  const ask = (name: string, type: string) => decodeMessage(handleMessage({ store, log, ednsUdpLimit: 1232 }, encodeMessage(newQuery(name, type, { id: 1 })).buf, 'udp', { address: '127.0.0.1', port: 1 })!);
  const answers = (name: string, type: string) => ask(name, type).answers.map((a) => `${a.name.toLowerCase()} ${a.type} ${String(a.data)}`);

  it('answers each owner, whatever case the question has', () => {
    expect(answers(`A\\.B.${Z.toUpperCase()}`, 'A')).toEqual([`a\\.b.${Z} A 192.0.2.1`]);
    expect(answers(`sp\\032ace.${Z}`, 'A')).toEqual([`sp\\032ace.${Z} A 192.0.2.2`]);
    expect(answers(`CAF\\195\\169.${Z}`, 'A')).toEqual([`caf\\195\\169.${Z} A 192.0.2.3`]);
    expect(answers(`back\\\\slash.${Z}`, 'A')).toEqual([`back\\\\slash.${Z} A 192.0.2.4`]);
    expect(answers(`semi;colon.deep.${Z}`, 'A')).toEqual([`semi;colon.deep.${Z} A 192.0.2.5`]);
  });

  it('keeps a dot inside a label inside it: no empty non-terminal from it, and its wildcard answers', () => {
    expect(ask(`b.${Z}`, 'A').rcode).toBe(RCODE.NXDOMAIN);
    expect(ask(`a.b.${Z}`, 'A').rcode).toBe(RCODE.NXDOMAIN);
    expect(ask(`deep.${Z}`, 'A')).toMatchObject({ rcode: RCODE.NOERROR, answers: [] });
    const wild = ask(`x.a\\.b.${Z}`, 'TXT');
    expect(wild.rcode).toBe(RCODE.NOERROR);
    expect(wild.answers.map((a) => a.name.toLowerCase())).toEqual([`x.a\\.b.${Z}`]);
    // A dot escaped just before the zone's name leaves the name outside the zone.
    expect(ask(`x\\.snap.test.`, 'A').rcode).toBe(RCODE.REFUSED);
  });

  it('loads a zone whose owners are spelled either way, as one name', () => {
    const zone = buildSnapshot(header(), [
      { name: `a\\.b.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
      { name: `a\\046b.${Z}`, type: 'A', ttl: 300, content: '192.0.2.9' },
    ]);
    expect(zone.recordsAt(`a\\046b.${Z}`, 'A').map((r) => r.content)).toEqual(['192.0.2.1', '192.0.2.9']);
    expect(zone.findNode(`a\\.b.${Z}`)).toBe(zone.findNode(`a\\046b.${Z}`));
  });
});

/** A node's owner name from its wire labels. */
function nameOf(zone: ZoneSnapshot, node: number): string {
  const at = zone.nodeNameAt(node);
  const labels: string[] = [];
  for (let p = at; p < at + zone.nodeNameLength(node); p += zone.data[p]! + 1) labels.push(zone.data.toString('latin1', p + 1, p + 1 + zone.data[p]!));
  return labels.length ? `${labels.join('.')}.${zone.name}` : zone.name;
}
