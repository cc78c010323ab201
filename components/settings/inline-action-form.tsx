'use client';
import { useActionState } from 'react';
import type { FormState } from '@/lib/forms';

type Action = (prev: FormState<string>, formData: FormData) => Promise<FormState<string>>;

/**
 * One button posting fixed hidden fields (delete a key, revoke a grant,
 * disable a user), with the outcome shown beside it. `label` is what sighted
 * users read; `accessibleName` says what it acts on for everyone else.
 */
export function InlineActionForm({
  action,
  fields,
  label,
  accessibleName,
  danger = false,
  confirm,
  sayOk = false,
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  accessibleName?: string;
  danger?: boolean;
  /** When set, asks before posting (for deletions that cannot be undone). */
  confirm?: string;
  /** Say what a success found too (a test sent, say), not only what went wrong. */
  sayOk?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form
      action={formAction}
      className="inline-flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
    >
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button
        type="submit"
        disabled={pending}
        aria-label={accessibleName}
        className={`rounded border px-2 py-0.5 text-xs font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60 ${
          danger ? 'border-red-300 text-red-700 hover:bg-red-50' : 'border-zinc-300 text-zinc-700 hover:bg-zinc-50'
        }`}
      >
        {pending ? '…' : label}
      </button>
      <span aria-live="polite" className={`text-xs ${state.ok ? 'text-green-700' : 'text-red-700'}`}>
        {state.ok && !sayOk ? '' : state.message}
      </span>
    </form>
  );
}
