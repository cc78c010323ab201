// The geometry of a bar histogram drawn as SVG on the server
// (components/charts/histogram.tsx): one bar per bucket, heights in
// proportion to the largest count.

export interface Bar {
  label: string;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Bars for `buckets` side by side across `width`, at most `height` tall, bottoms on `height`. */
export function layoutBars(buckets: readonly { label: string; count: number }[], width: number, height: number, gap = 8): Bar[] {
  const most = Math.max(1, ...buckets.map((b) => b.count));
  const slot = buckets.length > 0 ? width / buckets.length : width;
  return buckets.map((b, i) => {
    const h = Math.round((b.count / most) * height * 100) / 100;
    return { label: b.label, count: b.count, x: Math.round((i * slot + gap / 2) * 100) / 100, y: height - h, width: Math.max(1, Math.round((slot - gap) * 100) / 100), height: h };
  });
}
