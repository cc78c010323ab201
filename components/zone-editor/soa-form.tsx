'use client';
import { useId, useState, type FormEvent } from 'react';
import { canonicalName } from '@/lib/dns/names';
import { parseTtl } from '@/lib/dns/ttl';
import type { SoaEdit } from '@/lib/zones/edits';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from '../styles';
import { contactToRname } from '@/lib/dns/contact';

const FIELDS: { key: keyof SoaEdit; label: string; hint: string; time: boolean }[] = [
  { key: 'mname', label: 'Primary name server', hint: 'The SOA MNAME.', time: false },
  { key: 'rname', label: 'Contact', hint: 'hostmaster@example.com, or the RNAME form hostmaster.example.com.', time: false },
  { key: 'refresh', label: 'Refresh', hint: 'How often secondaries check for a new serial.', time: true },
  { key: 'retry', label: 'Retry', hint: 'How soon they retry after a failed check.', time: true },
  { key: 'expire', label: 'Expire', hint: 'When they stop answering without reaching us.', time: true },
  { key: 'minimum', label: 'Negative TTL', hint: 'How long resolvers cache "no such name" (RFC 2308).', time: true },
  { key: 'ttl', label: 'SOA TTL', hint: 'The TTL of the SOA record itself.', time: true },
];

/** The SOA fields other than the serial, which the zone's serial policy sets on every commit. */
export function SoaForm({ zone, current, onSubmit, onCancel }: { zone: string; current: SoaEdit; onSubmit: (to: SoaEdit) => void; onCancel: () => void }) {
  const id = useId();
  const [values, setValues] = useState<Record<keyof SoaEdit, string>>(() => {
    const v = {} as Record<keyof SoaEdit, string>;
    for (const f of FIELDS) v[f.key] = String(current[f.key]);
    return v;
  });
  const [errors, setErrors] = useState<Partial<Record<keyof SoaEdit, string[]>>>({});

  function submit(e: FormEvent) {
    e.preventDefault();
    const next: Partial<Record<keyof SoaEdit, string[]>> = {};
    const out = { ...current };
    for (const f of FIELDS) {
      try {
        if (f.key === 'mname') out.mname = canonicalName(values.mname.trim(), zone);
        else if (f.key === 'rname') out.rname = contactToRname(values.rname, zone);
        else out[f.key] = parseTtl(values[f.key]);
      } catch (err) {
        next[f.key] = [(err as Error).message];
      }
    }
    setErrors(next);
    if (Object.keys(next).length === 0) onSubmit(out);
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Edit SOA" className="space-y-3 rounded-md border border-blue-200 bg-blue-50/40 p-4">
      <h3 className="text-sm font-semibold">Edit the SOA</h3>
      <p className={hintClass}>The serial is not set here: every commit advances it by the zone&apos;s serial policy.</p>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        {FIELDS.map((f) => {
          const fieldId = `${id}-${f.key}`;
          const invalid = Boolean(errors[f.key]?.length);
          return (
            <div key={f.key} className={f.time ? '' : 'sm:col-span-2'}>
              <label htmlFor={fieldId} className={labelClass}>
                {f.label}
              </label>
              <input
                id={fieldId}
                value={values[f.key]}
                autoFocus={f.key === 'mname'}
                onChange={(e) => setValues((old) => ({ ...old, [f.key]: e.target.value }))}
                autoCapitalize="none"
                spellCheck={false}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy(`${fieldId}-hint`, `${fieldId}-error`, errors[f.key])}
                className={`mt-1 font-mono ${inputClass(invalid)}`}
              />
              <p id={`${fieldId}-hint`} className={hintClass}>
                {f.hint}
                {f.time ? ' Seconds, or 5m, 1h, 1d.' : ''}
              </p>
              <FieldErrors id={`${fieldId}-error`} errors={errors[f.key]} />
            </div>
          );
        })}
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonPrimary}>
          Queue SOA edit
        </button>
        <button type="button" onClick={onCancel} className={buttonSecondary}>
          Cancel
        </button>
      </div>
    </form>
  );
}
