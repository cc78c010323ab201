'use client';
import { useState } from 'react';
import { relativeName } from '@/lib/dns/names';
import type { RR } from '@/lib/dns/types';
import Link from 'next/link';
import { describeEdit, type PendingEdit } from '@/lib/zones/edits';
import type { EditorResult } from '@/lib/zones/actions';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from '../styles';

function DiffLines({ zone, removed, added }: { zone: string; removed: readonly RR[]; added: readonly RR[] }) {
  const line = (r: RR) => `${relativeName(r.name, zone)} ${r.ttl} ${r.type} ${r.content}`;
  return (
    <ul className="space-y-0.5 font-mono text-xs">
      {removed.map((r) => (
        <li key={`-${line(r)}`} className="break-all rounded bg-red-50 px-2 py-0.5 text-red-800">
          <span aria-hidden="true">− </span>
          <span className="sr-only">removed: </span>
          {line(r)}
        </li>
      ))}
      {added.map((r) => (
        <li key={`+${line(r)}`} className="break-all rounded bg-green-50 px-2 py-0.5 text-green-800">
          <span aria-hidden="true">+ </span>
          <span className="sr-only">added: </span>
          {line(r)}
        </li>
      ))}
    </ul>
  );
}

export interface PanelProblem {
  index?: number;
  message: string;
}

/**
 * The queued edits in plain language, what is wrong with them, the comment,
 * the review diff and the commit. Shown while there is anything queued or a
 * commit outcome to report.
 */
export function PendingPanel({
  zone,
  edits,
  problems,
  check,
  checking,
  committing,
  comment,
  commentRequired,
  commentErrors,
  mode,
  reviewOpen,
  notice,
  onComment,
  onRemove,
  onReview,
  onCommit,
  onDiscard,
  onReload,
}: {
  zone: string;
  edits: readonly PendingEdit[];
  /** Local and server problems; `index` ties one to an edit. */
  problems: readonly PanelProblem[];
  check: EditorResult | null;
  checking: boolean;
  committing: boolean;
  comment: string;
  commentRequired: boolean;
  commentErrors?: string[];
  /** commit: the edits are committed; request: a requester asks; approval: an approval rule holds an editor's edits. */
  mode: 'commit' | 'request' | 'approval';
  reviewOpen: boolean;
  /** `href`: the change request just made. */
  notice: { ok: boolean; text: string; href?: string } | null;
  onComment: (v: string) => void;
  onRemove: (index: number) => void;
  onReview: () => void;
  /** Commits, with the PTRs ticked (their owner names). */
  onCommit: (ptrNames: string[]) => void;
  onDiscard: () => void;
  onReload: () => void;
}) {
  // The user's ticks by PTR name (each is offered once); unset: the admin's default.
  const [ptrTicks, setPtrTicks] = useState<Record<string, boolean>>({});
  // PTRs are set by a commit; a request carries only this zone's edits.
  const offers = check?.ok && mode === 'commit' ? (check.ptrOffers ?? []) : [];
  const ticked = (ptrName: string) => ptrTicks[ptrName] ?? check?.ptrByDefault ?? true;
  const warnings = check?.ok ? (check.warnings ?? []) : [];
  const general = problems.filter((p) => p.index === undefined);
  const conflict = check?.conflict;
  // A refusal by an approval rule is no problem with the edits: they go out as a request instead.
  const passed = Boolean(check && (check.ok || check.approval?.length));
  const blocked = problems.length > 0 || Boolean(conflict) || checking || !passed || Boolean(check?.forbidden);
  const action = mode === 'commit' ? 'Commit' : mode === 'request' ? 'Request changes' : 'Request approval';
  const soaEdit = edits.find((e) => e.kind === 'soa');
  return (
    <section aria-labelledby="pending-heading" className="space-y-3 rounded-md border border-amber-300 bg-amber-50/50 p-4 shadow-sm">
      <div aria-live="polite">
        {notice && (
          <p className={`rounded-md border px-3 py-2 text-sm font-medium ${notice.ok ? 'border-green-200 bg-green-50 text-green-900' : 'border-red-200 bg-red-50 text-red-900'}`}>
            {notice.text}
            {notice.href && (
              <>
                {' '}
                <Link href={notice.href} className="underline">
                  See the request
                </Link>
              </>
            )}
          </p>
        )}
      </div>
      <h2 id="pending-heading" className="text-base font-semibold">
        Pending changes <span className="text-sm font-normal text-zinc-600">({edits.length})</span>
      </h2>
      {edits.length === 0 ? (
        <p className="text-sm text-zinc-600">Nothing queued. Edits you make are collected here and committed together.</p>
      ) : (
        <>
          <ol className="space-y-1" aria-label="Pending edits">
            {edits.map((e, i) => {
              const mine = problems.filter((p) => p.index === i);
              const errId = `pending-${i}-error`;
              return (
                <li key={i} className={`flex items-start gap-2 rounded px-2 py-1 text-sm ${mine.length ? 'bg-red-50' : 'bg-white'}`}>
                  <div className="min-w-0 flex-1">
                    <span className="break-all font-mono" aria-describedby={mine.length ? errId : undefined}>
                      {describeEdit(e, zone)}
                    </span>
                    {warnings
                      .filter((w) => w.edit === i)
                      .map((w) => (
                        <p key={w.message} className="text-xs font-medium text-amber-800" data-testid="address-warning">
                          Warning: {w.message}
                        </p>
                      ))}
                    {offers
                      .filter((o) => o.edit === i && !o.inPlace)
                      .map((o) => (
                        <label key={o.ptrName} className="mt-0.5 flex items-center gap-1.5 text-xs text-zinc-700">
                          <input
                            type="checkbox"
                            checked={ticked(o.ptrName)}
                            onChange={(ev) => setPtrTicks((t) => ({ ...t, [o.ptrName]: ev.target.checked }))}
                            className="h-3.5 w-3.5"
                          />
                          <span>
                            Also {o.action === 'set' ? 'set' : 'remove'} PTR in <span className="font-mono">{o.reverseZone.replace(/\.$/, '')}</span>
                            {o.replaces.length > 0 && <> (replaces {o.replaces.join(', ')})</>}
                          </span>
                        </label>
                      ))}
                    {offers
                      .filter((o) => o.edit === i && o.inPlace)
                      .map((o) => (
                        <p key={o.ptrName} className="text-xs text-zinc-600">
                          PTR already in place in <span className="font-mono">{o.reverseZone.replace(/\.$/, '')}</span>.
                        </p>
                      ))}
                    {mine.length > 0 && (
                      <div id={errId}>
                        {mine.map((p) => (
                          <p key={p.message} className="text-xs font-medium text-red-700">
                            {p.message}
                          </p>
                        ))}
                      </div>
                    )}
                  </div>
                  <button type="button" onClick={() => onRemove(i)} aria-label={`Remove: ${describeEdit(e, zone)}`} className="text-xs font-medium text-blue-700 hover:underline">
                    Remove
                  </button>
                </li>
              );
            })}
          </ol>

          <div aria-live="polite" className="space-y-2">
            {checking && <p className="text-xs text-zinc-600">Checking the zone as it would be after these edits…</p>}
            {general.length > 0 && (
              <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" role="alert">
                <p className="font-medium">These edits cannot be committed:</p>
                <ul className="mt-1 list-disc pl-5">
                  {general.map((p) => (
                    <li key={p.message}>{p.message}</li>
                  ))}
                </ul>
              </div>
            )}
            {check?.approval?.length ? (
              <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950" data-testid="approval-needed">
                <p className="font-medium">These edits need a second person’s approval:</p>
                <ul className="mt-1 list-disc pl-5">
                  {check.approval.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
                <p className="mt-1">Request approval with a comment; an editor of the zone other than you reviews it.</p>
              </div>
            ) : null}
            {check?.forbidden && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">{check.message}</p>}
            {conflict && (
              <div className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900" role="alert" data-testid="conflict">
                <p className="font-medium">The zone changed since you loaded it; your edits were not committed and are kept here.</p>
                {conflict.changes.map((c) => (
                  <div key={c.id} className="mt-2 space-y-1">
                    <p>
                      Changed by <strong>{c.actor}</strong> at{' '}
                      <time dateTime={c.at}>{`${c.at.slice(0, 19).replace('T', ' ')} UTC`}</time> (serial {c.oldSerial} → {c.newSerial})
                      {c.comment ? <>: “{c.comment}”</> : null}
                    </p>
                    <DiffLines zone={zone} removed={c.removed.filter((r) => r.type !== 'SOA')} added={c.added.filter((r) => r.type !== 'SOA')} />
                  </div>
                ))}
                {conflict.changes.length === 0 && <p className="mt-1">{check?.message}</p>}
                <button type="button" onClick={onReload} className={`${buttonSecondary} mt-2`}>
                  Reload zone
                </button>
                <p className={hintClass}>Reloading keeps your pending edits and checks them against the zone as it is now.</p>
              </div>
            )}
          </div>

          {reviewOpen && check?.ok && (
            <div className="space-y-1" data-testid="review-diff">
              <h3 className="text-sm font-semibold">
                Review: serial {check.oldSerial} → {check.newSerial}
              </h3>
              {soaEdit && <p className="font-mono text-xs text-zinc-700">{describeEdit(soaEdit, zone)}</p>}
              <DiffLines zone={zone} removed={check.removed} added={check.added} />
            </div>
          )}

          <div>
            <label htmlFor="commit-comment" className={labelClass}>
              Comment
            </label>
            <textarea
              id="commit-comment"
              rows={2}
              value={comment}
              onChange={(e) => onComment(e.target.value)}
              required={commentRequired}
              aria-invalid={Boolean(commentErrors?.length) || undefined}
              aria-describedby={describedBy('commit-comment-hint', 'commit-comment-error', commentErrors)}
              className={`mt-1 ${inputClass(Boolean(commentErrors?.length))}`}
            />
            <p id="commit-comment-hint" className={hintClass}>
              {mode !== 'commit'
                ? 'Required: say why, for the reviewer and the changelog.'
                : commentRequired
                  ? 'Required on this server: say why, for the changelog.'
                  : 'Why, for the changelog.'}
            </p>
            <FieldErrors id="commit-comment-error" errors={commentErrors} />
          </div>
        </>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="button" onClick={onReview} disabled={edits.length === 0 || !check?.ok} aria-expanded={reviewOpen} className={`${buttonSecondary} disabled:cursor-not-allowed disabled:opacity-50`}>
          Review changes
        </button>
        <button
          type="button"
          onClick={() => onCommit(offers.filter((o) => !o.inPlace && ticked(o.ptrName)).map((o) => o.ptrName))}
          disabled={edits.length === 0 || blocked || committing}
          className={`${buttonPrimary} disabled:cursor-not-allowed disabled:opacity-50`}
        >
          {committing ? (mode === 'commit' ? 'Committing…' : 'Sending…') : action}
        </button>
        <button type="button" onClick={onDiscard} disabled={edits.length === 0} className={`${buttonSecondary} disabled:cursor-not-allowed disabled:opacity-50`}>
          Discard all
        </button>
      </div>
    </section>
  );
}
