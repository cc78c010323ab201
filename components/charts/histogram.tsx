import { layoutBars } from '@/lib/charts/histogram';

const WIDTH = 480;
const PLOT_HEIGHT = 120;
const TOP = 16;
const BOTTOM = 36;

/**
 * A histogram as inline SVG: one bar per bucket with its count printed above
 * and its label below (readable without colour), and `summary` for screen
 * readers.
 */
export function Histogram({ id, title, summary, xLabel, buckets }: { id: string; title: string; summary: string; xLabel: string; buckets: { label: string; count: number }[] }) {
  const bars = layoutBars(buckets, WIDTH, PLOT_HEIGHT);
  const height = TOP + PLOT_HEIGHT + BOTTOM;
  return (
    <figure className="space-y-1" data-testid={id}>
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} className="h-auto w-full max-w-xl rounded-md border border-zinc-200 bg-white" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <g transform={`translate(0 ${TOP})`} fontSize={11} fill="#52525b">
          {bars.map((b) => (
            <g key={b.label} data-testid="histogram-bar" data-count={b.count}>
              <rect x={b.x} y={b.y} width={b.width} height={b.height} fill="#1d4ed8" />
              <text x={b.x + b.width / 2} y={b.y - 3} textAnchor="middle" fill="#18181b">{b.count}</text>
              <text x={b.x + b.width / 2} y={PLOT_HEIGHT + 14} textAnchor="middle">{b.label}</text>
            </g>
          ))}
          <line x1={0} x2={WIDTH} y1={PLOT_HEIGHT} y2={PLOT_HEIGHT} stroke="#71717a" />
          <text x={WIDTH / 2} y={PLOT_HEIGHT + 30} textAnchor="middle">{xLabel}</text>
        </g>
      </svg>
    </figure>
  );
}
