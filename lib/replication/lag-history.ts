// Lag history (issue 23), the reading half: each secondary's lag over the
// last day or week as series of points for the line charts, and the
// commit-to-serving times as a distribution for the histogram, from the rows
// lag-samples.ts writes. A series keeps every sample while there are few
// (a change followed probe by probe); past MAX_POINTS it is cut into equal
// periods, each drawn as its worst lag, so a page never draws more.
import { db } from '../db';

export const LAG_RANGES = ['day', 'week'] as const;
export type LagRange = (typeof LAG_RANGES)[number];

const DAY_MS = 86_400_000;
export const RANGE_MS: Record<LagRange, number> = { day: DAY_MS, week: 7 * DAY_MS };

/** The range a URL asks for (?range=day|week); a day for anything else. */
export function parseLagRange(value: string | string[] | undefined): LagRange {
  return LAG_RANGES.find((r) => r === value) ?? 'day';
}

/** Points per secondary at most. */
export const MAX_POINTS = 500;

/** A secondary's lag at a moment; both null where it gave no serial (unreachable, refused…): a gap in its line. */
export interface LagPoint {
  at: Date;
  seconds: number | null;
  serials: number | null;
}

export interface LagSeries {
  target: string;
  points: LagPoint[];
  /** Probes in the range that got no serial from it. */
  failed: number;
}

export interface LagHistory {
  range: LagRange;
  from: Date;
  to: Date;
  series: LagSeries[];
}

/** A LagSample as read. */
export interface SampleRow {
  at: Date;
  state: string;
  lagSeconds: number | null;
  lagSerials: number | null;
}

const isGap = (s: SampleRow) => s.state !== 'ok' || s.lagSerials === null;

const maxOf = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length > 0 ? Math.max(...known) : null;
};

/**
 * The points of one secondary from its samples (oldest first) in [from, to]:
 * one per sample up to `maxPoints`; beyond, one per equal period, at its last
 * sample, with the period's worst lag, or a gap when any probe in it failed
 * (an outage must not vanish into its neighbours).
 */
export function toPoints(samples: readonly SampleRow[], from: Date, to: Date, maxPoints = MAX_POINTS): LagPoint[] {
  const point = (s: SampleRow): LagPoint => (isGap(s) ? { at: s.at, seconds: null, serials: null } : { at: s.at, seconds: s.lagSeconds, serials: s.lagSerials });
  if (samples.length <= maxPoints) return samples.map(point);
  const periodMs = Math.ceil((to.getTime() - from.getTime()) / maxPoints);
  const periods = new Map<number, SampleRow[]>();
  for (const s of samples) {
    const i = Math.floor((s.at.getTime() - from.getTime()) / periodMs);
    const list = periods.get(i) ?? [];
    list.push(s);
    periods.set(i, list);
  }
  return [...periods.values()].map((list) => {
    const at = list.at(-1)!.at;
    if (list.some(isGap)) return { at, seconds: null, serials: null };
    return { at, seconds: maxOf(list.map((s) => s.lagSeconds)), serials: maxOf(list.map((s) => s.lagSerials)) };
  });
}

/** Each secondary's lag over the `range` before `now`, in order of address. */
export async function lagHistory(zoneId: number, range: LagRange, now = new Date()): Promise<LagHistory> {
  const from = new Date(now.getTime() - RANGE_MS[range]);
  const rows = await db().lagSample.findMany({
    where: { zoneId, at: { gte: from, lte: now } },
    orderBy: [{ at: 'asc' }, { id: 'asc' }],
    select: { target: true, at: true, state: true, lagSeconds: true, lagSerials: true },
  });
  const byTarget = new Map<string, SampleRow[]>();
  for (const r of rows) {
    const list = byTarget.get(r.target) ?? [];
    list.push(r);
    byTarget.set(r.target, list);
  }
  const series = [...byTarget.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([target, samples]) => ({ target, points: toPoints(samples, from, now), failed: samples.filter(isGap).length }));
  return { range, from, to: now, series };
}

/** The histogram's buckets of commit-to-serving times: each holds times below its bound and at or above the one before. */
export const SERVE_BUCKETS: readonly { label: string; belowMs: number }[] = [
  { label: '< 1 s', belowMs: 1000 },
  { label: '1–5 s', belowMs: 5000 },
  { label: '5–30 s', belowMs: 30_000 },
  { label: '30 s–5 min', belowMs: 300_000 },
  { label: '> 5 min', belowMs: Infinity },
];

export interface ServeDistribution {
  count: number;
  medianMs: number | null;
  p95Ms: number | null;
  buckets: { label: string; count: number }[];
}

/** The q-quantile of sorted values, nearest rank: a time that was actually measured. */
function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1]!;
}

/** Counts per SERVE_BUCKETS, median and 95th percentile of commit-to-serving times in milliseconds. */
export function serveDistribution(times: readonly number[]): ServeDistribution {
  const sorted = [...times].sort((a, b) => a - b);
  const buckets = SERVE_BUCKETS.map((b, i) => ({
    label: b.label,
    count: sorted.filter((ms) => ms < b.belowMs && (i === 0 || ms >= SERVE_BUCKETS[i - 1]!.belowMs)).length,
  }));
  return { count: sorted.length, medianMs: quantile(sorted, 0.5), p95Ms: quantile(sorted, 0.95), buckets };
}

/** The zone's commit-to-serving times over the `range` before `now`, every secondary together. */
export async function serveTimes(zoneId: number, range: LagRange, now = new Date()): Promise<ServeDistribution> {
  const from = new Date(now.getTime() - RANGE_MS[range]);
  const rows = await db().serveTime.findMany({ where: { zoneId, servedAt: { gte: from, lte: now } }, select: { ms: true } });
  return serveDistribution(rows.map((r) => r.ms));
}
