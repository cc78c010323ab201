// Keeping a signed zone signed as it changes, without reading the whole zone:
// planResign works out which DNSSEC records a change of data records must
// also remove and add (the RRSIGs of the RRsets it touches, the NSEC/NSEC3
// records of the names it touches and of their neighbours in the chain, the
// apex key records), reading only those names, their ancestors and the chain
// records around them through a SignedZoneView. refreshSignatures remakes
// signatures that are about to expire, a batch of names at a time.
//
// The result equals what signZone (sign-zone.ts) builds for the zone as it
// will be, record for record except for the signatures' bytes: both follow
// signing-rules.ts, and resign.test.ts checks it over random changes.
import { ancestorNames, isInZone } from '../names.ts';
import type { RR } from '../types.ts';
import { compareCanonical } from './canonical.ts';
import { nsecContent, parseNsec, sortTypes } from './nsec.ts';
import { hashOf, nsec3Content, nsec3Hash, parseNsec3 } from './nsec3.ts';
import { parseRrsig } from './sign.ts';
import {
  apexKeyRecords,
  dataTypes,
  denialTtl,
  nsec3Types,
  nsecTypes,
  signedTypes,
  signingKeysFor,
  signWithKeys,
  type NamePlace,
} from './signing-rules.ts';
import { isSignerType, type SigningPolicy, type ZoneKey } from './types.ts';

/**
 * The stored zone before the change, as the planner reads it. Every method reads a few
 * rows along an index; lib/zones/signed-zone-view.ts implements it over Prisma and says
 * what each query costs.
 */
export interface SignedZoneView {
  /** The zone's apex, canonical. */
  readonly zone: string;
  /** Every stored record (DNSSEC ones included, exactly as stored) owned by one of `names`. */
  recordsAt(names: readonly string[]): Promise<RR[]>;
  /**
   * The stored NSEC record whose owner comes last, in canonical order (RFC 4034 §6.1),
   * before `name` (strictly); when none does, the last NSEC record of the zone (the chain
   * is a ring). Null when the zone holds no NSEC record.
   */
  nsecBefore(name: string): Promise<RR | null>;
  /** The same for NSEC3 and a hash (lower-case base32hex, the owner's first label), in hash order. */
  nsec3Before(hash: string): Promise<RR | null>;
  /** Up to `limit` distinct names strictly below `name` that own stored records, in any order. */
  namesBelow(name: string, limit: number): Promise<string[]>;
}

/** A change to the zone's data records, as the change service commits it. */
export interface ZoneChange {
  /** Data records removed (as stored); DNSSEC types are refused, an SOA among them ignored. */
  removed: readonly RR[];
  /** Data records added; likewise. */
  added: readonly RR[];
  /** The zone's SOA record after the change (new serial): always re-signed. */
  soa: RR;
}

/** DNSSEC records to remove (exactly as stored) and to add, in the same transaction as the change. */
export interface ResignPlan {
  removed: RR[];
  added: RR[];
}

const CHAIN_TYPES = new Set(['NSEC', 'NSEC3']);
/** Apex records made from the keys and the policy (apexKeyRecords). */
const APEX_KEY_TYPES = ['DNSKEY', 'CDS', 'CDNSKEY', 'NSEC3PARAM'];
const recordKey = (r: RR) => `${r.name} ${r.type} ${r.ttl} ${r.content}`;
const dataKey = (r: RR) => `${r.type} ${r.content}`;

/** One name's data and standing, before or after the change. */
interface NameState {
  /** Data records (no DNSSEC types but the apex key records), by type. */
  data: RR[];
  occluded: boolean;
  place: NamePlace;
  types: string[];
}

/**
 * The DNSSEC records that change must remove and add for zone view.zone (signed with
 * `keys` by `policy`) to stay fully signed at `now` (unix seconds): signatures of the
 * RRsets it changes (the SOA's always), NSEC/NSEC3 records of the names it adds or empties
 * (empty non-terminals and names a new or removed delegation hides or uncovers included)
 * and of their predecessors in the chain, and the apex key records when `keys` changed
 * them. Reads only the touched names, their ancestors, the names below a delegation point
 * that appears or goes, and one chain record per name entering or leaving the chain.
 * Throws when the change holds DNSSEC records (the signer owns them) or names outside the
 * zone, and when the stored chain is not the kind policy.denial asks for (switching
 * between NSEC and NSEC3 is a full signing).
 */
export async function planResign(
  view: SignedZoneView,
  change: ZoneChange,
  keys: readonly ZoneKey[],
  policy: SigningPolicy,
  now: number,
): Promise<ResignPlan> {
  const zone = view.zone;
  const nsec3 = policy.denial === 'nsec3';
  for (const r of [...change.removed, ...change.added]) {
    if (isSignerType(r.type)) throw new Error(`${r.name} ${r.type}: DNSSEC records are the signer's, not part of a change`);
    if (!isInZone(r.name, zone)) throw new Error(`${r.name} is not in zone ${zone}`);
  }
  const removedData = change.removed.filter((r) => r.type !== 'SOA');
  const addedData = change.added.filter((r) => r.type !== 'SOA');

  // 1. The names to look at: the touched ones and their ancestors up to the apex.
  const touched = new Set<string>([zone, ...removedData.map((r) => r.name), ...addedData.map((r) => r.name)]);
  const names = new Set<string>();
  const addWithAncestors = (name: string, upTo: string) => {
    names.add(name);
    for (const a of ancestorNames(name)) {
      if (!isInZone(a, upTo)) break;
      names.add(a);
    }
  };
  for (const n of touched) addWithAncestors(n, zone);
  const stored = new Map<string, RR[]>();
  const load = async (list: readonly string[]) => {
    const fresh = list.filter((n) => !stored.has(n));
    for (const n of fresh) stored.set(n, []);
    if (fresh.length) for (const r of await view.recordsAt(fresh)) stored.get(r.name)?.push(r);
  };
  await load([...names]);

  // 2. The data at each name before and after.
  const keyRecords = apexKeyRecords(zone, keys, policy);
  const beforeData = (name: string) => {
    const list = (stored.get(name) ?? []).filter((r) => !isSignerType(r.type));
    if (name !== zone) return list;
    return [...list, ...(stored.get(name) ?? []).filter((r) => APEX_KEY_TYPES.includes(r.type))];
  };
  const removedAt = groupByName(removedData);
  const addedAt = groupByName(addedData);
  const afterData = (name: string) => {
    const m = new Map<string, RR>();
    for (const r of (stored.get(name) ?? []).filter((r) => !isSignerType(r.type))) m.set(dataKey(r), r);
    for (const r of removedAt.get(name) ?? []) m.delete(dataKey(r));
    for (const r of addedAt.get(name) ?? []) m.set(dataKey(r), r);
    if (name === zone) {
      for (const [k, r] of m) if (r.type === 'SOA') m.delete(k);
      m.set(dataKey(change.soa), change.soa);
      for (const r of keyRecords) m.set(dataKey(r), r);
    }
    return [...m.values()];
  };

  const hasNs = (list: readonly RR[]) => list.some((r) => r.type === 'NS');
  const data = { before: new Map<string, RR[]>(), after: new Map<string, RR[]>() };
  const dataOf = (when: 'before' | 'after', name: string) => {
    let d = data[when].get(name);
    if (!d) data[when].set(name, (d = when === 'before' ? beforeData(name) : afterData(name)));
    return d;
  };
  const occluded = (when: 'before' | 'after', name: string) =>
    ancestorNames(name).some((a) => a !== zone && isInZone(a, zone) && hasNs(dataOf(when, a)));

  // 3. A delegation that appears or goes hides or uncovers every name below it: those
  // names join the names to look at, with the empty non-terminals between.
  for (const x of touched) {
    if (x === zone || hasNs(dataOf('before', x)) === hasNs(dataOf('after', x))) continue;
    if (occluded('before', x) && occluded('after', x)) continue;
    const below = await view.namesBelow(x, Number.MAX_SAFE_INTEGER);
    for (const n of below) addWithAncestors(n, x);
    await load([...names]);
  }

  const stateOf = (when: 'before' | 'after', name: string): NameState => {
    const d = dataOf(when, name);
    const place: NamePlace = name === zone ? 'apex' : hasNs(d) ? 'cut' : 'name';
    const types = dataTypes(d, place).concat(place === 'apex' ? d.filter((r) => isSignerType(r.type)).map((r) => r.type) : []);
    return { data: d, occluded: occluded(when, name), place, types: sortTypes(types) };
  };
  const before = new Map<string, NameState>();
  const after = new Map<string, NameState>();
  for (const n of names) {
    before.set(n, stateOf('before', n));
    after.set(n, stateOf('after', n));
  }

  // The stored chain's kind must be the policy's.
  const apexStored = stored.get(zone) ?? [];
  const storedKind = apexStored.some((r) => r.type === 'NSEC') ? 'nsec' : apexStored.some((r) => r.type === 'NSEC3PARAM') ? 'nsec3' : null;
  if (storedKind !== null && storedKind !== policy.denial) {
    throw new Error(`zone ${zone} is signed with ${storedKind.toUpperCase()}; changing to ${policy.denial.toUpperCase()} needs the whole zone signed again`);
  }

  const plan = new PlanBuilder();

  // 4. Signatures over data RRsets (apex key records included) at the names looked at.
  for (const n of names) {
    const b = before.get(n)!;
    const a = after.get(n)!;
    const sigs = (stored.get(n) ?? []).filter((r) => r.type === 'RRSIG');
    const keep = new Set<string>();
    if (!a.occluded) {
      for (const type of signedTypes(a.types, a.place)) {
        const rrsetAfter = a.data.filter((r) => r.type === type);
        const rrsetBefore = b.data.filter((r) => r.type === type);
        const covering = sigs.filter((s) => coveredType(s) === type);
        if (covering.length > 0 && sameRRset(rrsetBefore, rrsetAfter) && !b.occluded) {
          keep.add(type);
          continue;
        }
        plan.add(...signWithKeys(zone, rrsetAfter, keys, policy, now));
      }
    }
    for (const s of sigs) {
      const t = coveredType(s);
      if (!CHAIN_TYPES.has(t) && !keep.has(t)) plan.remove(s);
    }
    if (n === zone) {
      const want = new Set(keyRecords.map(recordKey));
      const have = new Set(apexStored.filter((r) => want.has(recordKey(r))).map(recordKey));
      for (const r of apexStored) if (APEX_KEY_TYPES.includes(r.type) && !want.has(recordKey(r))) plan.remove(r);
      for (const r of keyRecords) if (!have.has(recordKey(r))) plan.add(r);
    }
  }

  // 5. The chain.
  const ttl = denialTtl(change.soa);
  if (nsec3) await planNsec3(view, zone, names, before, after, stored, load, ttl, keys, policy, now, plan);
  else await planNsec(view, zone, names, after, stored, load, ttl, keys, policy, now, plan);
  return plan.result();
}

/** Removals and additions, with a record both removed and added dropped from both. */
class PlanBuilder {
  private removed = new Map<string, RR>();
  private added = new Map<string, RR>();
  remove(r: RR): void {
    this.removed.set(recordKey(r), r);
  }
  add(...rs: RR[]): void {
    for (const r of rs) this.added.set(recordKey(r), r);
  }
  result(): ResignPlan {
    for (const k of [...this.added.keys()]) {
      if (this.removed.has(k)) {
        this.removed.delete(k);
        this.added.delete(k);
      }
    }
    return { removed: [...this.removed.values()], added: [...this.added.values()] };
  }
}

function groupByName(records: readonly RR[]): Map<string, RR[]> {
  const m = new Map<string, RR[]>();
  for (const r of records) {
    const list = m.get(r.name);
    if (list) list.push(r);
    else m.set(r.name, [r]);
  }
  return m;
}

const coveredType = (rrsig: RR) => rrsig.content.slice(0, rrsig.content.indexOf(' ')).toUpperCase();

function sameRRset(x: readonly RR[], y: readonly RR[]): boolean {
  if (x.length !== y.length) return false;
  const keys = new Set(x.map((r) => `${r.ttl} ${r.content}`));
  return y.every((r) => keys.has(`${r.ttl} ${r.content}`));
}

/** A chain record seen through its key (NSEC: the owner name; NSEC3: the owner's hash). */
interface Link {
  key: string;
  next: string;
  types: string[];
  record: RR;
}

/**
 * The stored predecessor link of each key entering or leaving the ring, added to `known`:
 * taken from the links already known when one of them holds the key in its gap (or points
 * at it), fetched otherwise; so a run of neighbouring names costs one lookup. Returns, for
 * each joining key, the key of its predecessor.
 */
async function findPredecessors(
  known: Map<string, Link>,
  joining: readonly string[],
  leaving: ReadonlySet<string>,
  compare: (a: string, b: string) => number,
  fetch: (key: string) => Promise<Link>,
): Promise<Map<string, string>> {
  const pointedAt = new Set([...known.values()].map((l) => l.next));
  const sorted = [...known.keys()].sort(compare);
  const remember = (link: Link) => {
    if (known.has(link.key)) return;
    known.set(link.key, link);
    pointedAt.add(link.next);
    sorted.splice(firstAbove(sorted, link.key, compare), 0, link.key);
  };
  for (const k of leaving) if (!pointedAt.has(k)) remember(await fetch(k));
  const out = new Map<string, string>();
  for (const k of [...joining].sort(compare)) {
    const i = firstAbove(sorted, k, compare);
    const x = sorted.length ? sorted[i === 0 ? sorted.length - 1 : i - 1]! : undefined;
    if (x !== undefined && between(x, k, known.get(x)!.next, compare)) {
      out.set(k, x);
      continue;
    }
    const link = await fetch(k);
    remember(link);
    out.set(k, link.key);
  }
  return out;
}

/** The index of the first key of `sorted` after `k`. */
function firstAbove(sorted: readonly string[], k: string, compare: (a: string, b: string) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(sorted[mid]!, k) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when `k` lies strictly inside the gap of the ring from `from` to `to` (the whole ring but `from` when they are equal). */
function between(from: string, k: string, to: string, compare: (a: string, b: string) => number): boolean {
  if (compare(from, to) < 0) return compare(from, k) < 0 && compare(k, to) < 0;
  return compare(k, from) > 0 || compare(k, to) < 0; // the gap wraps round the end
}

/**
 * The links to rewrite when `joining` keys enter the ring and `leaving` keys leave it,
 * given every stored link of a leaving key and the stored predecessor link of each joining
 * and leaving key: for each, its next key after the change. A link's new next is its old
 * next, skipping keys that leave (their links are known), unless a joining key falls in
 * between, then the first of those.
 */
function relink(
  known: ReadonlyMap<string, Link>,
  predecessorOf: ReadonlyMap<string, string>,
  joining: readonly string[],
  leaving: ReadonlySet<string>,
  compare: (a: string, b: string) => number,
): Map<string, string> {
  const sortedJoining = [...joining].sort(compare);
  // The first key after a leaving one that stays, remembered: a long run of leaving keys is walked once.
  const survivor = new Map<string, string>();
  const skipLeaving = (k: string): string => {
    const path: string[] = [];
    let c = k;
    while (leaving.has(c) && !survivor.has(c)) {
      if (path.length > known.size) throw new Error('the stored chain does not close into a ring');
      path.push(c);
      c = known.get(c)!.next;
    }
    if (leaving.has(c)) c = survivor.get(c)!;
    for (const p of path) survivor.set(p, c);
    return c;
  };
  const nextAfter = (from: string, oldNext: string) => {
    const c = skipLeaving(oldNext);
    if (sortedJoining.length === 0) return c;
    // The first joining key after `from`, going round the ring, if it comes before c.
    const i = firstAbove(sortedJoining, from, compare);
    const j = sortedJoining[i] ?? sortedJoining[0]!;
    return j !== from && between(from, j, c, compare) ? j : c;
  };
  const out = new Map<string, string>();
  for (const [key, link] of known) if (!leaving.has(key)) out.set(key, nextAfter(key, link.next));
  for (const key of joining) out.set(key, nextAfter(key, known.get(predecessorOf.get(key)!)!.next));
  return out;
}

type Loader = (names: readonly string[]) => Promise<void>;

async function planNsec(
  view: SignedZoneView,
  zone: string,
  names: ReadonlySet<string>,
  after: ReadonlyMap<string, NameState>,
  stored: Map<string, RR[]>,
  load: Loader,
  ttl: number,
  keys: readonly ZoneKey[],
  policy: SigningPolicy,
  now: number,
  plan: PlanBuilder,
): Promise<void> {
  const linkOf = (r: RR): Link => ({ key: r.name, ...parseNsec(r.content), record: r });
  const known = new Map<string, Link>();
  const inAfter = (n: string) => {
    const s = after.get(n)!;
    return !s.occluded && s.data.length > 0;
  };
  const joining: string[] = [];
  const leaving = new Set<string>();
  for (const n of names) {
    const rec = (stored.get(n) ?? []).find((r) => r.type === 'NSEC');
    if (rec) known.set(n, linkOf(rec));
    if (rec && !inAfter(n)) leaving.add(n);
    if (!rec && inAfter(n)) joining.push(n);
  }
  const predecessorOf = await findPredecessors(known, joining, leaving, compareCanonical, async (k) => {
    const p = await view.nsecBefore(k);
    if (!p) throw new Error(`zone ${zone} has no NSEC chain to change`);
    return linkOf(p);
  });
  const nexts = relink(known, predecessorOf, joining, leaving, compareCanonical);
  await writeChain(zone, 'NSEC', known, leaving, nexts, stored, load, ttl, keys, policy, now, plan, (key, next) => {
    const s = after.get(key);
    const types = s ? nsecTypes(s.types) : known.get(key)!.types;
    return { name: key, content: nsecContent(next, types) };
  });
}

async function planNsec3(
  view: SignedZoneView,
  zone: string,
  names: ReadonlySet<string>,
  before: ReadonlyMap<string, NameState>,
  after: ReadonlyMap<string, NameState>,
  stored: Map<string, RR[]>,
  load: Loader,
  ttl: number,
  keys: readonly ZoneKey[],
  policy: SigningPolicy,
  now: number,
  plan: PlanBuilder,
): Promise<void> {
  const hashes = new Map<string, string>(); // name → hash
  for (const n of names) hashes.set(n, nsec3Hash(n));
  await load([...hashes.values()].map((h) => `${h}.${zone}`));
  const storedLink = (n: string) => (stored.get(`${hashes.get(n)}.${zone}`) ?? []).find((r) => r.type === 'NSEC3');
  const linkOf = (r: RR): Link => {
    const f = parseNsec3(r.content);
    return { key: hashOf(r.name), next: f.nextHash, types: f.types, record: r };
  };

  // Which names are NSEC3 owners after: not hidden, and holding data or names below
  // (RFC 5155 §7.1: empty non-terminals are owners too).
  // Per name, whether a looked-at name below it holds data after the change, and how many
  // looked-at names below it hold records now (one pass up each name's ancestors).
  const dataBelow = new Set<string>();
  const storedBelow = new Map<string, number>();
  for (const m of names) {
    const hasData = after.get(m)!.data.length > 0;
    const hasRecords = (stored.get(m) ?? []).length > 0;
    for (const a of ancestorNames(m)) {
      if (!isInZone(a, zone)) break;
      if (hasData) dataBelow.add(a);
      if (hasRecords) storedBelow.set(a, (storedBelow.get(a) ?? 0) + 1);
    }
  }
  const inAfter = new Map<string, boolean>();
  for (const n of names) {
    const s = after.get(n)!;
    if (s.occluded) inAfter.set(n, false);
    else if (s.data.length > 0) inAfter.set(n, true);
    else inAfter.set(n, await hasNamesBelowAfter(n));
  }
  async function hasNamesBelowAfter(n: string): Promise<boolean> {
    if (dataBelow.has(n)) return true;
    // Before the change, a name outside the chain and not hidden had nothing below it, and
    // the names we did not look at are as they were.
    if (!storedLink(n) && !before.get(n)!.occluded) return false;
    const found = await view.namesBelow(n, (storedBelow.get(n) ?? 0) + 1);
    return found.some((m) => !names.has(m));
  }

  const known = new Map<string, Link>();
  const joining: string[] = [];
  const leaving = new Set<string>();
  const nameOfHash = new Map<string, string>();
  for (const n of names) {
    const h = hashes.get(n)!;
    nameOfHash.set(h, n);
    const rec = storedLink(n);
    if (rec) known.set(h, linkOf(rec));
    if (rec && !inAfter.get(n)) leaving.add(h);
    if (!rec && inAfter.get(n)) joining.push(h);
  }
  const byHash = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const predecessorOf = await findPredecessors(known, joining, leaving, byHash, async (h) => {
    const p = await view.nsec3Before(h);
    if (!p) throw new Error(`zone ${zone} has no NSEC3 chain to change`);
    return linkOf(p);
  });
  const nexts = relink(known, predecessorOf, joining, leaving, byHash);
  await writeChain(zone, 'NSEC3', known, leaving, nexts, stored, load, ttl, keys, policy, now, plan, (key, next) => {
    const n = nameOfHash.get(key);
    const s = n === undefined ? undefined : after.get(n);
    const types = s ? nsec3Types(s.types, s.place) : known.get(key)!.types;
    return { name: `${key}.${zone}`, content: nsec3Content(next, types) };
  });
}

/** Writes the chain records whose content changed, with new signatures; removes those of leaving keys. */
async function writeChain(
  zone: string,
  type: 'NSEC' | 'NSEC3',
  known: ReadonlyMap<string, Link>,
  leaving: ReadonlySet<string>,
  nexts: ReadonlyMap<string, string>,
  stored: Map<string, RR[]>,
  load: Loader,
  ttl: number,
  keys: readonly ZoneKey[],
  policy: SigningPolicy,
  now: number,
  plan: PlanBuilder,
  build: (key: string, next: string) => { name: string; content: string },
): Promise<void> {
  await load([...known.values()].map((l) => l.record.name));
  const sigsAt = (owner: string) => (stored.get(owner) ?? []).filter((r) => r.type === 'RRSIG' && coveredType(r) === type);
  for (const key of leaving) {
    const link = known.get(key)!;
    plan.remove(link.record);
    for (const s of sigsAt(link.record.name)) plan.remove(s);
  }
  for (const [key, next] of nexts) {
    const want = build(key, next);
    const rec: RR = { name: want.name, type, ttl, content: want.content };
    const old = known.get(key)?.record;
    if (old && old.content === rec.content && old.ttl === rec.ttl && sigsAt(old.name).length > 0) continue;
    if (old) {
      plan.remove(old);
      for (const s of sigsAt(old.name)) plan.remove(s);
    }
    plan.add(rec, ...signWithKeys(zone, [rec], keys, policy, now));
  }
}

/**
 * Signatures in `records` (every stored record at a batch of names: a name's records
 * must all be in the same batch) that must be made again at `now`: those expiring within
 * policy.refreshSeconds, and those of RRsets whose signing keys (signingKeysFor) are not
 * exactly the keys that signed them (a key became active or retired). An RRSIG whose RRset
 * is gone is removed. Only RRsets that hold signatures are looked at: which RRsets are
 * signed is planResign's and signZone's decision. With `soa` (the zone's SOA record), NSEC
 * and NSEC3 records whose TTL is not denialTtl(soa) any more (the SOA's TTL or minimum
 * changed; planResign fixes only the chain records it rewrites) get that TTL and new
 * signatures. The worker calls this batch after batch over the zone, committing each
 * result through the change service.
 */
export function refreshSignatures(
  zone: string,
  records: readonly RR[],
  keys: readonly ZoneKey[],
  policy: SigningPolicy,
  now: number,
  soa?: RR,
): ResignPlan {
  const plan = new PlanBuilder();
  const horizon = now + policy.refreshSeconds;
  const chainTtl = soa ? denialTtl(soa) : undefined;
  const rrsets = new Map<string, RR[]>();
  const sigs = new Map<string, RR[]>();
  for (const r of records) {
    const key = r.type === 'RRSIG' ? `${r.name} ${coveredType(r)}` : `${r.name} ${r.type}`;
    const m = r.type === 'RRSIG' ? sigs : rrsets;
    const list = m.get(key);
    if (list) list.push(r);
    else m.set(key, [r]);
  }
  for (const [key, list] of sigs) {
    let rrset = rrsets.get(key);
    if (!rrset) {
      for (const s of list) plan.remove(s);
      continue;
    }
    const type = rrset[0]!.type;
    if (chainTtl !== undefined && CHAIN_TYPES.has(type) && rrset.some((r) => r.ttl !== chainTtl)) {
      for (const r of rrset) plan.remove(r);
      rrset = rrset.map((r) => ({ ...r, ttl: chainTtl }));
      plan.add(...rrset);
    }
    const wanted = new Set(signingKeysFor(type, keys).map((k) => `${k.algorithm}/${k.keyTag}`));
    const fields = list.map((s) => parseRrsig(s.content));
    const signers = new Set(fields.map((f) => `${f.algorithm}/${f.keyTag}`));
    const stale =
      fields.some((f) => f.expiration <= horizon || f.originalTtl !== rrset[0]!.ttl) ||
      list.some((s) => s.ttl !== rrset[0]!.ttl) ||
      signers.size !== wanted.size ||
      [...wanted].some((k) => !signers.has(k));
    if (!stale) continue;
    for (const s of list) plan.remove(s);
    plan.add(...signWithKeys(zone, rrset, keys, policy, now));
  }
  return plan.result();
}

/** refreshSignatures over the records a view holds at `names` (a batch of whole names). */
export async function refreshSignaturesAt(
  view: SignedZoneView,
  names: readonly string[],
  keys: readonly ZoneKey[],
  policy: SigningPolicy,
  now: number,
  soa?: RR,
): Promise<ResignPlan> {
  return refreshSignatures(view.zone, await view.recordsAt(names), keys, policy, now, soa);
}

/**
 * When the earliest of these RRSIGs falls due for refreshSignatures (its expiration less
 * policy.refreshSeconds), in unix seconds; null when there is none. Records of other types
 * are skipped, so a batch's records or a plan's `added` can be passed as they are: the
 * worker keeps the smallest as the zone's next refresh time.
 */
export function refreshDueAt(records: readonly RR[], policy: SigningPolicy): number | null {
  let due: number | null = null;
  for (const r of records) {
    if (r.type !== 'RRSIG') continue;
    const at = parseRrsig(r.content).expiration - policy.refreshSeconds;
    if (due === null || at < due) due = at;
  }
  return due;
}
