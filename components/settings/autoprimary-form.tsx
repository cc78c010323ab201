'use client';
import { useActionState } from 'react';
import { addAutoprimaryAction } from '@/lib/settings/actions';
import type { FormState } from '@/lib/forms';
import type { AutoprimaryField } from '@/lib/settings/schema';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, hintClass, inputClass, labelClass } from '../styles';
import { FormMessage } from './form-message';

/** Adds a primary trusted to create secondary zones here by NOTIFY. */
export function AutoprimaryForm() {
  const [state, formAction, pending] = useActionState(addAutoprimaryAction, {} as FormState<AutoprimaryField>);
  const errors = state.fieldErrors ?? {};
  const value = (f: AutoprimaryField) => (state.ok ? '' : (state.values?.[f] ?? ''));
  const invalid = (f: AutoprimaryField) => Boolean(errors[f]?.length);
  const input = (f: AutoprimaryField, label: string, hint: string, placeholder: string, mono = true) => (
    <div>
      <label htmlFor={`ap-${f}`} className={labelClass}>
        {label}
      </label>
      <input
        id={`ap-${f}`}
        name={f}
        type="text"
        autoCapitalize="none"
        spellCheck={false}
        placeholder={placeholder}
        defaultValue={value(f)}
        aria-invalid={invalid(f) || undefined}
        aria-describedby={describedBy(`ap-${f}-hint`, `ap-${f}-error`, errors[f])}
        className={`mt-1 ${mono ? 'font-mono' : ''} ${inputClass(invalid(f))}`}
      />
      <p id={`ap-${f}-hint`} className={hintClass}>
        {hint}
      </p>
      <FieldErrors id={`ap-${f}-error`} errors={errors[f]} />
    </div>
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
