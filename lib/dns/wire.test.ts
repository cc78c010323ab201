// Wire codec tests: round trips per type, compression checked against dns-packet, truncation, EDNS, malformed input.
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  lowercased,
  newResponse,
  OPCODE,
  peekHeader,
  RCODE,
  rcodeName,
  WireError,
  type Message,
  type WireRecord,
} from './wire';

// Small deterministic PRNG (mulberry32) so fuzz failures reproduce.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function message(over: Partial<Message> = {}): Message {
  return {
    id: 0x1234,
    qr: true,
    opcode: OPCODE.QUERY,
    aa: true,
    tc: false,
    rd: false,
    ra: false,
    ad: false,
    cd: false,
    rcode: RCODE.NOERROR,
    questions: [{ name: 'example.test.', type: 'A', class: 'IN' }],
    answers: [],
    authorities: [],
    additionals: [],
    ednsCount: 0,
    ...over,
  };
}

function rr(name: string, type: string, data: unknown, ttl = 3600): WireRecord {
  return { name, type, class: 'IN', ttl, data };
}

function expectWireError(fn: () => unknown, rcode: number): WireError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WireError);
    expect((err as WireError).rcode).toBe(rcode);
    return err as WireError;
  }
  throw new Error('expected a WireError');
}

// An independent walk over the names of a message: every compression pointer found, and
// which of them sit in the rdata of types that must not be compressed.
interface Pointer {
  at: number;
  target: number;
}
function walkName(buf: Buffer, pos: number, out: Pointer[]): number {
  let end = -1;
  let p = pos;
  for (let hops = 0; ; ) {
    const len = buf[p]!;
    if (len === 0) return end < 0 ? p + 1 : end;
    if ((len & 0xc0) === 0xc0) {
      const target = ((len & 0x3f) << 8) | buf[p + 1]!;
      out.push({ at: p, target });
      if (end < 0) end = p + 2;
      p = target;
      if (++hops > 128) throw new Error('pointer loop');
      continue;
    }
    p += len + 1;
  }
}
function walkMessage(buf: Buffer): { pointers: Pointer[]; inUncompressible: Pointer[] } {
  const pointers: Pointer[] = [];
  const inUncompressible: Pointer[] = [];
  const qd = buf.readUInt16BE(4);
  const rrs = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let pos = 12;
  for (let i = 0; i < qd; i++) pos = walkName(buf, pos, pointers) + 4;
  for (let i = 0; i < rrs; i++) {
    pos = walkName(buf, pos, pointers);
    const type = buf.readUInt16BE(pos);
    const rdlength = buf.readUInt16BE(pos + 8);
    const rd = pos + 10;
    if (type === 2 || type === 5 || type === 12) walkName(buf, rd, pointers);
    if (type === 15) walkName(buf, rd + 2, pointers);
    if (type === 6) walkName(buf, walkName(buf, rd, pointers), pointers);
    if (type === 33) walkName(buf, rd + 6, inUncompressible);
    if (type === 39) walkName(buf, rd, inUncompressible);
    if (type === 35) {
      let p = rd + 4;
      for (let s = 0; s < 3; s++) p += 1 + buf[p]!;
      walkName(buf, p, inUncompressible);
    }
    pos = rd + rdlength;
  }
  expect(pos).toBe(buf.length);
  return { pointers: [...pointers, ...inUncompressible], inUncompressible };
}

const digest32 = Buffer.from('6b2e5e2c7a5b4e6a8e0d1c2b3a49586776859403a2b1c0d9e8f7a6b5c4d3e2f1', 'hex');

// Each entry: type and the data the decoder must give back for what we encoded.
const ROUND_TRIPS: [string, unknown][] = [
  ['A', '192.0.2.1'],
  ['AAAA', '2001:db8::1'],
  ['NS', 'ns1.example.test.'],
  ['CNAME', 'target.example.test.'],
  ['SOA', { mname: 'ns1.example.test.', rname: 'host\\.master.example.test.', serial: 2024010101, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 }],
  ['MX', { preference: 10, exchange: 'mail.example.test.' }],
  ['TXT', [Buffer.from('v=spf1 -all')]],
  ['TXT', [Buffer.from('first string'), Buffer.from(''), Buffer.from('third "quoted" ✓')]],
  ['SRV', { priority: 10, weight: 5, port: 5060, target: 'sip.example.test.' }],
  ['CAA', { flags: 128, tag: 'issue', value: 'ca.example.net; account=42', issuerCritical: true }],
  ['PTR', 'host.example.test.'],
  ['DS', { keyTag: 12345, algorithm: 13, digestType: 2, digest: digest32 }],
  ['TLSA', { usage: 3, selector: 1, matchingType: 1, certificate: digest32 }],
  ['SSHFP', { algorithm: 4, hash: 2, fingerprint: digest32.toString('hex').toUpperCase() }],
  ['NAPTR', { order: 100, preference: 10, flags: 'S', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.test.' }],
  ['HINFO', { cpu: 'x86_64', os: 'Linux' }],
  ['DNAME', 'other.test.'],
  ['DNSKEY', { flags: 257, algorithm: 13, key: digest32 }],
  ['RRSIG', { typeCovered: 'A', algorithm: 13, labels: 2, originalTTL: 3600, expiration: 1700000000, inception: 1690000000, keyTag: 12345, signersName: 'example.test.', signature: digest32 }],
  ['NSEC', { nextDomain: 'b.example.test.', rrtypes: ['A', 'RRSIG', 'NSEC'] }],
  ['UNKNOWN_65', Buffer.from('0001000001000302683200', 'hex')],
];

describe('round trips', () => {
  it.each(ROUND_TRIPS)('%s survives encode → decode', (type, data) => {
    const msg = message({ answers: [rr('www.example.test.', type, data)] });
    const back = decodeMessage(encodeMessage(msg).buf);
    expect(back.answers).toEqual([{ name: 'www.example.test.', type, class: 'IN', ttl: 3600, data }]);
    // dns-packet reads our bytes the same way (names without their trailing dot).
    expect(dnsPacket.decode(encodeMessage(msg).buf).answers).toHaveLength(1);
  });

  it('keeps header flags, opcode and counts', () => {
    for (const flags of [0, 1, 2, 4, 8, 16, 32, 64, 127]) {
      const msg = message({
        id: 0xbeef,
        qr: !!(flags & 1),
        aa: !!(flags & 2),
        tc: !!(flags & 4),
        rd: !!(flags & 8),
        ra: !!(flags & 16),
        ad: !!(flags & 32),
        cd: !!(flags & 64),
        opcode: flags & 1 ? OPCODE.UPDATE : OPCODE.NOTIFY,
        rcode: RCODE.NOTZONE,
      });
      const back = decodeMessage(encodeMessage(msg).buf);
      const { edns: _e, ...rest } = back;
      expect(rest).toEqual(msg);
    }
  });

  it('accepts TYPE<n>, names without a trailing dot, and TXT given as strings', () => {
    const msg = message({
      answers: [
        rr('x.example.test', 'TYPE65', Buffer.from([1, 2, 3])),
        rr('y.example.test', 'TXT', 'single'),
        { name: 'z.example.test', type: 'mx', ttl: 60, data: { preference: 5, exchange: 'mail.example.test' } },
      ],
    });
    const back = decodeMessage(encodeMessage(msg).buf);
    expect(back.answers).toEqual([
      rr('x.example.test.', 'UNKNOWN_65', Buffer.from([1, 2, 3])),
      rr('y.example.test.', 'TXT', [Buffer.from('single')]),
      rr('z.example.test.', 'MX', { preference: 5, exchange: 'mail.example.test.' }, 60),
    ]);
  });

  it('decodes a type dns-packet does not know as UNKNOWN_<n> with raw rdata', () => {
    // A raw record of type 64 (SVCB), built by hand.
    const q = encodeMessage(message({ questions: [] })).buf;
    const rec = Buffer.concat([Buffer.from([0, 0, 64, 0, 1, 0, 0, 0, 60, 0, 3]), Buffer.from([9, 8, 7])]);
    const buf = Buffer.concat([q, rec]);
    buf.writeUInt16BE(1, 6);
    expect(decodeMessage(buf).answers).toEqual([rr('.', 'UNKNOWN_64', Buffer.from([9, 8, 7]), 60)]);
  });

  it('formats IPv6 per RFC 5952 and rejects malformed addresses', () => {
    const cases: [string, string][] = [
      ['2001:0db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['::', '::'],
      ['::1', '::1'],
      ['1::', '1::'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
      ['2001:DB8::A', '2001:db8::a'],
    ];
    for (const [input, shown] of cases) {
      const back = decodeMessage(encodeMessage(message({ answers: [rr('a.test.', 'AAAA', input)] })).buf);
      expect(back.answers[0]!.data).toBe(shown);
    }
    for (const bad of ['1::2::3', '12345::', ':1', '1:2:3:4:5:6:7:8:9', 'g::', '1:2:3:4:5:6:7', '::1.2.3', '']) {
      expectWireError(() => encodeMessage(message({ answers: [rr('a.test.', 'AAAA', bad)] })), RCODE.SERVFAIL);
    }
  });

  it('rejects invalid data instead of writing garbage', () => {
    const bad: WireRecord[] = [
      rr('a.test.', 'A', 'abc'),
      rr('a.test.', 'A', '1.2.3'),
      rr('a.test.', 'A', '256.1.1.1'),
      rr(`${'x'.repeat(64)}.test.`, 'A', '192.0.2.1'),
      rr('a..test.', 'A', '192.0.2.1'),
      rr(`${'abcdefghi.'.repeat(26)}`, 'A', '192.0.2.1'),
      rr('a.test.', 'TXT', ['x'.repeat(256)]),
      rr('a.test.', 'MX', { preference: 70000, exchange: 'm.test.' }),
      rr('a.test.', 'UNKNOWN_99', 'not a buffer'),
      rr('a.test.', 'NOSUCHTYPE', Buffer.alloc(0)),
      { name: 'a.test.', type: 'A', ttl: -1, data: '192.0.2.1' },
    ];
    for (const r of bad) expectWireError(() => encodeMessage(message({ answers: [r] })), RCODE.SERVFAIL);
    expectWireError(() => encodeMessage(message({ rcode: RCODE.BADVERS })), RCODE.SERVFAIL);
  });

  it('does not mutate frozen record data (dns-packet rewrites TXT arrays and CAA flags)', () => {
    const txt = Object.freeze(['a', 'b']);
    const caa = Object.freeze({ issuerCritical: true, tag: 'issue', value: 'ca.test' });
    const msg = message({ answers: [rr('a.test.', 'TXT', txt), rr('a.test.', 'CAA', caa)] });
    const back = decodeMessage(encodeMessage(msg).buf);
    expect(back.answers[1]!.data).toEqual({ flags: 128, tag: 'issue', value: 'ca.test', issuerCritical: true });
    expect(caa).not.toHaveProperty('flags');
  });

  it('returns a buffer of its own, not a view of the scratch space', () => {
    const first = encodeMessage(message({ id: 1 })).buf;
    const copy = Buffer.from(first);
    encodeMessage(message({ id: 2, questions: [{ name: 'other.test.', type: 'MX', class: 'IN' }] }));
    expect(first).toEqual(copy);
  });

  it('throws rather than producing a message over 65535 bytes', () => {
    const answers = Array.from({ length: 300 }, (_, i) => rr(`t${i}.example.test.`, 'TXT', ['x'.repeat(255)]));
    expectWireError(() => encodeMessage(message({ answers })), RCODE.SERVFAIL);
  });
});

describe('names', () => {
  it('keeps the client’s question case and echoes the same bytes', () => {
    const query = dnsPacket.encode({ id: 9, type: 'query', flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: 'wWw.ExAmPlE.TeSt', type: 'AAAA' }] });
    const msg = decodeMessage(query);
    expect(msg.questions).toEqual([{ name: 'wWw.ExAmPlE.TeSt.', type: 'AAAA', class: 'IN' }]);
    expect(lowercased(msg.questions[0]!.name)).toBe('www.example.test.');
    const res = newResponse(msg);
    expect(res).toMatchObject({ id: 9, qr: true, rd: true, aa: false, rcode: 0, answers: [], ednsCount: 0 });
    res.answers = [rr('www.example.test.', 'AAAA', '2001:db8::5')];
    const out = encodeMessage(res).buf;
    expect(out.subarray(12, query.length)).toEqual(query.subarray(12));
  });

  it('lowercased folds ASCII only', () => {
    expect(lowercased('ABC.Example.')).toBe('abc.example.');
    expect(lowercased('already.lower.')).toBe('already.lower.');
    expect(lowercased('ÄBC.test.')).toBe('Äbc.test.');
  });

  it('escapes dots, backslashes and unprintable bytes inside labels, and re-encodes them exactly', () => {
    // Question name: "a.b" "x\y" "\0 z" "test" as raw labels.
    const name = Buffer.from([3, 0x61, 0x2e, 0x62, 3, 0x78, 0x5c, 0x79, 3, 0x00, 0x20, 0x7a, 4, 0x74, 0x65, 0x73, 0x74, 0]);
    const query = Buffer.concat([Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), name, Buffer.from([0, 1, 0, 1])]);
    const msg = decodeMessage(query);
    expect(msg.questions[0]!.name).toBe('a\\.b.x\\\\y.\\000\\032z.test.');
    const out = encodeMessage({ ...msg, qr: false }).buf;
    expect(out).toEqual(query);
  });

  it('rejects pointer loops and forward pointers', () => {
    const header = Buffer.from([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const self = Buffer.concat([header, Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
    expectWireError(() => decodeMessage(self), RCODE.FORMERR);
    const forward = Buffer.concat([header, Buffer.from([0xc0, 20, 0, 1, 0, 1, 0, 0, 1, 0x61, 0])]);
    expectWireError(() => decodeMessage(forward), RCODE.FORMERR);
    // Two labels pointing at each other through earlier bytes: a → b → a.
    const loop = Buffer.concat([header, Buffer.from([1, 0x61, 0xc0, 14, 0, 1, 0, 1])]);
    expectWireError(() => decodeMessage(loop), RCODE.FORMERR);
  });
});

describe('compression', () => {
  const zone = 'a-fairly-long-zone-name.example.test.';
  const records = Array.from({ length: 20 }, (_, i) =>
    i % 4 === 0
      ? rr(`host${i}.${zone}`, 'MX', { preference: i, exchange: `mail.${zone}` })
      : i % 4 === 1
        ? rr(`host${i}.${zone}`, 'CNAME', `host${i - 1}.${zone}`)
        : rr(`host${i}.${zone}`, 'A', `192.0.2.${i}`),
  );
  const msg = message({
    questions: [{ name: `host0.${zone}`, type: 'MX', class: 'IN' }],
    answers: records,
    authorities: [rr(zone, 'SOA', { mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 })],
    additionals: [rr(`srv.${zone}`, 'SRV', { priority: 0, weight: 0, port: 443, target: `host2.${zone}` }), rr(`n.${zone}`, 'NAPTR', { order: 1, preference: 1, flags: 'u', services: 'E2U+sip', regexp: '!^.*$!sip:x@y!', replacement: '.' }), rr(`d.${zone}`, 'DNAME', `host3.${zone}`)],
  });
  const plain = (n: string) => n.slice(0, -1);
  const theirs = dnsPacket.encode({
    id: msg.id,
    type: 'response',
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [{ name: plain(`host0.${zone}`), type: 'MX' }],
    answers: records.map((r) => ({ ...r, name: plain(r.name), data: r.type === 'MX' ? { preference: (r.data as { preference: number }).preference, exchange: plain(`mail.${zone}`) } : r.type === 'CNAME' ? plain(r.data as string) : r.data }) as dnsPacket.Answer),
    authorities: [{ name: plain(zone), type: 'SOA', ttl: 3600, data: { mname: plain(`ns1.${zone}`), rname: plain(`hostmaster.${zone}`), serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5 } }],
    additionals: [
      { name: plain(`srv.${zone}`), type: 'SRV', ttl: 3600, data: { priority: 0, weight: 0, port: 443, target: plain(`host2.${zone}`) } },
      { name: plain(`n.${zone}`), type: 'NAPTR', ttl: 3600, data: { order: 1, preference: 1, flags: 'u', services: 'E2U+sip', regexp: '!^.*$!sip:x@y!', replacement: '' } },
      { name: plain(`d.${zone}`), type: 'DNAME', ttl: 3600, data: plain(`host3.${zone}`) },
    ],
  });
  const ours = encodeMessage(msg).buf;

  it('is much smaller than dns-packet’s uncompressed encoding', () => {
    expect(ours.length).toBeLessThan(theirs.length * 0.5);
  });

  it('decodes to the same message with dns-packet as an independent reader', () => {
    const a = dnsPacket.decode(ours);
    const b = dnsPacket.decode(theirs);
    for (const section of ['questions', 'answers', 'authorities', 'additionals'] as const) {
      expect(a[section]).toEqual(b[section]);
    }
    expect(a.id).toBe(b.id);
    expect(a.flags).toBe(b.flags);
  });

  it('decodes back to the records we encoded', () => {
    const back = decodeMessage(ours);
    expect(back.answers).toEqual(records);
    expect(back.additionals[0]!.data).toEqual({ priority: 0, weight: 0, port: 443, target: `host2.${zone}` });
  });

  it('points only backwards, and never inside SRV, NAPTR or DNAME rdata', () => {
    const { pointers, inUncompressible } = walkMessage(ours);
    expect(pointers.length).toBeGreaterThan(20);
    for (const p of pointers) {
      expect(p.target).toBeLessThan(p.at);
      expect(p.target).toBeGreaterThanOrEqual(12);
    }
    expect(inUncompressible).toEqual([]);
  });

  it('never points past offset 0x3fff, even in a large message', () => {
    // Names first written beyond 16 KiB cannot be pointer targets; later copies stay whole.
    const filler = Array.from({ length: 80 }, (_, i) => rr(`f${i}.example.test.`, 'TXT', [Buffer.alloc(200, 'y')]));
    const late = Array.from({ length: 5 }, () => rr('late.name.beyond.pointer.range.', 'A', '192.0.2.9'));
    const big = message({ answers: [...filler, ...late] });
    const buf = encodeMessage(big).buf;
    expect(buf.length).toBeGreaterThan(0x4000);
    const { pointers } = walkMessage(buf);
    for (const p of pointers) expect(p.target).toBeLessThan(p.at);
    expect(decodeMessage(buf).answers).toEqual(big.answers);
    // The five late owners are written whole: their label appears five times.
    expect(buf.toString('latin1').split('beyond').length - 1).toBe(5);
  });

  it('writes the first spelling and matches case-insensitively after it', () => {
    const m = message({
      questions: [],
      answers: [rr('Mixed.Case.TEST.', 'A', '192.0.2.1'), rr('other.case.test.', 'A', '192.0.2.2')],
    });
    const buf = encodeMessage(m).buf;
    const back = decodeMessage(buf);
    expect(back.answers.map((r) => r.name)).toEqual(['Mixed.Case.TEST.', 'other.Case.TEST.']);
  });
});

describe('malformed input', () => {
  const valid = encodeMessage(message({ answers: [rr('example.test.', 'A', '192.0.2.1')] })).buf;

  it('rejects anything shorter than the header', () => {
    for (let n = 0; n < 12; n++) {
      expectWireError(() => decodeMessage(valid.subarray(0, n)), RCODE.FORMERR);
      expect(peekHeader(valid.subarray(0, n))).toBeNull();
    }
  });

  it('rejects trailing bytes after the last record', () => {
    expect(() => decodeMessage(valid)).not.toThrow();
    expectWireError(() => decodeMessage(Buffer.concat([valid, Buffer.from([0])])), RCODE.FORMERR);
  });

  it('rejects counts that promise more than the message holds', () => {
    const more = Buffer.from(valid);
    more.writeUInt16BE(2, 4); // two questions, one present
    expectWireError(() => decodeMessage(more), RCODE.FORMERR);
    const fewer = Buffer.from(valid);
    fewer.writeUInt16BE(0, 6); // answer present but not counted: trailing bytes
    expectWireError(() => decodeMessage(fewer), RCODE.FORMERR);
  });

  it('rejects rdata that does not fill its RDLENGTH exactly', () => {
    // The A record is last: stretch RDLENGTH to 5 and add a byte.
    const stretched = Buffer.concat([valid, Buffer.from([0])]);
    stretched.writeUInt16BE(5, valid.length - 6);
    expectWireError(() => decodeMessage(stretched), RCODE.FORMERR);
    // SSHFP with a SHA-1 fingerprint (20 bytes) and one extra byte: dns-packet's decoder
    // stops after the fingerprint, short of RDLENGTH.
    const fp = { algorithm: 1, hash: 1, fingerprint: '00112233445566778899AABBCCDDEEFF00112233' };
    const sshfp = encodeMessage(message({ questions: [], answers: [rr('a.test.', 'SSHFP', fp)] })).buf;
    expect(decodeMessage(sshfp).answers[0]!.data).toEqual(fp);
    const padded = Buffer.concat([sshfp, Buffer.from([0])]);
    padded.writeUInt16BE(23, sshfp.length - 24);
    expectWireError(() => decodeMessage(padded), RCODE.FORMERR);
    // A DS record too short for its fixed fields.
    const ds = encodeMessage(message({ questions: [], answers: [rr('a.test.', 'DS', { keyTag: 1, algorithm: 8, digestType: 2, digest: digest32 })] })).buf;
    const short = Buffer.concat([ds.subarray(0, ds.length - 38), Buffer.from([0, 2, 0, 1])]);
    expectWireError(() => decodeMessage(short), RCODE.FORMERR);
  });

  it('rejects an OPT record outside the additional section', () => {
    const bad = dnsPacket.encode({ type: 'response', answers: [{ type: 'OPT', name: '.', udpPayloadSize: 512, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] });
    expectWireError(() => decodeMessage(bad), RCODE.FORMERR);
  });

  it('throws nothing but WireError(FORMERR) on garbage (2000 seeded cases)', () => {
    const rand = prng(0x5eed);
    const seed = encodeMessage(
      message({
        answers: ROUND_TRIPS.map(([type, data], i) => rr(`n${i}.example.test.`, type, data)),
        edns: { udpSize: 1232, version: 0, dnssecOk: true, options: [{ code: 10, data: Buffer.alloc(8, 7) }] },
      }),
    ).buf;
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      let buf: Buffer;
      if (i % 2 === 0) {
        buf = Buffer.alloc(Math.floor(rand() * 300));
        for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(rand() * 256);
        if (buf.length >= 12 && rand() < 0.7) buf.writeUInt16BE(Math.floor(rand() * 4), 4); // plausible counts go deeper
      } else {
        buf = Buffer.from(seed.subarray(0, rand() < 0.2 ? Math.floor(rand() * seed.length) : seed.length));
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips && buf.length; f++) buf[Math.floor(rand() * buf.length)] = Math.floor(rand() * 256);
      }
      let msg: Message;
      try {
        msg = decodeMessage(buf);
        decoded++;
      } catch (err) {
        if (!(err instanceof WireError) || err.rcode !== RCODE.FORMERR) throw new Error(`case ${i}: ${String(err)} for ${buf.toString('hex')}`);
        rejected++;
        continue;
      }
      // Whatever decodes must encode again or fail with a WireError, never anything else.
      try {
        encodeMessage(msg);
      } catch (err) {
        if (!(err instanceof WireError)) throw new Error(`case ${i}: re-encode threw ${String(err)}`);
      }
    }
    expect(rejected).toBeGreaterThan(500);
    expect(decoded).toBeGreaterThan(50);
  });
});

describe('EDNS', () => {
  it('round trips udpSize, DO, version, options and the extended rcode BADVERS', () => {
    const cookie = { code: 10, data: Buffer.from('0102030405060708', 'hex') };
    const msg = message({ rcode: RCODE.BADVERS, edns: { udpSize: 1232, version: 0, dnssecOk: true, options: [cookie] } });
    const buf = encodeMessage(msg).buf;
    expect(buf[3]! & 0x0f).toBe(0); // 16 = extended 1, header 0 (RFC 6891 §6.1.3)
    const other = dnsPacket.decode(buf);
    const opt = other.additionals![0] as dnsPacket.OptAnswer;
    expect(opt).toMatchObject({ type: 'OPT', udpPayloadSize: 1232, extendedRcode: 1, flag_do: true });
    const back = decodeMessage(buf);
    expect(back.rcode).toBe(RCODE.BADVERS);
    expect(back.ednsCount).toBe(1);
    expect(back.additionals).toEqual([]);
    expect(back.edns).toMatchObject({ udpSize: 1232, version: 0, dnssecOk: true });
    expect(back.edns!.options).toHaveLength(1);
    expect(back.edns!.options[0]).toMatchObject(cookie);
  });

  it('leaves edns undefined without OPT and counts every OPT record', () => {
    const none = decodeMessage(encodeMessage(message()).buf);
    expect(none.ednsCount).toBe(0);
    expect(none.edns).toBeUndefined();
    const opt = { type: 'OPT' as const, name: '.', udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 1, flags: 0, flag_do: false, options: [] };
    const two = dnsPacket.encode({ type: 'query', questions: [{ name: 'a.test', type: 'A' }], additionals: [opt, { ...opt, udpPayloadSize: 512 }] });
    const msg = decodeMessage(two);
    expect(msg.ednsCount).toBe(2);
    expect(msg.edns).toMatchObject({ udpSize: 4096, version: 1 });
    expect(msg.additionals).toEqual([]);
  });
});

describe('truncation', () => {
  const big = (i: number) => `192.0.2.${i}`;
  const answerSet = Array.from({ length: 30 }, (_, i) => rr('www.example.test.', 'A', big(i)));
  const txtSet = [rr('www.example.test.', 'TXT', ['hello']), rr('www.example.test.', 'TXT', ['world'])];
  const nsSet = [rr('example.test.', 'NS', 'ns1.example.test.'), rr('example.test.', 'NS', 'ns2.example.test.')];
  const glue1 = [rr('ns1.example.test.', 'A', '198.51.100.1'), rr('ns1.example.test.', 'A', '198.51.100.2')];
  const glue2 = [rr('ns2.example.test.', 'A', '198.51.100.3'), rr('ns2.example.test.', 'AAAA', '2001:db8::3')];
  const edns = { udpSize: 512, version: 0, dnssecOk: false, options: [] };
  const full = message({ questions: [{ name: 'www.example.test.', type: 'ANY', class: 'IN' }], answers: [...answerSet, ...txtSet], authorities: nsSet, additionals: [...glue1, ...glue2], edns });
  const fullLength = encodeMessage(full).buf.length;

  // Sizes of every section prefix, to aim maxSize at exact boundaries.
  const sizeWith = (m: Partial<Message>) => encodeMessage({ ...full, ...m }).buf.length;

  it('leaves a message that fits alone', () => {
    const r = encodeMessage(full, { maxSize: fullLength });
    expect(r.truncated).toBe(false);
    expect(r.buf.length).toBe(fullLength);
  });

  it('drops additional RRsets whole without setting TC', () => {
    const withGlue1 = sizeWith({ additionals: glue1 });
    const r = encodeMessage(full, { maxSize: withGlue1 + 5 }); // room for part of glue2, not all of it
    expect(r.truncated).toBe(false);
    const back = decodeMessage(r.buf);
    expect(back.tc).toBe(false);
    expect(back.additionals).toEqual(glue1);
    expect(back.edns).toBeDefined(); // OPT always kept
    expect(r.buf.length).toBeLessThanOrEqual(withGlue1 + 5);
  });

  it('drops whole answer RRsets, sets TC and keeps OPT', () => {
    const onlyA = sizeWith({ answers: answerSet, authorities: [], additionals: [] });
    const r = encodeMessage(full, { maxSize: onlyA + 20 }); // one TXT record would fit, not both
    expect(r.truncated).toBe(true);
    const back = decodeMessage(r.buf);
    expect(back.tc).toBe(true);
    expect(back.answers).toEqual(answerSet);
    expect(back.authorities).toEqual([]);
    expect(back.additionals).toEqual([]);
    expect(back.edns).toMatchObject({ udpSize: 512 });
    expect(r.buf.length).toBeLessThanOrEqual(onlyA + 20);
  });

  it('never keeps part of an RRset, even when its members are not adjacent', () => {
    const interleaved = message({ answers: [rr('a.test.', 'A', '192.0.2.1'), rr('b.test.', 'A', '192.0.2.2'), rr('a.test.', 'A', '192.0.2.3')] });
    const two = encodeMessage({ ...interleaved, answers: interleaved.answers.slice(0, 2) }).buf.length;
    const r = encodeMessage(interleaved, { maxSize: two });
    expect(r.truncated).toBe(true);
    expect(decodeMessage(r.buf).answers).toEqual([rr('b.test.', 'A', '192.0.2.2')]);
  });

  describe('essential additionals (RFC 9471 required glue)', () => {
    const referral = message({ aa: false, answers: [], authorities: nsSet, additionals: [...glue1, ...glue2], edns });
    const withGlue1 = encodeMessage({ ...referral, additionals: glue1 }).buf.length;
    const complete = encodeMessage(referral).buf.length;

    it('sets TC when an essential additional RRset is dropped', () => {
      const r = encodeMessage(referral, { maxSize: withGlue1 + 5, essentialAdditionals: 4 });
      expect(r.truncated).toBe(true);
      const back = decodeMessage(r.buf);
      expect(back.tc).toBe(true);
      expect(back.authorities).toEqual(nsSet);
      expect(back.additionals).toEqual(glue1);
    });

    it('does not set TC when only additionals after the essential ones are dropped', () => {
      const r = encodeMessage(referral, { maxSize: withGlue1 + 5, essentialAdditionals: 2 });
      expect(r.truncated).toBe(false);
      expect(decodeMessage(r.buf).additionals).toEqual(glue1);
    });

    it('changes nothing when everything fits', () => {
      const r = encodeMessage(referral, { maxSize: complete, essentialAdditionals: 4 });
      expect(r.truncated).toBe(false);
      expect(r.buf.equals(encodeMessage(referral).buf)).toBe(true);
    });

    it('sets TC when no essential additional fits at all', () => {
      const bare = encodeMessage({ ...referral, additionals: [] }).buf.length;
      const r = encodeMessage(referral, { maxSize: bare + 3, essentialAdditionals: 1 });
      expect(r.truncated).toBe(true);
      expect(decodeMessage(r.buf).additionals).toEqual([]);
    });
  });

  it('sets TC and keeps the header, question and OPT when no record fits', () => {
    const r = encodeMessage(full, { maxSize: 60 });
    expect(r.truncated).toBe(true);
    const back = decodeMessage(r.buf);
    expect(back.answers).toEqual([]);
    expect(back.questions).toEqual(full.questions);
    expect(back.edns).toBeDefined();
  });
});

describe('peekHeader', () => {
  it('reads id, QR, opcode and question count without decoding', () => {
    const buf = encodeMessage(message({ id: 0xabcd, qr: true, opcode: OPCODE.NOTIFY })).buf;
    expect(peekHeader(buf)).toEqual({ id: 0xabcd, qr: true, opcode: OPCODE.NOTIFY, qdcount: 1 });
    const q = encodeMessage(message({ qr: false, opcode: OPCODE.UPDATE, questions: [] })).buf;
    expect(peekHeader(q)).toEqual({ id: 0x1234, qr: false, opcode: OPCODE.UPDATE, qdcount: 0 });
  });
});

describe('rcodeName', () => {
  it('names the rcodes we use, and numbers the rest', () => {
    expect([RCODE.NOERROR, RCODE.REFUSED, RCODE.NOTAUTH, RCODE.BADVERS].map(rcodeName)).toEqual(['NOERROR', 'REFUSED', 'NOTAUTH', 'BADVERS']);
    expect([6, 7, 8].map(rcodeName)).toEqual(['YXDOMAIN', 'YXRRSET', 'NXRRSET']);
    expect(rcodeName(11)).toBe('rcode 11');
  });
});
