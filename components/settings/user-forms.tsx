'use client';
// The forms of one user's settings page: role, password reset, zone grants.
import { useActionState, useEffect, useId, useRef, useState } from 'react';
import { grantZoneAction, resetPasswordAction, setUserRoleAction, suggestZonesAction } from '@/lib/auth/actions';
import type { ResetPasswordState } from '@/lib/auth/schema';
import type { FormState } from '@/lib/forms';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from '../styles';
import { FormMessage, OneTimeValue } from './form-message';
import { displayName } from '@/lib/dns/names';

export function RoleForm({ name, role, self }: { name: string; role: string; self: boolean }) {
  const [state, formAction, pending] = useActionState(setUserRoleAction, {} as FormState<'name' | 'role'>);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="name" value={name} />
      <label htmlFor="user-role" className={labelClass}>
        Role
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <select
          id="user-role"
          name="role"
          key={role}
          defaultValue={role}
          disabled={self}
          aria-invalid={errors.role?.length ? true : undefined}
          aria-describedby={describedBy(self ? 'user-role-hint' : null, 'user-role-error', errors.role)}
          className={`w-48 ${inputClass(Boolean(errors.role?.length))}`}
        >
          <option value="viewer">viewer</option>
          <option value="editor">editor</option>
          <option value="admin">admin</option>
        </select>
        <button type="submit" disabled={pending || self} className={buttonSecondary}>
          {pending ? 'Saving…' : 'Change role'}
        </button>
      </div>
      {self && (
        <p id="user-role-hint" className={hintClass}>
          You cannot change your own role; another admin can.
        </p>
      )}
      <FieldErrors id="user-role-error" errors={errors.role} />
      <FormMessage state={{ ...state, message: errors.role?.length ? undefined : state.message }} />
    </form>
  );
}

export function ResetPasswordForm({ name }: { name: string }) {
  const [state, formAction, pending] = useActionState(resetPasswordAction, {} as ResetPasswordState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} noValidate className="space-y-2">
      <input type="hidden" name="name" value={name} />
      <label htmlFor="reset-password" className={labelClass}>
        New password
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id="reset-password"
          name="password"
          type="password"
          autoComplete="new-password"
          aria-invalid={errors.password?.length ? true : undefined}
          aria-describedby={describedBy('reset-password-hint', 'reset-password-error', errors.password)}
          className={`w-64 ${inputClass(Boolean(errors.password?.length))}`}
        />
        <button type="submit" disabled={pending} className={buttonSecondary}>
          {pending ? 'Resetting…' : 'Reset password'}
        </button>
      </div>
      <p id="reset-password-hint" className={hintClass}>
        Leave empty to generate one; it is shown once. Every open session of the user ends.
      </p>
      <FieldErrors id="reset-password-error" errors={errors.password} />
      <FormMessage state={state} />
      {state.generatedPassword && <OneTimeValue label={`New password for ${name}`} value={state.generatedPassword} testId="reset-password-value" />}
    </form>
  );
}

/**
 * Grants a zone to an editor. The admin types the name; suggestions come
 * from the server as they type (filtered and capped there), so it works the
 * same with ten zones or ten thousand.
 */
export function GrantZoneForm({ name }: { name: string }) {
  const [state, formAction, pending] = useActionState(grantZoneAction, {} as FormState<'name' | 'zone'>);
  const errors = state.fieldErrors ?? {};
  const listId = useId();
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  const latest = useRef('');

  useEffect(() => {
    latest.current = query;
    if (query.trim().length < 1) {
      setSuggestions([]);
      return;
    }
    const timer = setTimeout(() => {
      suggestZonesAction(name, query).then(
        (list) => {
          // Answers can arrive out of order; keep only the one for what is typed now.
          if (latest.current === query) setSuggestions(list.map(displayName));
        },
        () => setSuggestions([]),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [name, query]);

  return (
    <form action={formAction} noValidate className="space-y-2" onSubmit={() => setQuery('')}>
      <input type="hidden" name="name" value={name} />
      <label htmlFor="grant-zone" className={labelClass}>
        Grant a zone
      </label>
      <div className="flex flex-wrap items-center gap-2">
        <input
          id="grant-zone"
          name="zone"
          type="text"
          list={listId}
          autoCapitalize="none"
          autoComplete="off"
          spellCheck={false}
          placeholder="example.com"
          defaultValue={state.ok ? '' : (state.values?.zone ?? '')}
          onChange={(e) => setQuery(e.target.value)}
          aria-invalid={errors.zone?.length ? true : undefined}
          aria-describedby={describedBy('grant-zone-hint', 'grant-zone-error', errors.zone)}
          className={`w-72 font-mono ${inputClass(Boolean(errors.zone?.length))}`}
        />
        <datalist id={listId}>
          {suggestions.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {/* A requester reads the zone and asks for changes that an editor of it approves (lib/requests). */}
        <label className="flex items-center gap-1.5 text-sm text-zinc-700">
          <span className="sr-only">Access level</span>
          <select name="level" defaultValue="edit" aria-label="Access level" className={inputClass(false)}>
            <option value="edit">edit</option>
            <option value="request">request changes only</option>
          </select>
        </label>
        <button type="submit" disabled={pending} className={buttonPrimary}>
          {pending ? 'Granting…' : 'Grant'}
        </button>
      </div>
      <p id="grant-zone-hint" className={hintClass}>
        Type the zone name; matching zones not yet granted are suggested. Granting a zone again changes its level.
      </p>
      <FieldErrors id="grant-zone-error" errors={errors.zone} />
      <FormMessage state={{ ...state, message: errors.zone?.length ? undefined : state.message }} />
    </form>
  );
}
