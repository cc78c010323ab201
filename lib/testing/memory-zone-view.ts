// A signed zone held in memory behind the planner's SignedZoneView, for tests:
// every method a plain scan, the reference the Prisma view is held to.
import { compareCanonical, isBelow } from '../dns/dnssec/canonical';
import { hashOf } from '../dns/dnssec/nsec3';
import type { SignedZoneView } from '../dns/dnssec/resign';
import type { RR } from '../dns/types';

const key = (r: RR) => `${r.name} ${r.type} ${r.ttl} ${r.content}`;

export class MemoryZoneView implements SignedZoneView {
  private readonly records = new Map<string, RR>();

  constructor(
    readonly zone: string,
    records: readonly RR[],
  ) {
    for (const r of records) this.records.set(key(r), r);
  }

  /** Removes `removed` (each must be stored, exactly) and adds `added`. */
  apply(removed: readonly RR[], added: readonly RR[]): void {
    for (const r of removed) {
      if (!this.records.delete(key(r))) throw new Error(`not stored: ${key(r)}`);
    }
    for (const r of added) {
      if (this.records.has(key(r))) throw new Error(`already stored: ${key(r)}`);
      this.records.set(key(r), r);
    }
  }

  all(): RR[] {
    return [...this.records.values()];
  }

  async recordsAt(names: readonly string[]): Promise<RR[]> {
    const set = new Set(names);
    return this.all().filter((r) => set.has(r.name));
  }

  async nsecBefore(name: string): Promise<RR | null> {
    return before(this.all().filter((r) => r.type === 'NSEC'), (r) => r.name, name, compareCanonical);
  }

  async nsec3Before(hash: string): Promise<RR | null> {
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return before(this.all().filter((r) => r.type === 'NSEC3'), (r) => hashOf(r.name), hash, cmp);
  }

  async namesBelow(name: string, limit: number): Promise<string[]> {
    return [...new Set(this.all().filter((r) => isBelow(r.name, name)).map((r) => r.name))].slice(0, limit);
  }
}

function before(list: RR[], keyOf: (r: RR) => string, k: string, cmp: (a: string, b: string) => number): RR | null {
  if (list.length === 0) return null;
  const sorted = list.sort((a, b) => cmp(keyOf(a), keyOf(b)));
  const lower = sorted.filter((r) => cmp(keyOf(r), k) < 0);
  return lower.at(-1) ?? sorted.at(-1)!;
}
