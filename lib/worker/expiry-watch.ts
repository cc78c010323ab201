// When the served copies of secondary zones expire (RFC 1035 §4.3.5: past
// EXPIRE without a refresh, a secondary stops answering for the zone). No
// write happens at that moment, so the change feed cannot tell the loader; it
// asks this watch instead which zones' expiry has come. A binary heap ordered
// by time: due() costs O(log n) per zone it returns, nothing otherwise.
// Replaced or dropped entries stay in the heap until their time comes and are
// skipped then.

export class ExpiryWatch {
  /** The expiry each watched zone has now. */
  private readonly at = new Map<string, number>();
  private readonly heap: { at: number; name: string }[] = [];

  /** Watches `zone` expiring at `at` (ms since the epoch), replacing what was known; null stops watching it. */
  set(zone: string, at: number | null): void {
    if (at === null) {
      this.at.delete(zone);
      return;
    }
    if (this.at.get(zone) === at) return;
    this.at.set(zone, at);
    this.push({ at, name: zone });
  }

  /** The zones whose expiry is at or before `now`, soonest first; they are no longer watched. */
  due(now: number): string[] {
    const out: string[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const top = this.pop();
      if (this.at.get(top.name) !== top.at) continue;
      this.at.delete(top.name);
      out.push(top.name);
    }
    return out;
  }

  private push(entry: { at: number; name: string }): void {
    const h = this.heap;
    h.push(entry);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  private pop(): { at: number; name: string } {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let least = i;
        if (l < h.length && h[l]!.at < h[least]!.at) least = l;
        if (r < h.length && h[r]!.at < h[least]!.at) least = r;
        if (least === i) break;
        [h[least], h[i]] = [h[i]!, h[least]!];
        i = least;
      }
    }
    return top;
  }
}
