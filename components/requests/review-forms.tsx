'use client';
// The decisions on one change request: approve (at the serial the reviewer's
// diff was made at), reject with a reason, or withdraw by its requester. The
// actions check everything again; these only post.
import { useActionState } from 'react';
import { approveRequestAction, rejectRequestAction, withdrawRequestAction } from '@/lib/requests/actions';
import type { FormState } from '@/lib/forms';
import { describedBy, FieldErrors } from '../field-errors';
import { FormMessage } from '../settings/form-message';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from '../styles';

export function ApproveForm({ id, serial }: { id: number; serial: number }) {
  const [state, action, pending] = useActionState(approveRequestAction, {} as FormState<'id'>);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="serial" value={serial} />
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Approving…' : 'Approve'}
      </button>
      <p className={hintClass}>Applies the diff above as one change in your name; the changelog names the requester too.</p>
      <FormMessage state={state} />
    </form>
  );
}

export function RejectForm({ id }: { id: number }) {
  const [state, action, pending] = useActionState(rejectRequestAction, {} as FormState<'id' | 'reason'>);
  const errors = state.fieldErrors?.reason;
  return (
    <form action={action} noValidate className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <label htmlFor="reject-reason" className={labelClass}>
        Reason for rejecting
      </label>
      <textarea
        id="reject-reason"
        name="reason"
        rows={2}
        defaultValue={state.values?.reason ?? ''}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy('reject-reason-hint', 'reject-reason-error', errors)}
        className={inputClass(Boolean(errors?.length))}
      />
      <p id="reject-reason-hint" className={hintClass}>
        Required: the requester sees it.
      </p>
      <FieldErrors id="reject-reason-error" errors={errors} />
      <button type="submit" disabled={pending} className={buttonSecondary}>
        {pending ? 'Rejecting…' : 'Reject'}
      </button>
      <FormMessage state={{ ...state, message: errors?.length ? undefined : state.message }} />
    </form>
  );
}

export function WithdrawForm({ id }: { id: number }) {
  const [state, action, pending] = useActionState(withdrawRequestAction, {} as FormState<'id'>);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} className={buttonSecondary}>
        {pending ? 'Withdrawing…' : 'Withdraw request'}
      </button>
      <FormMessage state={state} />
    </form>
  );
}
