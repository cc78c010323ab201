'use client';
// The zone settings page's form for the DNS UPDATE policy: one rule per line,
// saved as a whole; each bad line's number and fault sit under the textarea.
import { useActionState } from 'react';
import { saveUpdatePolicyAction, type UpdatePolicyField } from '@/lib/zones/actions';
import type { FormState } from '@/lib/forms';
import { describedBy, FieldErrors } from '../field-errors';
import { FormMessage } from '../settings/form-message';
import { buttonPrimary, hintClass, inputClass, labelClass } from '../styles';

export function UpdatePolicyForm({ zone, current }: { zone: string; current: string }) {
  const [state, formAction, pending] = useActionState(saveUpdatePolicyAction, {} as FormState<UpdatePolicyField>);
  const errors = state.fieldErrors?.updatePolicy;
  const invalid = Boolean(errors?.length);
  // After a failed save show what was typed; otherwise what is stored (the page re-renders after a save).
  const value = state.ok ? current : (state.values?.updatePolicy ?? current);
  const example = `grant acme-key. subdomain _acme-challenge.${zone} TXT`;
  return (
    <form action={formAction} noValidate className="space-y-3">
      <FormMessage state={state} />
      <input type="hidden" name="zone" value={zone} />
      <div>
        <label htmlFor="zs-updatePolicy" className={labelClass}>
          Dynamic update policy
        </label>
        <textarea
          id="zs-updatePolicy"
          name="updatePolicy"
          rows={6}
          autoCapitalize="none"
          spellCheck={false}
          placeholder={example}
          defaultValue={value}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy('zs-updatePolicy-hint', 'zs-updatePolicy-error', errors)}
          className={`mt-1 font-mono ${inputClass(invalid)}`}
        />
        <p id="zs-updatePolicy-hint" className={hintClass}>
          One rule per line, as in BIND: <code>grant|deny KEY name|subdomain|wildcard NAME [TYPE …]</code> or{' '}
          <code>grant|deny KEY zonesub [TYPE …]</code>. KEY is a TSIG key; NAME is absolute or relative to the zone. The
          first rule matching the key, name and type decides; no match refuses. Without TYPEs a rule covers every type but
          SOA, NS and the DNSSEC ones. Example: <code>{example}</code>. Empty: every DNS UPDATE is refused.
        </p>
        <FieldErrors id="zs-updatePolicy-error" errors={errors} />
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Saving…' : 'Save update policy'}
      </button>
    </form>
  );
}
