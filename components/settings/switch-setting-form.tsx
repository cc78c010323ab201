'use client';
// A setting that is one checkbox (a second admin for deletions, PTRs ticked by
// default): the box, what it does, and a Save button with the outcome.
import { useActionState } from 'react';
import type { FormState } from '@/lib/forms';
import { CheckboxField } from './checkbox-field';
import { FormMessage } from './form-message';
import { buttonPrimary } from '../styles';

type Action = (prev: FormState<string>, formData: FormData) => Promise<FormState<string>>;

export function SwitchSettingForm({ action, name, checked, label, hint, save }: { action: Action; name: string; checked: boolean; label: string; hint: string; save: string }) {
  const [state, formAction, pending] = useActionState(action, {} as FormState<string>);
  const id = `switch-${name}`;
  return (
    <form action={formAction} className="space-y-3">
      <FormMessage state={state} />
      <CheckboxField id={id} name={name} label={label} hint={hint} checked={checked} />
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Saving…' : save}
      </button>
    </form>
  );
}
