// Times are rendered on the server (no hydration mismatch, no client clock):
// relative for the recent past, the ISO date beyond a month, exact UTC on hover.
import { formatRelative } from '@/lib/format/relative-time';

export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function RelativeTime({ date, now }: { date: Date; now?: Date }) {
  return (
    <time dateTime={date.toISOString()} title={formatUtc(date)}>
      {formatRelative(date, now)}
    </time>
  );
}
