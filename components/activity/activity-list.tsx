import Link from 'next/link';
import type { ActivityEntry } from '@/lib/activity/data';
import { displayName } from '@/lib/dns/names';
import { changeHref, zoneHref } from '@/lib/zones/zone-urls';
import { ChangeByline } from '../history/change-byline';
import { linkClass } from '../styles';

/** "+2 −1 records": what a change did, the SOA not counted. */
function countsText(e: ActivityEntry): string {
  if (e.added === 0 && e.removed === 0) return 'no records';
  const parts = [e.added ? `+${e.added.toLocaleString('en')}` : '', e.removed ? `−${e.removed.toLocaleString('en')}` : ''].filter(Boolean);
  return `${parts.join(' ')} record${e.added + e.removed === 1 ? '' : 's'}`;
}

/**
 * One page of the global changelog, newest first: the zone, who, when, the
 * comment, the serial step and how many records, each entry linking to its
 * diff on the zone's history page.
 */
export function ActivityList({ entries }: { entries: ActivityEntry[] }) {
  return (
    <ol className="divide-y divide-zinc-100 rounded-md border border-zinc-200 bg-white shadow-sm" aria-label="Changes">
      {entries.map((e) => (
        <li key={e.id} data-testid="activity-entry" className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1 px-4 py-3">
          <div className="min-w-0 space-y-0.5">
            <p className="text-sm font-semibold text-zinc-900">
              {e.comment ? e.comment : <span className="font-normal italic text-zinc-500">No comment</span>}
            </p>
            <p className="text-xs text-zinc-600">
              <Link href={zoneHref(e.zone)} className="font-mono font-medium text-zinc-800 hover:underline" data-testid="activity-zone">
                {displayName(e.zone)}
              </Link>
              {' · '}
              <ChangeByline actor={e.actor} userName={e.userName} createdAt={e.createdAt} oldSerial={e.oldSerial} newSerial={e.newSerial} />
              {' · '}
              <span data-testid="activity-counts">{countsText(e)}</span>
            </p>
          </div>
          <Link href={changeHref(e.zone, e.id)} className={`${linkClass} shrink-0 text-sm`} aria-label={`Diff of change ${e.id} to ${displayName(e.zone)}`}>
            Diff
          </Link>
        </li>
      ))}
    </ol>
  );
}
