'use server';
// Server actions of the zone page's DNSSEC panel: sign, and the two steps
// of going back to insecure. The change service checks that the user may
// configure the zone (admins), as for the zone's other options.
import { revalidatePath } from 'next/cache';
import { requireZoneUser } from '../auth/session';
import { formStateFromError } from '../action-errors';
import { formText, type FormState } from '../forms';
import { enableSigning, disableSigning } from './zone-signing';
import { zoneHref } from './zone-urls';

const SIGN_FIELDS = ['algorithm', 'denial'] as const;
export type SignField = (typeof SIGN_FIELDS)[number];

export async function signZoneAction(_prev: FormState<SignField>, formData: FormData): Promise<FormState<SignField>> {
  const zone = String(formData.get('zone') ?? '');
  const { user } = await requireZoneUser(zone, 'read', { returnTo: zoneHref(zone) });
  const values = formText(formData, SIGN_FIELDS);
  const denial = values.denial === 'nsec' ? 'nsec' : 'nsec3';
  let serial: number;
  try {
    serial = (await enableSigning(zone, { algorithm: values.algorithm || undefined, denial }, { userId: user.id, name: user.name })).newSerial;
  } catch (err) {
    return formStateFromError(err, SIGN_FIELDS, values, 'The zone was not signed.');
  }
  revalidatePath(zoneHref(zone));
  return { ok: true, message: `Signed (serial ${serial}). Give the parent the DS record below; until it has it, validators treat the zone as unsigned.` };
}

export async function unsignZoneAction(_prev: FormState<never>, formData: FormData): Promise<FormState<never>> {
  const zone = String(formData.get('zone') ?? '');
  const parentHasNoDs = formData.get('parentHasNoDs') === 'yes';
  const { user } = await requireZoneUser(zone, 'read', { returnTo: zoneHref(zone) });
  let step: 'announced' | 'unsigned';
  try {
    step = (await disableSigning(zone, { userId: user.id, name: user.name }, parentHasNoDs)).step;
  } catch (err) {
    return formStateFromError(err, [], {}, 'Nothing changed.');
  }
  revalidatePath(zoneHref(zone));
  return {
    ok: true,
    message:
      step === 'announced'
        ? 'The zone now asks its parent to remove the DS (CDS/CDNSKEY delete records) and stays signed. Remove the DS at the parent, wait for its TTL, then finish below.'
        : 'The zone is no longer signed.',
  };
}
