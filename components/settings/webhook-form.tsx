'use client';
import { useActionState } from 'react';
import type { FormState } from '@/lib/forms';
import { addWebhookAction } from '@/lib/webhooks/actions';
import type { WebhookField } from '@/lib/webhooks/schema';
import { buttonPrimary } from '../styles';
import { FormMessage } from './form-message';
import { TextField } from './text-field';

/** Adds a URL to POST replication alerts to; the secret is typed once and never shown again. */
export function WebhookForm() {
  const [state, formAction, pending] = useActionState(addWebhookAction, {} as FormState<WebhookField>);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} noValidate className="space-y-4">
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField id="wh-url" name="url" label="URL" hint="http:// or https://; receives a JSON POST per alert." placeholder="https://alerts.example.net/zonekeeper" defaultValue={state.ok ? '' : (state.values?.url ?? '')} errors={errors.url} />
        <TextField id="wh-secret" name="secret" type="password" label="Secret (optional)" hint="Signs each body: X-Zonekeeper-Signature: sha256=HMAC. Not shown again." defaultValue="" errors={errors.secret} />
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Adding…' : 'Add webhook'}
      </button>
    </form>
  );
}
