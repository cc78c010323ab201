'use client';
// The approval rules as a form: globally (Settings → Approval, with the
// NS/SOA-only-by-admins switch) or for one zone (its settings page, where the
// zone may follow the global rules instead). The change service enforces them
// (lib/zones/approval-rules.ts); this only edits them.
import { useActionState, useState } from 'react';
import { saveApprovalSettingsAction } from '@/lib/settings/actions';
import { saveZoneApprovalAction } from '@/lib/zones/actions';
import type { ApprovalField } from '@/lib/settings/schema';
import type { FormState } from '@/lib/forms';
import { describedBy, FieldErrors } from '../field-errors';
import { CheckboxField } from './checkbox-field';
import { FormMessage } from './form-message';
import { buttonPrimary, hintClass, inputClass, labelClass } from '../styles';

export interface ApprovalFormValues {
  apexNsSoa: boolean;
  deletions: boolean;
  maxRecords: number;
  /** Global form only. */
  nsSoaAdminsOnly?: boolean;
  /** Zone form only: whether the zone has rules of its own. */
  own?: boolean;
}

export function ApprovalForm({ current, zone }: { current: ApprovalFormValues; zone?: string }) {
  const [state, formAction, pending] = useActionState(zone ? saveZoneApprovalAction : saveApprovalSettingsAction, {} as FormState<ApprovalField>);
  const [own, setOwn] = useState(current.own ?? true);
  const errors = state.fieldErrors?.maxRecords;
  const off = zone !== undefined && !own;
  const p = zone ? 'zone-approval' : 'approval';
  return (
    <form action={formAction} noValidate className="space-y-3">
      <FormMessage state={state} />
      {zone && <input type="hidden" name="zone" value={zone} />}
      {zone ? (
        <fieldset className="space-y-1">
          <legend className={labelClass}>Rules for this zone</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="rules" value="default" checked={!own} onChange={() => setOwn(false)} /> the global rules (Settings → Approval)
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="rules" value="own" checked={own} onChange={() => setOwn(true)} /> its own rules, below
          </label>
        </fieldset>
      ) : (
        <input type="hidden" name="rules" value="" />
      )}
      <CheckboxField id={`${p}-ns-soa`} name="apexNsSoa" label="Changes to the apex NS or SOA" hint="Adding, removing or changing the zone’s own name servers or its SOA fields." checked={current.apexNsSoa} disabled={off} />
      <CheckboxField id={`${p}-deletions`} name="deletions" label="Deletions" hint="Removing a record that the change does not replace with one of the same name and type." checked={current.deletions} disabled={off} />
      <div>
        <label htmlFor={`${p}-max`} className={labelClass}>
          Changesets over this many records
        </label>
        <input
          id={`${p}-max`}
          name="maxRecords"
          inputMode="numeric"
          defaultValue={state.values?.maxRecords ?? (current.maxRecords ? String(current.maxRecords) : '')}
          disabled={off}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy(`${p}-max-hint`, `${p}-max-error`, errors)}
          className={`mt-1 w-32 ${inputClass(Boolean(errors?.length))}`}
        />
        <p id={`${p}-max-hint`} className={hintClass}>
          Blank or 0: no limit. Records added and removed count once each.
        </p>
        <FieldErrors id={`${p}-max-error`} errors={errors} />
      </div>
      {!zone && (
        <CheckboxField
          id="approval-ns-soa-admins"
          name="nsSoaAdminsOnly"
          label="Only admins change NS and SOA"
          hint="Editors’ edits of the apex NS or SOA are refused; as a change request they need an admin to approve them. Opera DNS UI turns this on by default; here it is off, so editors keep managing the zones they create."
          checked={current.nsSoaAdminsOnly ?? false}
        />
      )}
      <p className={hintClass}>
        The rules hold people who are not admins, through the editor, imports and reverts: a change that matches one is refused and can be requested for
        approval instead; another person who may edit the zone approves it. API keys, DNS UPDATE, transfers and the command line are not held.
      </p>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Saving…' : 'Save approval rules'}
      </button>
    </form>
  );
}
