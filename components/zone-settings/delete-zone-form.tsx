'use client';
// The "Delete zone" section of a zone's settings page (admins): what deleting
// leaves behind (secondaries that keep serving it, the catalog it leaves, how
// long the snapshot is kept), then the zone's name typed to delete it, or,
// when a second admin must confirm, the pending request with Confirm / Cancel.
import { useActionState } from 'react';
import Link from 'next/link';
import { cancelDeletionAction, confirmDeletionAction, deleteZoneAction, type DeleteZoneField } from '@/lib/zones/deletion-actions';
import type { FormState } from '@/lib/forms';
import { describedBy, FieldErrors } from '../field-errors';
import { FormMessage } from '../settings/form-message';
import { buttonSecondary, hintClass, inputClass, labelClass, linkClass } from '../styles';

const buttonDanger =
  'inline-flex items-center justify-center gap-1.5 rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:cursor-wait disabled:opacity-70';

export interface DeleteZoneProps {
  zone: string;
  shown: string;
  secondaries: string[];
  catalog: string | null;
  catalogRole: string | null;
  keepDays: number;
  secondAdmin: boolean;
  /** A pending request: who and when (ISO), and whether it is this admin's own. */
  request: { actor: string; at: string; mine: boolean } | null;
}

export function DeleteZoneSection(p: DeleteZoneProps) {
  return (
    <div className="space-y-3 rounded-md border border-red-200 bg-white p-4 shadow-sm">
      <ul className="list-disc space-y-1 pl-5 text-sm text-zinc-800" data-testid="delete-warnings">
        {p.secondaries.length > 0 ? (
          <li>
            Its secondaries keep serving it until it is removed there too: <span className="font-mono">{p.secondaries.join(', ')}</span>.
          </li>
        ) : (
          <li>No secondaries are known for it (no NOTIFY targets, none probed); any set up by hand keep serving it until removed there.</li>
        )}
        {p.catalog && (
          <li>
            It leaves the catalog <span className="font-mono">{p.catalog.replace(/\.$/, '')}</span>, whose consumers then drop it.
          </li>
        )}
        {p.catalogRole === 'consumer' && <li>It is a catalog we follow: the zones it created stay, as ordinary secondary zones.</li>}
        <li>
          A snapshot (records, settings, grants, history) is kept {p.keepDays} days: an admin restores it under{' '}
          <Link href="/settings/deleted-zones" className={linkClass}>
            Settings → Deleted zones
          </Link>{' '}
          or with <code>zonekeeper zone restore {p.shown}</code>.
        </li>
        {p.secondAdmin && <li>A second admin must confirm the deletion; the zone keeps serving until then.</li>}
      </ul>
      {p.request ? <PendingRequest {...p} request={p.request} /> : <DeleteForm {...p} />}
    </div>
  );
}

function DeleteForm({ zone, shown, secondAdmin }: DeleteZoneProps) {
  const [state, formAction, pending] = useActionState(deleteZoneAction, {} as FormState<DeleteZoneField>);
  const errors = state.fieldErrors?.confirmName;
  return (
    <form action={formAction} noValidate className="space-y-3">
      <FormMessage state={state} />
      <input type="hidden" name="zone" value={zone} />
      <div>
        <label htmlFor="dz-confirmName" className={labelClass}>
          Type <span className="font-mono">{shown}</span> to confirm
        </label>
        <input
          id="dz-confirmName"
          name="confirmName"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          defaultValue={state.ok ? '' : (state.values?.confirmName ?? '')}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy('dz-confirmName-hint', 'dz-confirmName-error', errors)}
          className={`mt-1 max-w-md font-mono ${inputClass(Boolean(errors?.length))}`}
        />
        <p id="dz-confirmName-hint" className={hintClass}>
          The zone stops being served by this server at once.
        </p>
        <FieldErrors id="dz-confirmName-error" errors={errors} />
      </div>
      <button type="submit" disabled={pending} className={buttonDanger}>
        {pending ? 'Deleting…' : secondAdmin ? 'Request deletion' : 'Delete zone'}
      </button>
    </form>
  );
}

/** One button acting on the pending request, with its outcome above it. */
function RequestStep({ zone, action, label, busy, danger }: { zone: string; action: typeof confirmDeletionAction; label: string; busy: string; danger?: boolean }) {
  const [state, formAction, pending] = useActionState(action, {} as FormState<never>);
  return (
    <form action={formAction} className="space-y-2">
      <FormMessage state={state} />
      <input type="hidden" name="zone" value={zone} />
      <button type="submit" disabled={pending} className={danger ? buttonDanger : buttonSecondary}>
        {pending ? busy : label}
      </button>
    </form>
  );
}

function PendingRequest({ zone, request }: DeleteZoneProps & { request: NonNullable<DeleteZoneProps['request']> }) {
  return (
    <div className="space-y-3">
      <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="deletion-request">
        Deletion requested by {request.actor} at {new Date(request.at).toISOString().replace('T', ' ').slice(0, 16)} UTC.
        {request.mine ? ' A different admin must confirm it.' : ''}
      </p>
      <div className="flex flex-wrap items-start gap-2">
        {!request.mine && <RequestStep zone={zone} action={confirmDeletionAction} label="Confirm deletion" busy="Deleting…" danger />}
        <RequestStep zone={zone} action={cancelDeletionAction} label="Cancel request" busy="Cancelling…" />
      </div>
    </div>
  );
}
