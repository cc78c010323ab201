// Random changes to a zone that its rules allow (one TTL per RRset, CNAME
// alone at its name, DS only beside NS, no delegation at a wildcard): names
// one to three labels deep (empty non-terminals), wildcards, CNAMEs,
// delegations with and without DS over names that already exist, glue, new
// TTLs. For the DNSSEC planner's tests.
import type { RR } from '../dns/types';

const rr = (name: string, type: string, content: string, ttl = 300): RR => ({ name, type, ttl, content });
const key = (r: RR) => `${r.name} ${r.type} ${r.ttl} ${r.content}`;

/** A small deterministic generator (mulberry32), so that a failing run can be replayed. */
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}

export type Random = ReturnType<typeof random>;

/** The zone's data as the generator keeps it, and random changes to it that a zone's rules allow. */
export class RandomZone {
  readonly data: Map<string, RR>;
  /** `base`: the zone's records to start from, the SOA left out (the caller changes it). */
  constructor(
    private readonly zone: string,
    private readonly rnd: Random,
    base: readonly RR[],
  ) {
    this.data = new Map(base.filter((r) => r.type !== 'SOA').map((r) => [key(r), r]));
  }

  private at(name: string) {
    return [...this.data.values()].filter((r) => r.name === name);
  }
  private randomName(): string {
    const depth = 1 + this.rnd.int(3);
    const labels = Array.from({ length: depth }, (_, i) => (i === 0 && this.rnd.next() < 0.15 ? '*' : this.rnd.pick(['a', 'b', 'c', 'd', 'mail', 'x1', '_x'])));
    return `${labels.join('.')}.${this.zone}`;
  }

  /** One change: removed and added data records, each against the zone as the previous left it. */
  change(): { removed: RR[]; added: RR[] } {
    const removed: RR[] = [];
    const added: RR[] = [];
    const parts = 1 + (this.rnd.next() < 0.2 ? this.rnd.int(3) : 0);
    for (let i = 0; i < parts; i++) this.step(removed, added);
    return { removed, added };
  }

  private remove(r: RR, removed: RR[], added: RR[]) {
    this.data.delete(key(r));
    const j = added.findIndex((a) => key(a) === key(r));
    if (j >= 0) added.splice(j, 1);
    else removed.push(r);
  }
  private add(r: RR, removed: RR[], added: RR[]) {
    if (this.data.has(key(r))) return;
    this.data.set(key(r), r);
    const j = removed.findIndex((a) => key(a) === key(r));
    if (j >= 0) removed.splice(j, 1);
    else added.push(r);
  }

  private step(removed: RR[], added: RR[]) {
    const p = this.rnd.next();
    const name = this.randomName();
    const here = this.at(name);
    const cname = here.some((r) => r.type === 'CNAME');
    if (p < 0.4) {
      if (cname) return;
      const r = this.rnd.next() < 0.5 ? rr(name, 'A', `192.0.2.${this.rnd.int(250) + 1}`) : rr(name, 'TXT', `"t${this.rnd.int(5)}"`);
      const ttl = here.find((h) => h.type === r.type)?.ttl ?? r.ttl;
      this.add({ ...r, ttl }, removed, added);
    } else if (p < 0.65) {
      const list = [...this.data.values()].filter((r) => r.name !== this.zone && r.type !== 'NS' && r.type !== 'DS' && r.name !== `ns1.${this.zone}`);
      if (list.length) this.remove(this.rnd.pick(list), removed, added);
    } else if (p < 0.73) {
      if (here.length === 0) this.add(rr(name, 'CNAME', `ns1.${this.zone}`), removed, added);
    } else if (p < 0.85) {
      if (cname || name.startsWith('*') || here.some((r) => r.type === 'NS')) return;
      const ns = `ns.${name}`;
      this.add(rr(name, 'NS', ns), removed, added);
      if (this.rnd.next() < 0.5) this.add(rr(name, 'DS', `${this.rnd.int(65536)} 13 2 ${'0123456789ABCDEF'.repeat(4)}`), removed, added);
      const glue = this.at(ns);
      const ttl = glue.find((r) => r.type === 'A')?.ttl ?? 300; // one TTL per RRset, as the zone's rules require
      if (!glue.some((r) => r.type === 'CNAME')) this.add(rr(ns, 'A', '192.0.2.200', ttl), removed, added);
    } else if (p < 0.95) {
      const cuts = [...this.data.values()].filter((r) => r.type === 'NS' && r.name !== this.zone);
      if (!cuts.length) return;
      const cut = this.rnd.pick(cuts).name;
      for (const r of this.at(cut).filter((r) => r.type === 'NS' || r.type === 'DS')) this.remove(r, removed, added);
    } else {
      // A new TTL for a whole RRset.
      const list = [...this.data.values()].filter((r) => r.name !== this.zone && r.type !== 'NS');
      if (!list.length) return;
      const one = this.rnd.pick(list);
      const ttl = 60 + this.rnd.int(4) * 60;
      for (const r of this.at(one.name).filter((r) => r.type === one.type)) {
        this.remove(r, removed, added);
        this.add({ ...r, ttl }, removed, added);
      }
    }
  }
}

