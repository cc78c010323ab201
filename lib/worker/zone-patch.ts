// Applies journal entries (the records a change removed and added, as the
// change service journals them for IXFR) to a zone's snapshot, giving the
// snapshot of the zone after them, without reading the zone again. A change of
// a few records to a zone of a million is served in milliseconds instead of
// the seconds a rebuild takes.
//
// The new snapshot appends to the old one's regions (snapshot-layout.ts): new
// names, a new entry for each name whose sets or children change, a fresh run
// of sets for each owner the change touches, the records of each set it
// changes; and it copies the hash slot chunks it changes. It writes nothing an
// older snapshot reads, so queries and transfers in flight keep theirs. What it
// replaces stays behind unreferenced (counted as dead); once that is half of
// the zone the caller rebuilds the zone instead, which compacts it.
import { MAX_RDATA, writeContentRdata } from '../dns/rdata-wire';
import { MAX_TTL } from '../dns/ttl';
import type { RR } from '../dns/types';
import { T_NS, T_SOA, typeCodeOf } from '../dns/wire';
import { allocateRegions, CUT, emptySlots, snapshotMemory, hashWire, NAME, NODE_BYTES, put16, put32, relativeWire, SET_BYTES, SLOT_MASK, SLOT_SHIFT, u32 } from './snapshot-layout';
import { ZoneSnapshot, type SnapshotHeader, type SnapshotLayout } from './zone-snapshot';

/** One journal entry: records removed, then records added (its SOAs are ignored: the header has the zone's). */
export interface JournalStep {
  removed: readonly RR[];
  added: readonly RR[];
}

/** An RRset after the patch: an old set kept as it is, or the record tails it now holds. */
type NewSet = { type: number; old: number } | { type: number; tails: Buffer[] };

/** A name the patch touches: an owner whose records change, or an ancestor or parent of one. */
interface PlanNode {
  /** Wire labels below the apex. */
  rel: Buffer;
  /** Its node in the old snapshot, or -1. */
  old: number;
  /** Its new node (old nodes keep theirs); -1 until placed. */
  node: number;
  children: number;
  /** The RRsets it owns after the patch, for an owner whose records change. */
  sets?: NewSet[];
  /** Its changed RRsets so far, by type: record tails. */
  edits?: Map<number, Buffer[]>;
  exists: boolean;
  /** Whether it exists after the patch. */
  keep: boolean;
}

/** Below this many dead bytes a snapshot is patched again whatever its size. */
const MIN_DEAD = 1 << 20;

// A record's tail is encoded here first.
const TAIL = Buffer.allocUnsafe(6 + MAX_RDATA);

/**
 * The snapshot of `old`'s zone after `steps`, with `header` (the zone's row now: its serial,
 * SOA, version, transfer policy). Null when the steps do not apply to `old` (a record to remove
 * that it does not hold, a name outside the zone) or when the result would be mostly dead
 * bytes: the caller builds the zone from the database then.
 */
export function patchSnapshot(old: ZoneSnapshot, header: SnapshotHeader, steps: readonly JournalStep[]): ZoneSnapshot | null {
  if (header.name !== old.name) return null;
  const plan = new Plan(old);
  for (const step of steps) {
    for (const r of step.removed) if (r.type !== 'SOA' && !plan.remove(r)) return null;
    for (const r of step.added) if (r.type !== 'SOA' && !plan.add(r)) return null;
  }
  plan.replaceSoa(header.soa);
  plan.settle();
  return plan.write(header);
}

class Plan {
  private readonly names = new Map<string, PlanNode>();
  /** Owners whose records change, in the order first touched. */
  private readonly owners: PlanNode[] = [];
  private readonly d: Buffer;
  private readonly L: Readonly<SnapshotLayout>;

  constructor(private readonly old: ZoneSnapshot) {
    this.d = old.data;
    this.L = old.layout;
  }

  remove(r: RR): boolean {
    const tails = this.setOf(r);
    const wanted = tails && encodeTail(r);
    const i = wanted ? sameRdata(tails!, wanted) : -1;
    if (i < 0) return false;
    tails!.splice(i, 1);
    return true;
  }

  /** Adds `r`; one the set holds already takes the new TTL (a zone holds a record once). */
  add(r: RR): boolean {
    const tails = this.setOf(r);
    const tail = tails && encodeTail(r);
    if (!tail) return false;
    const i = sameRdata(tails!, tail);
    if (i >= 0) tails!.splice(i, 1);
    tails!.push(Buffer.from(tail));
    return true;
  }

  replaceSoa(soa: RR): void {
    const apex = this.owner(Buffer.alloc(0));
    const tail = encodeTail(soa);
    if (!tail) throw new Error(`the SOA of ${this.old.name} cannot be encoded`);
    apex.edits!.set(T_SOA, [Buffer.from(tail)]);
  }

  /** The record tails of `r`'s RRset as the patch has it so far; null for a name outside the zone. */
  private setOf(r: RR): Buffer[] | null {
    const len = relativeWire(r.name, this.old.name);
    if (len < 0) return null;
    const o = this.owner(Buffer.from(NAME.subarray(0, len)));
    let code: number;
    try {
      code = typeCodeOf(r.type);
    } catch {
      return null;
    }
    let tails = o.edits!.get(code);
    if (!tails) {
      tails = o.old >= 0 ? this.oldTails(o.old, code) : [];
      o.edits!.set(code, tails);
    }
    return tails;
  }

  private oldTails(node: number, type: number): Buffer[] {
    const set = this.old.findSet(node, type);
    const out: Buffer[] = [];
    if (set < 0) return out;
    let at = this.old.setRecordsAt(set);
    for (let i = this.old.setSize(set); i > 0; i--) {
      const end = at + this.old.recordLength(at);
      out.push(this.d.subarray(at, end));
      at = end;
    }
    return out;
  }

  private owner(rel: Buffer): PlanNode {
    const p = this.named(rel);
    if (!p.edits) {
      p.edits = new Map();
      this.owners.push(p);
    }
    return p;
  }

  private named(rel: Buffer): PlanNode {
    const key = rel.toString('latin1');
    let p = this.names.get(key);
    if (!p) {
      const old = this.old.findWire(rel, 0, rel.length);
      p = { rel, old, node: old, children: old >= 0 ? this.old.childCount(old) : 0, exists: old >= 0, keep: old >= 0 };
      this.names.set(key, p);
    }
    return p;
  }

  private parentOf(p: PlanNode): PlanNode {
    return this.named(p.rel.subarray(p.rel[0]! + 1));
  }

  /**
   * Works out each owner's RRsets after the patch, then which names come into being (an owner
   * with records, and every missing ancestor of it as an empty non-terminal) and which cease
   * (a name with neither records nor names below it, and so on up).
   */
  settle(): void {
    for (const o of this.owners) {
      const sets: NewSet[] = [];
      const edits = o.edits!;
      if (o.old >= 0) {
        const first = this.old.firstSet(o.old);
        for (let s = first; s < first + this.old.setsAtNode(o.old); s++) {
          const type = this.old.setType(s);
          const tails = edits.get(type);
          if (!tails) sets.push({ type, old: s });
          else if (tails.length) sets.push({ type, tails });
        }
      }
      for (const [type, tails] of edits) if (tails.length && !sets.some((s) => s.type === type)) sets.push({ type, tails });
      o.sets = sets;
    }
    for (const o of this.owners) if (o.sets!.length) this.bringIntoBeing(o);
    for (const o of this.owners) this.ceaseIfEmpty(o);
  }

  private bringIntoBeing(p: PlanNode): void {
    if (p.keep) return;
    p.keep = true;
    const parent = this.parentOf(p);
    parent.children++;
    this.bringIntoBeing(parent);
  }

  private ceaseIfEmpty(p: PlanNode): void {
    if (!p.keep || p.rel.length === 0 || p.children > 0) return;
    if (p.sets ? p.sets.length > 0 : p.old >= 0 && this.old.setsAtNode(p.old) > 0) return;
    p.keep = false;
    const parent = this.parentOf(p);
    parent.children--;
    this.ceaseIfEmpty(parent);
  }

  write(header: SnapshotHeader): ZoneSnapshot | null {
    const { old, d, L } = this;
    const touched = [...this.names.values()];
    const born = touched.filter((p) => p.keep && !p.exists);
    const gone = touched.filter((p) => p.exists && !p.keep);
    // A name that stays and was touched gets a new entry: its sets or its children changed.
    const replaced = touched.filter((p) => p.keep && p.exists);
    const rewritten = this.owners.filter((o) => o.keep);
    let newSets = 0;
    let newRecordBytes = 0;
    let dead = L.dead + replaced.length * NODE_BYTES;
    let records = old.recordCount;
    for (const o of this.owners) {
      if (o.old >= 0) {
        const first = old.firstSet(o.old);
        for (let s = first; s < first + old.setsAtNode(o.old); s++) {
          if (!o.sets!.some((n) => 'old' in n && n.old === s)) {
            dead += setBytes(old, s);
            records -= old.setSize(s);
          }
        }
        dead += old.setsAtNode(o.old) * SET_BYTES;
      }
      if (!o.keep) continue;
      newSets += o.sets!.length;
      for (const s of o.sets!) {
        if (!('tails' in s)) continue;
        records += s.tails.length;
        for (const t of s.tails) newRecordBytes += t.length;
      }
    }
    for (const p of gone) dead += NODE_BYTES + p.rel.length;
    let newNameBytes = 0;
    for (const p of born) newNameBytes += p.rel.length;
    const nodes = L.nodes + born.length + replaced.length;
    const sets = L.sets + newSets;
    const names = L.names + newNameBytes;
    const recordBytes = L.recordBytes + newRecordBytes;
    if (dead > MIN_DEAD && dead * 2 > nodes * NODE_BYTES + sets * SET_BYTES + names + recordBytes) return null;

    const { arena, ...regions } = this.room(nodes, sets, names, recordBytes);
    const { data, nodesAt, setsAt, namesAt, recordsAt } = regions;
    if (arena) Object.assign(arena, { nodes, sets, names, records: recordBytes });
    const gones = snapshotMemory((nodes + 7) >>> 3, true);
    if (L.gone) gones.set(L.gone);
    const markGone = (n: number) => (gones[n >>> 3]! |= 1 << (n & 7));

    // New entries: the new names, then those that replace an old one.
    let nameAt = L.names;
    let node = L.nodes;
    for (const p of born) {
      p.rel.copy(data, namesAt + nameAt);
      p.node = node++;
      const o = nodesAt + p.node * NODE_BYTES;
      put32(data, o, nameAt);
      put32(data, o + 4, 0);
      put16(data, o + 8, 0);
      data[o + 10] = p.rel.length;
      data[o + 11] = 0;
      nameAt += p.rel.length;
    }
    for (const p of replaced) {
      p.node = node++;
      d.copy(data, nodesAt + p.node * NODE_BYTES, L.nodesAt + p.old * NODE_BYTES, L.nodesAt + (p.old + 1) * NODE_BYTES);
      markGone(p.old);
    }
    for (const p of touched) if (p.keep) put32(data, nodesAt + p.node * NODE_BYTES + 12, p.children);
    let cuts = old.cutCount;
    for (const p of gone) {
      if (d[L.nodesAt + p.old * NODE_BYTES + 11]! & CUT) cuts--;
      markGone(p.old);
    }

    // Each changed owner's sets, in a run of their own; the records of each changed set after the others.
    let set = L.sets;
    let recordAt = L.recordBytes;
    for (const o of rewritten) {
      const at = nodesAt + o.node * NODE_BYTES;
      const wasCut = (data[at + 11]! & CUT) !== 0;
      put32(data, at + 4, set);
      put16(data, at + 8, o.sets!.length);
      let cut = false;
      for (const s of o.sets!) {
        const so = setsAt + set++ * SET_BYTES;
        if ('old' in s) {
          d.copy(data, so, L.setsAt + s.old * SET_BYTES, L.setsAt + (s.old + 1) * SET_BYTES);
        } else {
          put32(data, so, recordAt);
          put32(data, so + 4, s.tails.length);
          put16(data, so + 8, s.type);
          for (const t of s.tails) recordAt += t.copy(data, recordsAt + recordAt);
        }
        if (s.type === T_NS && o.rel.length > 0) cut = true;
      }
      data[at + 11] = cut ? CUT : 0;
      cuts += Number(cut) - Number(wasCut);
    }
    const apex = this.names.get('')!.node;

    // The hash slots: the old chunks, those it changes copied; all anew once they are too full.
    const live = L.live + born.length - gone.length;
    let slotCount = L.slotCount;
    while (live * 4 > slotCount * 3) slotCount *= 2;
    let slots: Buffer[];
    if (slotCount === L.slotCount) {
      // A chunk that lies in the old buffer is copied out of it: the new snapshot must not keep that buffer.
      const chunks = L.slots.map((c) => (data !== d && c.buffer === d.buffer ? copyOf(c) : c));
      const table = new Slots(chunks, slotCount, data, nodesAt, namesAt, true);
      for (const p of gone) table.remove(p.old);
      for (const p of replaced) if (p.rel.length > 0) table.replace(p.old, p.node);
      for (const p of born) table.insert(p.node);
      slots = table.chunks;
    } else {
      const table = new Slots(emptySlots(slotCount), slotCount, data, nodesAt, namesAt, false);
      for (let n = 0; n < nodes; n++) if (n !== apex && !(gones[n >>> 3]! & (1 << (n & 7)))) table.insert(n);
      slots = table.chunks;
    }
    const rest = { names, recordBytes, apex, live, records, dead, gone: gones };
    return new ZoneSnapshot(header, { ...regions, slots, slotCount, nodes, sets, cuts, ...rest, arena });
  }

  /**
   * Where the new snapshot's regions go: in the old buffer, after what the old snapshot uses,
   * when the old snapshot is the newest laid out there and each region has room; else in a new
   * buffer with the old regions copied in.
   */
  private room(nodes: number, sets: number, names: number, recordBytes: number) {
    const { d, L } = this;
    const a = L.arena;
    const newest = a !== null && a.nodes === L.nodes && a.sets === L.sets && a.names === L.names && a.records === L.recordBytes;
    const fits =
      nodes * NODE_BYTES <= L.setsAt - L.nodesAt && sets * SET_BYTES <= L.namesAt - L.setsAt && names <= L.recordsAt - L.namesAt && recordBytes <= d.length - L.recordsAt;
    if (newest && fits) return { data: d, nodesAt: L.nodesAt, setsAt: L.setsAt, namesAt: L.namesAt, recordsAt: L.recordsAt, arena: a };
    const { roomy, ...regions } = allocateRegions(nodes, sets, names, recordBytes);
    const { data, nodesAt, setsAt, namesAt, recordsAt } = regions;
    d.copy(data, nodesAt, L.nodesAt, L.nodesAt + L.nodes * NODE_BYTES);
    d.copy(data, setsAt, L.setsAt, L.setsAt + L.sets * SET_BYTES);
    d.copy(data, namesAt, L.namesAt, L.namesAt + L.names);
    d.copy(data, recordsAt, L.recordsAt, L.recordsAt + L.recordBytes);
    return { ...regions, arena: roomy ? { nodes: 0, sets: 0, names: 0, records: 0 } : null };
  }
}

/** A copy of `b` in memory of its own. */
function copyOf(b: Buffer): Buffer {
  const out = snapshotMemory(b.length);
  b.copy(out);
  return out;
}

/** Where `tails` holds a record with the rdata of `tail` (whatever its TTL), or -1. */
function sameRdata(tails: readonly Buffer[], tail: Buffer): number {
  return tails.findIndex((t) => t.length === tail.length && t.compare(tail, 4, tail.length, 4, t.length) === 0);
}

/** The bytes of a set's records. */
function setBytes(z: ZoneSnapshot, set: number): number {
  let at = z.setRecordsAt(set);
  const start = at;
  for (let i = z.setSize(set); i > 0; i--) at += z.recordLength(at);
  return at - start;
}

/** `r`'s tail (TTL, RDLENGTH, rdata) in TAIL, as a view of it; null when it cannot be encoded. */
function encodeTail(r: RR): Buffer | null {
  if (!Number.isInteger(r.ttl) || r.ttl < 0 || r.ttl > MAX_TTL) return null;
  let end: number;
  try {
    end = writeContentRdata(r.type, r.content, TAIL, 6);
  } catch {
    return null;
  }
  TAIL.writeUInt32BE(r.ttl, 0);
  TAIL.writeUInt16BE(end - 6, 4);
  return TAIL.subarray(0, end);
}

/**
 * The hash slots of the snapshot being written (linear probing, as lookups walk them): the old
 * snapshot's chunks, each copied before its first change (`shared`), or new ones.
 */
class Slots {
  private readonly mask: number;
  private readonly copied = new Set<number>();

  constructor(
    readonly chunks: Buffer[],
    count: number,
    private readonly data: Buffer,
    private readonly nodesAt: number,
    private readonly namesAt: number,
    private readonly shared: boolean,
  ) {
    this.mask = count - 1;
  }

  private get(slot: number): number {
    return u32(this.chunks[slot >>> SLOT_SHIFT]!, (slot & SLOT_MASK) << 2);
  }

  private set(slot: number, entry: number): void {
    const c = slot >>> SLOT_SHIFT;
    if (this.shared && !this.copied.has(c)) {
      this.chunks[c] = copyOf(this.chunks[c]!);
      this.copied.add(c);
    }
    put32(this.chunks[c]!, (slot & SLOT_MASK) << 2, entry);
  }

  private home(node: number): number {
    const o = this.nodesAt + node * NODE_BYTES;
    return hashWire(this.data, this.namesAt + u32(this.data, o), this.data[o + 10]!) & this.mask;
  }

  /** The slot holding `node`. */
  private find(node: number): number {
    let slot = this.home(node);
    while (this.get(slot) !== node + 1) slot = (slot + 1) & this.mask;
    return slot;
  }

  insert(node: number): void {
    let slot = this.home(node);
    while (this.get(slot) !== 0) slot = (slot + 1) & this.mask;
    this.set(slot, node + 1);
  }

  /** Points the slot of `from` at `to`, an entry of the same name. */
  replace(from: number, to: number): void {
    this.set(this.find(from), to + 1);
  }

  /** Takes the node out, moving back the entries after it that would no longer be found (Knuth's algorithm R). */
  remove(node: number): void {
    const mask = this.mask;
    let i = this.find(node);
    for (;;) {
      this.set(i, 0);
      let j = i;
      for (;;) {
        j = (j + 1) & mask;
        const entry = this.get(j);
        if (entry === 0) return;
        const home = this.home(entry - 1);
        // The entry at j stays when its home slot lies cyclically in (i, j].
        if (i <= j ? i < home && home <= j : i < home || home <= j) continue;
        this.set(i, entry);
        i = j;
        break;
      }
    }
  }
}
