import Link from 'next/link';
import { formatElapsed } from '@/lib/format/relative-time';
import { LAG_RANGES, type LagHistory, type LagPoint, type LagRange, type LagSeries, type ServeDistribution } from '@/lib/replication/lag-history';
import { Histogram } from '../charts/histogram';
import { LineChart } from '../charts/line-chart';
import { linkClass } from '../styles';

const RANGE_WORDS: Record<LagRange, string> = { day: 'last day', week: 'last week' };

/** The two lag charts: what each plots of a point, and how its values read. */
const CHARTS = [
  { id: 'lag-seconds', unit: 'seconds', what: 'Lag in seconds', pick: (p: LagPoint) => p.seconds, format: (v: number) => (v < 120 ? `${v} s` : formatElapsed(v * 1000)) },
  { id: 'lag-serials', unit: 'serials', what: 'Lag in serial numbers', pick: (p: LagPoint) => p.serials, format: String },
] as const;

/** One sentence per secondary for screen readers: how many probes, the worst and the latest lag, the failures. */
export function lagSummary(series: readonly LagSeries[], pick: (p: LagPoint) => number | null, format: (v: number) => string, what: string, range: LagRange): string {
  const lines = series.map((s) => {
    const known = s.points.map(pick).filter((v): v is number => v !== null);
    const last = s.points.at(-1);
    const lastValue = last ? pick(last) : null;
    const parts = [
      known.length === 0 ? 'no serial seen' : `worst ${format(Math.max(...known))}`,
      last === undefined ? null : lastValue === null ? 'no answer at the latest probe' : `latest ${format(lastValue)}`,
      s.failed > 0 ? `${s.failed} probe${s.failed === 1 ? '' : 's'} without an answer (gaps)` : null,
    ];
    return `${s.target}: ${s.points.length} point${s.points.length === 1 ? '' : 's'}, ${parts.filter(Boolean).join(', ')}.`;
  });
  return `${what} over the ${RANGE_WORDS[range]}, per secondary. ${lines.join(' ')}`;
}

function RangeSwitch({ range, href }: { range: LagRange; href: string }) {
  return (
    <nav aria-label="Chart range" className="flex gap-2 text-sm">
      {LAG_RANGES.map((r) =>
        r === range ? (
          <span key={r} aria-current="page" className="rounded bg-zinc-800 px-2 py-0.5 text-white">
            {RANGE_WORDS[r]}
          </span>
        ) : (
          <Link key={r} href={`${href}?range=${r}`} className={`rounded px-2 py-0.5 ${linkClass}`}>
            {RANGE_WORDS[r]}
          </Link>
        ),
      )}
    </nav>
  );
}

/**
 * A zone's replication lag over time: each secondary's lag in seconds and in
 * serials, and how long changes took from commit to being served, over the
 * range the URL asks for (?range=day|week, links at `href`).
 */
export function LagCharts({ history, serving, href }: { history: LagHistory; serving: ServeDistribution; href: string }) {
  const { range, from, to, series } = history;
  const as = (pick: (p: LagPoint) => number | null) => series.map((s) => ({ name: s.target, values: s.points.map((p) => ({ at: p.at, value: pick(p) })) }));
  const servingSummary =
    serving.count === 0
      ? 'No change reached a secondary in this range.'
      : `${serving.count} change${serving.count === 1 ? '' : 's'} seen live on a secondary: median ${formatElapsed(serving.medianMs!)}, 95th percentile ${formatElapsed(serving.p95Ms!)}. ` +
        serving.buckets.map((b) => `${b.label}: ${b.count}`).join('; ') + '.';
  return (
    <div className="space-y-4">
      <RangeSwitch range={range} href={href} />
      {series.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600" data-testid="lag-empty">
          No lag recorded over the {RANGE_WORDS[range]} yet. A point appears each time the worker probes a secondary: right after each NOTIFY, and in
          its sweep over every zone (ZK_PROBE_INTERVAL, ZK_PROBE_RATE). Points are kept ZK_LAG_DAYS days (default 8).
        </p>
      ) : (
        <div className="grid gap-4">
          {CHARTS.map((c) => (
            <LineChart
              key={c.id}
              id={c.id}
              title={`Lag in ${c.unit}, ${RANGE_WORDS[range]}`}
              yLabel={`${c.unit} behind`}
              summary={lagSummary(series, c.pick, c.format, c.what, range)}
              lines={as(c.pick)}
              from={from}
              to={to}
              format={c.format}
            />
          ))}
          <p className="text-xs text-zinc-600">A break in a line is a probe the secondary did not answer with the zone (unreachable, refused, missing).</p>
        </div>
      )}
      <div className="space-y-1">
        {serving.count === 0 ? (
          <p className="text-sm text-zinc-600" data-testid="serving-empty">
            No commit-to-serving times over the {RANGE_WORDS[range]} yet: one is kept each time a probe first sees a secondary serve a new change.
          </p>
        ) : (
          <>
            <Histogram id="serving-histogram" title={`Commit to serving, ${RANGE_WORDS[range]}`} summary={servingSummary} xLabel="time from commit to a secondary serving it" buckets={serving.buckets} />
            <p className="text-sm" data-testid="serving-summary">
              {serving.count} change{serving.count === 1 ? '' : 's'} live on a secondary · median <span className="font-mono">{formatElapsed(serving.medianMs!)}</span> · 95th
              percentile <span className="font-mono">{formatElapsed(serving.p95Ms!)}</span>
            </p>
          </>
        )}
      </div>
    </div>
  );
}
