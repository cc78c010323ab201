'use client';
// The new API key form of /settings/api-keys: a name and an optional scope;
// the secret is shown once after creation (createApiKeyAction, lib/settings/actions.ts).
import { useActionState } from 'react';
import { createApiKeyAction } from '@/lib/settings/actions';
import type { CreateApiKeyState } from '@/lib/settings/schema';
import { buttonPrimary } from '../styles';
import { FormMessage, OneTimeValue } from './form-message';
import { TextField } from './text-field';

export function ApiKeyForm() {
  const [state, formAction, pending] = useActionState(createApiKeyAction, {} as CreateApiKeyState);
  const errors = state.fieldErrors ?? {};
  const text = (id: string, field: 'name' | 'zones' | 'names' | 'types', label: string, placeholder: string, hint: string) => (
    <TextField id={id} name={field} label={label} hint={hint} placeholder={placeholder} defaultValue={state.ok ? '' : (state.values?.[field] ?? '')} errors={errors[field]} />
  );
  return (
    <div className="space-y-4">
      <FormMessage state={state} />
      {state.created && <NewSecret {...state.created} />}
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

/** A new key's secret: the one time it is shown. */
function NewSecret({ name, scope, secret }: NonNullable<CreateApiKeyState['created']>) {
  return (
    <div className="space-y-2" data-testid="api-key-created">
      <OneTimeValue label={`Secret of ${name} (${scope})`} value={secret} testId="api-key-secret" />
      <p className="text-xs text-zinc-600">
        It will not be shown again. Clients send it as the <code className="font-mono">X-API-Key</code> header.
      </p>
    </div>
  );
}
