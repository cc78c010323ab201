// Latency figures as the side-by-side benchmarks print them: nearest-rank
// percentiles of a list of milliseconds, one summary line, and the ratio of
// ours to the other server's at a percentile.

/** The p-quantile (0..1) of `xs` by nearest rank (the lower median for an even count). */
export function rank(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
}

/** `median … p95 … min … max …` in whole milliseconds. */
export function stats(xs: readonly number[]): string {
  if (xs.length === 0) return 'no samples';
  const f = (n: number) => n.toFixed(0).padStart(5);
  return `median ${f(rank(xs, 0.5))} ms   p95 ${f(rank(xs, 0.95))} ms   min ${f(Math.min(...xs))} ms   max ${f(Math.max(...xs))} ms`;
}

/** Ours over theirs at percentile `p`, e.g. `0.12x`; '-' when either has no samples. */
export function ratio(ours: readonly number[], theirs: readonly number[], p: number): string {
  if (!ours.length || !theirs.length) return '-';
  return `${(rank(ours, p) / rank(theirs, p)).toFixed(2)}x`;
}
