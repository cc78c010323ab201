// Records indexed by owner name, for work over a whole zone of up to a
// million records: the zone-file parser's duplicate and CNAME checks, the
// zone rules, and the diff of an import against the stored zone. Most names
// hold one or two records, so a name maps to its one record or to a list; a
// key string per record (name, type and content joined) cost an import of
// 1,000,000 records seconds of allocation and garbage collection (measured
// 2026-12-05).
import type { RR } from './types.ts';

type Rdata = Pick<RR, 'name' | 'type' | 'content'>;

/** Past this many records at one name, `same` finds them by key rather than by a scan. */
const SCAN_LIMIT = 32;

const sameData = (a: Rdata, b: Rdata) => a.type === b.type && a.content === b.content;
const dataKey = (r: Rdata) => `${r.type} ${r.content}`;

export class RecordIndex<T> {
  private readonly byName = new Map<string, T | T[]>();
  /** For names past SCAN_LIMIT: their items by type and content. */
  private readonly keyed = new Map<string, Map<string, T[]>>();

  /** `rdata`: the record an item holds (the item itself, by default). */
  constructor(private readonly rdata: (item: T) => Rdata = (item) => item as Rdata) {}

  add(item: T): void {
    const name = this.rdata(item).name;
    const at = this.byName.get(name);
    if (at === undefined) this.byName.set(name, item);
    else if (Array.isArray(at)) at.push(item);
    else this.byName.set(name, [at, item]);
    const keys = this.keyed.get(name);
    if (keys) pushTo(keys, dataKey(this.rdata(item)), item);
  }

  /** Every item at `name`, in the order added. */
  at(name: string): readonly T[] {
    const at = this.byName.get(name);
    return at === undefined ? [] : Array.isArray(at) ? at : [at];
  }

  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  /** The items holding `r`'s record: its name, type and content, whatever their TTL (RFC 2181 §5). */
  same(r: Rdata): readonly T[] {
    const at = this.byName.get(r.name);
    if (at === undefined) return [];
    if (!Array.isArray(at)) return sameData(this.rdata(at), r) ? [at] : [];
    if (at.length <= SCAN_LIMIT) return at.filter((item) => sameData(this.rdata(item), r));
    let keys = this.keyed.get(r.name);
    if (!keys) {
      keys = new Map();
      for (const item of at) pushTo(keys, dataKey(this.rdata(item)), item);
      this.keyed.set(r.name, keys);
    }
    return keys.get(dataKey(r)) ?? [];
  }
}

function pushTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
