import Link from 'next/link';
import { displayName } from '@/lib/dns/names';
import type { RequestSummary } from '@/lib/requests/schema';
import { RelativeTime } from '../relative-time';
import { linkClass } from '../styles';
import { RequestStateBadge } from './state-badge';

/**
 * One list of change requests under its heading (to review, mine, decided):
 * each links to its review page; a decided one says by whom, and a rejected
 * one why.
 */
export function RequestSection({ id, title, label, requests, empty }: { id: string; title: string; label: string; requests: RequestSummary[]; empty: string }) {
  return (
    <section aria-labelledby={id} className="space-y-2">
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      {requests.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-4 text-sm text-zinc-600">{empty}</p>
      ) : (
        <RequestList requests={requests} label={label} />
      )}
    </section>
  );
}

function RequestList({ requests, label }: { requests: RequestSummary[]; label: string }) {
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
