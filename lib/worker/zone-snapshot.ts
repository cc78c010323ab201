// An immutable, lookup-ready copy of one zone, built from the database and
// swapped in whole when the zone's version changes (STYLE.md rule 9). The
// answer path reads only these snapshots, never the database. A change to a
// zone served already is applied to its snapshot (zone-patch.ts), giving a new
// one; a new zone, or one the journal cannot bring up to date, is built whole.
//
// A zone is held compactly, the way BIND, Knot and NSD hold theirs: not a
// JavaScript object per record or field, but one Buffer per zone with the
// names and records in wire form (a zone of a million records takes 51 MB
// where it took 600 MB of objects, a zone of 20 records about 1.4 KB where it
// took 13 KB), laid out as snapshot-layout.ts says. The worker's answer threads
// read the main thread's snapshots in shared memory (answer-threads.ts), so
// this is what a zone costs the worker, whatever its threads. A builder lays out nodes in the order their owners
// first appear (the apex first, then the records as read), then the empty
// non-terminals; an owner's sets in the order their types first appear, and
// records as read. The SOA is the apex's first set. A patch appends what it
// adds to each region.
import { lookupName } from '../dns/names';
import { MAX_RDATA, rdataToContent, writeContentRdata } from '../dns/rdata-wire';
import { MAX_TTL } from '../dns/ttl';
import type { RR } from '../dns/types';
import { T_MX, T_NS, T_SRV, typeCodeOf, typeNameOf, wireNameText, WireRdata, type WireRecord } from '../dns/wire';
import type { TimeSlice } from '../time-slice';
import { collectGarbage } from './heap';
import { CUT, hashText, hashWire, NAME, NODE_BYTES, put16, put32, relativeEnd, relativeWire, sameName, SET_BYTES, SLOT_CHUNK, SLOT_MASK, SLOT_SHIFT, allocateRegions, emptySlots, u16, u32 } from './snapshot-layout';

export interface TransferPolicy {
  allow: readonly string[];
  tsigKeyName: string | null;
}

/** Transfers from loopback only, no key: the default of a new zone. */
export const DEFAULT_TRANSFER_POLICY: TransferPolicy = { allow: ['127.0.0.0/8', '::1/128'], tsigKeyName: null };

export interface SnapshotHeader {
  id: number;
  name: string;
  serial: number;
  version: number;
  soa: RR;
  negativeTtl: number;
  transfer?: TransferPolicy;
  expired?: boolean;
  /**
   * How many times the zone's records changed with no journal entry (a secondary's retrieve at
   * an unchanged serial): a snapshot can be patched only up to a zone with the same count.
   */
  unjournaled?: number;
}

/** What a snapshot keeps of its header: the SOA record is in its data. */
export type SnapshotIdentity = Omit<SnapshotHeader, 'soa'>;

/**
 * The lengths in use in a buffer's regions by the newest snapshot laid out in it. A patch of that
 * snapshot appends in the same buffer, beyond what older snapshots read; a patch of any other
 * copies the buffer.
 */
export interface Arena {
  nodes: number;
  sets: number;
  names: number;
  records: number;
}

/** Where each region of a snapshot's buffer starts, how much of it the snapshot uses, and its hash slots. */
export interface SnapshotLayout {
  /** The node, set, name and record regions, each with room to grow (snapshot-layout.ts). */
  data: Buffer;
  /** The hash slots, SLOT_CHUNK to a Buffer (a small zone's one chunk lies in `data`): a patch copies the chunks it changes. */
  slots: Buffer[];
  /** How many hash slots (a power of two). */
  slotCount: number;
  nodesAt: number;
  setsAt: number;
  namesAt: number;
  recordsAt: number;
  /** Node and set entries in use (those a patch left behind included), name and record bytes. */
  nodes: number;
  sets: number;
  names: number;
  recordBytes: number;
  /** The apex's node (0 unless a patch replaced its entry). */
  apex: number;
  /** Nodes in the hash slots: names that exist. */
  live: number;
  records: number;
  cuts: number;
  /** Bytes a patch left behind: entries, names and records nothing refers to any more. */
  dead: number;
  /** Node entries a patch replaced or removed, one bit each; null when there are none. */
  gone: Uint8Array | null;
  /** Null when the regions have no room to append (a small zone: its patches copy it). */
  arena: Arena | null;
}

export class ZoneSnapshot {
  readonly id: number;
  readonly name: string;
  readonly serial: number;
  readonly version: number;
  /** TTL for negative answers: min(SOA TTL, SOA minimum), RFC 2308 §5. */
  readonly negativeTtl: number;
  /** Who may transfer the zone: address ranges, and a TSIG key name when one is required. */
  readonly transfer: TransferPolicy;
  /** A secondary copy past its SOA expire without a successful refresh: answered SERVFAIL (RFC 1035 §4.3.5). */
  readonly expired: boolean;
  readonly unjournaled: number;
  /** Every name (owners and empty non-terminals, RFC 4592 §2.2.2) and record, laid out as snapshot-layout.ts says. */
  readonly data: Buffer;
  /** Node entries, those a patch replaced or removed included (isGone). */
  readonly nodeCount: number;
  /** The apex's node. */
  readonly apex: number;
  readonly recordCount: number;
  /** How many owners below the apex have an NS set (zone cuts). */
  readonly cutCount: number;
  private readonly slots: Buffer[];
  private readonly mask: number;
  private readonly nodesAt: number;
  private readonly setsAt: number;
  private readonly namesAt: number;
  /** Where the record tails start (layout.recordsAt). */
  private readonly tailsAt: number;
  private readonly gone: Uint8Array | null;
  // The rest of the layout, for the next patch (kept as fields: an object per zone costs 50,000 zones megabytes).
  private readonly setEntries: number;
  private readonly nameBytes: number;
  private readonly recordBytes: number;
  private readonly live: number;
  private readonly dead: number;
  private readonly arena: Arena | null;

  /** Built by ZoneBuilder, or by a patch of another snapshot. */
  constructor(z: SnapshotIdentity, layout: SnapshotLayout) {
    this.id = z.id;
    this.name = z.name;
    this.serial = z.serial;
    this.version = z.version;
    this.negativeTtl = z.negativeTtl;
    this.transfer = z.transfer ?? DEFAULT_TRANSFER_POLICY;
    this.expired = z.expired ?? false;
    this.unjournaled = z.unjournaled ?? 0;
    this.data = layout.data;
    this.nodeCount = layout.nodes;
    this.apex = layout.apex;
    this.recordCount = layout.records;
    this.cutCount = layout.cuts;
    this.slots = layout.slots;
    this.mask = layout.slotCount - 1;
    this.nodesAt = layout.nodesAt;
    this.setsAt = layout.setsAt;
    this.namesAt = layout.namesAt;
    this.tailsAt = layout.recordsAt;
    this.gone = layout.gone;
    this.setEntries = layout.sets;
    this.nameBytes = layout.names;
    this.recordBytes = layout.recordBytes;
    this.live = layout.live;
    this.dead = layout.dead;
    this.arena = layout.arena;
  }

  /** How the snapshot is laid out (for a patch, and tests). */
  get layout(): SnapshotLayout {
    return {
      data: this.data,
      slots: this.slots,
      slotCount: this.mask + 1,
      nodesAt: this.nodesAt,
      setsAt: this.setsAt,
      namesAt: this.namesAt,
      recordsAt: this.tailsAt,
      nodes: this.nodeCount,
      sets: this.setEntries,
      names: this.nameBytes,
      recordBytes: this.recordBytes,
      apex: this.apex,
      live: this.live,
      records: this.recordCount,
      cuts: this.cutCount,
      dead: this.dead,
      gone: this.gone,
      arena: this.arena,
    };
  }

  /** The hash slot `slot`'s entry: node index + 1, 0 when free. */
  private slot(slot: number): number {
    return u32(this.slots[slot >>> SLOT_SHIFT]!, (slot & SLOT_MASK) << 2);
  }

  /**
   * The node of `name` (lowercase, absolute; an owner or an empty non-terminal), or -1 when
   * no such name exists in the zone.
   */
  findNode(name: string): number {
    const end = relativeEnd(name, this.name);
    if (end <= 0) return end === 0 ? this.apex : -1;
    const hash = hashText(name, end);
    if (hash < 0) {
      const rel = relativeWire(name, this.name);
      return rel < 0 ? -1 : this.findWire(NAME, 0, rel);
    }
    const d = this.data;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slot(slot);
      if (entry === 0) return -1;
      const n = this.nodesAt + (entry - 1) * NODE_BYTES;
      if (sameName(d, this.namesAt + u32(d, n), d[n + 10]!, name, end)) return entry - 1;
    }
  }

  /** The node whose name below the apex is the wire labels `b[at, at + len)` (lowercase), or -1. */
  findWire(b: Buffer, at: number, len: number): number {
    if (len === 0) return this.apex;
    const d = this.data;
    for (let slot = hashWire(b, at, len) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slot(slot);
      if (entry === 0) return -1;
      const n = this.nodesAt + (entry - 1) * NODE_BYTES;
      const name = this.namesAt + u32(d, n);
      if (d[n + 10] === len && b.compare(d, name, name + len, at, at + len) === 0) return entry - 1;
    }
  }

  /** Where the node's owner name (wire labels without the apex) starts in `data`, and its length. */
  nodeNameAt(node: number): number {
    return this.namesAt + u32(this.data, this.nodesAt + node * NODE_BYTES);
  }
  nodeNameLength(node: number): number {
    return this.data[this.nodesAt + node * NODE_BYTES + 10]!;
  }
  firstSet(node: number): number {
    return u32(this.data, this.nodesAt + node * NODE_BYTES + 4);
  }
  /** How many names one label below the node exist. */
  childCount(node: number): number {
    return u32(this.data, this.nodesAt + node * NODE_BYTES + 12);
  }
  /** Whether the node entry is not this snapshot's: a patch replaced it, or removed its name. */
  isGone(node: number): boolean {
    return this.gone !== null && (this.gone[node >>> 3]! & (1 << (node & 7))) !== 0;
  }
  /** How many RRsets the node owns; 0 for an empty non-terminal. */
  setsAtNode(node: number): number {
    return u16(this.data, this.nodesAt + node * NODE_BYTES + 8);
  }
  /** Whether the node owns an NS set below the apex. */
  isCut(node: number): boolean {
    return (this.data[this.nodesAt + node * NODE_BYTES + 11]! & CUT) !== 0;
  }

  /** The node's RRset of type `type` (a type code), or -1. */
  findSet(node: number, type: number): number {
    const first = this.firstSet(node);
    const end = first + this.setsAtNode(node);
    for (let s = first; s < end; s++) if (this.setType(s) === type) return s;
    return -1;
  }
  setType(set: number): number {
    return u16(this.data, this.setsAt + set * SET_BYTES + 8);
  }
  /** Where the set's first record tail starts in `data`; the others follow it. */
  setRecordsAt(set: number): number {
    return this.tailsAt + u32(this.data, this.setsAt + set * SET_BYTES);
  }
  setSize(set: number): number {
    return u32(this.data, this.setsAt + set * SET_BYTES + 4);
  }
  /** The length of the record tail at `at` (TTL, RDLENGTH and rdata). */
  recordLength(at: number): number {
    return 6 + ((this.data[at + 4]! << 8) | this.data[at + 5]!);
  }

  /** The set's records as encoder input, owned by `owner` (the name asked for, or a wildcard's). */
  pushRecords(out: WireRecord[], set: number, owner: string, ttl?: number): void {
    const d = this.data;
    const type = typeNameOf(this.setType(set));
    let at = this.setRecordsAt(set);
    for (let i = this.setSize(set); i > 0; i--) {
      const end = at + this.recordLength(at);
      out.push({ name: owner, type, class: 'IN', ttl: ttl ?? d.readUInt32BE(at), data: new WireRdata(d, at + 6, end) });
      at = end;
    }
  }

  /**
   * The domain name in the rdata of the set's `index`-th record as lookups spell it
   * (lookupName): the target of an NS, CNAME, MX or SRV record.
   */
  targetName(set: number, index: number): string {
    let at = this.setRecordsAt(set);
    for (let i = 0; i < index; i++) at += this.recordLength(at);
    const type = this.setType(set);
    return lookupName(wireNameText(this.data, at + 6 + (type === T_MX ? 2 : type === T_SRV ? 6 : 0), at + this.recordLength(at)));
  }

  /** The SOA's set: the apex's first. */
  get soaSet(): number {
    return this.firstSet(this.apex);
  }

  /** The SOA record as encoder input (with `ttl` instead of its own, for negative answers). */
  soaRecord(ttl?: number): WireRecord {
    const out: WireRecord[] = [];
    this.pushRecords(out, this.soaSet, this.name, ttl);
    return out[0]!;
  }

  /** The records at `name` of `type` in presentation form, as stored (for NOTIFY and probing, not the answer path). */
  recordsAt(name: string, type: string): RR[] {
    const node = this.findNode(name);
    const set = node < 0 ? -1 : this.findSet(node, typeCodeOf(type));
    const out: RR[] = [];
    if (set < 0) return out;
    let at = this.setRecordsAt(set);
    for (let i = this.setSize(set); i > 0; i--) {
      const end = at + this.recordLength(at);
      out.push({ name, type, ttl: this.data.readUInt32BE(at), content: rdataToContent(type, this.data, at + 6, end) });
      at = end;
    }
    return out;
  }

  /** The SOA in presentation form. */
  soaRR(): RR {
    return this.recordsAt(this.name, 'SOA')[0]!;
  }

  /** The addresses at `name` (A, then AAAA), in presentation form. */
  addressesOf(name: string): RR[] {
    return [...this.recordsAt(name, 'A'), ...this.recordsAt(name, 'AAAA')];
  }
}

/** The snapshot of a zone of `records`, built in one go (a small zone, or a test). */
export function buildSnapshot(z: SnapshotHeader, records: readonly RR[]): ZoneSnapshot {
  const b = new ZoneBuilder(z);
  for (const r of records) b.add(r.name, r.type, r.ttl, r.content);
  const steps = b.finish();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Nodes between two chances to pause. */
const STEP = 256;
/** Records from which a builder has the garbage collected before it lays out the zone. */
const COLLECT_BEFORE_LAYOUT = 100_000;

// Where a record's rdata is written first (builders run synchronously, one add at a time).
const RDATA = Buffer.allocUnsafe(MAX_RDATA);

/** Grows a typed array to hold at least `n` items, doubling. */
function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(a: T, n: number): T {
  if (n <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
  next.set(a);
  return next;
}

/** `src[from, to)` into `dst` at `at`: a loop for the few bytes of a record, where Buffer.copy's call costs more. */
function copyBytes(src: Buffer, from: number, to: number, dst: Buffer, at: number): void {
  if (to - from > 64) src.copy(dst, at, from, to);
  else for (let i = from; i < to; i++) dst[at++] = src[i]!;
}

function grownBuffer(b: Buffer, n: number): Buffer {
  if (n <= b.length) return b;
  const next = Buffer.allocUnsafe(Math.max(n, b.length * 2));
  b.copy(next);
  return next;
}

/**
 * Builds one ZoneSnapshot from the zone's header and its records, added one at a time in the
 * order they were read (so the loader can build while it reads, without holding the records
 * as objects). Everything it keeps meanwhile is in typed arrays and Buffers.
 */
export class ZoneBuilder {
  private readonly apex: string;
  // Owner names, wire labels without the apex.
  private names: Buffer = Buffer.allocUnsafe(256);
  private namesLength = 0;
  private slots: Int32Array = new Int32Array(16);
  // Per node: its name, its hash (so that growing the table and laying it out never hash a
  // name again), its first set and how many it has; the sets of a node are a list.
  private nodeCount = 0;
  private nodeNameAt: Uint32Array = new Uint32Array(8);
  private nodeNameLength: Uint8Array = new Uint8Array(8);
  private nodeHash: Uint32Array = new Uint32Array(8);
  private nodeFirstSet: Int32Array = new Int32Array(8);
  private nodeSets: Uint16Array = new Uint16Array(8);
  private nodeChildren: Uint32Array = new Uint32Array(8);
  // Per set: its type, the next set of its node, its records and their bytes.
  private setCount = 0;
  private setType: Uint16Array = new Uint16Array(8);
  private setNext: Int32Array = new Int32Array(8);
  private setSize: Uint32Array = new Uint32Array(8);
  private setBytes: Uint32Array = new Uint32Array(8);
  // Per record, in the order added: its set; its tail (TTL, RDLENGTH, rdata) in `tails`.
  private recordCount = 0;
  private recordSet: Uint32Array = new Uint32Array(16);
  private tails: Buffer = Buffer.allocUnsafe(1024);
  private tailsLength = 0;
  // The last owner and set added: records of one owner and type usually come together.
  private lastName = '';
  private lastNode = -1;
  private lastSet = -1;

  constructor(private readonly z: SnapshotHeader) {
    this.apex = z.name;
    this.addNode(0, 0);
    this.add(z.soa.name, 'SOA', z.soa.ttl, z.soa.content);
  }

  /** Adds one record (owner lowercase and absolute, inside the zone; content canonical). */
  add(name: string, type: string, ttl: number, content: string): void {
    const sameOwner = name === this.lastName;
    const node = sameOwner ? this.lastNode : this.nodeOf(name);
    const code = typeCodeOf(type);
    const set = sameOwner && this.setType[this.lastSet] === code ? this.lastSet : this.setOf(node, code);
    this.lastName = name;
    this.lastNode = node;
    this.lastSet = set;
    // RFC 2181 §8: 0..2^31-1; anything else could not be sent.
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) throw new Error(`${name} ${type}: TTL ${ttl} is out of range`);
    // The rdata goes straight into the tails when they have room for the biggest: a big zone's
    // always do, a small zone's rdata is written aside and copied instead.
    const at = this.tailsLength;
    if (at >= 65536 && this.tails.length - at < 6 + MAX_RDATA) this.tails = grownBuffer(this.tails, at + 6 + MAX_RDATA);
    let rdlength: number;
    if (this.tails.length - at >= 6 + MAX_RDATA) {
      rdlength = writeContentRdata(type, content, this.tails, at + 6) - at - 6;
    } else {
      rdlength = writeContentRdata(type, content, RDATA, 0);
      this.tails = grownBuffer(this.tails, at + 6 + rdlength);
      copyBytes(RDATA, 0, rdlength, this.tails, at + 6);
    }
    const t = this.tails;
    t[at] = ttl >>> 24;
    t[at + 1] = (ttl >>> 16) & 0xff;
    t[at + 2] = (ttl >>> 8) & 0xff;
    t[at + 3] = ttl & 0xff;
    t[at + 4] = rdlength >>> 8;
    t[at + 5] = rdlength & 0xff;
    this.tailsLength = at + 6 + rdlength;
    const r = this.recordCount++;
    this.recordSet = grown(this.recordSet, r + 1);
    this.recordSet[r] = set;
    this.setSize[set]!++;
    this.setBytes[set] += 6 + rdlength;
  }

  /** The node's set of type `code`, added at the end of its list when new. */
  private setOf(node: number, code: number): number {
    let last = -1;
    for (let s = this.nodeFirstSet[node]!; s >= 0; s = this.setNext[s]!) {
      if (this.setType[s] === code) return s;
      last = s;
    }
    if (this.nodeSets[node] === 0xffff) throw new Error(`more types at one name than a zone can hold`);
    const s = this.setCount++;
    this.setType = grown(this.setType, s + 1);
    this.setNext = grown(this.setNext, s + 1);
    this.setSize = grown(this.setSize, s + 1);
    this.setBytes = grown(this.setBytes, s + 1);
    this.setType[s] = code;
    this.setNext[s] = -1;
    this.setSize[s] = 0;
    this.setBytes[s] = 0;
    if (last < 0) this.nodeFirstSet[node] = s;
    else this.setNext[last] = s;
    this.nodeSets[node]!++;
    return s;
  }

  /** The node of an owner name, added when new. */
  private nodeOf(name: string): number {
    const end = relativeEnd(name, this.apex);
    if (end === 0) return 0;
    const hash = end < 0 ? -1 : hashText(name, end);
    if (hash < 0) return this.nodeOfWire(name);
    if (end > 254) throw new Error(`record owner ${name} is longer than a name can be`);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let entry = this.slots[slot]!; entry !== 0; entry = this.slots[slot]!) {
      const n = entry - 1;
      if (sameName(this.names, this.nodeNameAt[n]!, this.nodeNameLength[n]!, name, end)) return n;
      slot = (slot + 1) & mask;
    }
    // New: its labels, lowercased, into the names.
    this.names = grownBuffer(this.names, this.namesLength + end + 1);
    const at = this.namesLength;
    let lenAt = at;
    let p = at + 1;
    for (let i = 0; i < end; i++) {
      const c = name.charCodeAt(i);
      if (c === 46) {
        if (!label(p - lenAt - 1)) throw new Error(`record owner ${name} has an empty or overlong label`);
        this.names[lenAt] = p - lenAt - 1;
        lenAt = p++;
        continue;
      }
      this.names[p++] = c;
    }
    if (!label(p - lenAt - 1)) throw new Error(`record owner ${name} has an empty or overlong label`);
    this.names[lenAt] = p - lenAt - 1;
    this.namesLength = p;
    return this.addNode(at, end + 1, hash, slot);
  }

  /** nodeOf for a name that is not plain (hashText): by its wire form. */
  private nodeOfWire(name: string): number {
    const rel = relativeWire(name, this.apex);
    if (rel < 0) throw new Error(`record owner ${name} is not a name of zone ${this.apex}`);
    if (rel === 0) return 0;
    this.names = grownBuffer(this.names, this.namesLength + rel);
    const at = this.namesLength;
    NAME.copy(this.names, at, 0, rel);
    const n = this.findWire(at, rel);
    if (n >= 0) return n;
    this.namesLength += rel;
    return this.addNode(at, rel, this.foundHash, this.freeSlot);
  }

  /** Adds a node whose name is `names[at, at + len)` with hash `hash`, in hash slot `slot` (found free by the caller). */
  private addNode(at: number, len: number, hash = 0, slot = -1): number {
    const n = this.nodeCount++;
    this.nodeNameAt = grown(this.nodeNameAt, n + 1);
    this.nodeNameLength = grown(this.nodeNameLength, n + 1);
    this.nodeHash = grown(this.nodeHash, n + 1);
    this.nodeFirstSet = grown(this.nodeFirstSet, n + 1);
    this.nodeSets = grown(this.nodeSets, n + 1);
    this.nodeChildren = grown(this.nodeChildren, n + 1);
    this.nodeNameAt[n] = at;
    this.nodeNameLength[n] = len;
    this.nodeHash[n] = hash;
    this.nodeFirstSet[n] = -1;
    this.nodeSets[n] = 0;
    this.nodeChildren[n] = 0;
    if (n > 0) {
      this.slots[slot] = n + 1;
      // Keep the table at most half full.
      if (this.nodeCount * 2 > this.slots.length) this.slots = this.rehash(this.slots.length * 2);
    }
    return n;
  }

  private rehash(size: number): Int32Array {
    const slots = new Int32Array(size);
    for (let n = 1; n < this.nodeCount; n++) {
      let slot = this.nodeHash[n]! & (size - 1);
      while (slots[slot] !== 0) slot = (slot + 1) & (size - 1);
      slots[slot] = n + 1;
    }
    return slots;
  }

  /**
   * The node whose name is the wire labels `names[at, at + len)`, or -1, with the name's hash
   * in `foundHash` and the free slot for it in `freeSlot`.
   */
  private findWire(at: number, len: number): number {
    if (len === 0) return 0;
    const mask = this.slots.length - 1;
    this.foundHash = hashWire(this.names, at, len);
    let slot = this.foundHash & mask;
    for (let entry = this.slots[slot]!; entry !== 0; entry = this.slots[slot]!) {
      const n = entry - 1;
      if (this.nodeNameLength[n] === len && this.names.compare(this.names, at, at + len, this.nodeNameAt[n]!, this.nodeNameAt[n]! + len) === 0) return n;
      slot = (slot + 1) & mask;
    }
    this.freeSlot = slot;
    return -1;
  }
  private freeSlot = -1;
  private foundHash = 0;

  /**
   * finish() for a zone that may be big, in a worker that answers queries meanwhile: gives the
   * event loop a turn whenever `slice` is used up (a 200,000-record zone took seconds to build
   * in one go). The loader adds the records the same way, a slice at a time.
   */
  async finishInSlices(slice: TimeSlice): Promise<ZoneSnapshot> {
    const steps = this.finish();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (slice.due) await slice.pause();
    }
  }

  /** Adds the empty non-terminals, then lays everything out in one Buffer; yields now and then. */
  *finish(): Generator<void, ZoneSnapshot> {
    // Every ancestor of an owner down to the apex exists (RFC 4592 §2.2.2); those that own
    // nothing are empty non-terminals, named by the tail of their descendant's name. Each
    // node is counted once in its parent: an owner here, an empty non-terminal as it is added.
    const owners = this.nodeCount;
    for (let n = 1; n < owners; n++) {
      let at = this.nodeNameAt[n]!;
      let len = this.nodeNameLength[n]!;
      for (;;) {
        const skip = this.names[at]! + 1;
        at += skip;
        len -= skip;
        const parent = this.findWire(at, len);
        if (parent >= 0) {
          this.nodeChildren[parent]!++;
          break;
        }
        this.nodeChildren[this.addNode(at, len, this.foundHash, this.freeSlot)] = 1;
      }
      if (n % STEP === 0) yield;
    }

    // A big zone's layout comes on top of what reading it left: the arrays outgrown on the way and
    // the rows read. Collected first, the million-record zone's load peaked at 289–302 MB, against
    // 314–325 MB (BIND: 307–308 MB; bench/scale.sh --big-zone, three runs each, 2026-12-07).
    if (this.recordCount >= COLLECT_BEFORE_LAYOUT) collectGarbage();
    const nodes = this.nodeCount;
    const sets = this.setCount;
    let slotCount = 16;
    while (slotCount < nodes * 1.5) slotCount *= 2;
    // A small zone's hash slots lie at the start of its buffer: one allocation per zone.
    const inData = slotCount <= SLOT_CHUNK;
    const { roomy, ...regions } = allocateRegions(nodes, sets, this.namesLength, this.tailsLength, inData ? slotCount * 4 : 0);
    const { data, nodesAt, setsAt, namesAt, recordsAt } = regions;
    this.names.copy(data, namesAt, 0, this.namesLength);
    const slots = inData ? [data.subarray(0, slotCount * 4)] : emptySlots(slotCount);
    for (let n = 1; n < nodes; n++) {
      let slot = this.nodeHash[n]! & (slotCount - 1);
      while (u32(slots[slot >>> SLOT_SHIFT]!, (slot & SLOT_MASK) << 2) !== 0) slot = (slot + 1) & (slotCount - 1);
      put32(slots[slot >>> SLOT_SHIFT]!, (slot & SLOT_MASK) << 2, n + 1);
      if (n % (STEP * 16) === 0) yield;
    }
    // Sets in node order, each node's in the order their types came: each node's sets lie
    // together, and so will each set's records. A set's bytes start where the previous set's
    // end; setBytes becomes where its next record goes.
    let cuts = 0;
    let set = 0;
    let p = recordsAt;
    for (let n = 0; n < nodes; n++) {
      const o = nodesAt + n * NODE_BYTES;
      let flags = 0;
      put32(data, o, this.nodeNameAt[n]!);
      put32(data, o + 4, set);
      put16(data, o + 8, this.nodeSets[n]!);
      data[o + 10] = this.nodeNameLength[n]!;
      put32(data, o + 12, this.nodeChildren[n]!);
      for (let s = this.nodeFirstSet[n]!; s >= 0; s = this.setNext[s]!) {
        const so = setsAt + set * SET_BYTES;
        put32(data, so, p - recordsAt);
        put32(data, so + 4, this.setSize[s]!);
        put16(data, so + 8, this.setType[s]!);
        if (n > 0 && this.setType[s] === T_NS) flags |= CUT;
        const bytes = this.setBytes[s]!;
        this.setBytes[s] = p;
        p += bytes;
        set++;
      }
      if (flags & CUT) cuts++;
      data[o + 11] = flags;
      if (n % STEP === 0) yield;
    }
    // Records in the order added, each to the end of its set so far.
    const t = this.tails;
    for (let r = 0, at = 0; r < this.recordCount; r++) {
      const end = at + 6 + ((t[at + 4]! << 8) | t[at + 5]!);
      const s = this.recordSet[r]!;
      copyBytes(t, at, end, data, this.setBytes[s]!);
      this.setBytes[s] += end - at;
      at = end;
      if (r % (STEP * 16) === 0) yield;
    }
    const used = { nodes, sets, names: this.namesLength, records: this.tailsLength };
    const rest = { names: used.names, recordBytes: used.records, apex: 0, live: nodes, records: this.recordCount, dead: 0, gone: null };
    return new ZoneSnapshot(this.z, { ...regions, slots, slotCount, nodes, sets, cuts, ...rest, arena: roomy ? used : null });
  }
}

/** RFC 1035 §2.3.4: a label holds 1 to 63 octets. */
function label(length: number): boolean {
  return length > 0 && length <= 63;
}
