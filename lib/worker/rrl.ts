// Response rate limiting (RRL) for UDP, after Vixie and Schryver's design as
// BIND 9 (ARM, "Response Rate Limiting"), NSD and Knot have it.
//
// Over UDP the source address is the sender's to choose, so a flood of queries
// "from" a victim makes us send the victim our (larger) answers: reflection
// and amplification. RRL counts the answers going to each client prefix and,
// past a rate, drops them, except every `slip`-th one, which goes out
// truncated (TC=1, the question only, no larger than the query): a real client
// behind the prefix then asks again over TCP, where the handshake proves its
// address, and gets its answer; a victim gets nothing larger than what the
// attacker sent. TCP is never rate limited here: it cannot be reflected, and
// what one client may hold of it is capped in tcp.ts instead.
//
// What is counted together (a bucket) is one client prefix (IPv4 /24, IPv6 /56
// by default) and one kind of answer, keyed much as NSD and BIND key them:
//
//   | kind     | the response                           | counted per                         |
//   |----------|----------------------------------------|-------------------------------------|
//   | answer   | NOERROR with answer records            | the first answer record's type, TTL and data (not its owner) |
//   | nodata   | NOERROR, AA, no answer records         | the question (name and type)        |
//   | nxdomain | NXDOMAIN                               | the zone (owner of the SOA in authority) |
//   | referral | NOERROR, AA clear, no answer records   | the delegation (owner of the NS in authority) |
//   | error    | any other rcode (REFUSED, FORMERR, SERVFAIL, NOTIMP…), and every opcode but QUERY | nothing: one bucket per prefix |
//
// So a resolver asking many different names is not slowed by asking them
// (NODATA per question, not per zone as NSD counts it: resolvers ask AAAA of
// every name, and many names have none), while an attacker cannot buy a fresh
// budget with fresh names: random names give NXDOMAIN (one budget per zone),
// and random names under a wildcard give the same answer data (one budget per
// wildcard answer; NSD keys these by the wildcard's owner). Refusals and
// errors, the reflection favourite, share one budget per prefix. Names and
// data are hashed to 16 bits; a collision merges two budgets, which only makes
// the limit stricter.
//
// Everything is read from the encoded response, so the limiter needs nothing
// from the resolver and costs the same whether the answer came from the
// response cache or not (docs/architecture.md, "Measured costs": a cached
// answer is under a microsecond of our own work, and this adds a fraction).
//
// Each bucket is a token bucket holding one second of responses. Buckets live
// in a fixed table (memory bounded whatever the flood): a new key takes one of
// two slots, preferring an empty one or one whose bucket has refilled (a full
// bucket is the same as no bucket, so forgetting it loses nothing); only when
// both are short of tokens does it take the fuller one.
import type { RrlSettings } from '../config/env';
import type { Logger } from './logger';
import { prefixNumber, prefixText } from './client-prefix';
import { RefusalLog } from './refusal-log';

export const KIND = { answer: 0, nodata: 1, nxdomain: 2, referral: 3, error: 4 } as const;
const KIND_NAMES = ['answer', 'nodata', 'nxdomain', 'referral', 'error'];

/** How many bytes of the first answer record's data identify an answer (enough for A, AAAA, most names). */
const ANSWER_DATA_BYTES = 16;

export interface RrlOptions {
  /** How many threads read the shared UDP sockets (answer-threads.ts): each allows its share of the rate. */
  answerers?: number;
  /** Milliseconds, for tests; Date.now by default. */
  clock?: () => number;
  /** Buckets in the table, a power of two (65,536 by default, about 1.8 MB). */
  slots?: number;
  log?: Logger;
}

export interface RrlStats {
  /** Responses over the limit. */
  limited: number;
  /** …of which sent truncated. */
  slipped: number;
  /** …and dropped. */
  dropped: number;
  /** Buckets still short of tokens that a new key pushed out of the table. */
  evicted: number;
}

export class ResponseRateLimiter {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly shift: number;
  private readonly keys: Float64Array;
  private readonly credit: Float64Array;
  private readonly stamp: Float64Array;
  // Responses over the limit since the bucket was made: the slip cadence, and "log once".
  private readonly over: Uint32Array;
  private readonly clock: () => number;
  private readonly refusals: RefusalLog | null;
  private readonly counts: RrlStats = { limited: 0, slipped: 0, dropped: 0, evicted: 0 };

  constructor(
    private readonly settings: RrlSettings,
    private readonly opts: RrlOptions = {},
  ) {
    if (settings.responsesPerSecond <= 0) throw new Error('a rate limiter needs a rate above 0 (0 means no limiter)');
    // Every thread sees about its share of each client's datagrams (the kernel spreads them
    // over the threads reading the shared socket), so the sum stays near the configured rate.
    const rate = settings.responsesPerSecond / Math.max(1, opts.answerers ?? 1);
    this.perMs = rate / 1000;
    this.burst = Math.max(1, rate);
    const slots = opts.slots ?? 65_536;
    if (!Number.isInteger(Math.log2(slots)) || slots < 2) throw new Error(`slots must be a power of two, got ${slots}`);
    this.shift = 32 - Math.log2(slots);
    this.keys = new Float64Array(slots);
    this.credit = new Float64Array(slots);
    this.stamp = new Float64Array(slots);
    this.over = new Uint32Array(slots);
    this.clock = opts.clock ?? Date.now;
    this.refusals = opts.log ? new RefusalLog(opts.log, 20, 10_000, 'rate-limited clients') : null;
  }

  stats(): RrlStats {
    return { ...this.counts };
  }

  /**
   * What to send to `address` for `reply`: the reply itself, a truncated copy
   * of it, or null (dropped). Never throws.
   */
  limit(address: string, reply: Buffer): Buffer | null {
    const prefix = prefixNumber(address, this.settings.ipv4PrefixLength, this.settings.ipv6PrefixLength);
    if (prefix < 0) return reply;
    const cls = classify(reply);
    const now = this.clock();
    const slot = this.bucket(prefix, cls, now);
    const tokens = this.tokens(slot, now);
    this.stamp[slot] = now;
    if (tokens >= 1) {
      this.credit[slot] = tokens - 1;
      return reply;
    }
    this.credit[slot] = tokens;
    const n = ++this.over[slot]!;
    this.counts.limited++;
    if (n === 1) this.noteLimited(address, cls);
    if (this.settings.slip > 0 && n % this.settings.slip === 0) {
      this.counts.slipped++;
      return truncated(reply);
    }
    this.counts.dropped++;
    return null;
  }

  /** The slot of the bucket for (prefix, class), made full when new. */
  private bucket(prefix: number, cls: number, now: number): number {
    // prefix < 2^33 and cls < 2^19: the key is below 2^52, exact in a double; stored + 1 so 0 marks an empty slot.
    const key = prefix * 0x8_0000 + cls + 1;
    const h = Math.imul((prefix >>> 0) ^ (prefix > 0xffffffff ? 0x5bd1e995 : 0) ^ Math.imul(cls, 0x85ebca6b), 0xc2b2ae35);
    const i = (h ^ (h >>> 15)) >>> this.shift;
    const j = i ^ 1;
    if (this.keys[i] === key) return i;
    if (this.keys[j] === key) return j;
    const ti = this.keys[i] === 0 ? this.burst : this.tokens(i, now);
    const tj = this.keys[j] === 0 ? this.burst : this.tokens(j, now);
    const slot = ti >= this.burst ? i : tj >= this.burst ? j : ti >= tj ? i : j;
    if (Math.max(ti, tj) < this.burst) this.counts.evicted++;
    this.keys[slot] = key;
    this.credit[slot] = this.burst;
    this.stamp[slot] = now;
    this.over[slot] = 0;
    return slot;
  }

  private tokens(slot: number, now: number): number {
    const t = this.credit[slot]! + (now - this.stamp[slot]!) * this.perMs;
    return t > this.burst ? this.burst : t;
  }

  private noteLimited(address: string, cls: number): void {
    if (!this.refusals?.admit()) return;
    const s = this.settings;
    this.opts.log!.warn(
      { client: prefixText(address, s.ipv4PrefixLength, s.ipv6PrefixLength), kind: KIND_NAMES[cls >>> 16], limit: s.responsesPerSecond, slip: s.slip },
      'response rate limit reached: answers over it are dropped, every slip-th sent truncated',
    );
  }
}

/** A limiter for these settings, or null when RRL is off. */
export function rateLimiterFor(settings: RrlSettings, opts: RrlOptions = {}): ResponseRateLimiter | null {
  return settings.responsesPerSecond > 0 ? new ResponseRateLimiter(settings, opts) : null;
}

/**
 * The response's class as one number: its kind (KIND) times 65,536 plus a
 * 16-bit hash of what it is counted per (see the table at the top).
 */
export function classify(reply: Buffer): number {
  if (reply.length < 12) return KIND.error << 16;
  const opcode = (reply[2]! >> 3) & 0x0f;
  const rcode = reply[3]! & 0x0f;
  if (opcode !== 0 || (rcode !== 0 && rcode !== 3) || reply.readUInt16BE(4) !== 1) return KIND.error << 16;
  let off = skipName(reply, 12);
  if (off < 0 || off + 4 > reply.length) return KIND.error << 16;
  off += 4;
  const answers = reply.readUInt16BE(6);
  if (rcode === 0 && answers > 0) {
    // The first answer record without its owner: type, class, TTL, length, data.
    const data = skipName(reply, off);
    if (data < 0) return KIND.answer << 16;
    return (KIND.answer << 16) | (hashBytes(reply, data, Math.min(reply.length, data + 10 + ANSWER_DATA_BYTES)) & 0xffff);
  }
  if (rcode === 0 && reply[2]! & 0x04) return (KIND.nodata << 16) | ((hashName(reply, 12) ^ reply.readUInt16BE(off - 4)) & 0xffff);
  const kind = rcode === 3 ? KIND.nxdomain : KIND.referral;
  for (let i = 0; i < answers && off >= 0; i++) off = skipRecord(reply, off);
  const hash = off >= 0 && reply.readUInt16BE(8) > 0 ? hashName(reply, off) : 0;
  return (kind << 16) | (hash & 0xffff);
}

/** A copy of the reply's header and question with TC set and no other section (what slip sends). */
export function truncated(reply: Buffer): Buffer {
  let end = 12;
  if (reply.length >= 12 && reply.readUInt16BE(4) === 1) {
    const q = skipName(reply, 12);
    if (q >= 0 && q + 4 <= reply.length) end = q + 4;
  }
  const out = Buffer.allocUnsafe(end);
  reply.copy(out, 0, 0, end);
  out[2] = out[2]! | 0x02;
  out.writeUInt16BE(end > 12 ? 1 : 0, 4);
  out.fill(0, 6, 12);
  return out;
}

/** The offset just past the (possibly compressed) name at `off`, or -1. */
function skipName(buf: Buffer, off: number): number {
  for (let hops = 0; hops < 128; hops++) {
    const l = buf[off];
    if (l === undefined) return -1;
    if (l === 0) return off + 1;
    if (l >= 0xc0) return off + 2 <= buf.length ? off + 2 : -1;
    if (l > 63) return -1;
    off += l + 1;
  }
  return -1;
}

function skipRecord(buf: Buffer, off: number): number {
  const p = skipName(buf, off);
  if (p < 0 || p + 10 > buf.length) return -1;
  return p + 10 + buf.readUInt16BE(p + 8);
}

/** FNV-1a over the name at `off`, following compression pointers, ASCII case folded (RFC 4343). */
function hashName(buf: Buffer, off: number): number {
  let h = 0x811c9dc5;
  for (let steps = 0; steps < 256; steps++) {
    const l = buf[off];
    if (l === undefined || l === 0) break;
    if (l >= 0xc0) {
      if (off + 1 >= buf.length) break;
      off = ((l & 0x3f) << 8) | buf[off + 1]!;
      continue;
    }
    const end = Math.min(off + 1 + l, buf.length);
    for (let i = off; i < end; i++) {
      const c = buf[i]!;
      h = Math.imul(h ^ (c >= 0x41 && c <= 0x5a ? c + 0x20 : c), 0x01000193);
    }
    off = end;
  }
  return (h ^ (h >>> 16)) >>> 0;
}

/** A hash of buf[start, end), four bytes to a step (this runs for every positive answer). */
function hashBytes(buf: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  let i = start;
  for (; i + 4 <= end; i += 4) h = Math.imul(h ^ ((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!), 0x01000193);
  for (; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return (h ^ (h >>> 16)) >>> 0;
}
