// The binary layout of a ZoneSnapshot, shared by the builder that lays a zone
// out (zone-snapshot.ts) and the patch that applies journal entries to a
// laid-out zone (zone-patch.ts). One buffer holds four regions, each starting
// where the snapshot says (its *At fields) and each with room to grow:
//
//   nodes        16 bytes each    name u32 | first set u32 | sets u16 | name length u8 | flags u8 | children u32
//   sets         10 bytes each    records u32 | records u32 | type u16
//   names        bytes            each node's owner as wire labels, without the apex
//   records      bytes            per record TTL u32 | RDLENGTH u16 | rdata: the tail of an RR
//                                 as it goes into a message (RFC 1035 §4.1.3), rdata uncompressed
//
// and the hash slots (u32 node index + 1, 0 free; open addressing by owner
// name, linear probing) are Buffers of SLOT_CHUNK slots each. A node's name is
// an offset into the names, a set's records an offset into the records. A node
// counts the nodes one label below it (its children), so that a name losing its
// last record can tell whether it stays as an empty non-terminal.
//
// The four regions only grow: a patch never writes what an older snapshot
// reads. It appends new entries (a node whose sets or children change gets a
// new entry in place of the old one), names and records beyond the lengths the
// older snapshot uses, in the same buffer while there is room, and copies only
// the slot chunks it changes. So a change of a few records costs what it
// touches, not the zone: fresh memory costs a page fault per 4 KB here, and a
// copy of a million-record zone's 55 MB took 165 ms (measured 2026-12-05).
// Table integers are little-endian; the record tails are in network order, so
// a transfer copies them as they are.
import { nameToWire, WireError } from '../dns/wire';

export const NODE_BYTES = 16;
export const SET_BYTES = 10;
/** Node flag: an NS set below the apex, a zone cut (RFC 1034 §4.2.1). */
export const CUT = 1;

/** Hash slots per chunk: 64 KB. */
export const SLOT_SHIFT = 14;
export const SLOT_CHUNK = 1 << SLOT_SHIFT;
export const SLOT_MASK = SLOT_CHUNK - 1;

let shared = false;

/**
 * From now on, lay snapshots out in memory every thread of the process can read
 * (SharedArrayBuffer): the worker's answer threads (answer-threads.ts) then
 * serve the leader's snapshots instead of holding copies of their own.
 */
export function shareSnapshotMemory(): void {
  shared = true;
}

/**
 * `size` bytes for a snapshot, of its own rather than a slice of Node's shared 8 KB pool (a
 * small zone's buffer would keep its slab alive, garbage included: 50,000 zones took 136 MB
 * instead of 71 MB). Zeroed when `zeroed`; shared memory always is, and costs nothing more
 * for that: the kernel maps a zero page at its first write.
 */
export function snapshotMemory(size: number, zeroed = false): Buffer {
  if (shared) return Buffer.from(new SharedArrayBuffer(size));
  return zeroed ? Buffer.alloc(size) : Buffer.allocUnsafeSlow(size);
}

/** `count` free hash slots in chunks. */
export function emptySlots(count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let left = count; left > 0; left -= SLOT_CHUNK) out.push(snapshotMemory(Math.min(left, SLOT_CHUNK) * 4, true));
  return out;
}

/**
 * A buffer for regions of `nodes` and `sets` entries, `names` and `records` bytes, each with the
 * room roomFor gives, after `slotBytes` of hash slots (zeroed) when the slots are to live in it.
 * `roomy`: whether any region has room beyond what it holds.
 */
export function allocateRegions(nodes: number, sets: number, names: number, records: number, slotBytes = 0) {
  const nodesAt = slotBytes;
  const setsAt = nodesAt + roomFor(nodes, NODE_BYTES) * NODE_BYTES;
  const namesAt = setsAt + roomFor(sets, SET_BYTES) * SET_BYTES;
  const recordsAt = namesAt + roomFor(names, 1);
  const size = recordsAt + roomFor(records, 1);
  const data = snapshotMemory(size);
  data.fill(0, 0, slotBytes);
  const roomy = size > slotBytes + nodes * NODE_BYTES + sets * SET_BYTES + names + records;
  return { data, nodesAt, setsAt, namesAt, recordsAt, roomy };
}

/**
 * The capacity given to a region of `used` entries or bytes: what it holds for a small zone,
 * whose patches copy it whole; an eighth more for a big one, so that its patches append. Room
 * never written costs no memory: the kernel maps a page at its first write.
 */
export function roomFor(used: number, entryBytes: number): number {
  return used * entryBytes < 65536 ? used : used + (used >>> 3) + 1024;
}

export const u16 = (b: Buffer, o: number): number => b[o]! | (b[o + 1]! << 8);
export const u32 = (b: Buffer, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
export function put16(b: Buffer, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = v >>> 8;
}
export function put32(b: Buffer, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = v >>> 24;
}

// FNV-1a over a relative owner name in presentation form: its labels joined by dots. The
// same value comes from the wire labels (hashWire), so either form finds a node. -1 for a
// name that is not plain (an escape, an uppercase letter, anything past ASCII): such a name
// is looked up by its wire form instead (relativeWire).
const FNV_BASIS = 0x811c9dc5;
export function hashText(s: string, end: number): number {
  let h = FNV_BASIS;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 92 || c > 127 || (c >= 65 && c <= 90)) return -1;
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}
export function hashWire(b: Buffer, at: number, len: number): number {
  let h = FNV_BASIS;
  const end = at + len;
  for (let p = at; p < end; ) {
    const l = b[p]!;
    if (p > at) h = Math.imul(h ^ 46, 0x01000193);
    for (let i = p + 1; i <= p + l; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    p += l + 1;
  }
  return h >>> 0;
}

/** Whether the wire labels at `b[at]` (`len` bytes) spell `s[0, end)` (plain: see hashText). */
export function sameName(b: Buffer, at: number, len: number, s: string, end: number): boolean {
  // Each label's length byte stands where the dot before it (or the start) stands in the text.
  if (len !== end + 1) return false;
  let p = at;
  let i = 0;
  while (i < end) {
    const l = b[p]!;
    if (i > 0) {
      if (s.charCodeAt(i) !== 46) return false;
      i++;
    }
    for (let k = 1; k <= l; k++) {
      const c = b[p + k]!;
      // A dot in the text is a label boundary; one inside a stored label is not (`a\.b`).
      if (c !== s.charCodeAt(i++) || c === 46) return false;
    }
    p += l + 1;
  }
  return i === end && p === at + len;
}

/**
 * Where the part of `name` below the apex `zone` ends: `name[0, end)` is it. 0 for the apex
 * itself, -1 for a name outside the zone. Names are in the decoder's spelling (or lookupName's),
 * and zone names are plain, so a name is in the zone exactly when it ends with a dot and the
 * zone's name, wherever else it has escapes.
 */
export function relativeEnd(name: string, zone: string): number {
  if (name === zone) return 0;
  if (zone === '.') return name.length > 1 && name.charCodeAt(name.length - 1) === 46 ? name.length - 1 : -1;
  const end = name.length - zone.length - 1;
  return end > 0 && name.charCodeAt(end) === 46 && name.endsWith(zone) ? end : -1;
}

// Owner names from secondary zones may hold any byte (RFC 2181 §11): the decoder spells those
// with escapes (`\.`, `\\`, `\DDD`), and lookupName writes a dot inside a label `\046`. Such a
// name is turned into wire form here, where every spelling of it is the same bytes.
export const NAME = Buffer.allocUnsafe(256);
const APEX = Buffer.allocUnsafe(256);

/**
 * The labels of `name` below the apex `zone`, lowercased, in wire form at NAME[0, length):
 * returns the length, 0 for the apex itself, -1 when the name is not in the zone or not a name.
 */
export function relativeWire(name: string, zone: string): number {
  let len: number;
  try {
    len = nameToWire(name, NAME, 0);
  } catch (err) {
    if (err instanceof WireError) return -1;
    throw err;
  }
  const apexLength = nameToWire(zone, APEX, 0);
  const rel = len - apexLength;
  if (rel < 0) return -1;
  // RFC 4343: only ASCII letters fold.
  for (let i = 0; i < len; i++) {
    const c = NAME[i]!;
    if (c >= 65 && c <= 90) NAME[i] = c + 32;
  }
  let p = 0;
  while (p < rel) p += NAME[p]! + 1;
  return p === rel && NAME.compare(APEX, 0, apexLength, rel, len) === 0 ? rel : -1;
}
