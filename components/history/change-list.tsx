import Link from 'next/link';
import type { ChangeEntry } from '@/lib/zones/data';
import { zoneHref } from '@/lib/zones/zone-urls';
import { linkClass } from '../styles';
import { ChangeByline } from './change-byline';
import { ChangeDiff } from './change-diff';
import { RevertButton } from './revert-button';

/**
 * The changelog entries of one page, newest first: who, when, why, the serial
 * step and the diff. `canRevert` is decided by the page (write right on a
 * primary zone); the revert action checks it again.
 */
export function ChangeList({
  zone,
  changes,
  canRevert,
  expanded,
  expandHref,
}: {
  zone: string;
  changes: ChangeEntry[];
  canRevert: boolean;
  /** The change whose diff is shown in full. */
  expanded: number | null;
  expandHref: (changeId: number) => string;
}) {
  return (
    <ol className="space-y-3" aria-label="Changes">
      {changes.map((c) => (
        <li key={c.id} id={`change-${c.id}`} data-testid="change" className="rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
          <article aria-labelledby={`change-${c.id}-title`} className="space-y-2">
            <div className="flex flex-wrap items-start justify-between gap-3">
              <div className="min-w-0 space-y-0.5">
                <h3 id={`change-${c.id}-title`} className="text-sm font-semibold text-zinc-900">
                  {c.comment ? c.comment : <span className="font-normal italic text-zinc-500">No comment</span>}
                </h3>
                <p className="text-xs text-zinc-600">
                  <ChangeByline actor={c.actor} createdAt={c.createdAt} oldSerial={c.oldSerial} newSerial={c.newSerial} request={c.request} />
                </p>
                {c.links?.map((l) => (
                  <p key={`${l.zone} ${l.changeId}`} className="text-xs text-zinc-600" data-testid="change-link">
                    {l.relation === 'made-for' ? 'Made with ' : 'Also changed: '}
                    <Link href={`${zoneHref(l.zone, 'history')}#change-${l.changeId}`} className={linkClass}>
                      change #{l.changeId} in {l.zone.replace(/\.$/, '')}
                    </Link>
                  </p>
                ))}
              </div>
              {/* Undoing the zone's creation would leave it without NS: there is nothing sensible to revert to. */}
              {canRevert && c.oldSerial !== 0 && <RevertButton zone={zone} changeId={c.id} serial={c.newSerial} />}
            </div>
            <ChangeDiff zone={zone} removed={c.removed} added={c.added} showAll={expanded === c.id} showAllHref={expandHref(c.id)} />
          </article>
        </li>
      ))}
    </ol>
  );
}
