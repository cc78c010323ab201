/** Messages for one form field, rendered next to it; `id` is what the input's aria-describedby points at. */
export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <div id={id} className="mt-1 space-y-0.5">
      {errors.map((e) => (
        <p key={e} className="text-xs font-medium text-red-700">
          {e}
        </p>
      ))}
    </div>
  );
}

/** The ids an input should be described by: its hint, and its errors when there are any. */
export function describedBy(hintId: string | null, errorId: string, errors?: string[]): string | undefined {
  const ids = [hintId, errors?.length ? errorId : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}
