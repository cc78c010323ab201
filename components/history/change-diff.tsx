import Link from 'next/link';
import { relativeName } from '@/lib/dns/names';
import { parseSoaContent } from '@/lib/dns/rdata';
import type { RR, SoaFields } from '@/lib/dns/types';
import { linkClass } from '../styles';

/** Diff lines shown per change before "show all": an import of 20 000 records must not flood the changelog. */
export const DIFF_LINES_SHOWN = 40;

function soaOf(r: RR | undefined): (SoaFields & { ttl: number }) | null {
  if (!r) return null;
  try {
    return { ...parseSoaContent(r.content), ttl: r.ttl };
  } catch {
    return null;
  }
}

/**
 * The SOA part of a change in one line: its serial step, and any other field
 * that moved (a new contact, new timers), instead of two long SOA records.
 */
function soaSummary(removed: RR | undefined, added: RR | undefined): string | null {
  const before = soaOf(removed);
  const after = soaOf(added);
  if (!after && !before) return null;
  if (!before && after) return `SOA created: ${after.mname} ${after.rname}, serial ${after.serial}`;
  if (before && !after) return `SOA removed (serial ${before.serial})`;
  const b = before!;
  const a = after!;
  const moved = (['mname', 'rname', 'refresh', 'retry', 'expire', 'minimum', 'ttl'] as const)
    .filter((k) => b[k] !== a[k])
    .map((k) => `${k} ${b[k]} → ${a[k]}`);
  return [`serial ${b.serial} → ${a.serial}`, ...moved].join(', ');
}

type Line = { sign: '-' | '+'; record: RR };

/** Removed then added, each in name order, so a replaced record's old and new lines read together. */
function diffLines(removed: RR[], added: RR[]): Line[] {
  const lines: Line[] = [
    ...removed.filter((r) => r.type !== 'SOA').map((record): Line => ({ sign: '-', record })),
    ...added.filter((r) => r.type !== 'SOA').map((record): Line => ({ sign: '+', record })),
  ];
  const key = (l: Line) => `${l.record.name.split('.').reverse().join('\u0001')}\u0000${l.record.type}\u0000${l.sign === '-' ? 0 : 1}`;
  return lines
    .map((l) => ({ l, k: key(l) }))
    .sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
    .map((x) => x.l);
}

/**
 * A change's records, removed (−) and added (+), names relative to the zone.
 * `showAllHref` links to the same page with every line of this change shown.
 */
export function ChangeDiff({
  zone,
  removed,
  added,
  showAll,
  showAllHref,
}: {
  zone: string;
  removed: RR[];
  added: RR[];
  showAll: boolean;
  showAllHref: string;
}) {
  const soa = soaSummary(
    removed.find((r) => r.type === 'SOA'),
    added.find((r) => r.type === 'SOA'),
  );
  const lines = diffLines(removed, added);
  const shown = showAll ? lines : lines.slice(0, DIFF_LINES_SHOWN);
  return (
    <div className="space-y-1 text-sm">
      {soa && (
        <p className="font-mono text-xs text-zinc-600">
          <span className="font-semibold text-zinc-700">SOA</span> {soa}
        </p>
      )}
      {lines.length === 0 ? (
        <p className="text-xs text-zinc-500">No records changed.</p>
      ) : (
        <ul className="overflow-x-auto rounded border border-zinc-200 font-mono text-xs" aria-label="Records changed">
          {shown.map((l, i) => (
            <li
              key={`${l.sign}${l.record.name}${l.record.type}${l.record.content}${i}`}
              className={`flex gap-3 px-2 py-0.5 ${l.sign === '-' ? 'bg-red-50 text-red-900' : 'bg-green-50 text-green-900'}`}
            >
              <span aria-hidden="true" className="w-3 shrink-0 select-none">
                {l.sign === '-' ? '−' : '+'}
              </span>
              <span className="sr-only">{l.sign === '-' ? 'removed' : 'added'}</span>
              <span className="min-w-24 shrink-0 font-medium" title={l.record.name}>
                {relativeName(l.record.name, zone)}
              </span>
              <span className="w-14 shrink-0 text-right text-zinc-500">{l.record.ttl}</span>
              <span className="w-12 shrink-0 font-semibold">{l.record.type}</span>
              <span className="break-all">{l.record.content}</span>
            </li>
          ))}
        </ul>
      )}
      {shown.length < lines.length && (
        <p className="text-xs text-zinc-600">
          {lines.length - shown.length} more line{lines.length - shown.length > 1 ? 's' : ''} not shown.{' '}
          <Link href={showAllHref} className={linkClass} scroll={false}>
            Show all {lines.length}
          </Link>
        </p>
      )}
    </div>
  );
}
