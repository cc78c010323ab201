import Link from 'next/link';
import { activityHref } from '../activity/activity-urls';
import { formatUtc, RelativeTime } from '../relative-time';

/**
 * Who made a change (linking to their activity), when, and the serial step:
 * the line under each change on a zone's history and on the activity page.
 */
export function ChangeByline({ actor, userName, createdAt, oldSerial, newSerial }: { actor: string; userName?: string | null; createdAt: Date; oldSerial: number; newSerial: number }) {
  return (
    <>
      <Link href={activityHref({ user: userName ?? actor })} className="font-medium text-zinc-800 hover:underline" title={`Activity of ${actor}`} data-testid="change-actor">
        {actor}
      </Link>
      {' · '}
      <RelativeTime date={createdAt} />
      <span className="sr-only"> ({formatUtc(createdAt)})</span>
      {' · serial '}
      <span className="font-mono" data-testid="change-serials">
        {oldSerial} → {newSerial}
      </span>
    </>
  );
}
