'use client';
import { useActionState } from 'react';
import { saveEditorSettingsAction, saveSecondaryZonesSettingsAction, saveZoneDefaultsAction } from '@/lib/settings/actions';
import type { FormState } from '@/lib/forms';
import type { SecondaryZonesField, ZoneDefaultsField } from '@/lib/settings/schema';
import { SERIAL_POLICIES } from '@/lib/dns/types';
import { describedBy, FieldErrors } from '../field-errors';
import { SERIAL_POLICY_LABELS } from '../serial-policy';
import { buttonPrimary, hintClass, inputClass, labelClass } from '../styles';
import { FormMessage } from './form-message';

type Values = Record<ZoneDefaultsField, string>;

/** The template new primary zones start from: NS hosts, SOA contact and timers, transfer and notify lists. */
export function ZoneDefaultsForm({ current }: { current: Values }) {
  const [state, formAction, pending] = useActionState(saveZoneDefaultsAction, {} as FormState<ZoneDefaultsField>);
  const errors = state.fieldErrors ?? {};
  // After a failed save show what was typed; otherwise what is stored (the page re-renders after a save).
  const v = (f: ZoneDefaultsField) => (state.ok ? current[f] : (state.values?.[f] ?? current[f]));
  const invalid = (f: ZoneDefaultsField) => Boolean(errors[f]?.length);

  const field = (f: ZoneDefaultsField, label: string, hint: string, input: (common: Record<string, unknown>) => React.ReactNode) => (
    <div>
      <label htmlFor={`zd-${f}`} className={labelClass}>
        {label}
      </label>
      {input({
        id: `zd-${f}`,
        name: f,
        defaultValue: v(f),
        'aria-invalid': invalid(f) || undefined,
        'aria-describedby': describedBy(`zd-${f}-hint`, `zd-${f}-error`, errors[f]),
      })}
      <p id={`zd-${f}-hint`} className={hintClass}>
        {hint}
      </p>
      <FieldErrors id={`zd-${f}-error`} errors={errors[f]} />
    </div>
  );
  const seconds = (f: ZoneDefaultsField, label: string, hint: string) =>
    field(f, label, hint, (c) => <input {...c} type="text" spellCheck={false} autoComplete="off" className={`mt-1 font-mono ${inputClass(invalid(f))}`} />);

  return (
    // After a save React resets the form to the defaultValues, which are then the stored values.
    <form action={formAction} noValidate className="space-y-5">
      <FormMessage state={state} />
      {field('nameservers', 'Name servers', 'One per line. End with a dot for an absolute name; without one it is relative to each new zone (ns1 → ns1.<zone>). Empty: ns1.<zone>.', (c) => (
        <textarea {...c} rows={3} autoCapitalize="none" spellCheck={false} placeholder={'ns1.example.net.\nns2.example.net.'} className={`mt-1 font-mono ${inputClass(invalid('nameservers'))}`} />
      ))}
      <div className="grid gap-5 sm:grid-cols-2">
        {field('contact', 'SOA contact', 'An e-mail address or an RNAME. Empty: hostmaster@<zone>.', (c) => (
          <input {...c} type="text" autoCapitalize="none" spellCheck={false} placeholder="hostmaster@example.net" className={`mt-1 ${inputClass(invalid('contact'))}`} />
        ))}
        {seconds('defaultTtl', 'Default TTL', 'Seconds, or a duration like 1h or 1d; for the SOA, the NS records and records added without a TTL.')}
        {field('serialPolicy', 'Serial policy', 'How the SOA serial advances on every change.', (c) => (
          <select {...c} className={`mt-1 ${inputClass(invalid('serialPolicy'))}`}>
            {SERIAL_POLICIES.map((p) => (
              <option key={p} value={p}>
                {SERIAL_POLICY_LABELS[p]}
              </option>
            ))}
          </select>
        ))}
      </div>
      <fieldset className="grid gap-5 sm:grid-cols-4">
        <legend className="mb-2 text-sm font-semibold text-zinc-800">SOA timers (seconds, or durations like 3h or 2w)</legend>
        {seconds('refresh', 'Refresh', 'How often secondaries check the serial.')}
        {seconds('retry', 'Retry', 'After a failed check.')}
        {seconds('expire', 'Expire', 'Secondaries stop answering after this long without the primary.')}
        {seconds('minimum', 'Minimum', 'Negative-answer TTL (RFC 2308).')}
      </fieldset>
      <div className="grid gap-5 sm:grid-cols-2">
        {field('allowTransfer', 'Allow transfers from', 'Address ranges (CIDR), one per line, like 192.0.2.0/24 or 2001:db8::/32. A single address means just that host.', (c) => (
          <textarea {...c} rows={3} autoCapitalize="none" spellCheck={false} className={`mt-1 font-mono ${inputClass(invalid('allowTransfer'))}`} />
        ))}
        {field('alsoNotify', 'Also notify', 'ADDRESS[:PORT], one per line; IPv6 as [2001:db8::1]:53. Port 53 when omitted. Sent NOTIFY on every change, besides the NS hosts.', (c) => (
          <textarea {...c} rows={3} autoCapitalize="none" spellCheck={false} className={`mt-1 font-mono ${inputClass(invalid('alsoNotify'))}`} />
        ))}
      </div>
      {field('catalog', 'Catalog', 'The catalog zone (RFC 9432) new primary zones are listed in, like catalog.example.: secondaries that consume it serve every new zone with no step of yours. Created with its first zone. Empty: none.', (c) => (
        <input {...c} type="text" autoCapitalize="none" spellCheck={false} placeholder="catalog.example." className={`mt-1 font-mono ${inputClass(invalid('catalog'))}`} />
      ))}
      <div className="border-t border-zinc-200 pt-4">
        <button type="submit" disabled={pending} className={buttonPrimary}>
          {pending ? 'Saving…' : 'Save zone defaults'}
        </button>
      </div>
    </form>
  );
}

/** Whether a commit in the zone editor needs a comment. */
export function EditorSettingsForm({ requireComment }: { requireComment: boolean }) {
  const [state, formAction, pending] = useActionState(saveEditorSettingsAction, {} as FormState<'requireComment'>);
  return (
    <form action={formAction} className="space-y-3">
      <FormMessage state={state} />
      <div className="flex items-start gap-2">
        <input
          id="require-comment"
          name="requireComment"
          type="checkbox"
          key={String(requireComment)}
          defaultChecked={requireComment}
          aria-describedby="require-comment-hint"
          className="mt-0.5 h-4 w-4"
        />
        <div>
          <label htmlFor="require-comment" className={labelClass}>
            Require a comment on every commit
          </label>
          <p id="require-comment-hint" className={hintClass}>
            The zone editor refuses a commit without one; the comment is kept in the zone’s history.
          </p>
        </div>
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Saving…' : 'Save editor settings'}
      </button>
    </form>
  );
}

/** Which primaries editors' secondary zones may name; empty: only admins create secondary zones. */
export function SecondaryZonesForm({ editorPrimaryRanges }: { editorPrimaryRanges: string }) {
  const [state, formAction, pending] = useActionState(saveSecondaryZonesSettingsAction, {} as FormState<SecondaryZonesField>);
  const errors = state.fieldErrors?.editorPrimaryRanges;
  return (
    <form action={formAction} noValidate className="space-y-3">
      <FormMessage state={state} />
      <div>
        <label htmlFor="sz-editorPrimaryRanges" className={labelClass}>
          Primaries editors may use
        </label>
        <textarea
          id="sz-editorPrimaryRanges"
          name="editorPrimaryRanges"
          rows={3}
          autoCapitalize="none"
          spellCheck={false}
          placeholder={'192.0.2.0/24\n2001:db8::/32'}
          defaultValue={state.ok ? editorPrimaryRanges : (state.values?.editorPrimaryRanges ?? editorPrimaryRanges)}
          aria-invalid={Boolean(errors?.length) || undefined}
          aria-describedby={describedBy('sz-editorPrimaryRanges-hint', 'sz-editorPrimaryRanges-error', errors)}
          className={`mt-1 font-mono ${inputClass(Boolean(errors?.length))}`}
        />
        <p id="sz-editorPrimaryRanges-hint" className={hintClass}>
          Address ranges (CIDR), one per line. An editor may create a secondary zone only when every primary it names
          lies in one of them. Empty: only admins create secondary zones, since the server connects to whatever primary a
          zone names and reports how it answered.
        </p>
        <FieldErrors id="sz-editorPrimaryRanges-error" errors={errors} />
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Saving…' : 'Save secondary zone settings'}
      </button>
    </form>
  );
}
