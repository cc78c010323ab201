'use client';
import { useId, useState, type FormEvent } from 'react';
import { relativeName } from '@/lib/dns/names';
import { parseTtl } from '@/lib/dns/ttl';
import type { RR } from '@/lib/dns/types';
import { assembleContent, EDITOR_TYPES, isEditorType, splitContent, TYPE_FIELDS, type EditorType, type FieldValues } from '@/lib/zones/record-fields';
import { normalizeOwner, normalizeRecordContent } from '@/lib/zones/validate';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from '../styles';

type Errors = Record<string, string[]>;

/**
 * Adds a record, or edits one: owner name relative to the zone, type, TTL
 * (5m, 1h, 1d…) and the type's own fields. Each value is checked with the
 * change service's validators before the record joins the pending edits.
 */
export function RecordForm({
  zone,
  initial,
  ttlFor,
  onSubmit,
  onCancel,
}: {
  zone: string;
  /** The stored record being edited; absent when adding. */
  initial?: RR;
  /** The TTL a new record of this name and type gets when the TTL box is left empty. */
  ttlFor: (name: string, type: string) => number;
  onSubmit: (record: RR) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const startType: EditorType = initial && isEditorType(initial.type) ? initial.type : 'A';
  const [type, setType] = useState<EditorType>(startType);
  const [name, setName] = useState(initial ? relativeName(initial.name, zone) : '');
  const [ttl, setTtl] = useState(initial ? String(initial.ttl) : '');
  const [values, setValues] = useState<FieldValues>(initial && isEditorType(initial.type) ? splitContent(initial.type, initial.content) : {});
  const [errors, setErrors] = useState<Errors>({});

  const fid = (key: string) => `${id}-${key}`;
  const invalid = (key: string) => Boolean(errors[key]?.length);

  function submit(e: FormEvent) {
    e.preventDefault();
    const next: Errors = {};
    const owner = normalizeOwner(name.trim() || '@', zone);
    if (!owner.ok) next.name = [owner.message];
    let seconds: number | undefined;
    if (ttl.trim() !== '') {
      try {
        seconds = parseTtl(ttl);
      } catch (err) {
        next.ttl = [(err as Error).message];
      }
    }
    const assembled = assembleContent(type, values);
    let content = '';
    if (!assembled.ok) {
      for (const [k, m] of Object.entries(assembled.fieldErrors)) next[k] = [m];
    } else {
      const n = normalizeRecordContent(type, assembled.content, zone);
      if (n.ok) content = n.value;
      else next.content = [n.message];
    }
    setErrors(next);
    if (Object.keys(next).length || !owner.ok) return;
    onSubmit({ name: owner.value, type, ttl: seconds ?? ttlFor(owner.value, type), content });
  }

  const fields = TYPE_FIELDS[type];
  return (
    <form onSubmit={submit} noValidate aria-label={initial ? 'Edit record' : 'Add record'} className="space-y-3 rounded-md border border-blue-200 bg-blue-50/40 p-4">
      <h3 className="text-sm font-semibold">{initial ? `Edit ${relativeName(initial.name, zone)} ${initial.type}` : 'Add a record'}</h3>
      <div className="grid gap-3 sm:grid-cols-[2fr_1fr_1fr]">
        <div>
          <label htmlFor={fid('name')} className={labelClass}>
            Name
          </label>
          <input
            id={fid('name')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoFocus
            autoCapitalize="none"
            spellCheck={false}
            placeholder="@"
            aria-invalid={invalid('name') || undefined}
            aria-describedby={describedBy(`${fid('name')}-hint`, `${fid('name')}-error`, errors.name)}
            className={`mt-1 font-mono ${inputClass(invalid('name'))}`}
          />
          <p id={`${fid('name')}-hint`} className={hintClass}>
            Relative to {zone}; @ or empty for the apex.
          </p>
          <FieldErrors id={`${fid('name')}-error`} errors={errors.name} />
        </div>
        <div>
          <label htmlFor={fid('type')} className={labelClass}>
            Type
          </label>
          <select
            id={fid('type')}
            value={type}
            onChange={(e) => {
              setType(e.target.value as EditorType);
              setValues({});
              setErrors({});
            }}
            className={`mt-1 font-mono ${inputClass(false)}`}
          >
            {EDITOR_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={fid('ttl')} className={labelClass}>
            TTL
          </label>
          <input
            id={fid('ttl')}
            value={ttl}
            onChange={(e) => setTtl(e.target.value)}
            autoCapitalize="none"
            spellCheck={false}
            placeholder="default"
            aria-invalid={invalid('ttl') || undefined}
            aria-describedby={describedBy(`${fid('ttl')}-hint`, `${fid('ttl')}-error`, errors.ttl)}
            className={`mt-1 font-mono ${inputClass(invalid('ttl'))}`}
          />
          <p id={`${fid('ttl')}-hint`} className={hintClass}>
            Seconds, or 5m, 1h, 1d.
          </p>
          <FieldErrors id={`${fid('ttl')}-error`} errors={errors.ttl} />
        </div>
      </div>

      <div className={`grid gap-3 ${fields.length > 1 ? 'sm:grid-cols-2 lg:grid-cols-4' : ''}`}>
        {fields.map((f) => {
          const fieldId = fid(`f-${f.key}`);
          const hintId = f.hint ? `${fieldId}-hint` : null;
          const common = {
            id: fieldId,
            value: values[f.key] ?? '',
            placeholder: f.placeholder,
            autoCapitalize: 'none',
            spellCheck: false,
            'aria-invalid': invalid(f.key) || undefined,
            // A problem with the content as a whole is described on every field of it.
            'aria-describedby':
              [describedBy(hintId, `${fieldId}-error`, errors[f.key]), errors.content?.length ? fid('content-error') : null].filter(Boolean).join(' ') || undefined,
          } as const;
          const set = (v: string) => setValues((old) => ({ ...old, [f.key]: v }));
          return (
            <div key={`${type}-${f.key}`} className={f.kind === 'longtext' || f.kind === 'hex' ? 'sm:col-span-full' : ''}>
              <label htmlFor={fieldId} className={labelClass}>
                {f.label}
              </label>
              {f.kind === 'longtext' || f.kind === 'hex' ? (
                <textarea {...common} rows={f.kind === 'longtext' ? 3 : 2} onChange={(e) => set(e.target.value)} className={`mt-1 font-mono ${inputClass(invalid(f.key))}`} />
              ) : (
                <input
                  {...common}
                  inputMode={f.kind === 'int' ? 'numeric' : undefined}
                  onChange={(e) => set(e.target.value)}
                  className={`mt-1 font-mono ${inputClass(invalid(f.key))}`}
                />
              )}
              {f.hint && (
                <p id={hintId!} className={hintClass}>
                  {f.hint}
                </p>
              )}
              <FieldErrors id={`${fieldId}-error`} errors={errors[f.key]} />
            </div>
          );
        })}
      </div>
      <div aria-live="polite">
        <FieldErrors id={fid('content-error')} errors={errors.content} />
      </div>

      <div className="flex gap-2">
        <button type="submit" className={buttonPrimary}>
          {initial ? 'Queue edit' : 'Queue record'}
        </button>
        <button type="button" onClick={onCancel} className={buttonSecondary}>
          Cancel
        </button>
      </div>
    </form>
  );
}
