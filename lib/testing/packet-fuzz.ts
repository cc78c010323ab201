// Seeded generators of hostile DNS packets, for robustness tests. The same
// seed gives the same packets, so a failure reproduces from the seed and the
// packet's index. Messages are built byte by byte here, not with our codec,
// so they can break every rule the codec would enforce.
import { signMessage, type TsigKey } from '../dns/tsig';

/** A small seeded PRNG (xorshift32 with a multiply on output); not for cryptography. */
export class Prng {
  private s: number;

  constructor(seed: number) {
    // Zero is a fixed point of xorshift: move off it.
    this.s = seed >>> 0 || 0x9e3779b9;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return Math.imul(this.s, 0x2545f491) >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff;
    return b;
  }
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const T = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, NAPTR: 35, DNAME: 39, OPT: 41, DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, TLSA: 52, CAA: 257, TKEY: 249, TSIG: 250, IXFR: 251, AXFR: 252, ANY: 255 } as const;
const TYPES = Object.values(T);

/** Uncompressed wire form of a presentation name (no escapes; labels taken as they are). */
export function wireName(name: string): Buffer {
  const labels = name.split('.').filter((l) => l !== '');
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'latin1');
    parts.push(Buffer.from([b.length & 0xff]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export interface HeaderFields {
  id?: number;
  /** The 16 flag bits as they go on the wire. */
  flags?: number;
  qdcount?: number;
  ancount?: number;
  nscount?: number;
  arcount?: number;
}

export function header(h: HeaderFields): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(h.id ?? 0, 0);
  b.writeUInt16BE(h.flags ?? 0, 2);
  b.writeUInt16BE(h.qdcount ?? 0, 4);
  b.writeUInt16BE(h.ancount ?? 0, 6);
  b.writeUInt16BE(h.nscount ?? 0, 8);
  b.writeUInt16BE(h.arcount ?? 0, 10);
  return b;
}

export function question(name: Buffer, type: number, klass = 1): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(klass, 2);
  return Buffer.concat([name, tail]);
}

export function record(name: Buffer, type: number, klass: number, ttl: number, rdata: Buffer, rdlength = rdata.length): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(klass, 2);
  fixed.writeUInt32BE(ttl >>> 0, 4);
  fixed.writeUInt16BE(rdlength & 0xffff, 8);
  return Buffer.concat([name, fixed, rdata]);
}

export interface OptFields {
  udpSize?: number;
  extRcode?: number;
  version?: number;
  dnssecOk?: boolean;
  /** Raw option bytes (code, length, data, ...). */
  options?: Buffer;
  /** Owner name; the root unless a test wants it wrong. */
  owner?: Buffer;
  rdlength?: number;
}

/** An OPT pseudo-record (RFC 6891 §6.1.2). */
export function opt(o: OptFields = {}): Buffer {
  const ttl = (((o.extRcode ?? 0) & 0xff) << 24) | (((o.version ?? 0) & 0xff) << 16) | (o.dnssecOk ? 0x8000 : 0);
  const options = o.options ?? Buffer.alloc(0);
  return record(o.owner ?? Buffer.from([0]), T.OPT, o.udpSize ?? 1232, ttl, options, o.rdlength ?? options.length);
}

export function ednsOption(code: number, data: Buffer, announced = data.length): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16BE(code, 0);
  h.writeUInt16BE(announced & 0xffff, 2);
  return Buffer.concat([h, data]);
}

export interface QueryFields {
  id?: number;
  name: string;
  type?: number;
  klass?: number;
  rd?: boolean;
  opcode?: number;
  edns?: OptFields | false;
}

/** A well-formed query: one question, optionally one OPT record. */
export function query(q: QueryFields): Buffer {
  const flags = ((q.opcode ?? 0) & 0x0f) << 11 | (q.rd ? 0x0100 : 0);
  const parts = [header({ id: q.id ?? 0, flags, qdcount: 1, arcount: q.edns ? 1 : 0 }), question(wireName(q.name), q.type ?? T.A, q.klass ?? 1)];
  if (q.edns) parts.push(opt(q.edns));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------------------------
// Generators

export type FuzzKind =
  | 'random'
  | 'bitflip'
  | 'truncated'
  | 'pointers'
  | 'counts'
  | 'edns'
  | 'header'
  | 'labels'
  | 'rdata'
  | 'tsig'
  | 'update'
  | 'valid';

/** One generated packet, with what it was meant to exercise (for reports and reproduction). */
export interface FuzzPacket {
  kind: FuzzKind;
  what: string;
  bytes: Buffer;
}

/** Mixes the case of ASCII letters: servers must match without case and echo the client's. */
function mixCase(rng: Prng, name: string): string {
  let s = '';
  for (const c of name) s += rng.chance(0.3) ? c.toUpperCase() : c;
  return s;
}

function randomLabel(rng: Prng, maxLen = 20): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-';
  let s = '';
  for (let i = rng.range(1, maxLen); i > 0; i--) s += alphabet[rng.int(alphabet.length)];
  return s;
}

/**
 * Produces hostile packets aimed at a server that serves `zones`; `hosts` are names that exist
 * in them (relative to the first zone or absolute with a trailing dot).
 */
export class PacketFuzzer {
  private readonly rng: Prng;
  private readonly names: string[];

  constructor(
    seed: number,
    readonly zones: readonly string[],
    hosts: readonly string[] = [],
    /** Signs half of the UPDATEs, so that some get past the key check to the policy and the change service. */
    private readonly updateKey?: TsigKey,
  ) {
    this.rng = new Prng(seed);
    const z0 = zones[0] ?? 'example.';
    this.names = [
      ...zones,
      ...hosts.map((h) => (h.endsWith('.') ? h : `${h}.${z0}`)),
      `nope.${z0}`,
      `a.b.c.deep.${z0}`,
      'example.org.',
      '.',
    ];
  }

  /** A plausible query as a client would send it: a served (or near) name, a common type. */
  validQuery(): Buffer {
    const r = this.rng;
    const name = r.chance(0.9) ? r.pick(this.names) : `${randomLabel(r)}.${r.pick(this.zones)}`;
    return query({
      id: r.int(65536),
      name: mixCase(r, name),
      type: r.chance(0.8) ? r.pick([T.A, T.AAAA, T.MX, T.NS, T.SOA, T.TXT, T.ANY, T.CNAME, T.SRV]) : r.pick(TYPES),
      rd: r.chance(0.5),
      edns: r.chance(0.5) ? { udpSize: r.pick([512, 1232, 4096, 65535, 0, 100]), dnssecOk: r.chance(0.3) } : false,
    });
  }

  /** The next packet; kinds follow a fixed mix so every category gets its share. */
  next(): FuzzPacket {
    const r = this.rng;
    const roll = r.int(100);
    if (roll < 15) return this.random();
    if (roll < 18) return this.update();
    if (roll < 36) return this.bitflip();
    if (roll < 44) return this.truncated();
    if (roll < 52) return this.pointers();
    if (roll < 59) return this.counts();
    if (roll < 69) return this.edns();
    if (roll < 76) return this.header();
    if (roll < 84) return this.labels();
    if (roll < 92) return this.rdata();
    if (roll < 96) return this.tsig();
    return { kind: 'valid', what: 'query', bytes: this.validQuery() };
  }

  /** Every prefix of `base`, from empty to one byte short (a deterministic sweep). */
  static truncations(base: Buffer): FuzzPacket[] {
    const out: FuzzPacket[] = [];
    for (let n = 0; n < base.length; n++) out.push({ kind: 'truncated', what: `prefix ${n}/${base.length}`, bytes: Buffer.from(base.subarray(0, n)) });
    return out;
  }

  random(): FuzzPacket {
    const n = this.rng.range(0, 600);
    return { kind: 'random', what: `${n} random bytes`, bytes: this.rng.bytes(n) };
  }

  bitflip(): FuzzPacket {
    const r = this.rng;
    const b = r.chance(0.5) ? this.validQuery() : this.rdata().bytes;
    const flips = r.range(1, 8);
    for (let i = 0; i < flips; i++) b[r.int(b.length)]! ^= 1 << r.int(8);
    return { kind: 'bitflip', what: `${flips} bits flipped`, bytes: b };
  }

  truncated(): FuzzPacket {
    const b = this.validQuery();
    const n = this.rng.int(b.length);
    return { kind: 'truncated', what: `prefix ${n}/${b.length}`, bytes: Buffer.from(b.subarray(0, n)) };
  }

  pointers(): FuzzPacket {
    const r = this.rng;
    const h = header({ id: r.int(65536), qdcount: 1 });
    const tail = question(Buffer.alloc(0), T.A);
    const ptr = (to: number) => Buffer.from([0xc0 | ((to >> 8) & 0x3f), to & 0xff]);
    switch (r.int(8)) {
      case 0: // the question name points at itself
        return { kind: 'pointers', what: 'self pointer', bytes: Buffer.concat([h, ptr(12), tail]) };
      case 1: // a label, then a pointer back to that label: a two-step loop
        return { kind: 'pointers', what: 'label loop', bytes: Buffer.concat([h, Buffer.from([1, 0x61]), ptr(12), tail]) };
      case 2: // a pointer forward, into the rest of the message
        return { kind: 'pointers', what: 'forward pointer', bytes: Buffer.concat([h, ptr(16), tail, Buffer.from([1, 0x61, 0])]) };
      case 3: // a pointer beyond the end
        return { kind: 'pointers', what: 'pointer past end', bytes: Buffer.concat([h, ptr(r.range(20, 0x3fff)), tail]) };
      case 4: { // two answers pointing at each other
        const q = query({ id: r.int(65536), name: 'www.example.' });
        const base = q.length;
        const a1 = record(ptr(base + 12 + 2), T.CNAME, 1, 60, ptr(base));
        const a2 = record(ptr(base), T.CNAME, 1, 60, ptr(base + 12));
        const m = Buffer.concat([q, a1, a2]);
        m.writeUInt16BE(2, 6);
        return { kind: 'pointers', what: 'mutual record pointers', bytes: m };
      }
      case 5: { // a long backwards chain: each name is one label plus a pointer to the previous
        const parts: Buffer[] = [query({ id: r.int(65536), name: 'x.' })];
        let prev = 12;
        let off = parts[0]!.length;
        const n = r.range(50, 120);
        for (let i = 0; i < n; i++) {
          const name = Buffer.concat([Buffer.from([1, 0x61 + (i % 26)]), ptr(prev)]);
          const rec = record(name, T.A, 1, 60, Buffer.from([192, 0, 2, 1]));
          prev = off;
          off += rec.length;
          parts.push(rec);
        }
        const m = Buffer.concat(parts);
        m.writeUInt16BE(n, 6);
        return { kind: 'pointers', what: `backward chain of ${n}`, bytes: m };
      }
      case 6: // a pointer into the header
        return { kind: 'pointers', what: 'pointer into header', bytes: Buffer.concat([h, ptr(r.int(12)), tail]) };
      default: { // a pointer inside rdata that loops (MX exchange pointing at its own rdata)
        const q = query({ id: r.int(65536), name: 'mx.example.' });
        const rdStart = q.length + 2 + 10;
        const rd = Buffer.concat([Buffer.from([0, 10]), ptr(rdStart + 2)]);
        const m = Buffer.concat([q, record(ptr(12), T.MX, 1, 60, rd)]);
        m.writeUInt16BE(1, 6);
        return { kind: 'pointers', what: 'rdata self pointer', bytes: m };
      }
    }
  }

  counts(): FuzzPacket {
    const r = this.rng;
    const q = this.validQuery();
    const field = r.pick([4, 6, 8, 10]);
    const value = r.pick([65535, 65535, 2, 0, r.int(65536)]);
    q.writeUInt16BE(value, field);
    // Sometimes a little filler that parses as a few records, never as many as announced.
    const filler = r.chance(0.5) ? Buffer.concat(Array.from({ length: r.range(1, 20) }, () => record(Buffer.from([0]), T.A, 1, 0, Buffer.from([192, 0, 2, 1])))) : Buffer.alloc(0);
    return { kind: 'counts', what: `count at ${field} = ${value}, ${filler.length} filler bytes`, bytes: Buffer.concat([q, filler]) };
  }

  edns(): FuzzPacket {
    const r = this.rng;
    const id = r.int(65536);
    const name = mixCase(r, r.pick(this.names));
    const base = (arcount: number, ancount = 0, nscount = 0) =>
      Buffer.concat([header({ id, qdcount: 1, ancount, nscount, arcount }), question(wireName(name), T.A)]);
    switch (r.int(10)) {
      case 0:
        return { kind: 'edns', what: 'two OPT records', bytes: Buffer.concat([base(2), opt(), opt({ udpSize: 512 })]) };
      case 1:
        return { kind: 'edns', what: 'OPT not owned by the root', bytes: Buffer.concat([base(1), opt({ owner: wireName('a.') })]) };
      case 2:
        return { kind: 'edns', what: 'OPT in the answer section', bytes: Buffer.concat([base(0, 1), opt()]) };
      case 3:
        return { kind: 'edns', what: 'OPT in the authority section', bytes: Buffer.concat([base(0, 0, 1), opt()]) };
      case 4: {
        const v = r.pick([1, 2, 255]);
        return { kind: 'edns', what: `EDNS version ${v}`, bytes: Buffer.concat([base(1), opt({ version: v })]) };
      }
      case 5: // an option announcing far more data than the record holds
        return { kind: 'edns', what: 'option length 65535', bytes: Buffer.concat([base(1), opt({ options: ednsOption(10, r.bytes(8), 65535) })]) };
      case 6: { // many options filling a large OPT record
        const opts = Buffer.concat(Array.from({ length: r.range(10, 60) }, () => ednsOption(r.int(65536), r.bytes(r.range(0, 30)))));
        return { kind: 'edns', what: `${opts.length} bytes of options`, bytes: Buffer.concat([base(1), opt({ options: opts, udpSize: r.int(65536) })]) };
      }
      case 7: // RDLENGTH disagreeing with the options
        return { kind: 'edns', what: 'OPT rdlength mismatch', bytes: Buffer.concat([base(1), opt({ options: ednsOption(8, r.bytes(6)), rdlength: r.pick([0, 3, 11, 200]) })]) };
      case 8: // extended rcode and DO bit in a query, odd payload sizes
        return { kind: 'edns', what: 'ext rcode, DO, odd size', bytes: Buffer.concat([base(1), opt({ extRcode: r.int(256), dnssecOk: true, udpSize: r.pick([0, 1, 511, 65535]) })]) };
      default: // a truncated OPT record
        return { kind: 'edns', what: 'truncated OPT', bytes: Buffer.concat([base(1), opt({ options: ednsOption(10, r.bytes(8)) }).subarray(0, r.range(1, 18))]) };
    }
  }

  header(): FuzzPacket {
    const r = this.rng;
    const q = this.validQuery();
    if (r.chance(0.3)) {
      q[2]! |= 0x80;
      return { kind: 'header', what: 'QR set', bytes: q };
    }
    const opcode = r.int(16);
    q[2] = (q[2]! & 0x87) | (opcode << 3);
    // Sometimes the other flag bits at random too (AA, TC, Z, AD, CD, rcode).
    if (r.chance(0.5)) {
      q[2] = (q[2]! & 0xf8) | (r.int(8) & 0x07);
      q[3] = r.int(256);
    }
    return { kind: 'header', what: `opcode ${opcode}`, bytes: q };
  }

  labels(): FuzzPacket {
    const r = this.rng;
    const h = header({ id: r.int(65536), qdcount: 1 });
    const tail = question(Buffer.alloc(0), T.A);
    switch (r.int(6)) {
      case 0: { // the reserved label types 0x40 and 0x80 (RFC 6891 §5)
        const len = r.pick([0x40, 0x41, 0x7f, 0x80, 0xbf]);
        return { kind: 'labels', what: `label type byte ${len}`, bytes: Buffer.concat([h, Buffer.from([len]), r.bytes(r.range(0, 70)), tail]) };
      }
      case 1: { // a label longer than what follows
        const len = r.range(2, 63);
        return { kind: 'labels', what: `label ${len} past end`, bytes: Buffer.concat([h, Buffer.from([len]), r.bytes(r.int(len))]) };
      }
      case 2: { // a name over 255 octets (RFC 1035 §3.1)
        const labels = Array.from({ length: r.range(5, 9) }, () => 'a'.repeat(r.range(50, 63)));
        return { kind: 'labels', what: 'name over 255 octets', bytes: Buffer.concat([h, wireName(labels.join('.')), tail]) };
      }
      case 3: { // exactly at the limit, and one over: 255 with the root byte
        const at = r.chance(0.5) ? 255 : 256;
        const labels = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63)];
        const rest = at - 1 - 3 * 64 - 1; // one more label of this length
        labels.push('d'.repeat(rest));
        return { kind: 'labels', what: `name of ${at} octets`, bytes: Buffer.concat([h, wireName(labels.join('.')), tail]) };
      }
      case 4: { // binary, dots, backslashes and NULs inside labels
        const bin = Buffer.concat([Buffer.from([6]), Buffer.from([0x2e, 0x5c, 0x00, 0xff, 0x20, 0x41]), wireName(r.pick(this.zones))]);
        return { kind: 'labels', what: 'binary label', bytes: Buffer.concat([h, bin, tail]) };
      }
      default: { // many one-byte labels: the longest label count a name can hold
        const n = r.range(100, 140);
        return { kind: 'labels', what: `${n} one-byte labels`, bytes: Buffer.concat([h, wireName(Array.from({ length: n }, () => 'x').join('.')), tail]) };
      }
    }
  }

  /** A query carrying records of random types with random or damaged rdata in any section. */
  rdata(): FuzzPacket {
    const r = this.rng;
    const q = this.validQuery();
    const n = r.range(1, 4);
    const counts = [0, 0, 0];
    const recs: Buffer[] = [];
    let types = '';
    for (let i = 0; i < n; i++) {
      const type = r.chance(0.9) ? r.pick(TYPES.filter((t) => t !== T.OPT)) : r.int(65536);
      const rdata = r.chance(0.5) ? r.bytes(r.range(0, 40)) : this.plausibleRdata(type);
      const rdlength = r.chance(0.15) ? r.int(64) : rdata.length;
      recs.push(record(Buffer.from([0xc0, 12]), type, r.chance(0.9) ? 1 : r.int(65536), r.next(), rdata, rdlength));
      counts[r.int(3)]!++;
      types += `${type} `;
    }
    // Keep the existing OPT count (if any) in the additional section; the records go before it.
    const arcount = q.readUInt16BE(10);
    const qEnd = arcount ? q.length - 11 : q.length;
    const m = Buffer.concat([q.subarray(0, qEnd), ...recs, q.subarray(qEnd)]);
    m.writeUInt16BE(counts[0]!, 6);
    m.writeUInt16BE(counts[1]!, 8);
    m.writeUInt16BE(counts[2]! + arcount, 10);
    // Records are appended in order, so counts assign them to sections front to back.
    return { kind: 'rdata', what: `types ${types.trim()}`, bytes: m };
  }

  /**
   * A transfer request (IXFR, AXFR) or query signed with a TSIG record (RFC 8945 §4.2) that is
   * damaged somewhere: key and algorithm names, MAC size, other-data length, class, TTL, or
   * not the last record. The transfer path parses TSIG before anything else decides.
   */
  tsig(): FuzzPacket {
    const r = this.rng;
    const type = r.pick([T.IXFR, T.IXFR, T.AXFR, T.SOA, T.A]);
    const zone = r.pick(this.zones);
    const q = Buffer.concat([header({ id: r.int(65536), qdcount: 1, nscount: type === T.IXFR ? 1 : 0 }), question(wireName(mixCase(r, zone)), type)]);
    const parts: Buffer[] = [q];
    // IXFR carries the client's SOA in authority (RFC 1995 §3); root mname and rname, random numbers.
    if (type === T.IXFR) parts.push(record(Buffer.from([0xc0, 12]), T.SOA, 1, 0, Buffer.concat([Buffer.from([0, 0]), r.bytes(20)])));
    const mac = r.bytes(r.pick([0, 16, 32, 64, r.range(0, 80)]));
    const other = r.bytes(r.pick([0, 0, 6, r.range(0, 20)]));
    const fixed = Buffer.alloc(10);
    fixed.writeUIntBE(r.chance(0.5) ? Math.floor(Date.now() / 1000) : r.int(2 ** 31), 0, 6);
    fixed.writeUInt16BE(r.pick([300, 0, 65535]), 6);
    fixed.writeUInt16BE(r.chance(0.8) ? mac.length : r.int(65536), 8);
    const tail = Buffer.alloc(6);
    tail.writeUInt16BE(r.int(65536), 0);
    tail.writeUInt16BE(r.pick([0, 16, 17, 18, r.int(65536)]), 2);
    tail.writeUInt16BE(r.chance(0.8) ? other.length : r.int(65536), 4);
    const algorithm = r.pick(['hmac-sha256.', 'hmac-md5.sig-alg.reg.int.', 'hmac-sha512.', 'nonsense.', '.']);
    let rdata: Buffer = Buffer.concat([r.chance(0.9) ? wireName(algorithm) : Buffer.from([0xc0, 12]), fixed, mac, tail, other]);
    if (r.chance(0.2)) rdata = rdata.subarray(0, r.int(rdata.length));
    const key = r.chance(0.9) ? wireName(r.pick(['transfer-key.', 'k.', `${randomLabel(r)}.`])) : Buffer.from([0xc0, 12]);
    const tsig = record(key, T.TSIG, r.chance(0.8) ? 255 : r.int(65536), r.chance(0.8) ? 0 : r.next(), rdata);
    // Usually last in the additional section, as it must be; sometimes followed by an OPT.
    const after = r.chance(0.15) ? [opt()] : [];
    parts.push(tsig, ...after);
    const m = Buffer.concat(parts);
    m.writeUInt16BE(1 + after.length, 10);
    let what = `TSIG on ${type} for ${zone}, mac ${mac.length}, other ${other.length}${after.length ? ', then OPT' : ''}`;
    if (r.chance(0.3)) {
      const flips = r.range(1, 4);
      for (let i = 0; i < flips; i++) m[r.range(q.length, m.length - 1)]! ^= 1 << r.int(8);
      what += `, ${flips} bits flipped`;
    }
    return { kind: 'tsig', what, bytes: m };
  }

  /**
   * An UPDATE (RFC 2136): a zone section (usually one of ours, SOA, IN), then prerequisites and
   * updates of any class, TTL and RDLENGTH, mostly at names under `upd.` of the zone; signed
   * with `updateKey` half the time, when there is one, and sometimes bit-flipped after that.
   */
  update(): FuzzPacket {
    const r = this.rng;
    const zone = r.pick(this.zones);
    const zoneSection = question(wireName(mixCase(r, r.chance(0.9) ? zone : r.pick(this.names))), r.chance(0.9) ? T.SOA : r.pick(TYPES), r.chance(0.9) ? 1 : r.pick([3, 254, 255, r.int(65536)]));
    const owner = () => wireName(r.chance(0.8) ? `${r.chance(0.5) ? `${randomLabel(r)}.` : ''}upd.${zone}` : r.pick(this.names));
    const rr = () => {
      const type = r.chance(0.8) ? r.pick([T.A, T.AAAA, T.TXT, T.MX, T.CNAME, T.NS, T.SOA, T.ANY]) : r.pick(TYPES);
      const klass = r.pick([1, 1, 255, 254, r.int(65536)]);
      const empty = klass !== 1 && r.chance(0.8);
      return record(owner(), type, klass, r.chance(0.7) ? r.pick([0, 60, 300]) : r.next(), empty ? Buffer.alloc(0) : this.plausibleRdata(type));
    };
    const prereqs = Array.from({ length: r.pick([0, 0, 1, 2, r.range(0, 20)]) }, rr);
    const updates = Array.from({ length: r.pick([1, 1, 2, 5, r.range(0, 40)]) }, rr);
    let m: Buffer = Buffer.concat([header({ id: r.int(65536), flags: 5 << 11, qdcount: 1, ancount: prereqs.length, nscount: updates.length }), zoneSection, ...prereqs, ...updates]);
    const signed = this.updateKey !== undefined && r.chance(0.5);
    if (signed) m = signMessage(m, this.updateKey!).message;
    let what = `UPDATE for ${zone}: ${prereqs.length} prerequisites, ${updates.length} updates${signed ? ', signed' : ''}`;
    if (r.chance(0.15)) {
      const flips = r.range(1, 4);
      for (let i = 0; i < flips; i++) m[r.range(12, m.length - 1)]! ^= 1 << r.int(8);
      what += `, ${flips} bits flipped`;
    }
    return { kind: 'update', what, bytes: m };
  }

  private plausibleRdata(type: number): Buffer {
    const r = this.rng;
    const name = () => (r.chance(0.5) ? Buffer.from([0xc0, 12]) : wireName(`${randomLabel(r)}.example.`));
    switch (type) {
      case T.A:
        return r.bytes(4);
      case T.AAAA:
        return r.bytes(16);
      case T.NS:
      case T.CNAME:
      case T.PTR:
      case T.DNAME:
        return name();
      case T.MX:
        return Buffer.concat([r.bytes(2), name()]);
      case T.SOA:
        return Buffer.concat([name(), name(), r.bytes(20)]);
      case T.SRV:
        return Buffer.concat([r.bytes(6), name()]);
      case T.TXT:
        return Buffer.concat([Buffer.from([5]), Buffer.from('hello'), Buffer.from([r.int(10)]), r.bytes(3)]);
      default:
        return r.bytes(r.range(0, 24));
    }
  }
}
