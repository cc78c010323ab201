'use server';
// Server actions for deleting and restoring zones: the "Delete zone" section
// of a zone's settings page (delete, or request / confirm / cancel when a
// second admin is required) and Settings → Deleted zones (restore). Each
// checks the session and `zone:delete` itself; the change service checks the
// role again inside its transaction.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireUser } from '../auth/session';
import { formStateFromError } from '../action-errors';
import { absoluteName } from '../dns/names';
import { formText, type FormState } from '../forms';
import { restoreZone } from './deleted-zones';
import { cancelDeletion, confirmDeletion, deleteOrRequest } from './zone-deletion';
import { zoneHref } from './zone-urls';

export type DeleteZoneField = 'confirmName';
const FIELDS = ['zone', 'confirmName'] as const;

function sameZone(typed: string, zone: string): boolean {
  try {
    return absoluteName(typed.trim()) === absoluteName(zone);
  } catch {
    return false;
  }
}

/** Deletes the zone (or asks a second admin to) once its name is typed. */
export async function deleteZoneAction(_prev: FormState<DeleteZoneField>, formData: FormData): Promise<FormState<DeleteZoneField>> {
  const { zone, confirmName } = formText(formData, FIELDS);
  const user = await requireUser('zone:delete', { returnTo: zoneHref(zone, 'settings') });
  if (!sameZone(confirmName, zone)) {
    const msg = `Type the zone’s name, ${zone.replace(/\.$/, '')}, to delete it.`;
    return { message: 'Nothing was deleted.', fieldErrors: { confirmName: [msg] }, values: { confirmName } };
  }
  let outcome: 'deleted' | 'requested';
  try {
    outcome = await deleteOrRequest(zone, { userId: user.id, name: user.name });
  } catch (err) {
    return formStateFromError(err, ['confirmName'] as const, { confirmName });
  }
  if (outcome === 'requested') {
    revalidatePath(zoneHref(zone, 'settings'));
    return { ok: true, message: 'Deletion requested: another admin confirms it on this page. The zone keeps serving until then.' };
  }
  revalidatePath('/zones');
  redirect(`/settings/deleted-zones?deleted=${encodeURIComponent(zone)}`);
}

/** Runs a step on a requested deletion for the signed-in admin; form state when the service refuses it. */
async function requestStep(formData: FormData, step: (zone: string, actor: { userId: number; name: string }) => Promise<void>): Promise<{ zone: string; refused?: FormState<never> }> {
  const { zone } = formText(formData, ['zone'] as const);
  const user = await requireUser('zone:delete', { returnTo: zoneHref(zone, 'settings') });
  try {
    await step(zone, { userId: user.id, name: user.name });
    return { zone };
  } catch (err) {
    return { zone, refused: formStateFromError(err, [] as const, {}) };
  }
}

/** A second admin confirms a requested deletion. */
export async function confirmDeletionAction(_prev: FormState<never>, formData: FormData): Promise<FormState<never>> {
  const { zone, refused } = await requestStep(formData, confirmDeletion);
  if (refused) return refused;
  revalidatePath('/zones');
  redirect(`/settings/deleted-zones?deleted=${encodeURIComponent(zone)}`);
}

/** Withdraws a requested deletion. */
export async function cancelDeletionAction(_prev: FormState<never>, formData: FormData): Promise<FormState<never>> {
  const { zone, refused } = await requestStep(formData, cancelDeletion);
  if (refused) return refused;
  revalidatePath(zoneHref(zone, 'settings'));
  revalidatePath(zoneHref(zone));
  return { ok: true, message: 'Deletion request cancelled.' };
}

/** Restores a deleted zone (by its snapshot's id) and opens it. */
export async function restoreZoneAction(_prev: FormState<never>, formData: FormData): Promise<FormState<never>> {
  const user = await requireUser('zone:delete', { returnTo: '/settings/deleted-zones' });
  const { id } = formText(formData, ['id'] as const);
  let name: string;
  try {
    name = (await restoreZone(`#${Number.parseInt(id, 10)}`, { userId: user.id, name: user.name })).name;
  } catch (err) {
    return formStateFromError(err, [] as const, {});
  }
  revalidatePath('/zones');
  revalidatePath('/settings/deleted-zones');
  redirect(zoneHref(name));
}
