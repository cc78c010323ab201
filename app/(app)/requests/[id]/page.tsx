import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ChangeDiff } from '@/components/history/change-diff';
import { RelativeTime } from '@/components/relative-time';
import { ApproveForm, RejectForm, WithdrawForm } from '@/components/requests/review-forms';
import { RequestStateBadge } from '@/components/requests/state-badge';
import { linkClass } from '@/components/styles';
import { requireUser } from '@/lib/auth/session';
import { displayName } from '@/lib/dns/names';
import { AppError } from '@/lib/errors';
import { getRequest } from '@/lib/requests/data';
import { zoneHref } from '@/lib/zones/zone-urls';

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Change request ${(await params).id}` };
}

export default async function RequestPage({ params }: { params: Params }) {
  const { id: raw } = await params;
  const id = Number(raw);
  const user = await requireUser('zone:read', { returnTo: `/requests/${raw}` });
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  const r = await getRequest(user, id).catch((err: unknown) => {
    if (err instanceof AppError && err.code === 'not-found') return null;
    throw err;
  });
  if (!r) notFound();
  const now = r.now;
  const blockers = now ? now.conflicts.length + now.problems.length : 0;

  return (
    <div className="space-y-5">
      <p className="text-sm">
        <Link href="/requests" className={linkClass}>
          Change requests
        </Link>
      </p>
      <div className="space-y-1">
        <h1 className="flex flex-wrap items-center gap-3 text-xl font-semibold tracking-tight">
          Change request {r.id} on{' '}
          <Link href={zoneHref(r.zone)} className={`${linkClass} font-mono`}>
            {displayName(r.zone)}
          </Link>
          <RequestStateBadge state={r.state} />
        </h1>
        <p className="text-sm text-zinc-600">
          Requested by <strong>{r.requester}</strong> <RelativeTime date={r.createdAt} />, against serial {r.baseSerial}.
        </p>
      </div>

      <section aria-labelledby="comment-heading" className="space-y-1 rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
        <h2 id="comment-heading" className="text-sm font-semibold">
          Comment
        </h2>
        <p className="whitespace-pre-wrap text-sm" data-testid="request-comment">
          {r.comment}
        </p>
      </section>

      {r.state !== 'open' && (
        <section className="rounded-md border border-zinc-200 bg-white p-4 text-sm shadow-sm" data-testid="request-decision">
          {r.state === 'withdrawn' && <p>Withdrawn by its requester.</p>}
          {r.state === 'approved' && (
            <p>
              Approved by <strong>{r.reviewer}</strong>
              {r.decidedAt && (
                <>
                  {' '}
                  <RelativeTime date={r.decidedAt} />
                </>
              )}
              {r.changeId !== null && (
                <>
                  {' '}
                  and applied:{' '}
                  <Link href={`${zoneHref(r.zone, 'history')}#change-${r.changeId}`} className={linkClass}>
                    see the change
                  </Link>
                </>
              )}
              .
            </p>
          )}
          {r.state === 'rejected' && (
            <p>
              Rejected by <strong>{r.reviewer}</strong>: <span data-testid="request-reason">“{r.reason}”</span>
            </p>
          )}
        </section>
      )}

      <section aria-labelledby="edits-heading" className="space-y-2">
        <h2 id="edits-heading" className="text-base font-semibold">
          Edits
        </h2>
        <ol className="space-y-1" aria-label="Requested edits">
          {r.descriptions.map((d, i) => {
            const conflict = now?.conflicts.filter((c) => c.edit === i) ?? [];
            return (
              <li key={i} className={`rounded px-2 py-1 text-sm ${conflict.length ? 'bg-red-50' : 'bg-white'}`}>
                <span className="break-all font-mono">{d}</span>
                {conflict.map((c) => (
                  <p key={c.message} className="text-xs font-medium text-red-700" data-testid="request-conflict">
                    Conflict: {c.message}
                  </p>
                ))}
              </li>
            );
          })}
        </ol>
      </section>

      {now && (
        <section aria-labelledby="now-heading" className="space-y-2">
          <h2 id="now-heading" className="text-base font-semibold">
            Against the zone as it is now (serial {now.serial})
          </h2>
          {blockers > 0 ? (
            <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
              <p className="font-medium">
                {blockers === 1 ? 'One edit no longer applies' : `${blockers} problems`}: the zone changed since the request was made. It can only be rejected; the requester can withdraw
                it and ask again.
              </p>
              {now.problems.map((p) => (
                <p key={p.message}>{p.message}</p>
              ))}
            </div>
          ) : now.unchanged ? (
            <p className="text-sm text-zinc-600">Approving it would change nothing: the zone already is as requested.</p>
          ) : (
            <ChangeDiff zone={r.zone} removed={now.removed} added={now.added} showAll showAllHref={`/requests/${r.id}`} />
          )}
          {now.soaChanged && blockers === 0 && <p className="text-xs text-zinc-600">The SOA edit is listed above; the serial follows the zone’s policy.</p>}
          {now.approvalNotes.map((n) => (
            <p key={n} className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
              {n}
            </p>
          ))}
        </section>
      )}

      {(r.may.approve || r.may.reject || r.may.withdraw) && (
        <section aria-label="Decide" className="flex flex-wrap items-start gap-8 rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
          {r.may.approve && now && <ApproveForm id={r.id} serial={now.serial} />}
          {r.may.reject && <RejectForm id={r.id} />}
          {r.may.withdraw && <WithdrawForm id={r.id} />}
        </section>
      )}
    </div>
  );
}
