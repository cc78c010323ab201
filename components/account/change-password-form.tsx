'use client';
// The signed-in user's own password change (on /account).
import { useActionState } from 'react';
import { changeOwnPasswordAction } from '@/lib/auth/actions';
import type { ChangePasswordField } from '@/lib/auth/schema';
import type { FormState } from '@/lib/forms';
import { describedBy, FieldErrors } from '../field-errors';
import { FormMessage } from '../settings/form-message';
import { buttonPrimary, hintClass, inputClass, labelClass } from '../styles';

const FIELDS: { name: ChangePasswordField; label: string; autoComplete: string; hint?: string }[] = [
  { name: 'current', label: 'Current password', autoComplete: 'current-password' },
  { name: 'password', label: 'New password', autoComplete: 'new-password', hint: 'At least 8 characters.' },
  { name: 'confirm', label: 'New password again', autoComplete: 'new-password' },
];

export function ChangePasswordForm() {
  const [state, formAction, pending] = useActionState(changeOwnPasswordAction, {} as FormState<ChangePasswordField>);
  const errors = state.fieldErrors ?? {};
  return (
    // The key resets the inputs after a success (React keeps uncontrolled values otherwise).
    <form key={state.ok ? 'done' : 'editing'} action={formAction} noValidate className="max-w-sm space-y-3">
      {FIELDS.map((f) => (
        <div key={f.name}>
          <label htmlFor={`account-${f.name}`} className={labelClass}>
            {f.label}
          </label>
          <input
            id={`account-${f.name}`}
            name={f.name}
            type="password"
            autoComplete={f.autoComplete}
            aria-invalid={errors[f.name]?.length ? true : undefined}
            aria-describedby={describedBy(f.hint ? `account-${f.name}-hint` : null, `account-${f.name}-error`, errors[f.name])}
            className={`mt-1 ${inputClass(Boolean(errors[f.name]?.length))}`}
          />
          {f.hint && (
            <p id={`account-${f.name}-hint`} className={hintClass}>
              {f.hint}
            </p>
          )}
          <FieldErrors id={`account-${f.name}-error`} errors={errors[f.name]} />
        </div>
      ))}
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Changing…' : 'Change password'}
      </button>
    </form>
  );
}
