// Form state: what a form's server action returns (React 19 resets forms,
// so the submitted values come back too) and the helpers that read a form
// and place a domain error's field errors. Shared by the forms (client) and
// the actions of lib/auth, lib/settings and lib/zones (server).

/** The state a form's action returns (React 19 resets forms, so values come back too). */
export interface FormState<F extends string> {
  /** Set when the last submit succeeded, so the form can say so. */
  ok?: boolean;
  message?: string;
  /** Keyed by field name; `form` holds errors that belong to no field. */
  fieldErrors?: Partial<Record<F | 'form', string[]>>;
  values?: Partial<Record<F, string>>;
}

/** Reads the named text fields of a form (missing ones as ''). */
export function formText<F extends string>(formData: FormData, fields: readonly F[]): Record<F, string> {
  const out = {} as Record<F, string>;
  for (const f of fields) {
    const v = formData.get(f);
    out[f] = typeof v === 'string' ? v : '';
  }
  return out;
}

/** A domain error's field errors under the form's field names; others go to `form`. */
export function formFieldErrors<F extends string>(errors: Record<string, string[]>, fields: readonly F[], message?: string): Partial<Record<F | 'form', string[]>> {
  const out: Partial<Record<F | 'form', string[]>> = {};
  for (const [key, messages] of Object.entries(errors)) {
    const field = (fields as readonly string[]).includes(key) ? (key as F) : 'form';
    (out[field] ??= []).push(...messages);
  }
  if (Object.keys(out).length === 0 && message) out.form = [message];
  return out;
}

/** A list field (name servers, primaries, ranges): one entry per line, or separated by commas or spaces. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
