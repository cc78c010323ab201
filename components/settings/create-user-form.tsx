'use client';
import { useActionState, useState } from 'react';
import { createUserAction } from '@/lib/auth/actions';
import type { CreateUserState } from '@/lib/auth/schema';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, hintClass, inputClass, labelClass } from '../styles';
import { FormMessage, OneTimeValue } from './form-message';

const initialState: CreateUserState = {};

/** Creates a user with a role and a chosen or generated password (the generated one is shown once). */
export function CreateUserForm() {
  const [state, formAction, pending] = useActionState(createUserAction, initialState);
  const errors = state.fieldErrors ?? {};
  const values = state.values;
  const [mode, setMode] = useState<string>(values?.passwordMode || 'generate');
  const invalid = (f: keyof typeof errors) => Boolean(errors[f]?.length);

  return (
    <form action={formAction} noValidate className="space-y-4">
      <FormMessage state={state} />
      {state.created?.generatedPassword && (
        <OneTimeValue label={`Password for ${state.created.name} (shown once)`} value={state.created.generatedPassword} testId="new-user-password" />
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="new-user-name" className={labelClass}>
            User name
          </label>
          <input
            id="new-user-name"
            name="name"
            type="text"
            autoCapitalize="none"
            autoComplete="off"
            spellCheck={false}
            defaultValue={state.ok ? '' : (values?.name ?? '')}
            aria-invalid={invalid('name') || undefined}
            aria-describedby={describedBy('new-user-name-hint', 'new-user-name-error', errors.name)}
            className={`mt-1 font-mono ${inputClass(invalid('name'))}`}
          />
          <p id="new-user-name-hint" className={hintClass}>
            Letters, digits, dot, dash or underscore; stored in lower case.
          </p>
          <FieldErrors id="new-user-name-error" errors={errors.name} />
        </div>
        <div>
          <label htmlFor="new-user-role" className={labelClass}>
            Role
          </label>
          <select
            id="new-user-role"
            name="role"
            defaultValue={state.ok ? 'editor' : values?.role || 'editor'}
            aria-invalid={invalid('role') || undefined}
            aria-describedby={describedBy('new-user-role-hint', 'new-user-role-error', errors.role)}
            className={`mt-1 ${inputClass(invalid('role'))}`}
          >
            <option value="viewer">Viewer: reads every zone</option>
            <option value="editor">Editor: edits the zones granted</option>
            <option value="admin">Admin: everything, including settings</option>
          </select>
          <p id="new-user-role-hint" className={hintClass}>
            Editors start with no zones; grant them on the user’s page.
          </p>
          <FieldErrors id="new-user-role-error" errors={errors.role} />
        </div>
      </div>
      <fieldset>
        <legend className={labelClass}>Password</legend>
        <div className="mt-1 flex flex-wrap gap-4 text-sm">
          <label className="inline-flex items-center gap-1.5">
            <input type="radio" name="passwordMode" value="generate" checked={mode === 'generate'} onChange={() => setMode('generate')} />
            Generate one (shown once)
          </label>
          <label className="inline-flex items-center gap-1.5">
            <input type="radio" name="passwordMode" value="set" checked={mode === 'set'} onChange={() => setMode('set')} />
            Set it myself
          </label>
        </div>
        <FieldErrors id="new-user-mode-error" errors={errors.passwordMode} />
        {mode === 'set' && (
          <div className="mt-2 max-w-sm">
            <label htmlFor="new-user-password" className={labelClass}>
              New user’s password
            </label>
            <input
              id="new-user-password"
              name="password"
              type="password"
              autoComplete="new-password"
              aria-invalid={invalid('password') || undefined}
              aria-describedby={describedBy('new-user-password-hint', 'new-user-password-error', errors.password)}
              className={`mt-1 ${inputClass(invalid('password'))}`}
            />
            <p id="new-user-password-hint" className={hintClass}>
              At least 8 characters.
            </p>
            <FieldErrors id="new-user-password-error" errors={errors.password} />
          </div>
        )}
      </fieldset>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Creating…' : 'Create user'}
      </button>
    </form>
  );
}
