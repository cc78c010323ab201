'use client';
// A setting that is one checkbox (a second admin for deletions, PTRs ticked by
// default): the box, what it does, and a Save button with the outcome.
import { useActionState } from 'react';
import type { FormState } from '@/lib/forms';
import { FormMessage } from './form-message';
import { buttonPrimary, hintClass, labelClass } from '../styles';

type Action = (prev: FormState<string>, formData: FormData) => Promise<FormState<string>>;

export function SwitchSettingForm({ action, name, checked, label, hint, save }: { action: Action; name: string; checked: boolean; label: string; hint: string; save: string }) {
  const [state, formAction, pending] = useActionState(action, {} as FormState<string>);
  const id = `switch-${name}`;
  return (
    <form action={formAction} className="space-y-3">
      <FormMessage state={state} />
      <div className="flex items-start gap-2">
        <input id={id} name={name} type="checkbox" key={String(checked)} defaultChecked={checked} aria-describedby={`${id}-hint`} className="mt-0.5 h-4 w-4" />
        <div>
          <label htmlFor={id} className={labelClass}>
            {label}
          </label>
          <p id={`${id}-hint`} className={hintClass}>
            {hint}
          </p>
        </div>
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Saving…' : save}
      </button>
    </form>
  );
}
