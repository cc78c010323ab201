import Link from 'next/link';
import { activityHref } from '../activity/activity-urls';
import { formatUtc, RelativeTime } from '../relative-time';
import { linkClass } from '../styles';

/**
 * Who made a change (linking to their activity), when, and the serial step:
 * the line under each change on a zone's history and on the activity page.
 * A change that applied a change request names its requester and links the
 * request; the actor is then its approver.
 */
export function ChangeByline({
  actor,
  userName,
  createdAt,
  oldSerial,
  newSerial,
  request,
}: {
  actor: string;
  userName?: string | null;
  createdAt: Date;
  oldSerial: number;
  newSerial: number;
  request?: { id: number; requester: string } | null;
}) {
  const who = (name: string, user?: string | null) => (
    <Link href={activityHref({ user: user ?? name })} className="font-medium text-zinc-800 hover:underline" title={`Activity of ${name}`} data-testid="change-actor">
      {name}
    </Link>
  );
  return (
    <>
      {request ? (
        <span data-testid="change-people">
          requested by {who(request.requester)}, approved by {who(actor, userName)} (
          <Link href={`/requests/${request.id}`} className={linkClass}>
            request {request.id}
          </Link>
          )
        </span>
      ) : (
        who(actor, userName)
      )}
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
