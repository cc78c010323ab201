'use client';
import Link from 'next/link';
import { useActionState, useState } from 'react';
import { createZoneAction, type CreateZoneFormState } from '@/lib/zones/actions';
import { SERIAL_POLICIES } from '@/lib/dns/types';
import { describedBy, FieldErrors } from './field-errors';
import { SERIAL_POLICY_LABELS } from './serial-policy';
import { TextField } from './settings/text-field';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from './styles';

const initialState: CreateZoneFormState = {};

/** What the admin's zone template (Settings → Zone defaults) fills in. */
export interface NewZoneDefaults {
  nameservers: string[];
  contact: string;
  defaultTtl: number;
  serialPolicy: string;
  /** The catalog (RFC 9432) a new primary zone joins; '' for none. */
  catalog: string;
}

/**
 * Whether this user may create secondary zones: from any primary (admins),
 * from primaries inside the admin's ranges, or not at all (no ranges set).
 */
export type SecondaryAllowance = { kind: 'any' } | { kind: 'ranges'; ranges: string[] } | { kind: 'none' };

/**
 * The form that creates a zone: a primary with its name servers and SOA
 * settings (pre-filled from the template), or a secondary with its primaries.
 */
export function NewZoneForm({ defaults, secondary }: { defaults: NewZoneDefaults; secondary: SecondaryAllowance }) {
  const [state, formAction, pending] = useActionState(createZoneAction, initialState);
  const errors = state.fieldErrors ?? {};
  const values = state.values;
  const kinds = secondary.kind === 'none' ? (['primary'] as const) : (['primary', 'secondary'] as const);
  const [kind, setKind] = useState(values?.kind === 'secondary' && secondary.kind !== 'none' ? 'secondary' : 'primary');
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

      <fieldset aria-describedby={describedBy(secondary.kind === 'none' ? 'zone-kind-hint' : null, 'zone-kind-error', errors.kind)}>
        <legend className={labelClass}>Kind</legend>
        <div className="mt-1 flex flex-wrap gap-4 text-sm">
          {kinds.map((k) => (
            <label key={k} className="flex items-center gap-2">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {k === 'primary' ? 'Primary: records are edited here' : 'Secondary: records are transferred from a primary'}
            </label>
          ))}
        </div>
        {secondary.kind === 'none' && (
          <p id="zone-kind-hint" className={hintClass}>
            Secondary zones are created by an admin here: this server connects to whatever primary a secondary zone
            names. Ask an admin, or ask them to allow your primaries’ address ranges in Settings.
          </p>
        )}
        <FieldErrors id="zone-kind-error" errors={errors.kind} />
      </fieldset>

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
          The domain this server is authoritative for, like <code>example.com</code>. For a reverse zone, give the
          address prefix: <code>192.0.2.0/24</code> becomes <code>2.0.192.in-addr.arpa</code>, <code>2001:db8::/48</code>{' '}
          its <code>ip6.arpa</code> zone.
        </p>
        <FieldErrors id="zone-name-error" errors={errors.name} />
      </div>

      {kind === 'secondary' && (
        <div>
          <label htmlFor="zone-primaries" className={labelClass}>
            Primaries
          </label>
          <textarea
            id="zone-primaries"
            name="primaries"
            rows={2}
            autoCapitalize="none"
            spellCheck={false}
            placeholder={'192.0.2.1\n198.51.100.7:5300'}
            defaultValue={values?.primaries ?? ''}
            aria-invalid={invalid('primaries') || undefined}
            aria-describedby={describedBy('zone-primaries-hint', 'zone-primaries-error', errors.primaries)}
            className={`mt-1 font-mono ${inputClass(invalid('primaries'))}`}
          />
          <p id="zone-primaries-hint" className={hintClass}>
            The servers to transfer the zone from: an IP address, optionally with :PORT, one per line. The worker
            fetches the zone at once and then follows the primary&apos;s SOA timers and NOTIFYs.
            {secondary.kind === 'ranges' && (
              <>
                {' '}
                An admin allows primaries in <code>{secondary.ranges.join(', ')}</code> only.
              </>
            )}
          </p>
          <FieldErrors id="zone-primaries-error" errors={errors.primaries} />
        </div>
      )}

      <div hidden={kind !== 'primary'}>
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
          defaultValue={values?.nameservers ?? defaults.nameservers.join('\n')}
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
        <div hidden={kind !== 'primary'}>
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
            defaultValue={values?.contact ?? defaults.contact}
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
            type="text"
            spellCheck={false}
            autoComplete="off"
            defaultValue={values?.defaultTtl ?? String(defaults.defaultTtl)}
            aria-invalid={invalid('defaultTtl') || undefined}
            aria-describedby={describedBy('zone-ttl-hint', 'zone-ttl-error', errors.defaultTtl)}
            className={`mt-1 font-mono ${inputClass(invalid('defaultTtl'))}`}
          />
          <p id="zone-ttl-hint" className={hintClass}>
            Seconds, or a duration like 1h or 1d. Used for the SOA and NS records and for records added without a TTL.
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
            defaultValue={values?.serialPolicy ?? defaults.serialPolicy}
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

      <div className="grid gap-5 sm:grid-cols-2" hidden={kind !== 'primary'}>
        <TextField
          id="zone-catalog"
          name="catalog"
          label="Catalog"
          placeholder="catalog.example."
          disabled={kind !== 'primary'}
          defaultValue={values?.catalog ?? defaults.catalog}
          errors={errors.catalog}
          hint={`The catalog zone that lists this zone: secondaries consuming it (BIND, Knot, PowerDNS) start serving the zone by themselves. Empty: none.${defaults.catalog ? ' Filled in from the zone template; choosing another is an admin’s call.' : ''}`}
        />
        <TextField
          id="zone-catalog-group"
          name="catalogGroup"
          label="Catalog group"
          disabled={kind !== 'primary'}
          defaultValue={values?.catalogGroup ?? ''}
          errors={errors.catalogGroup}
          hint="Optional: a group the consumers map to their own settings for the zone (RFC 9432 §4.4.2)."
        />
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
