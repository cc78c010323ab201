// A cache of encoded responses, so that a repeated question costs a Map
// lookup and a copy instead of a decode, a resolution and an encode
// (docs/architecture.md, "Measured costs": every microsecond above Node's own
// ~12 µs per UDP packet is ours).
//
// Only plain queries take this path: opcode QUERY, one question with an
// uncompressed name, no other records but at most one well-formed OPT of
// version 0. Anything else goes through the full decoder, which applies every
// guard of the rcode table. The key is the question with the name folded to
// lowercase, plus everything else the answer depends on: the size limit
// (transport and EDNS payload), whether the query had an OPT record, and its
// DO bit (RFC 3225: signatures and denial proofs, and the bit echoed back).
//
// A hit is valid while the zone snapshot it was built from is still the one
// served and no zone was added or removed since (which could change which zone
// a name falls in, or turn a REFUSED into an answer).
import type { ZoneSnapshot } from './zone-snapshot';
import type { ZoneStore } from './zone-store';

export interface CacheKey {
  /** The question (name lowercased, type, class) as one flat latin1 string. */
  question: string;
  /** Everything else the answer depends on: the size limit, whether the query had OPT, and its DO bit. */
  variant: number;
  /** Offset just past the question section. */
  questionEnd: number;
}

/** One printable identity of a key (for tests and logs; lookups never build it). */
export function keyId(k: CacheKey): string {
  return `${k.question}|${k.variant}`;
}

interface Entry {
  bytes: Buffer;
  zone: ZoneSnapshot | null;
  namesGeneration: number;
}

const OPT = 41;
// Scratch space for lowercasing a question (at most 255 + 4 bytes).
const LOWER = Buffer.alloc(512);

/**
 * Reads the question straight from the bytes. Returns null whenever the
 * message is anything but a plain query, so the caller takes the full path.
 */
export function cacheKey(buf: Buffer, transport: 'udp' | 'tcp', ednsUdpLimit: number): CacheKey | null {
  const len = buf.length;
  // Header: QR=0 and opcode 0, one question, no answer/authority, at most one additional.
  if (len < 17 || (buf[2]! & 0xf8) !== 0 || buf.readUInt16BE(4) !== 1 || buf.readUInt32BE(6) !== 0) return null;
  const arcount = buf.readUInt16BE(10);
  if (arcount > 1) return null;
  let off = 12;
  let nameLen = 0;
  for (;;) {
    const l = buf[off];
    if (l === undefined || l > 63) return null; // a pointer or a reserved label type: full path
    off += l + 1;
    nameLen += l + 1;
    if (l === 0) break;
    if (off >= len || nameLen > 255) return null;
  }
  const questionEnd = off + 4;
  if (questionEnd > len) return null;
  // Transfers depend on who asks (allow-transfer, TSIG): never from the cache.
  const qtype = buf.readUInt16BE(off);
  if (qtype === 251 || qtype === 252) return null;
  let size = 512;
  let edns = 0;
  let dnssecOk = 0;
  if (arcount === 0) {
    if (questionEnd !== len) return null;
  } else {
    // OPT: root name, type 41, class = payload size, TTL = ext-rcode/version/flags, then options.
    const o = questionEnd;
    if (o + 11 > len || buf[o] !== 0 || buf.readUInt16BE(o + 1) !== OPT || buf[o + 6] !== 0) return null;
    const rdlen = buf.readUInt16BE(o + 9);
    if (o + 11 + rdlen !== len) return null;
    // Options must tile the rdata exactly, or the full decoder decides (FORMERR).
    let p = o + 11;
    while (p < len) {
      if (p + 4 > len) return null;
      p += 4 + buf.readUInt16BE(p + 2);
    }
    if (p !== len) return null;
    size = Math.max(512, Math.min(buf.readUInt16BE(o + 3), ednsUdpLimit));
    edns = 1;
    // The DO bit: the top bit of the OPT TTL's flags (RFC 3225 §3).
    dnssecOk = buf[o + 7]! >> 7;
  }
  if (transport === 'tcp') size = 65535;
  // The question, lowercased (ASCII letters only: names compare that way,
  // RFC 4343), read as one flat latin1 string so the Map need not flatten it.
  let upper = false;
  for (let i = 13; i < questionEnd - 4; i++) {
    const c = buf[i]!;
    if (c >= 65 && c <= 90) {
      upper = true;
      break;
    }
  }
  let q: string;
  if (!upper) {
    q = buf.toString('latin1', 12, questionEnd);
  } else {
    const n = questionEnd - 12;
    buf.copy(LOWER, 0, 12, questionEnd);
    // The name only: QTYPE and QCLASS bytes are numbers, not letters.
    for (let i = 0; i < n - 4; i++) {
      const c = LOWER[i]!;
      if (c >= 65 && c <= 90) LOWER[i] = c + 32;
    }
    q = LOWER.toString('latin1', 0, n);
  }
  // No string concatenation here: a joined key is a rope the Map would flatten on every lookup.
  return { question: q, variant: size * 4 + dnssecOk * 2 + edns, questionEnd };
}

export class ResponseCache {
  // variant → question → entry: two flat lookups instead of one on a built string.
  private entries = new Map<number, Map<string, Entry>>();
  private count = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly store: ZoneStore,
    private readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.count;
  }

  /** A copy of the cached response with the query's ID, RD bit and question bytes, or null. */
  lookup(query: Buffer, k: CacheKey): Buffer | null {
    const e = this.entries.get(k.variant)?.get(k.question);
    if (!e || e.namesGeneration !== this.store.namesGeneration || (e.zone && this.store.get(e.zone.name) !== e.zone)) {
      this.misses++;
      return null;
    }
    this.hits++;
    const out = Buffer.allocUnsafe(e.bytes.length);
    e.bytes.copy(out);
    out[0] = query[0]!;
    out[1] = query[1]!;
    out[2] = (out[2]! & 0xfe) | (query[2]! & 0x01);
    // The question keeps the client's case; names compressed against it point here too.
    query.copy(out, 12, 12, k.questionEnd);
    return out;
  }

  remember(k: CacheKey, response: Buffer, zone: ZoneSnapshot | null): void {
    // Bounded: past the limit start again rather than grow (a flood of distinct names).
    if (this.count >= this.maxEntries) {
      this.entries.clear();
      this.count = 0;
    }
    let byQuestion = this.entries.get(k.variant);
    if (!byQuestion) this.entries.set(k.variant, (byQuestion = new Map()));
    if (!byQuestion.has(k.question)) this.count++;
    byQuestion.set(k.question, { bytes: response, zone, namesGeneration: this.store.namesGeneration });
  }
}
