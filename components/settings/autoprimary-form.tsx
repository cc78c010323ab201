'use client';
import { useActionState } from 'react';
import { addAutoprimaryAction } from '@/lib/settings/actions';
import type { FormState } from '@/lib/forms';
import type { AutoprimaryField } from '@/lib/settings/schema';
import { buttonPrimary } from '../styles';
import { FormMessage } from './form-message';
import { TextField } from './text-field';

/** Adds a primary trusted to create secondary zones here by NOTIFY. */
export function AutoprimaryForm() {
  const [state, formAction, pending] = useActionState(addAutoprimaryAction, {} as FormState<AutoprimaryField>);
  const errors = state.fieldErrors ?? {};
  const value = (f: AutoprimaryField) => (state.ok ? '' : (state.values?.[f] ?? ''));
  const input = (f: AutoprimaryField, label: string, hint: string, placeholder: string, mono = true) => (
    <TextField id={`ap-${f}`} name={f} label={label} hint={hint} placeholder={placeholder} defaultValue={value(f)} errors={errors[f]} mono={mono} />
  );
  return (
    <form action={formAction} noValidate className="space-y-4">
      <FormMessage state={state} />
      <div className="grid gap-4 sm:grid-cols-3">
        {input('ip', 'Primary address', 'IP[:PORT]; transfers go to this port (53 when omitted).', '192.0.2.1')}
        {input('nameserver', 'Name server', 'A zone is created only when its NS set names this host.', 'ns1.example.net.')}
        {input('account', 'Account (optional)', 'A label for your records.', '', false)}
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Adding…' : 'Add autoprimary'}
      </button>
    </form>
  );
}
