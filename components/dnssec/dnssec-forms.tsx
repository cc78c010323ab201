'use client';
// The DNSSEC panel's forms: sign the zone (algorithm, NSEC3 or NSEC), and the
// two steps of unsigning, the second behind a confirmation that the parent
// no longer holds a DS.
import { useActionState } from 'react';
import { signZoneAction, unsignZoneAction, type SignField } from '@/lib/zones/dnssec-actions';
import type { FormState } from '@/lib/forms';
import { FormMessage } from '../settings/form-message';
import { buttonPrimary, buttonSecondary, hintClass, labelClass } from '../styles';

export function SignForm({ zone }: { zone: string }) {
  const [state, formAction, pending] = useActionState(signZoneAction, {} as FormState<SignField>);
  return (
    <form action={formAction} className="space-y-3">
      <FormMessage state={state} />
      <input type="hidden" name="zone" value={zone} />
      <div className="flex flex-wrap items-end gap-4">
        <div>
          <label htmlFor="dnssec-algorithm" className={labelClass}>
            Algorithm
          </label>
          <select id="dnssec-algorithm" name="algorithm" defaultValue={state.values?.algorithm ?? 'ecdsap256sha256'} className="mt-1 rounded-md border border-zinc-300 px-2 py-1.5 text-sm">
            <option value="ecdsap256sha256">ECDSA P-256 with SHA-256 (13)</option>
            <option value="ed25519">Ed25519 (15)</option>
          </select>
        </div>
        <div>
          <label htmlFor="dnssec-denial" className={labelClass}>
            Denial of existence
          </label>
          <select id="dnssec-denial" name="denial" defaultValue={state.values?.denial ?? 'nsec3'} className="mt-1 rounded-md border border-zinc-300 px-2 py-1.5 text-sm">
            <option value="nsec3">NSEC3 (no salt, no extra iterations)</option>
            <option value="nsec">NSEC</option>
          </select>
        </div>
        <button type="submit" disabled={pending} className={buttonPrimary}>
          {pending ? 'Signing…' : 'Sign zone'}
        </button>
      </div>
      <p className={hintClass}>
        Makes a key-signing key and a zone-signing key and signs every record in one change. Secondaries get the signed zone by
        IXFR. Then give the parent the DS record shown here.
      </p>
    </form>
  );
}

export function UnsignForm({ zone, removingDs }: { zone: string; removingDs: boolean }) {
  const [state, formAction, pending] = useActionState(unsignZoneAction, {} as FormState<never>);
  return (
    <form action={formAction} className="space-y-2">
      <FormMessage state={state} />
      <input type="hidden" name="zone" value={zone} />
      {removingDs ? (
        <>
          <input type="hidden" name="parentHasNoDs" value="yes" />
          <p className="text-sm">
            The zone asks its parent to remove the DS. Once the parent no longer has a DS for this zone and the DS’s TTL has
            passed, remove the signatures:
          </p>
          <button type="submit" disabled={pending} className={buttonSecondary}>
            {pending ? 'Removing…' : 'The parent has no DS: unsign now'}
          </button>
        </>
      ) : (
        <>
          <p className="text-sm">
            Going back to unsigned takes two steps: first the parent must drop the DS, or validating resolvers reject the zone.
          </p>
          <button type="submit" disabled={pending} className={buttonSecondary}>
            {pending ? 'Publishing…' : 'Start unsigning: ask the parent to remove the DS'}
          </button>
        </>
      )}
    </form>
  );
}
