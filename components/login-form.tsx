'use client';
import { useActionState } from 'react';
import { loginAction, type LoginFormState } from '@/lib/auth/actions';
import { describedBy, FieldErrors } from './field-errors';
import { buttonPrimary, inputClass, labelClass } from './styles';

const initialState: LoginFormState = {};

export function LoginForm({ next }: { next?: string }) {
  const [state, formAction, pending] = useActionState(loginAction, initialState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {next && <input type="hidden" name="next" value={next} />}
      <div>
        <label htmlFor="username" className={labelClass}>
          User name
        </label>
        <input
          id="username"
          name="username"
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          defaultValue={state.username ?? ''}
          aria-invalid={errors.username?.length ? true : undefined}
          aria-describedby={describedBy(null, 'username-error', errors.username)}
          className={`mt-1 ${inputClass(Boolean(errors.username?.length))}`}
        />
        <FieldErrors id="username-error" errors={errors.username} />
      </div>
      <div>
        <label htmlFor="password" className={labelClass}>
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={errors.password?.length ? true : undefined}
          aria-describedby={describedBy(null, 'password-error', errors.password)}
          className={`mt-1 ${inputClass(Boolean(errors.password?.length))}`}
        />
        <FieldErrors id="password-error" errors={errors.password} />
      </div>
      <div aria-live="polite" aria-atomic="true">
        {state.message && (
          <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {state.message}
          </p>
        )}
      </div>
      <button type="submit" disabled={pending} className={`${buttonPrimary} w-full`}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
