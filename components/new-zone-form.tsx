'use client';
import Link from 'next/link';
import { useActionState } from 'react';
import { createZoneAction, type CreateZoneFormState } from '@/lib/zones/actions';
import { SERIAL_POLICIES } from '@/lib/dns/types';
import { describedBy, FieldErrors } from './field-errors';
import { SERIAL_POLICY_LABELS } from './serial-policy';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from './styles';

const initialState: CreateZoneFormState = {};

/** The form that creates a primary zone: its name, name servers and SOA settings. */
export function NewZoneForm() {
  const [state, formAction, pending] = useActionState(createZoneAction, initialState);
  const errors = state.fieldErrors ?? {};
  const values = state.values;
  const invalid = (field: keyof NonNullable<CreateZoneFormState['fieldErrors']>) => Boolean(errors[field]?.length);

  return (
    <form action={formAction} noValidate className="space-y-5">
      <div aria-live="polite" aria-atomic="true">
        {state.message && (
          <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <p className="font-medium">{state.message}</p>
            {errors.form?.map((e) => (
              <p key={e} className="mt-1">
                {e}
              </p>
            ))}
          </div>
        )}
      </div>

      <div>
        <label htmlFor="zone-name" className={labelClass}>
          Zone name
        </label>
        <input
          id="zone-name"
          name="name"
          type="text"
          required
          autoCapitalize="none"
          spellCheck={false}
          placeholder="example.com"
          defaultValue={values?.name ?? ''}
          aria-invalid={invalid('name') || undefined}
          aria-describedby={describedBy('zone-name-hint', 'zone-name-error', errors.name)}
          className={`mt-1 font-mono ${inputClass(invalid('name'))}`}
        />
        <p id="zone-name-hint" className={hintClass}>
          The domain this server is authoritative for, like <code>example.com</code>.
        </p>
        <FieldErrors id="zone-name-error" errors={errors.name} />
      </div>

      <div>
        <label htmlFor="zone-nameservers" className={labelClass}>
          Name servers
        </label>
        <textarea
          id="zone-nameservers"
          name="nameservers"
          rows={3}
          autoCapitalize="none"
          spellCheck={false}
          placeholder={'ns1.example.com.\nns2.example.net.'}
          defaultValue={values?.nameservers ?? ''}
          aria-invalid={invalid('nameservers') || undefined}
          aria-describedby={describedBy('zone-nameservers-hint', 'zone-nameservers-error', errors.nameservers)}
          className={`mt-1 font-mono ${inputClass(invalid('nameservers'))}`}
        />
        <p id="zone-nameservers-hint" className={hintClass}>
          One per line (or separated by commas). End each with a dot; a name without one is taken as relative to the
          zone. The first becomes the SOA primary. Left empty: <code>ns1.</code> followed by the zone name.
        </p>
        <FieldErrors id="zone-nameservers-error" errors={errors.nameservers} />
      </div>

      <div className="grid gap-5 sm:grid-cols-2">
        <div>
          <label htmlFor="zone-contact" className={labelClass}>
            SOA contact (email)
          </label>
          <input
            id="zone-contact"
            name="contact"
            type="text"
            inputMode="email"
            autoCapitalize="none"
            spellCheck={false}
            placeholder="hostmaster@example.com"
            defaultValue={values?.contact ?? ''}
            aria-invalid={invalid('contact') || undefined}
            aria-describedby={describedBy('zone-contact-hint', 'zone-contact-error', errors.contact)}
            className={`mt-1 ${inputClass(invalid('contact'))}`}
          />
          <p id="zone-contact-hint" className={hintClass}>
            Left empty: hostmaster@ the zone.
          </p>
          <FieldErrors id="zone-contact-error" errors={errors.contact} />
        </div>

        <div>
          <label htmlFor="zone-ttl" className={labelClass}>
            Default TTL
          </label>
          <input
            id="zone-ttl"
            name="defaultTtl"
            type="number"
            inputMode="numeric"
            min={0}
            step={1}
            defaultValue={values?.defaultTtl ?? '3600'}
            aria-invalid={invalid('defaultTtl') || undefined}
            aria-describedby={describedBy('zone-ttl-hint', 'zone-ttl-error', errors.defaultTtl)}
            className={`mt-1 font-mono ${inputClass(invalid('defaultTtl'))}`}
          />
          <p id="zone-ttl-hint" className={hintClass}>
            Seconds. Used for the SOA and NS records and for records added without a TTL.
          </p>
          <FieldErrors id="zone-ttl-error" errors={errors.defaultTtl} />
        </div>

        <div>
          <label htmlFor="zone-serial-policy" className={labelClass}>
            Serial policy
          </label>
          <select
            id="zone-serial-policy"
            name="serialPolicy"
            defaultValue={values?.serialPolicy ?? 'increment'}
            aria-invalid={invalid('serialPolicy') || undefined}
            aria-describedby={describedBy('zone-serial-policy-hint', 'zone-serial-policy-error', errors.serialPolicy)}
            className={`mt-1 ${inputClass(invalid('serialPolicy'))}`}
          >
            {SERIAL_POLICIES.map((p) => (
              <option key={p} value={p}>
                {SERIAL_POLICY_LABELS[p]}
              </option>
            ))}
          </select>
          <p id="zone-serial-policy-hint" className={hintClass}>
            How the SOA serial advances on every change.
          </p>
          <FieldErrors id="zone-serial-policy-error" errors={errors.serialPolicy} />
        </div>
      </div>

      <div className="flex items-center gap-3 border-t border-zinc-200 pt-4">
        <button type="submit" disabled={pending} className={buttonPrimary}>
          {pending ? 'Creating…' : 'Create zone'}
        </button>
        <Link href="/zones" className={buttonSecondary}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
