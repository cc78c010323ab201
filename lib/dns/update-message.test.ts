// Reading UPDATE messages (RFC 2136) built byte by byte: every row of the §2.4 and §2.5 tables,
// compressed names (in owners and inside rdata), each FORMERR and NOTIMP case, and a real
// UPDATE as BIND's nsupdate sends it.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { Prng } from '../testing/packet-fuzz';
import { RDATA_SAMPLES as STORED_SAMPLES } from '../testing/rdata-samples';
import { requireProgram } from '../testing/system-program';
import { normalizeRecordContent } from '../zones/validate';
import { isRecordType, normalizeContent } from './rdata';
import { contentToRdata } from './rdata-wire';
import { signMessage, verifyMessage, type TsigKey } from './tsig';
import { readUpdateMessage } from './update-message';
import type { UpdateMessage, UpdateRecord } from './update-types';

// UPDATE writes the types a person may write; the signer's are its own (RFC 3007 §4.3).
const RDATA_SAMPLES = STORED_SAMPLES.filter(([type]) => isRecordType(type));

// ---------------------------------------------------------------------------------------------
// A small message builder. Everything is plain byte arrays so a test can break any field.

const T = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, OPT: 41, DNSKEY: 48, TSIG: 250, AXFR: 252, MAILA: 254, ANY: 255 };
const C = { IN: 1, CH: 3, NONE: 254, ANY: 255 };
const T_CODES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35, DS: 43, SSHFP: 44, TLSA: 52, CAA: 257 };
const UPDATE = 5 << 3; // opcode in the third header byte

/** A name in uncompressed wire form; labels are written as given (case kept). */
function name(text: string): number[] {
  if (text === '.') return [0];
  const out: number[] = [];
  for (const l of text.replace(/\.$/, '').split('.')) out.push(...label(l));
  return [...out, 0];
}

function label(text: string): number[] {
  const bytes = [...Buffer.from(text, 'latin1')];
  return [bytes.length, ...bytes];
}

/** A compression pointer (RFC 1035 §4.1.4). */
function ptr(offset: number): number[] {
  return [0xc0 | (offset >> 8), offset & 0xff];
}

const u16 = (v: number) => [v >> 8, v & 0xff];
const u32 = (v: number) => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];

/** Where the zone section's name starts: right after the header. */
const ZONE_AT = 12;

function rr(owner: number[], type: number, cls: number, ttl: number, rdata: number[] = [], rdlength = rdata.length): number[] {
  return [...owner, ...u16(type), ...u16(cls), ...u32(ttl), ...u16(rdlength), ...rdata];
}

/** Uncompressed rdata of presentation `content`, by our own encoder. */
function rdata(type: string, content: string): number[] {
  return [...contentToRdata(type, content)];
}

function zoneEntry(zone = 'example.test.', type = T.SOA, cls = C.IN): number[] {
  return [...name(zone), ...u16(type), ...u16(cls)];
}

interface Build {
  id?: number;
  /** The third header byte (QR, opcode, AA, TC, RD); UPDATE by default. */
  flags?: number;
  zone?: number[][];
  prereqs?: number[][];
  updates?: number[][];
  additional?: number[][];
  /** Header counts that lie about the sections. */
  counts?: [number, number, number, number];
  trailing?: number[];
}

function message(b: Build = {}): Buffer {
  const zone = b.zone ?? [zoneEntry()];
  const prereqs = b.prereqs ?? [];
  const updates = b.updates ?? [];
  const additional = b.additional ?? [];
  const counts = b.counts ?? [zone.length, prereqs.length, updates.length, additional.length];
  return Buffer.from([
    ...u16(b.id ?? 0x4d2e),
    b.flags ?? UPDATE,
    0,
    ...counts.flatMap(u16),
    ...zone.flat(),
    ...prereqs.flat(),
    ...updates.flat(),
    ...additional.flat(),
    ...(b.trailing ?? []),
  ]);
}

function read(buf: Buffer): UpdateMessage {
  const r = readUpdateMessage(buf);
  if (!r.ok) throw new Error(`expected the message to be read, got ${r.rcode}: ${r.reason}`);
  return r.update;
}

function refusal(buf: Buffer): { rcode: string; reason: string } {
  const r = readUpdateMessage(buf);
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.update)}`);
  return { rcode: r.rcode, reason: r.reason };
}

const A_NAME = name('a.example.test.');
const rec = (name: string, type: string, cls: UpdateRecord['cls'], ttl: number, content: string): UpdateRecord => ({ name, type, cls, ttl, content });

// ---------------------------------------------------------------------------------------------

describe('RFC 2136 §2.4: each prerequisite row', () => {
  const rows: [string, number[], UpdateRecord][] = [
    ['ANY ANY empty: name is in use (§2.4.4)', rr(A_NAME, T.ANY, C.ANY, 0), rec('a.example.test.', 'ANY', 'ANY', 0, '')],
    ['ANY rrset empty: RRset exists, value independent (§2.4.1)', rr(A_NAME, T.A, C.ANY, 0), rec('a.example.test.', 'A', 'ANY', 0, '')],
    ['NONE ANY empty: name is not in use (§2.4.5)', rr(A_NAME, T.ANY, C.NONE, 0), rec('a.example.test.', 'ANY', 'NONE', 0, '')],
    ['NONE rrset empty: RRset does not exist (§2.4.3)', rr(A_NAME, T.TXT, C.NONE, 0), rec('a.example.test.', 'TXT', 'NONE', 0, '')],
    [
      'IN rrset rr: RRset exists, value dependent (§2.4.2)',
      rr(A_NAME, T.A, C.IN, 0, rdata('A', '192.0.2.1')),
      rec('a.example.test.', 'A', 'IN', 0, '192.0.2.1'),
    ],
  ];
  for (const [what, bytes, expected] of rows) {
    it(what, () => {
      const u = read(message({ prereqs: [bytes] }));
      expect(u).toEqual({ id: 0x4d2e, zone: 'example.test.', zoneAsSent: 'example.test.', edns: false, prerequisites: [expected], updates: [] });
    });
  }

  it('keeps all five in the order sent', () => {
    const u = read(message({ prereqs: rows.map((r) => r[1]) }));
    expect(u.prerequisites).toEqual(rows.map((r) => r[2]));
  });
});

describe('RFC 2136 §2.5: each update row', () => {
  const rows: [string, number[], UpdateRecord][] = [
    ['ANY ANY empty: delete all RRsets from a name (§2.5.3)', rr(A_NAME, T.ANY, C.ANY, 0), rec('a.example.test.', 'ANY', 'ANY', 0, '')],
    ['ANY rrset empty: delete an RRset (§2.5.2)', rr(A_NAME, T.TXT, C.ANY, 0), rec('a.example.test.', 'TXT', 'ANY', 0, '')],
    [
      'NONE rrset rr: delete an RR from an RRset (§2.5.4)',
      rr(A_NAME, T.A, C.NONE, 0, rdata('A', '192.0.2.7')),
      rec('a.example.test.', 'A', 'NONE', 0, '192.0.2.7'),
    ],
    [
      'IN rrset rr: add to an RRset (§2.5.1), with its TTL',
      rr(A_NAME, T.AAAA, C.IN, 3600, rdata('AAAA', '2001:db8::1')),
      rec('a.example.test.', 'AAAA', 'IN', 3600, '2001:db8::1'),
    ],
  ];
  for (const [what, bytes, expected] of rows) {
    it(what, () => {
      expect(read(message({ updates: [bytes] }))).toEqual({ id: 0x4d2e, zone: 'example.test.', zoneAsSent: 'example.test.', edns: false, prerequisites: [], updates: [expected] });
    });
  }

  it('reads prerequisites and updates side by side, in order', () => {
    const u = read(message({ prereqs: [rows[0]![1]], updates: rows.map((r) => r[1]) }));
    expect(u.prerequisites).toEqual([rec('a.example.test.', 'ANY', 'ANY', 0, '')]);
    expect(u.updates).toEqual(rows.map((r) => r[2]));
  });

  it('names types without a mnemonic TYPEnnn, and deletes of types we do not serve still read', () => {
    const u = read(message({ updates: [rr(A_NAME, 999, C.ANY, 0), rr(A_NAME, T.DNSKEY, C.ANY, 0)], prereqs: [rr(A_NAME, 65280, C.NONE, 0)] }));
    expect(u.updates.map((r) => r.type)).toEqual(['TYPE999', 'DNSKEY']);
    expect(u.prerequisites[0]!.type).toBe('TYPE65280');
  });

  it('reads a TTL with the top bit set as 0 on an add (RFC 2181 §8)', () => {
    expect(read(message({ updates: [rr(A_NAME, T.A, C.IN, 0x80000000, rdata('A', '192.0.2.1'))] })).updates[0]!.ttl).toBe(0);
  });
});

describe('names and rdata', () => {
  it('lowercases the zone and owner names and makes them absolute', () => {
    const u = read(message({ zone: [zoneEntry('Example.TEST')], updates: [rr(name('WWW.Example.Test'), T.A, C.IN, 60, rdata('A', '192.0.2.1'))] }));
    expect(u.zone).toBe('example.test.');
    // The answer copies the zone section as the client wrote it.
    expect(u.zoneAsSent).toBe('Example.TEST.');
    expect(u.updates[0]!.name).toBe('www.example.test.');
  });

  it('follows compression pointers in owner names', () => {
    const u = read(message({ updates: [rr([...label('www'), ...ptr(ZONE_AT)], T.A, C.IN, 60, rdata('A', '192.0.2.1')), rr(ptr(ZONE_AT), T.TXT, C.ANY, 0)] }));
    expect(u.updates.map((r) => r.name)).toEqual(['www.example.test.', 'example.test.']);
  });

  it('follows compression pointers inside CNAME, NS, MX and SOA rdata, lowercasing the targets', () => {
    const u = read(
      message({
        updates: [
          rr(A_NAME, T.CNAME, C.IN, 60, [...label('Target'), ...ptr(ZONE_AT)]),
          rr(ptr(ZONE_AT), T.NS, C.IN, 60, [...label('ns2'), ...ptr(ZONE_AT)]),
          rr(ptr(ZONE_AT), T.MX, C.NONE, 0, [...u16(10), ...label('MAIL'), ...ptr(ZONE_AT)]),
          rr(ptr(ZONE_AT), T.SOA, C.IN, 3600, [...label('ns1'), ...ptr(ZONE_AT), ...label('hostmaster'), ...ptr(ZONE_AT), ...u32(2024010101), ...u32(3600), ...u32(600), ...u32(86400), ...u32(300)]),
        ],
      }),
    );
    expect(u.updates).toEqual([
      rec('a.example.test.', 'CNAME', 'IN', 60, 'target.example.test.'),
      rec('example.test.', 'NS', 'IN', 60, 'ns2.example.test.'),
      rec('example.test.', 'MX', 'NONE', 0, '10 mail.example.test.'),
      rec('example.test.', 'SOA', 'IN', 3600, 'ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 300'),
    ]);
  });

  it('follows a pointer into an earlier record\'s rdata', () => {
    const first = rr(A_NAME, T.MX, C.IN, 60, [...u16(5), ...name('mx.example.test.')]);
    const before = message({ updates: [first] });
    const target = before.indexOf(Buffer.from(name('mx.example.test.')));
    const u = read(message({ updates: [first, rr(ptr(target), T.A, C.IN, 60, rdata('A', '192.0.2.9'))] }));
    expect(u.updates[1]).toEqual(rec('mx.example.test.', 'A', 'IN', 60, '192.0.2.9'));
  });

  it('quotes TXT strings and escapes what needs it', () => {
    const strings = [...label('hello world'), ...label('say "hi"')];
    expect(read(message({ updates: [rr(A_NAME, T.TXT, C.IN, 60, strings)] })).updates[0]!.content).toBe('"hello world" "say \\"hi\\""');
  });

  it('accepts a wildcard owner and a classless reverse zone with "/" in a label', () => {
    const u = read(message({ zone: [zoneEntry('0/26.2.0.192.in-addr.arpa.')], updates: [rr(name('*.0/26.2.0.192.in-addr.arpa.'), T.TXT, C.ANY, 0)] }));
    expect(u.zone).toBe('0/26.2.0.192.in-addr.arpa.');
    expect(u.updates[0]!.name).toBe('*.0/26.2.0.192.in-addr.arpa.');
  });
});

describe('the additional section', () => {
  const add = rr(A_NAME, T.A, C.IN, 60, rdata('A', '192.0.2.1'));

  it('ignores glue and an OPT record there (RFC 2136 §3.7)', () => {
    const glue = rr(name('ns.example.test.'), T.A, C.IN, 60, rdata('A', '192.0.2.53'));
    const opt = rr([0], T.OPT, 1232, 0);
    const u = read(message({ updates: [add], additional: [glue, opt] }));
    expect(u.updates).toHaveLength(1);
    // An OPT record asks for one in the answer (RFC 6891 §7).
    expect(u.edns).toBe(true);
    expect(read(message({ updates: [add], additional: [glue] })).edns).toBe(false);
  });

  it('leaves a TSIG record in last place to the verifier', () => {
    const key: TsigKey = { name: 'update-key.', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 7) };
    const signed = signMessage(message({ updates: [add] }), key).message;
    expect(verifyMessage(signed, (n) => (n === key.name ? key : undefined)).status).toBe('ok');
    expect(read(signed).updates).toEqual([rec('a.example.test.', 'A', 'IN', 60, '192.0.2.1')]);
  });
});

describe('FORMERR, with a reason a log can show', () => {
  const add = rr(A_NAME, T.A, C.IN, 60, rdata('A', '192.0.2.1'));
  const tsig = rr(name('key.'), T.TSIG, C.ANY, 0, [0]);
  const cases: [string, Buffer, RegExp][] = [
    ['shorter than a header', Buffer.from([0, 1, UPDATE, 0]), /shorter than the 12-byte header/],
    ['a response (QR set)', message({ flags: 0x80 | UPDATE }), /response/],
    ['ZOCOUNT 0 (§3.1.1)', message({ zone: [] }), /ZOCOUNT is 0/],
    ['ZOCOUNT 2 (§3.1.1)', message({ zone: [zoneEntry(), zoneEntry('other.test.')] }), /ZOCOUNT is 2/],
    ['ZTYPE other than SOA (§3.1.1)', message({ zone: [zoneEntry('example.test.', T.A)] }), /type A; it must be SOA/],
    // Prerequisites (§3.2.1).
    ['a prerequisite with TTL other than 0', message({ prereqs: [rr(A_NAME, T.A, C.ANY, 300)] }), /TTL 300; prerequisites must have TTL 0/],
    ['a value-dependent prerequisite with TTL other than 0', message({ prereqs: [rr(A_NAME, T.A, C.IN, 60, rdata('A', '192.0.2.1'))] }), /TTL 60/],
    ['a NONE prerequisite with TTL other than 0', message({ prereqs: [rr(A_NAME, T.A, C.NONE, 1)] }), /TTL 1/],
    ['an ANY prerequisite with rdata', message({ prereqs: [rr(A_NAME, T.A, C.ANY, 0, rdata('A', '192.0.2.1'))] }), /4 bytes of rdata; class ANY needs RDLENGTH 0/],
    ['a NONE prerequisite with rdata', message({ prereqs: [rr(A_NAME, T.A, C.NONE, 0, rdata('A', '192.0.2.1'))] }), /class NONE needs RDLENGTH 0/],
    ['a prerequisite of class CH', message({ prereqs: [rr(A_NAME, T.A, C.CH, 0)] }), /class CH; a prerequisite has class IN, ANY or NONE/],
    ['a prerequisite of class IN and type ANY', message({ prereqs: [rr(A_NAME, T.ANY, C.IN, 0)] }), /type ANY with class IN/],
    ['a prerequisite of a meta type', message({ prereqs: [rr(A_NAME, T.AXFR, C.ANY, 0)] }), /AXFR is a query or meta type/],
    ['a value-dependent prerequisite without rdata', message({ prereqs: [rr(A_NAME, T.A, C.IN, 0)] }), /has no rdata/],
    // Updates (§3.4.1.2).
    ['an RRset delete with TTL other than 0', message({ updates: [rr(A_NAME, T.A, C.ANY, 300)] }), /TTL 300; a deletion must have TTL 0/],
    ['an RRset delete with rdata', message({ updates: [rr(A_NAME, T.A, C.ANY, 0, rdata('A', '192.0.2.1'))] }), /class ANY needs RDLENGTH 0/],
    ['an RRset delete of type AXFR', message({ updates: [rr(A_NAME, T.AXFR, C.ANY, 0)] }), /AXFR is a query or meta type/],
    ['a record delete with TTL other than 0', message({ updates: [rr(A_NAME, T.A, C.NONE, 60, rdata('A', '192.0.2.1'))] }), /TTL 60; a deletion must have TTL 0/],
    ['a record delete of type ANY', message({ updates: [rr(A_NAME, T.ANY, C.NONE, 0)] }), /type ANY cannot name one record/],
    ['a record delete without rdata', message({ updates: [rr(A_NAME, T.A, C.NONE, 0)] }), /has no rdata/],
    ['an add of type ANY', message({ updates: [rr(A_NAME, T.ANY, C.IN, 60)] }), /type ANY cannot be added/],
    ['an add of type MAILA', message({ updates: [rr(A_NAME, T.MAILA, C.IN, 60, [1, 2])] }), /TYPE254 is a query or meta type/],
    ['an add without rdata (RDLENGTH 0)', message({ updates: [rr(A_NAME, T.A, C.IN, 60)] }), /has no rdata/],
    ['an add of A with 3 bytes', message({ updates: [rr(A_NAME, T.A, C.IN, 60, [192, 0, 2])] }), /A rdata must be 4 bytes/],
    ['an add of an empty TXT string list', message({ updates: [rr(A_NAME, T.TXT, C.IN, 60, [])] }), /has no rdata/],
    ['an update of class CH', message({ updates: [rr(A_NAME, T.A, C.CH, 60, rdata('A', '192.0.2.1'))] }), /class CH; an update has class IN, ANY or NONE/],
    // Framing.
    ['a record running past the end', message({ updates: [rr(A_NAME, T.A, C.IN, 60, [192, 0, 2, 1], 5)] }), /rdata runs past the end/],
    ['a count promising more records than sent', message({ updates: [add], counts: [1, 0, 2, 0] }), /runs past/],
    ['trailing bytes', message({ updates: [add], trailing: [0, 0] }), /2 trailing bytes/],
    ['malformed rdata after a record we could not hold anyway', message({ updates: [rr(A_NAME, T.DNSKEY, C.IN, 60, [1, 1, 3, 8, 1]), rr(A_NAME, T.A, C.IN, 60, [1])] }), /A rdata must be 4 bytes/],
    ['trailing bytes after a record we could not hold anyway', message({ updates: [rr(A_NAME, T.DNSKEY, C.IN, 60, [1, 1, 3, 8, 1])], trailing: [1] }), /1 trailing bytes/],
    ['a zone section cut short', Buffer.from([0, 1, UPDATE, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...name('example.test.'), 0, 6]), /zone section runs past/],
    ['a forward compression pointer', message({ updates: [rr(ptr(200), T.A, C.ANY, 0)] }), /compression pointer/],
    ['a pointer loop inside rdata', message({ updates: [rr(A_NAME, T.CNAME, C.IN, 60, ptr(12 + zoneEntry().length + A_NAME.length + 10))] }), /compression pointer does not point backwards/],
    // TSIG and OPT placement (RFC 8945 §5.1, RFC 6891 §6.1.1).
    ['a TSIG record in the prerequisite section', message({ prereqs: [tsig] }), /TSIG record in the prerequisite section/],
    ['a TSIG record in the update section', message({ updates: [tsig] }), /TSIG record in the update section/],
    ['a TSIG record before glue in the additional section', message({ updates: [add], additional: [tsig, add] }), /not the last record of the additional section/],
    ['two TSIG records', message({ updates: [add], additional: [tsig, tsig] }), /not the last record/],
    ['an OPT record in the update section', message({ updates: [rr([0], T.OPT, 1232, 0)] }), /OPT record in the update section/],
  ];
  for (const [what, buf, reason] of cases) {
    it(what, () => {
      const r = refusal(buf);
      expect(r.rcode).toBe('FORMERR');
      expect(r.reason).toMatch(reason);
    });
  }
});

describe('NOTIMP: well formed, but nothing our zones can hold', () => {
  const cases: [string, Buffer, RegExp][] = [
    ['an opcode other than UPDATE', message({ flags: 0 }), /opcode 0 is not UPDATE/],
    ['a zone of class CH', message({ zone: [zoneEntry('example.test.', T.SOA, C.CH)] }), /zone class CH is not supported/],
    ['an add of a type we do not serve', message({ updates: [rr(A_NAME, T.DNSKEY, C.IN, 60, [1, 1, 3, 8, 1, 2, 3])] }), /records of type DNSKEY are not supported/],
    ['a record delete of a type without a mnemonic', message({ updates: [rr(A_NAME, 999, C.NONE, 0, [1])] }), /type TYPE999 are not supported/],
    ['an owner name with a space in a label', message({ updates: [rr(name('a b.example.test.'), T.TXT, C.ANY, 0)] }), /owner name "a\\032b\.example\.test\." has a byte our names cannot hold/],
    ['an NS target that is not a host name', message({ updates: [rr(A_NAME, T.NS, C.IN, 60, [...label('_ns'), ...ptr(ZONE_AT)])] }), /NS target must be a host name/],
  ];
  for (const [what, buf, reason] of cases) {
    it(what, () => {
      const r = refusal(buf);
      expect(r.rcode).toBe('NOTIMP');
      expect(r.reason).toMatch(reason);
    });
  }
});

describe('content as the change service takes it', () => {
  it('reads every type a person may write as normalizeContent writes it', () => {
    const canonical = RDATA_SAMPLES.map(([type, input]) => [type, normalizeContent(type, input, 'example.test.')] as const);
    const u = read(message({ updates: canonical.map(([type, content]) => rr(A_NAME, T_CODES[type]!, C.IN, 60, rdata(type, content))) }));
    expect(u.updates.map((r) => [r.type, r.content])).toEqual(canonical);
  });

  // Mutated copies of a message holding every type: whatever comes back is an answer, never
  // an exception, and whatever is read is content lib/zones/validate.ts accepts unchanged.
  it('never throws on 1500 mutations, and what it reads always validates', () => {
    const base = message({
      prereqs: [rr(A_NAME, T.ANY, C.NONE, 0), rr(A_NAME, T.A, C.IN, 0, rdata('A', '192.0.2.1'))],
      updates: [
        ...RDATA_SAMPLES.map(([type, input]) => rr([...label('x'), ...ptr(ZONE_AT)], T_CODES[type]!, C.IN, 60, rdata(type, normalizeContent(type, input, 'example.test.')))),
        rr(A_NAME, T.MX, C.NONE, 0, [...u16(10), ...label('mail'), ...ptr(ZONE_AT)]),
        rr(A_NAME, T.ANY, C.ANY, 0),
      ],
    });
    const prng = new Prng(2136);
    const outcomes = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const m = Buffer.from(base);
      for (let flips = prng.range(1, 4); flips > 0; flips--) m[prng.int(m.length)] = prng.chance(0.5) ? prng.next() & 0xff : m[prng.int(m.length)]!;
      const cut = prng.chance(0.2) ? m.subarray(0, prng.int(m.length)) : m;
      let r: ReturnType<typeof readUpdateMessage>;
      try {
        r = readUpdateMessage(cut);
      } catch (err) {
        throw new Error(`mutation ${i} threw: ${(err as Error).message}`);
      }
      outcomes.add(r.ok ? 'ok' : r.rcode);
      if (!r.ok) {
        expect(r.reason).not.toBe('');
        continue;
      }
      for (const rec of [...r.update.prerequisites, ...r.update.updates]) {
        expect(rec.name).toMatch(/^(\.|[a-z0-9_/*-]+(\.[a-z0-9_/-]+)*\.)$/);
        if (rec.content !== '') expect(normalizeRecordContent(rec.type, rec.content, r.update.zone)).toEqual({ ok: true, value: rec.content });
      }
    }
    // The mutations reach every outcome, so the loop above checked something.
    expect([...outcomes].sort()).toEqual(['FORMERR', 'NOTIMP', 'ok']);
  }, 20_000);
});

it('never throws on truncations of a valid message', () => {
  const full = message({
    prereqs: [rr(A_NAME, T.ANY, C.NONE, 0)],
    updates: [rr([...label('www'), ...ptr(ZONE_AT)], T.MX, C.IN, 60, [...u16(10), ...label('mail'), ...ptr(ZONE_AT)])],
  });
  read(full);
  for (let n = 0; n < full.length; n++) expect(refusal(full.subarray(0, n)).rcode).toBe('FORMERR');
});

// ---------------------------------------------------------------------------------------------
// A real UPDATE: what nsupdate (BIND 9) sends, captured on a UDP socket that never answers.

const nsupdate = requireProgram('nsupdate', 'bind9-dnsutils');

describe.skipIf(!nsupdate)('an UPDATE sent by nsupdate', () => {
  it('reads field by field, with its TSIG left in place for the verifier', async () => {
    const key: TsigKey = { name: 'k.', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 0x42) };
    const sock = dgram.createSocket('udp4');
    const captured = new Promise<Buffer>((resolve) => sock.once('message', (msg) => resolve(msg)));
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const port = sock.address().port;
    // Without -v nsupdate sends over UDP; one short try, and we stop it once we have the bytes.
    const child = spawn(nsupdate!, ['-y', `hmac-sha256:k:${key.secret.toString('base64')}`, '-u', '2', '-r', '0'], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin.end(
      [
        `server 127.0.0.1 ${port}`,
        'zone example.test',
        'prereq nxdomain a.example.test',
        'update add a.example.test 300 A 192.0.2.1',
        'update delete b.example.test TXT',
        'send',
        '',
      ].join('\n'),
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      const bytes = await Promise.race([
        captured,
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('nsupdate sent nothing within 10 s')), 10_000))),
      ]);
      expect(verifyMessage(bytes, (n) => (n === key.name ? key : undefined)).status).toBe('ok');
      const u = read(bytes);
      expect(u.id).toBe(bytes.readUInt16BE(0));
      expect(u.zone).toBe('example.test.');
      expect(u.prerequisites).toEqual([rec('a.example.test.', 'ANY', 'NONE', 0, '')]);
      expect(u.updates).toEqual([rec('a.example.test.', 'A', 'IN', 300, '192.0.2.1'), rec('b.example.test.', 'TXT', 'ANY', 0, '')]);
    } finally {
      clearTimeout(timer);
      child.kill('SIGKILL');
      sock.close();
    }
  }, 20_000);
});
