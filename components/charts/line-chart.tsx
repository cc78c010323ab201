import { layoutLineChart, pathData, type ChartSize, type PlotPoint, type TimedValue } from '@/lib/charts/line-chart';
import { formatUtc } from '../relative-time';

const SIZE: ChartSize = { width: 720, height: 220, margin: { top: 12, right: 16, bottom: 40, left: 56 } };

/**
 * How each line is told apart without colour: its colour, its dash pattern
 * and its marker shape all differ, in the legend as on the plot.
 */
const LOOKS = [
  { colour: '#1d4ed8', dash: undefined, marker: 'circle' },
  { colour: '#b45309', dash: '6 3', marker: 'square' },
  { colour: '#047857', dash: '2 3', marker: 'triangle' },
  { colour: '#9d174d', dash: '8 3 2 3', marker: 'diamond' },
  { colour: '#4b5563', dash: '1 5', marker: 'cross' },
] as const;
type Look = (typeof LOOKS)[number];
const lookOf = (i: number): Look => LOOKS[i % LOOKS.length]!;

/** A point's marker; `plotted` (not the legend's) marks it as a data point. */
function Marker({ look, x, y, plotted, children }: { look: Look; x: number; y: number; plotted?: boolean; children?: React.ReactNode }) {
  const common = { fill: look.colour, stroke: look.colour, 'data-testid': plotted ? 'chart-point' : undefined };
  switch (look.marker) {
    case 'circle':
      return <circle cx={x} cy={y} r={3} {...common}>{children}</circle>;
    case 'square':
      return <rect x={x - 3} y={y - 3} width={6} height={6} {...common}>{children}</rect>;
    case 'triangle':
      return <path d={`M${x} ${y - 4} L${x + 4} ${y + 3} L${x - 4} ${y + 3} Z`} {...common}>{children}</path>;
    case 'diamond':
      return <path d={`M${x} ${y - 4} L${x + 4} ${y} L${x} ${y + 4} L${x - 4} ${y} Z`} {...common}>{children}</path>;
    case 'cross':
      return <path d={`M${x - 3} ${y - 3} L${x + 3} ${y + 3} M${x - 3} ${y + 3} L${x + 3} ${y - 3}`} strokeWidth={2} {...common}>{children}</path>;
  }
}

/**
 * A time-series line chart as inline SVG: one line per series, broken where
 * a value is unknown, a marker on every point (with its value on hover), a
 * labelled time axis (UTC) and value axis, a legend, and `summary` for screen
 * readers (the SVG itself is one image to them).
 */
export function LineChart({
  id,
  title,
  yLabel,
  summary,
  lines,
  from,
  to,
  format = String,
}: {
  id: string;
  title: string;
  yLabel: string;
  summary: string;
  lines: { name: string; values: TimedValue[] }[];
  from: Date;
  to: Date;
  format?: (v: number) => string;
}) {
  const layout = layoutLineChart(lines, from, to, SIZE, format);
  const { plot } = layout;
  const pointTitle = (name: string, p: PlotPoint) => `${name} at ${formatUtc(p.at)}: ${format(p.value)}`;
  return (
    <figure className="space-y-1" data-testid={id}>
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <svg viewBox={`0 0 ${SIZE.width} ${SIZE.height}`} className="h-auto w-full max-w-3xl rounded-md border border-zinc-200 bg-white" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <g fontSize={11} fill="#52525b">
          {layout.yTicks.map((t) => (
            <g key={`y${t.at}`}>
              <line x1={plot.left} x2={plot.right} y1={t.at} y2={t.at} stroke="#e4e4e7" />
              <text x={plot.left - 6} y={t.at + 4} textAnchor="end">{t.label}</text>
            </g>
          ))}
          {layout.xTicks.map((t) => (
            <g key={`x${t.at}`}>
              <line x1={t.at} x2={t.at} y1={plot.bottom} y2={plot.bottom + 4} stroke="#71717a" />
              <text x={t.at} y={plot.bottom + 16} textAnchor="middle">{t.label}</text>
            </g>
          ))}
          <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke="#71717a" />
          <line x1={plot.left} x2={plot.left} y1={plot.top} y2={plot.bottom} stroke="#71717a" />
          <text x={(plot.left + plot.right) / 2} y={SIZE.height - 4} textAnchor="middle">Time (UTC)</text>
          <text transform={`translate(12 ${(plot.top + plot.bottom) / 2}) rotate(-90)`} textAnchor="middle">{yLabel}</text>
        </g>
        {layout.lines.map((line, i) => {
          const look = lookOf(i);
          return (
            <g key={line.name} data-testid="chart-line" data-series={line.name}>
              {line.segments.map((seg, j) => (
                <path key={j} d={pathData(seg)} fill="none" stroke={look.colour} strokeWidth={1.5} strokeDasharray={look.dash} />
              ))}
              {line.points.map((p, j) => (
                <Marker key={j} look={look} x={p.x} y={p.y} plotted>
                  <title>{pointTitle(line.name, p)}</title>
                </Marker>
              ))}
            </g>
          );
        })}
      </svg>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-700" aria-hidden="true">
        {lines.map((l, i) => {
          const look = lookOf(i);
          return (
            <li key={l.name} className="flex items-center gap-1">
              <svg width={28} height={10} viewBox="0 0 28 10">
                <line x1={0} x2={28} y1={5} y2={5} stroke={look.colour} strokeWidth={1.5} strokeDasharray={look.dash} />
                <Marker look={look} x={14} y={5} />
              </svg>
              <span className="font-mono">{l.name}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
