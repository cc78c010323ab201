// Authoritative resolution of one question against one zone snapshot, after
// RFC 1034 §4.3.2: delegations first, then the exact name (CNAME followed
// within the zone), then empty non-terminals, then wildcards (RFC 4592),
// else NXDOMAIN. Negative answers carry the SOA (RFC 2308 §3).
import type { WireRecord } from '../dns/wire';
import type { RRset, ZoneSnapshot } from './zone-snapshot';
import { RCODE } from '../dns/wire';

export interface Resolution {
  rcode: number;
  aa: boolean;
  answers: WireRecord[];
  authorities: WireRecord[];
  additionals: WireRecord[];
}

/** CNAME chains longer than this stop where they are (loop protection). */
const MAX_CNAME_CHAIN = 8;

export function resolve(zone: ZoneSnapshot, qname: string, qtype: string): Resolution {
  const res: Resolution = { rcode: RCODE.NOERROR, aa: true, answers: [], authorities: [], additionals: [] };
  const seen = new Set<string>();
  let name = qname;
  for (let hops = 0; ; hops++) {
    seen.add(name);
    const cut = findCut(zone, name, qtype);
    if (cut) {
      // Only a referral for the original question clears AA; after a CNAME the answer stays ours.
      if (res.answers.length === 0) {
        res.aa = false;
        res.authorities.push(...cut.wire);
        addAddresses(zone, cut.records.map((r) => r.content), res, true);
      }
      return res;
    }
    let node = zone.nodes.get(name);
    let synthesizedFrom: string | undefined;
    if (!node) {
      if (zone.existingNames.has(name)) return noData(zone, res);
      const wildcard = findWildcard(zone, name);
      if (!wildcard) {
        res.rcode = RCODE.NXDOMAIN;
        res.authorities.push(negativeSoa(zone));
        return res;
      }
      node = zone.nodes.get(wildcard)!;
      synthesizedFrom = wildcard;
    }
    const owner = (set: RRset): WireRecord[] => (synthesizedFrom ? set.wire.map((w) => ({ ...w, name })) : set.wire);

    if (qtype === 'ANY') {
      // RFC 8482 §4.2: answer with one RRset rather than all; pick a stable one.
      const set = node.get('SOA') ?? node.get('A') ?? node.get('AAAA') ?? node.values().next().value!;
      res.answers.push(...owner(set));
      return res;
    }
    const set = node.get(qtype);
    if (set) {
      res.answers.push(...owner(set));
      addAdditionals(zone, set, res);
      return res;
    }
    const cname = node.get('CNAME');
    if (cname && qtype !== 'CNAME') {
      res.answers.push(...owner(cname));
      const target = cname.records[0]!.content;
      // RFC 1034 §4.3.2 step 3a: follow only within the zone, and never round a loop.
      if (!inZone(target, zone.name) || seen.has(target) || hops + 1 >= MAX_CNAME_CHAIN) return res;
      name = target;
      continue;
    }
    return noData(zone, res);
  }
}

function inZone(name: string, zone: string): boolean {
  return name === zone || zone === '.' || name.endsWith(`.${zone}`);
}

function noData(zone: ZoneSnapshot, res: Resolution): Resolution {
  res.authorities.push(negativeSoa(zone));
  return res;
}

function negativeSoa(zone: ZoneSnapshot): WireRecord {
  return { ...zone.soa.wire[0]!, ttl: zone.negativeTtl };
}

/**
 * The highest delegation (NS set below the apex) at or above `name`. A DS
 * question at the cut itself belongs to the parent side (RFC 4035 §3.1.4.1).
 */
function findCut(zone: ZoneSnapshot, name: string, qtype: string): RRset | undefined {
  if (name === zone.name) return undefined;
  const labels = name.slice(0, name.length - zone.name.length - 1).split('.');
  // Walk from just below the apex down towards the name.
  let n = zone.name;
  for (let i = labels.length - 1; i >= 0; i--) {
    n = zone.name === '.' ? `${labels[i]}.` : `${labels[i]}.${n}`;
    const ns = zone.nodes.get(n)?.get('NS');
    if (ns && !(i === 0 && qtype === 'DS')) return ns;
  }
  return undefined;
}

/**
 * RFC 4592 §3.3.1: the closest encloser is the longest existing ancestor;
 * the wildcard `*.<closest encloser>` applies only when it exists.
 */
function findWildcard(zone: ZoneSnapshot, name: string): string | undefined {
  let n = name;
  while (n !== zone.name) {
    n = n.slice(n.indexOf('.') + 1);
    if (zone.existingNames.has(n)) {
      const wild = `*.${n}`;
      return zone.nodes.has(wild) ? wild : undefined;
    }
  }
  return undefined;
}

/** Addresses of in-zone MX, SRV and NS targets (RFC 1035 §3.3.9, RFC 2782). */
function addAdditionals(zone: ZoneSnapshot, set: RRset, res: Resolution): void {
  let targets: string[];
  if (set.type === 'MX') targets = set.records.map((r) => r.content.split(' ')[1]!);
  else if (set.type === 'SRV') targets = set.records.map((r) => r.content.split(' ')[3]!);
  else if (set.type === 'NS') targets = set.records.map((r) => r.content);
  else return;
  addAddresses(zone, targets, res, set.type === 'NS');
}

function addAddresses(zone: ZoneSnapshot, targets: string[], res: Resolution, glue: boolean): void {
  const done = new Set<string>();
  for (const t of targets) {
    if (done.has(t) || !inZone(t, zone.name)) continue;
    done.add(t);
    // Addresses below a cut are glue: only for NS targets (RFC 1034 §4.2.1).
    if (!glue && findCut(zone, t, 'A')) continue;
    const node = zone.nodes.get(t);
    for (const type of ['A', 'AAAA']) {
      const s = node?.get(type);
      if (s) res.additionals.push(...s.wire);
    }
  }
}
