// The set of zones this worker serves, keyed by canonical name. Lookups find
// the closest enclosing zone; replacing a snapshot is a single Map.set, so a
// query sees either the old zone or the new one, never a mix.
import type { TsigKey } from '../dns/tsig';
import type { ZoneSnapshot } from './zone-snapshot';

export class ZoneStore {
  private zones = new Map<string, ZoneSnapshot>();
  /** Bumped when a zone is added or removed (not when one is replaced): caches check it. */
  namesGeneration = 0;
  /** TSIG keys by canonical name, replaced whole by the loader. */
  tsigKeys: ReadonlyMap<string, TsigKey> = new Map();

  get size(): number {
    return this.zones.size;
  }

  get(name: string): ZoneSnapshot | undefined {
    return this.zones.get(name);
  }

  set(zone: ZoneSnapshot): void {
    if (!this.zones.has(zone.name)) this.namesGeneration++;
    this.zones.set(zone.name, zone);
  }

  delete(name: string): void {
    if (this.zones.delete(name)) this.namesGeneration++;
  }

  names(): string[] {
    return [...this.zones.keys()];
  }

  /** The zone that `qname` (lowercase, absolute) falls in: the longest matching suffix. */
  findZone(qname: string): ZoneSnapshot | undefined {
    let n = qname;
    for (;;) {
      const z = this.zones.get(n);
      if (z) return z;
      if (n === '.') return undefined;
      const dot = n.indexOf('.');
      // No dot left means the name was not absolute: no zone can hold it (and never loop).
      if (dot < 0) return undefined;
      n = dot === n.length - 1 ? '.' : n.slice(dot + 1);
    }
  }

  /**
   * The zone that answers `qtype` about `qname`: findZone's, except for a DS question at the
   * apex of a zone whose parent zone is served here too. The DS set lives on the parent side
   * of the cut, so that one answers (RFC 4035 §3.1.4.1); the child holds no DS of its own and
   * would deny it, which a validator takes as a broken chain.
   */
  findZoneFor(qname: string, qtype: string): ZoneSnapshot | undefined {
    const zone = this.findZone(qname);
    if (qtype !== 'DS' || !zone || zone.name !== qname || qname === '.') return zone;
    const dot = qname.indexOf('.');
    return this.findZone(dot === qname.length - 1 ? '.' : qname.slice(dot + 1)) ?? zone;
  }
}
