import Link from 'next/link';
import { displayName } from '@/lib/dns/names';
import type { RequestSummary } from '@/lib/requests/schema';
import { RelativeTime } from '../relative-time';
import { linkClass } from '../styles';
import { RequestStateBadge } from './state-badge';

/**
 * One list of change requests (to review, mine, decided): each links to its
 * review page; a decided one says by whom, and a rejected one why.
 */
export function RequestList({ requests, empty, label }: { requests: RequestSummary[]; empty: string; label: string }) {
  if (requests.length === 0) return <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-4 text-sm text-zinc-600">{empty}</p>;
  return (
    <ul aria-label={label} className="divide-y divide-zinc-100 rounded-md border border-zinc-200 bg-white shadow-sm">
      {requests.map((r) => (
        <li key={r.id} className="space-y-0.5 px-4 py-2 text-sm" data-testid="request">
          <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <Link href={`/requests/${r.id}`} className={linkClass}>
              Request {r.id}
            </Link>
            <span className="font-mono">{displayName(r.zone)}</span>
            <RequestStateBadge state={r.state} />
            <span className="text-xs text-zinc-600">
              {r.edits} edit{r.edits === 1 ? '' : 's'} by {r.requester} · <RelativeTime date={r.createdAt} />
            </span>
          </div>
          <p className="text-zinc-800">{r.comment}</p>
          {r.reviewer && r.state !== 'open' && (
            <p className="text-xs text-zinc-600">
              {r.state === 'approved' ? 'Approved' : 'Rejected'} by {r.reviewer}
              {r.reason && (
                <>
                  : <span className="font-medium text-zinc-800" data-testid="request-reason">“{r.reason}”</span>
                </>
              )}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
