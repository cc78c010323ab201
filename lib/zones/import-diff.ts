// The difference between a zone and a zone file about to replace its
// content, as the import preview lists it and as the import commit applies
// it. Pure and browser-safe (types only, no database, no next/*): the preview
// is computed on the server, the client only toggles items by id, and the
// commit recomputes the same diff inside the change service's transaction so
// nothing the browser sends is trusted as record data.
import { isSignerType } from '../dns/dnssec/types';
import type { RR, SoaFields } from '../dns/types';

/**
 * One line of the preview. A "change" pairs the old and the new record of one
 * name and type when that pairing is unambiguous (same content with another
 * TTL, or exactly one record leaving and one arriving in the RRset).
 */
export type ImportItem =
  | { id: string; kind: 'add'; record: RR }
  | { id: string; kind: 'delete'; record: RR }
  | { id: string; kind: 'change'; from: RR; to: RR };

export interface RecordDiff {
  adds: ImportItem[];
  changes: ImportItem[];
  deletes: ImportItem[];
  /** Records present, identical, on both sides. */
  unchanged: number;
}

/** One SOA field that differs: shown as "field: from → to". */
export interface SoaFieldChange {
  field: 'mname' | 'rname' | 'serial' | 'refresh' | 'retry' | 'expire' | 'minimum' | 'ttl';
  from: string;
  to: string;
}

/** The id of the SOA line in the preview; the SOA is applied or not as a whole. */
export const SOA_ITEM_ID = 'soa';

const rrsetKey = (r: Pick<RR, 'name' | 'type'>) => `${r.name}\u0000${r.type}`;
// TTL is part of the identity of a preview line: a TTL change is a change.
const lineKey = (r: RR) => `${r.name}\u0000${r.type}\u0000${r.ttl}\u0000${r.content}`;

/** Ids are derived from the records, so a recomputed diff of the same inputs has the same ids. */
function itemId(kind: ImportItem['kind'], a: RR, b?: RR): string {
  return b ? `${kind}\u0001${lineKey(a)}\u0001${lineKey(b)}` : `${kind}\u0001${lineKey(a)}`;
}

/** Sorts as names read from the root down (RFC 4034 §6.1 order, names already lowercase), then type. */
const orderKey = (r: Pick<RR, 'name' | 'type'>) => `${r.name.split('.').reverse().join('\u0001')}\u0000${r.type}`;

function groupByRrset(records: readonly RR[]): Map<string, RR[]> {
  const sets = new Map<string, RR[]>();
  for (const r of records) {
    const k = rrsetKey(r);
    const list = sets.get(k);
    if (list) list.push(r);
    else sets.set(k, [r]);
  }
  return sets;
}

const byContent = (x: RR, y: RR) => (x.content < y.content ? -1 : x.content > y.content ? 1 : 0);

/**
 * The records of a zone file an import leaves out: the signer's types (DNSKEY, RRSIG, NSEC…),
 * which only the signer writes in a primary zone. The zone's own stay as they are; a file
 * exported from a signed zone, or signed elsewhere, still imports.
 */
export function signerRecordsIn(records: readonly RR[]): RR[] {
  return records.filter((r) => isSignerType(r.type));
}

/** The warning the import shows for `leftOut` (signerRecordsIn of the file), or null when there are none. */
export function signerRecordsWarning(leftOut: readonly RR[]): string | null {
  if (leftOut.length === 0) return null;
  const types = [...new Set(leftOut.map((r) => r.type))].sort().join(', ');
  const n = leftOut.length;
  return (
    `The file holds ${n} DNSSEC record${n > 1 ? 's' : ''} (${types}); ${n > 1 ? 'they are' : 'it is'} left out: ` +
    'the signer makes these for the zone (sign it with `zonekeeper zone sign`).'
  );
}

/**
 * What replacing `current` by `incoming` does, record by record (the SOA is
 * left out on both sides; see diffSoa; so are the signer's types, see
 * signerRecordsIn: the zone keeps its own). Linear in the number of records, so
 * a 20 000-record file previews in well under a second.
 */
export function diffRecords(current: readonly RR[], incoming: readonly RR[]): RecordDiff {
  const notSoa = (r: RR) => r.type !== 'SOA' && !isSignerType(r.type);
  const before = groupByRrset(current.filter(notSoa));
  const after = groupByRrset(incoming.filter(notSoa));
  // The sort key is computed once per RRset, not once per comparison.
  const keys = [...new Set([...before.keys(), ...after.keys()])]
    .map((k) => ({ k, order: orderKey((before.get(k) ?? after.get(k))![0]!) }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .map((e) => e.k);

  const diff: RecordDiff = { adds: [], changes: [], deletes: [], unchanged: 0 };
  for (const k of keys) {
    const old = [...(before.get(k) ?? [])].sort(byContent);
    const neu = [...(after.get(k) ?? [])].sort(byContent);
    const neuByContent = new Map(neu.map((r) => [r.content, r]));
    const leaving: RR[] = [];
    const matched = new Set<RR>();
    for (const o of old) {
      const n = neuByContent.get(o.content);
      if (!n) {
        leaving.push(o);
        continue;
      }
      matched.add(n);
      if (n.ttl === o.ttl) diff.unchanged++;
      else diff.changes.push({ id: itemId('change', o, n), kind: 'change', from: o, to: n });
    }
    const arriving = neu.filter((n) => !matched.has(n));
    if (leaving.length === 1 && arriving.length === 1) {
      const [from, to] = [leaving[0]!, arriving[0]!];
      diff.changes.push({ id: itemId('change', from, to), kind: 'change', from, to });
      continue;
    }
    for (const r of leaving) diff.deletes.push({ id: itemId('delete', r), kind: 'delete', record: r });
    for (const r of arriving) diff.adds.push({ id: itemId('add', r), kind: 'add', record: r });
  }
  return diff;
}

/**
 * The zone's records after applying every item of `diff` whose id is not in
 * `excluded`: an excluded add is not added, an excluded delete stays, an
 * excluded change keeps the old record.
 */
export function applyRecordDiff(current: readonly RR[], diff: RecordDiff, excluded: ReadonlySet<string>): RR[] {
  const next = new Map(current.filter((r) => r.type !== 'SOA').map((r) => [lineKey(r), r]));
  for (const item of [...diff.deletes, ...diff.changes, ...diff.adds]) {
    if (excluded.has(item.id)) continue;
    if (item.kind === 'add') next.set(lineKey(item.record), item.record);
    else if (item.kind === 'delete') next.delete(lineKey(item.record));
    else {
      next.delete(lineKey(item.from));
      next.set(lineKey(item.to), item.to);
    }
  }
  return [...next.values()];
}

/**
 * The SOA fields the file would change. The serial is listed only when the
 * file's is ahead of the zone's next one (`serialAhead`), because only then
 * does the commit keep it (so secondaries that already hold the old primary's
 * serial still transfer); otherwise the zone's serial policy decides.
 */
export function diffSoa(
  current: { soa: SoaFields; ttl: number },
  file: { soa: SoaFields; ttl: number },
  serialAhead: boolean,
): SoaFieldChange[] {
  const out: SoaFieldChange[] = [];
  for (const field of ['mname', 'rname', 'refresh', 'retry', 'expire', 'minimum'] as const) {
    if (current.soa[field] !== file.soa[field]) out.push({ field, from: String(current.soa[field]), to: String(file.soa[field]) });
  }
  if (current.ttl !== file.ttl) out.push({ field: 'ttl', from: String(current.ttl), to: String(file.ttl) });
  if (serialAhead) out.unshift({ field: 'serial', from: String(current.soa.serial), to: String(file.soa.serial) });
  return out;
}
