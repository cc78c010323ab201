// An immutable, lookup-ready copy of one zone, built from the database and
// swapped in whole when the zone's version changes (STYLE.md rule 9). The
// answer path reads only these snapshots, never the database.
import { contentToWire } from '../dns/rdata';
import type { RR } from '../dns/types';
import type { WireRecord } from '../dns/wire';
import type { TimeSlice } from '../time-slice';

export interface RRset {
  name: string;
  type: string;
  ttl: number;
  records: RR[];
  /** Ready for the encoder: dns-packet data converted once, at load. */
  wire: WireRecord[];
}

export interface ZoneSnapshot {
  readonly id: number;
  readonly name: string;
  readonly serial: number;
  readonly version: number;
  readonly soa: RRset;
  /** TTL for negative answers: min(SOA TTL, SOA minimum), RFC 2308 §5. */
  readonly negativeTtl: number;
  /** owner name (lowercase) → type → RRset; the SOA is included at the apex. */
  readonly nodes: ReadonlyMap<string, ReadonlyMap<string, RRset>>;
  /** Every name that exists, including empty non-terminals (RFC 4592 §2.2.2). */
  readonly existingNames: ReadonlySet<string>;
  /** Who may transfer the zone: address ranges, and a TSIG key name when one is required. */
  readonly transfer: TransferPolicy;
  /** A secondary copy past its SOA expire without a successful refresh: answered SERVFAIL (RFC 1035 §4.3.5). */
  readonly expired: boolean;
}

export interface TransferPolicy {
  allow: readonly string[];
  tsigKeyName: string | null;
}

/** Transfers from loopback only, no key: the default of a new zone. */
export const DEFAULT_TRANSFER_POLICY: TransferPolicy = { allow: ['127.0.0.0/8', '::1/128'], tsigKeyName: null };

export function toRRset(records: RR[]): RRset {
  const first = records[0]!;
  return {
    name: first.name,
    type: first.type,
    ttl: first.ttl,
    records,
    wire: records.map((r) => ({ name: r.name, type: r.type, class: 'IN', ttl: r.ttl, data: contentToWire(r.type, r.content) })),
  };
}

export interface SnapshotHeader {
  id: number;
  name: string;
  serial: number;
  version: number;
  soa: RR;
  negativeTtl: number;
  transfer?: TransferPolicy;
  expired?: boolean;
}

export function buildSnapshot(z: SnapshotHeader, records: readonly RR[]): ZoneSnapshot {
  const steps = snapshotSteps(z, records);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * buildSnapshot for a zone that may be big, in the worker that answers
 * queries meanwhile: gives the event loop a turn whenever `slice` is used up
 * (a 200,000-record zone took seconds to build in one go). The snapshot is
 * swapped in whole afterwards, as ever.
 */
export async function buildSnapshotInSlices(z: SnapshotHeader, records: readonly RR[], slice: TimeSlice): Promise<ZoneSnapshot> {
  const steps = snapshotSteps(z, records);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (slice.due) await slice.pause();
  }
}

/** Records between two chances to pause. */
const STEP = 256;

/** The work of building a snapshot, yielding every STEP records so a caller may pause. */
function* snapshotSteps(z: SnapshotHeader, records: readonly RR[]): Generator<void, ZoneSnapshot> {
  const grouped = new Map<string, Map<string, RR[]>>();
  const group = (r: RR) => {
    let types = grouped.get(r.name);
    if (!types) grouped.set(r.name, (types = new Map()));
    const list = types.get(r.type);
    if (list) list.push(r);
    else types.set(r.type, [r]);
  };
  group(z.soa);
  for (let i = 0; i < records.length; i++) {
    group(records[i]!);
    if (i % STEP === STEP - 1) yield;
  }
  const nodes = new Map<string, Map<string, RRset>>();
  const existingNames = new Set<string>();
  let done = 0;
  for (const [name, types] of grouped) {
    const sets = new Map<string, RRset>();
    for (const [type, list] of types) {
      sets.set(type, toRRset(list));
      done += list.length;
    }
    nodes.set(name, sets);
    // The name and every ancestor down to the apex exist.
    for (let n: string = name; n.length >= z.name.length; n = n.slice(n.indexOf('.') + 1)) {
      if (existingNames.has(n)) break;
      existingNames.add(n);
      if (n === z.name) break;
    }
    if (done >= STEP) {
      done = 0;
      yield;
    }
  }
  return {
    id: z.id,
    name: z.name,
    serial: z.serial,
    version: z.version,
    soa: nodes.get(z.name)!.get('SOA')!,
    negativeTtl: z.negativeTtl,
    nodes,
    existingNames,
    transfer: z.transfer ?? DEFAULT_TRANSFER_POLICY,
    expired: z.expired ?? false,
  };
}
