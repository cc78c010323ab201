// The geometry of a time-series line chart drawn as SVG on the server
// (components/charts/line-chart.tsx draws it): where each point goes, where
// a line breaks, and the ticks of both axes. Pure, so the numbers are tested
// without a browser; no charting library and nothing fetched by the page.

/** A value at a moment; null is a gap: the line stops before it and starts again after. */
export interface TimedValue {
  at: Date;
  value: number | null;
}

export interface ChartSize {
  width: number;
  height: number;
  /** Room around the plot for the axes' labels. */
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface PlotPoint {
  x: number;
  y: number;
  at: Date;
  value: number;
}

export interface PlottedLine {
  name: string;
  /** Runs of consecutive known values, each drawn as one path. */
  segments: PlotPoint[][];
  /** Every known value, each drawn as a marker. */
  points: PlotPoint[];
}

export interface Tick {
  /** Pixel position along its axis. */
  at: number;
  label: string;
}

export interface LineChartLayout {
  /** The plot area inside the margins. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** Top of the value axis: a round number at or above every value, 1 at least. */
  yMax: number;
  xTicks: Tick[];
  yTicks: Tick[];
  lines: PlottedLine[];
}

/** A map from [d0, d1] onto [r0, r1]; a domain of one value maps to r0. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

/** The smallest of 1, 2, 5 times a power of ten (1 at least: whole seconds and serials) that is at least `x`. */
export function niceStep(x: number): number {
  if (!(x > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= x)!;
}

/** The value axis: about `count` steps of a round size from 0 to at least `max`. */
export function valueTicks(max: number, count = 4): { top: number; values: number[] } {
  const step = niceStep(max / count);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const values: number[] = [];
  for (let v = 0; v <= top; v += step) values.push(v);
  return { top, values };
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Moments on the time axis between `from` and `to`, at whole UTC hours or
 * days: every 3 hours over a day or less ("15:00"), every day beyond
 * ("Dec 6"), so that about eight labels fit either way.
 */
export function timeTicks(from: Date, to: Date): { at: Date; label: string }[] {
  const span = to.getTime() - from.getTime();
  const step = span <= DAY_MS ? 3 * HOUR_MS : span <= 14 * DAY_MS ? DAY_MS : 7 * DAY_MS;
  const out: { at: Date; label: string }[] = [];
  for (let t = Math.ceil(from.getTime() / step) * step; t <= to.getTime(); t += step) {
    const d = new Date(t);
    const label = step < DAY_MS ? `${String(d.getUTCHours()).padStart(2, '0')}:00` : `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
    out.push({ at: d, label });
  }
  return out;
}

/** Cuts a line at its gaps: each run of known values, with its pixel positions. */
export function plotLine(values: readonly TimedValue[], x: (t: number) => number, y: (v: number) => number): { segments: PlotPoint[][]; points: PlotPoint[] } {
  const segments: PlotPoint[][] = [];
  let run: PlotPoint[] = [];
  for (const v of values) {
    if (v.value === null) {
      if (run.length > 0) segments.push(run);
      run = [];
      continue;
    }
    run.push({ x: round(x(v.at.getTime())), y: round(y(v.value)), at: v.at, value: v.value });
  }
  if (run.length > 0) segments.push(run);
  return { segments, points: segments.flat() };
}

/** SVG path data through the points of one segment. */
export function pathData(segment: readonly PlotPoint[]): string {
  return segment.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ');
}

/** Two decimals are finer than any screen; shorter markup. */
const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Lays out lines of values over [from, to]: time left to right, 0 at the
 * bottom of the plot, the value axis topped at a round number above the
 * largest value. `format` writes a value axis label.
 */
export function layoutLineChart(
  lines: readonly { name: string; values: readonly TimedValue[] }[],
  from: Date,
  to: Date,
  size: ChartSize,
  format: (v: number) => string = String,
): LineChartLayout {
  const plot = { left: size.margin.left, top: size.margin.top, right: size.width - size.margin.right, bottom: size.height - size.margin.bottom };
  const max = Math.max(0, ...lines.flatMap((l) => l.values.map((v) => v.value ?? 0)));
  const { top, values } = valueTicks(max);
  const x = linearScale(from.getTime(), to.getTime(), plot.left, plot.right);
  const y = linearScale(0, top, plot.bottom, plot.top);
  return {
    plot,
    yMax: top,
    xTicks: timeTicks(from, to).map((t) => ({ at: round(x(t.at.getTime())), label: t.label })),
    yTicks: values.map((v) => ({ at: round(y(v)), label: format(v) })),
    lines: lines.map((l) => ({ name: l.name, ...plotLine(l.values, x, y) })),
  };
}
