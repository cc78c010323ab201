// A moment relative to now, in words: the one place for the web pages' wording
// and the terminal's. No framework imports, so the CLI can use it too.

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * For pages: "just now", "3 minutes ago", "in 2 hours", "yesterday" (either
 * direction); the ISO date (YYYY-MM-DD) from 30 days away.
 */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  if (abs < 45) return 'just now';
  if (abs < HOUR) return rtf.format(Math.round(seconds / MINUTE), 'minute');
  if (abs < DAY) return rtf.format(Math.round(seconds / HOUR), 'hour');
  if (abs < 30 * DAY) return rtf.format(Math.round(seconds / DAY), 'day');
  return date.toISOString().slice(0, 10);
}

/**
 * For terminals, in the past only and short enough for a table cell: "45 s ago" under
 * 2 minutes, then "3 min ago", "5 h ago" under 2 days, then "3 days ago". A moment
 * ahead of `now` (clock skew) reads "0 s ago"; no moment at all reads "never".
 */
export function formatAgo(date: Date | null, now: Date = new Date()): string {
  if (!date) return 'never';
  const s = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  if (s < 2 * MINUTE) return `${s} s ago`;
  if (s < 2 * HOUR) return `${Math.round(s / MINUTE)} min ago`;
  if (s < 2 * DAY) return `${Math.round(s / HOUR)} h ago`;
  return `${Math.round(s / DAY)} days ago`;
}

/**
 * For terminals, either direction: "3 s ago", "in 2 h", "5 d ago". A moment less than half
 * a second ahead of `now` or behind it reads "0 s ago": it has as good as happened (the CLI
 * may read a check the worker wrote a moment after the CLI took its `now`).
 */
export function formatOffset(date: Date, now: Date = new Date()): string {
  const ms = date.getTime() - now.getTime();
  const a = Math.round(Math.abs(ms) / 1000);
  const text = a < 2 * MINUTE ? `${a} s` : a < 2 * HOUR ? `${Math.round(a / MINUTE)} min` : a < 2 * DAY ? `${Math.round(a / HOUR)} h` : `${Math.round(a / DAY)} d`;
  return ms > 0 && a > 0 ? `in ${text}` : `${text} ago`;
}

/** A length of time in words, in its largest whole unit: "1 hour", "12 hours", "90 minutes", "45 seconds". */
export function formatDuration(seconds: number): string {
  const units: [number, string][] = [
    [DAY, 'day'],
    [HOUR, 'hour'],
    [MINUTE, 'minute'],
    [1, 'second'],
  ];
  const [size, name] = units.find(([size]) => seconds >= size && seconds % size === 0) ?? [1, 'second'];
  const n = Math.round(seconds / size);
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}

/**
 * A measured length of time, short, for chart labels and summaries: "850 ms",
 * "1.2 s", "45 s", "12 min", "5 h", "3 d" (the units formatOffset uses).
 */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 9.95) return `${s.toFixed(1)} s`;
  if (s < 2 * MINUTE) return `${Math.round(s)} s`;
  if (s < 2 * HOUR) return `${Math.round(s / MINUTE)} min`;
  if (s < 2 * DAY) return `${Math.round(s / HOUR)} h`;
  return `${Math.round(s / DAY)} d`;
}
