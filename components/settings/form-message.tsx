/**
 * The summary line of a settings form: green after a success, red with the
 * errors that belong to no field otherwise. In a live region, so screen
 * readers hear the outcome of a submit.
 */
export function FormMessage({ state }: { state: { ok?: boolean; message?: string; fieldErrors?: { form?: string[] } } }) {
  const extra = state.fieldErrors?.form?.filter((e) => e !== state.message) ?? [];
  return (
    <div aria-live="polite" aria-atomic="true">
      {state.message &&
        (state.ok ? (
          <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
            {state.message}
          </p>
        ) : (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <p className="font-medium">{state.message}</p>
            {extra.map((e) => (
              <p key={e} className="mt-1">
                {e}
              </p>
            ))}
          </div>
        ))}
    </div>
  );
}

/** A value shown once (a generated password or secret), easy to select and copy. */
export function OneTimeValue({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
      <p className="font-medium">{label}</p>
      <p className="mt-0.5 text-xs">Copy it now: it is not stored in a form that can be shown again.</p>
      <pre data-testid={testId} className="mt-2 overflow-x-auto rounded bg-white px-2 py-1.5 font-mono text-xs text-zinc-900 select-all">
        {value}
      </pre>
    </div>
  );
}
