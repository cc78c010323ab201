'use client';
// The new API key form of /settings/api-keys: a name and an optional scope;
// the secret is shown once after creation (createApiKeyAction, lib/settings/actions.ts).
import { useActionState } from 'react';
import { createApiKeyAction } from '@/lib/settings/actions';
import type { CreateApiKeyState } from '@/lib/settings/schema';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, hintClass, inputClass, labelClass } from '../styles';
import { FormMessage, OneTimeValue } from './form-message';

export function ApiKeyForm() {
  const [state, formAction, pending] = useActionState(createApiKeyAction, {} as CreateApiKeyState);
  const errors = state.fieldErrors ?? {};
  const invalid = (f: keyof typeof errors) => Boolean(errors[f]?.length);
  const value = (f: 'name' | 'zones' | 'names' | 'types') => (state.ok ? '' : (state.values?.[f] ?? ''));
  const text = (id: string, field: 'name' | 'zones' | 'names' | 'types', label: string, placeholder: string, hint: string) => (
    <div>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      <input
        id={id}
        name={field}
        type="text"
        autoCapitalize="none"
        spellCheck={false}
        placeholder={placeholder}
        defaultValue={value(field)}
        aria-invalid={invalid(field) || undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-error`, errors[field])}
        className={`mt-1 font-mono ${inputClass(invalid(field))}`}
      />
      <p id={`${id}-hint`} className={hintClass}>
        {hint}
      </p>
      <FieldErrors id={`${id}-error`} errors={errors[field]} />
    </div>
  );
  return (
    <div className="space-y-4">
      <FormMessage state={state} />
      {state.created && (
        <div className="space-y-2" data-testid="api-key-created">
          <OneTimeValue label={`Secret of ${state.created.name} (${state.created.scope})`} value={state.created.secret} testId="api-key-secret" />
          <p className="text-xs text-zinc-600">
            It will not be shown again. Clients send it as the <code className="font-mono">X-API-Key</code> header.
          </p>
        </div>
      )}
      <form action={formAction} noValidate className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          {text('api-key-name', 'name', 'Key name', 'lego-www', 'Letters, digits, dots, underscores and hyphens; shown in the changelog for its changes.')}
          {text('api-key-zones', 'zones', 'Zones', 'example.com', 'Separated by commas or spaces; empty for every zone.')}
          {text('api-key-names', 'names', 'Record names it may change', '_acme-challenge.*', 'Patterns where * stands for one or more labels; empty for any name.')}
          {text('api-key-types', 'types', 'Record types it may change', 'TXT', 'Empty for any type.')}
        </div>
        <label className="inline-flex items-center gap-1.5 text-sm">
          <input type="checkbox" name="readOnly" defaultChecked={!state.ok && state.values?.readOnly === 'on'} />
          Read-only: it may read its zones but change nothing
        </label>
        <div>
          <button type="submit" disabled={pending} className={buttonPrimary}>
            {pending ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </div>
  );
}
