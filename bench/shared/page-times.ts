// Web page response times as an operator gets them: the full response over
// loopback with a signed-in session's cookie, a few warm-ups, then `runs`
// requests each; median and 95th percentile against the 300 ms target.

export const PAGE_TARGET_MS = 300;

/** The p-quantile (0..1) of `xs` by rank. */
export function quantile(xs: readonly number[], p: number): number {
  return [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
}

export interface PageTime {
  label: string;
  url: string;
  medianMs: number;
  p95Ms: number;
  /** The last response's HTTP status (anything but 200 makes the figure meaningless). */
  status: number;
}

export async function timePages(base: string, cookie: string, pages: readonly (readonly [label: string, url: string])[], runs: number, warmups = 3): Promise<PageTime[]> {
  const out: PageTime[] = [];
  for (const [label, url] of pages) {
    const times: number[] = [];
    let status = 0;
    for (let i = 0; i < runs + warmups; i++) {
      const t = performance.now();
      const res = await fetch(base + url, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(120_000) });
      await res.text();
      status = res.status;
      if (i >= warmups) times.push(performance.now() - t);
    }
    out.push({ label, url, medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95), status });
  }
  return out;
}

/** One line per page: label, median, p95 and a note when over target or not a 200. */
export function pageLines(times: readonly PageTime[]): string[] {
  const lines = [`${'page'.padEnd(34)} ${'median'.padStart(8)} ${'p95'.padStart(8)}   target ${PAGE_TARGET_MS} ms`];
  for (const t of times) {
    const note = t.status !== 200 ? `  (HTTP ${t.status}!)` : t.medianMs <= PAGE_TARGET_MS ? '' : '  over target';
    lines.push(`${t.label.padEnd(34)} ${t.medianMs.toFixed(0).padStart(6)} ms ${t.p95Ms.toFixed(0).padStart(6)} ms${note}`);
  }
  return lines;
}
