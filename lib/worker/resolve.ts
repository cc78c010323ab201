// Authoritative resolution of one question against one zone snapshot, after
// RFC 1034 §4.3.2, checked answer by answer against NSD 4.6 (the differential
// test, nsd-differential.test.ts): delegations first (a referral), then the
// exact name (a CNAME followed within the zone), then empty non-terminals
// (NODATA), then wildcards (RFC 4592), else NXDOMAIN. Negative answers carry
// the SOA with TTL min(SOA TTL, minimum) (RFC 2308 §3, §5).
//
// Where NSD and a reading of the RFCs could differ, we follow NSD unless it is
// clearly wrong; each such point says so where it is decided.
//
// With the DO bit, a signed zone's answers carry the RRSIGs of their RRsets
// and the NSEC or NSEC3 proofs of what does not exist (RFC 4035 §3.1, RFC 5155
// §7.2; dnssec-proofs.ts finds the records); without it they are as before.
// Names that hold only NSEC3 records are not names of the zone for questions
// (RFC 5155 §7.2.8), with or without DO, as NSD answers them.
//
// Hot path: no database, no encoding. What can be worked out once per snapshot
// (the set of zone cuts, each referral with its glue, the additional addresses
// of each MX/SRV/NS RRset, the negative SOA) is, lazily, and kept beside the
// snapshot in a WeakMap so it goes when the snapshot goes.
import { RCODE, T_A, T_AAAA, T_CNAME, T_MX, T_NS, T_SRV, typeCodeOf, typeNameOf, type WireRecord } from '../dns/wire';
import { Denial, holdsOnlyNsec3, parentOf, pushSignatures, signedZone, T_DS, T_NSEC3, T_RRSIG, wildcardOf, type Signed } from './dnssec-proofs';
import type { ZoneSnapshot } from './zone-snapshot';

export interface Resolution {
  rcode: number;
  aa: boolean;
  answers: WireRecord[];
  authorities: WireRecord[];
  additionals: WireRecord[];
  /**
   * The first `requiredGlue` additionals are a referral's in-domain glue: if they do not
   * all fit, the response must be truncated (TC) rather than sent without them (RFC 9471 §3.1).
   */
  requiredGlue: number;
}

/**
 * CNAME hops followed before we stop where we are. Loops are caught earlier, by the names
 * already in the chain (as NSD does: it stops when a CNAME's target is already answered).
 * NSD has no other limit; this one bounds the work a pathological zone can cause per query.
 * Resolvers give up long before (Unbound after 11 restarts), so no real chain reaches it.
 */
export const MAX_CNAME_CHAIN = 16;

/**
 * RFC 8482 §4.2: ANY is answered with one RRset, the same one every time: the first of
 * these types present at the name, else the alphabetically first type there.
 */
const ANY_PREFERENCE = ['SOA', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'PTR', 'CAA', 'DS', 'HINFO', 'NAPTR', 'TLSA', 'SSHFP'].map(typeCodeOf);

interface Referral {
  ns: readonly WireRecord[];
  /** In-domain glue first (required, RFC 9471 §3.1), then other in-zone addresses (optional). */
  glue: readonly WireRecord[];
  required: number;
  /** The glue with the RRSIGs of its authoritative addresses, for DO answers; worked out on first use. */
  signedGlue?: readonly WireRecord[];
}

interface Derived {
  negativeSoa: WireRecord;
  referrals: Map<string, Referral>;
  /** The additional addresses of an answered MX, SRV or NS set, by set. */
  additionals: Map<number, readonly WireRecord[]>;
  /** The same with the addresses' RRSIGs, for DO answers from a signed zone. */
  signedAdditionals: Map<number, readonly WireRecord[]>;
}

const derivedBySnapshot = new WeakMap<ZoneSnapshot, Derived>();

function derived(zone: ZoneSnapshot): Derived {
  let d = derivedBySnapshot.get(zone);
  if (!d) {
    d = { negativeSoa: zone.soaRecord(zone.negativeTtl), referrals: new Map(), additionals: new Map(), signedAdditionals: new Map() };
    derivedBySnapshot.set(zone, d);
  }
  return d;
}

/**
 * Answers `qname` (lowercase, absolute, inside `zone`) for `qtype` from the snapshot; with
 * `dnssecOk` (the query's DO bit) and a signed zone, with RRSIGs and denial proofs.
 */
export function resolve(zone: ZoneSnapshot, qname: string, qtype: string, dnssecOk = false): Resolution {
  const d = derived(zone);
  const res: Resolution = { rcode: RCODE.NOERROR, aa: true, answers: [], authorities: [], additionals: [], requiredGlue: 0 };
  const s = dnssecOk ? signedZone(zone) : null;
  const denial = s ? new Denial(zone, s, res.authorities) : null;
  const any = qtype === 'ANY';
  const type = any ? -1 : typeCodeOf(qtype);
  let name = qname;
  // Names whose CNAME is already in the answer; allocated only when a chain starts.
  let chain: string[] | undefined;
  for (;;) {
    const cut = zone.cutCount === 0 ? undefined : findCut(zone, name, qtype);
    if (cut !== undefined) {
      // RFC 1034 §4.3.2 step 3b. After a CNAME the answer so far is ours, so AA stays set
      // and the referral rides along in authority (NSD does the same).
      if (res.answers.length === 0) res.aa = false;
      const ref = referralFor(zone, d, cut);
      push(res.authorities, ref.ns);
      // RFC 4035 §3.1.4: the NS set is not signed (the child's); the DS set and its RRSIGs
      // prove a secure delegation, the NSEC or NSEC3 at the cut an insecure one.
      if (s) {
        const cutNode = zone.findNode(cut);
        const ds = zone.findSet(cutNode, T_DS);
        if (ds >= 0) {
          zone.pushRecords(res.authorities, ds, cut);
          pushSignatures(zone, cutNode, T_DS, cut, res.authorities);
        } else denial!.insecureReferral(cut);
      }
      push(res.additionals, s ? signedGlue(zone, ref) : ref.glue);
      res.requiredGlue = ref.required;
      return res;
    }
    let node = zone.findNode(name);
    // RFC 5155 §7.2.8: a name that holds only NSEC3 records answers as if it did not exist.
    if (node >= 0 && zone.setsAtNode(node) > 0 && holdsOnlyNsec3(zone, node)) node = -1;
    // The closest encloser when the answer comes from a wildcard (RFC 4592 §3.3.1).
    let encloser: string | undefined;
    if (node < 0) {
      encloser = closestEncloser(zone, name);
      node = wildcardAt(zone, encloser);
      // RFC 6604 §2.1: after a CNAME the rcode is that of the last name looked up.
      if (node < 0) {
        negative(res, d, s, RCODE.NXDOMAIN);
        denial?.nameError(name, encloser);
        return res;
      }
    } else if (zone.setsAtNode(node) === 0) {
      // An empty non-terminal exists: NODATA, and it blocks wildcards (RFC 4592 §2.2.2).
      negative(res, d, s, RCODE.NOERROR);
      denial?.noData(name);
      return res;
    }
    // Records synthesized from a wildcard carry the name asked for (RFC 4592 §2.1.1); the
    // others are owned by it anyway. So do their RRSIGs, whose label count tells a validator
    // they were synthesized; the proof that the name itself does not exist goes with them.
    const set = any ? anySet(zone, node, s !== null) : zone.findSet(node, type);
    if (set >= 0) {
      answerSet(zone, d, s, node, set, name, res);
      if (encloser !== undefined) denial?.wildcardAnswer(name, encloser);
      return res;
    }
    const cname = type === T_CNAME || any ? -1 : zone.findSet(node, T_CNAME);
    if (cname < 0) {
      negative(res, d, s, RCODE.NOERROR);
      if (encloser !== undefined) denial?.wildcardNoData(name, encloser);
      else denial?.noData(name);
      return res;
    }

    // RFC 1034 §4.3.2 step 3a, RFC 4592 §4.2 for a wildcard CNAME: answer the CNAME with
    // the query name as owner and go on with its target, but only within the zone, never
    // round a loop, and not past MAX_CNAME_CHAIN.
    zone.pushRecords(res.answers, cname, name);
    if (s) pushSignatures(zone, node, T_CNAME, name, res.answers);
    if (encloser !== undefined) denial?.wildcardAnswer(name, encloser);
    const target = zone.targetName(cname, 0);
    (chain ??= []).push(name);
    if (!inZone(target, zone.name) || chain.includes(target) || chain.length > MAX_CNAME_CHAIN) return res;
    name = target;
  }
}

/** Puts an answered RRset in the answer section, with its RRSIGs for a DO answer and its additional addresses. */
function answerSet(zone: ZoneSnapshot, d: Derived, s: Signed | null, node: number, set: number, owner: string, res: Resolution): void {
  zone.pushRecords(res.answers, set, owner);
  const type = zone.setType(set);
  // RRSIGs are not signed themselves (RFC 4035 §2.2).
  if (s && type !== T_RRSIG) pushSignatures(zone, node, type, owner, res.answers);
  addTargets(zone, d, set, res, s !== null);
}

function push(to: WireRecord[], from: readonly WireRecord[]): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]!);
}

/** Sets the rcode of a negative answer and adds the SOA (RFC 2308 §3), signed for a DO answer. */
function negative(res: Resolution, d: Derived, s: Signed | null, rcode: number): void {
  res.rcode = rcode;
  if (s) push(res.authorities, s.negativeSoa);
  else res.authorities.push(d.negativeSoa);
}

function inZone(name: string, zone: string): boolean {
  return name === zone || zone === '.' || (name.length > zone.length && name.endsWith(zone) && name.charCodeAt(name.length - zone.length - 1) === 46);
}

/**
 * The highest zone cut at or above `name` (below the apex), or undefined. A DS question at
 * the cut itself is answered by the parent side (RFC 4035 §3.1.4.1), so that cut is skipped;
 * one higher up still wins.
 */
function findCut(zone: ZoneSnapshot, name: string, qtype: string): string | undefined {
  let found: string | undefined;
  const apexLength = zone.name === '.' ? 1 : zone.name.length;
  let n = name;
  while (n.length > apexLength) {
    if (!(n === name && qtype === 'DS')) {
      const node = zone.findNode(n);
      if (node >= 0 && zone.isCut(node)) found = n;
    }
    n = n.slice(n.indexOf('.') + 1);
  }
  return found;
}

/**
 * RFC 4592 §3.3.1: the closest encloser of `name` (which does not exist) is its longest
 * existing ancestor; the apex at the latest.
 */
function closestEncloser(zone: ZoneSnapshot, name: string): string {
  for (let n = parentOf(name); n !== null; n = parentOf(n)) {
    if (n === zone.name || zone.findNode(n) >= 0) return n;
  }
  return zone.name;
}

/** The node of the wildcard `*.<encloser>` when it exists and owns records (RFC 4592 §2.2.1), or -1. */
function wildcardAt(zone: ZoneSnapshot, encloser: string): number {
  const w = zone.findNode(wildcardOf(encloser));
  return w >= 0 && zone.setsAtNode(w) > 0 ? w : -1;
}

/** The wildcard that answers for `name`, which must not exist: its node, or -1. */
function findWildcard(zone: ZoneSnapshot, name: string): number {
  return wildcardAt(zone, closestEncloser(zone, name));
}

/**
 * The RRset that answers ANY at the node, or -1. NSEC3 sets never (their names are not the
 * zone's, RFC 5155 §7.2.8); in a DO answer not the RRSIGs either, which come with the RRset.
 */
function anySet(zone: ZoneSnapshot, node: number, signed: boolean): number {
  for (const t of ANY_PREFERENCE) {
    const s = zone.findSet(node, t);
    if (s >= 0) return s;
  }
  let best = -1;
  let bestType = '';
  const first = zone.firstSet(node);
  for (let s = first; s < first + zone.setsAtNode(node); s++) {
    const code = zone.setType(s);
    if (code === T_NSEC3 || (signed && code === T_RRSIG)) continue;
    const type = typeNameOf(code);
    if (best < 0 || type < bestType) {
      best = s;
      bestType = type;
    }
  }
  return best;
}

/** The referral at `cut`: its NS set and glue, worked out once per snapshot. */
function referralFor(zone: ZoneSnapshot, d: Derived, cut: string): Referral {
  let ref = d.referrals.get(cut);
  if (ref !== undefined) return ref;
  const ns = zone.findSet(zone.findNode(cut), T_NS);
  const required: string[] = [];
  const optional: string[] = [];
  for (let i = 0; i < zone.setSize(ns); i++) {
    const t = zone.targetName(ns, i);
    if (required.includes(t) || optional.includes(t)) continue;
    // RFC 9471 §2: in-domain glue sits at or below the cut; the rest of the zone's
    // addresses (sibling glue below other cuts, authoritative hosts) are optional.
    if (inZone(t, cut)) required.push(t);
    else if (inZone(t, zone.name)) optional.push(t);
  }
  const glue: WireRecord[] = [];
  addAddresses(zone, required, glue, false);
  const requiredCount = glue.length;
  addAddresses(zone, optional, glue, false);
  const nsRecords: WireRecord[] = [];
  zone.pushRecords(nsRecords, ns, cut);
  ref = { ns: nsRecords, glue, required: requiredCount };
  d.referrals.set(cut, ref);
  return ref;
}

/**
 * A referral's glue for a DO answer: the same addresses, those the zone is authoritative for
 * followed by their RRSIGs. Glue (at or below a cut) is the child's data and never signed
 * (RFC 4035 §2.2), whatever RRSIGs a zone may hold there.
 */
function signedGlue(zone: ZoneSnapshot, ref: Referral): readonly WireRecord[] {
  if (ref.signedGlue) return ref.signedGlue;
  const out: WireRecord[] = [];
  const glue = ref.glue;
  for (let i = 0; i < glue.length; i++) {
    const rr = glue[i]!;
    out.push(rr);
    // An RRset's records lie together: its RRSIGs follow the last of them.
    const next = glue[i + 1];
    if (i < ref.required || (next && next.name === rr.name && next.type === rr.type)) continue;
    if (zone.cutCount > 0 && findCut(zone, rr.name, 'A') !== undefined) continue;
    pushSignatures(zone, zone.findNode(rr.name), typeCodeOf(rr.type), rr.name, out);
  }
  ref.signedGlue = out;
  return out;
}

/**
 * Additional section processing for an answered RRset (RFC 1034 §3.7, RFC 1035 §3.3.9,
 * RFC 2782): in-zone addresses of MX, SRV and NS targets, worked out once per RRset, and
 * once more with their RRSIGs for DO answers (RFC 4035 §3.1.1: an RRset in the additional
 * section brings its signatures; the encoder drops them before the addresses when room runs
 * out, without TC, as that section allows).
 */
function addTargets(zone: ZoneSnapshot, d: Derived, set: number, res: Resolution, signed: boolean): void {
  const type = zone.setType(set);
  if (type !== T_MX && type !== T_SRV && type !== T_NS) return;
  const cache = signed ? d.signedAdditionals : d.additionals;
  let list = cache.get(set);
  if (list === undefined) {
    const targets: string[] = [];
    for (let i = 0; i < zone.setSize(set); i++) {
      const t = zone.targetName(set, i);
      if (!targets.includes(t) && inZone(t, zone.name)) targets.push(t);
    }
    // Below a cut only glue lives, and glue serves NS sets only: NSD gives no address for
    // an MX or SRV target there, and neither do we (RFC 1034 §4.2.1).
    const usable = type === T_NS || zone.cutCount === 0 ? targets : targets.filter((t) => findCut(zone, t, 'A') === undefined);
    const out: WireRecord[] = [];
    // NS targets must be real hosts (RFC 2181 §10.3); MX and SRV targets may exist only
    // through a wildcard, and then get its addresses as NSD gives them.
    addAddresses(zone, usable, out, type !== T_NS, signed);
    list = out;
    cache.set(set, list);
  }
  push(res.additionals, list);
}

/**
 * A records of every target, then AAAA records (NSD's order: if room runs out, every target
 * keeps its IPv4 address first). With `wildcards`, a target that does not exist gets the
 * addresses its wildcard would answer with, owned by the target (RFC 4592 §2.1.1); callers
 * pass only targets above every cut then. Glue never comes from a wildcard. With `signed`,
 * each RRset is followed by its RRSIGs (none below a cut: glue is not signed).
 */
function addAddresses(zone: ZoneSnapshot, targets: readonly string[], out: WireRecord[], wildcards: boolean, signed = false): void {
  for (const type of [T_A, T_AAAA]) {
    for (const t of targets) {
      let node = zone.findNode(t);
      if (node < 0) node = wildcards ? findWildcard(zone, t) : -1;
      const set = node < 0 ? -1 : zone.findSet(node, type);
      if (set < 0) continue;
      zone.pushRecords(out, set, t);
      if (signed && (zone.cutCount === 0 || findCut(zone, t, 'A') === undefined)) pushSignatures(zone, node, type, t, out);
    }
  }
}
