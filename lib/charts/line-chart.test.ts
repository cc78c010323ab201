// Where the lag charts put their points, lines, gaps and ticks.
import { describe, expect, it } from 'vitest';
import { layoutBars } from './histogram';
import { layoutLineChart, pathData, timeTicks, valueTicks, type ChartSize } from './line-chart';

const at = (iso: string) => new Date(iso);
// A plot from x 10 to 110 and y 60 (value 0) up to 10 (the axis top).
const SIZE: ChartSize = { width: 120, height: 70, margin: { top: 10, right: 10, bottom: 10, left: 10 } };
const FROM = at('2026-12-06T00:00:00Z');
const TO = at('2026-12-06T10:00:00Z');

describe('layoutLineChart', () => {
  it('puts the start of the range at the left, its end at the right, 0 at the bottom and the axis top at the top', () => {
    const layout = layoutLineChart(
      [{ name: 'a', values: [{ at: FROM, value: 0 }, { at: at('2026-12-06T05:00:00Z'), value: 2 }, { at: TO, value: 4 }] }],
      FROM,
      TO,
      SIZE,
    );
    expect(layout.yMax).toBe(4);
    expect(layout.lines[0]!.points.map((p) => [p.x, p.y])).toEqual([
      [10, 60],
      [60, 35],
      [110, 10],
    ]);
    expect(pathData(layout.lines[0]!.segments[0]!)).toBe('M10 60 L60 35 L110 10');
  });

  it('breaks a line where the secondary gave no serial, and draws no point there', () => {
    const values = [0, null, 3, 1, null, null, 2].map((value, i) => ({ at: new Date(FROM.getTime() + i * 3_600_000), value }));
    const line = layoutLineChart([{ name: 'a', values }], FROM, TO, SIZE).lines[0]!;
    expect(line.segments.map((s) => s.map((p) => p.value))).toEqual([[0], [3, 1], [2]]);
    expect(line.points).toHaveLength(4);
    // The hours of the gaps have no point: x 20 (1 h) and 50, 60 (4 h, 5 h) are missing.
    expect(line.points.map((p) => p.x)).toEqual([10, 30, 40, 70]);
  });

  it('scales every line against the largest value of any, and keeps a flat line at 0 on the bottom', () => {
    const layout = layoutLineChart(
      [
        { name: 'in sync', values: [{ at: FROM, value: 0 }, { at: TO, value: 0 }] },
        { name: 'behind', values: [{ at: TO, value: 13 }] },
      ],
      FROM,
      TO,
      SIZE,
    );
    expect(layout.yMax).toBe(15);
    expect(layout.lines[0]!.points.map((p) => p.y)).toEqual([60, 60]);
    expect(layout.lines[1]!.points[0]!.y).toBeCloseTo(60 - (13 / 15) * 50, 1);
    expect(layout.yTicks.map((t) => t.label)).toEqual(['0', '5', '10', '15']);
  });
});

describe('ticks', () => {
  it('gives the value axis round steps from 0, and 0 to 1 when every value is 0', () => {
    expect(valueTicks(0)).toEqual({ top: 1, values: [0, 1] });
    expect(valueTicks(4)).toEqual({ top: 4, values: [0, 1, 2, 3, 4] });
    expect(valueTicks(90)).toEqual({ top: 100, values: [0, 50, 100] });
    expect(valueTicks(3600).values.at(-1)).toBeGreaterThanOrEqual(3600);
  });

  it('labels a day every 3 UTC hours and a week every UTC midnight', () => {
    const day = timeTicks(at('2026-12-06T10:30:00Z'), at('2026-12-07T10:30:00Z'));
    expect(day.map((t) => t.label)).toEqual(['12:00', '15:00', '18:00', '21:00', '00:00', '03:00', '06:00', '09:00']);
    const week = timeTicks(at('2026-11-29T10:30:00Z'), at('2026-12-06T10:30:00Z'));
    expect(week.map((t) => t.label)).toEqual(['Nov 30', 'Dec 1', 'Dec 2', 'Dec 3', 'Dec 4', 'Dec 5', 'Dec 6']);
  });
});

describe('layoutBars', () => {
  it('makes the largest bucket full height, others in proportion, and an empty one flat', () => {
    const bars = layoutBars([{ label: '< 1 s', count: 4 }, { label: '1–5 s', count: 2 }, { label: '> 5 min', count: 0 }], 300, 100, 0);
    expect(bars.map((b) => [b.x, b.width, b.y, b.height])).toEqual([
      [0, 100, 0, 100],
      [100, 100, 50, 50],
      [200, 100, 100, 0],
    ]);
  });
});
