'use server';
// Server actions for /settings (zone defaults, editor settings, who may
// create secondary zones, TSIG keys, autoprimaries, API keys). Each checks the session
// and `user:manage` itself, since an action can be posted to without the page
// that shows its form.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createApiKey, deleteApiKey } from '../auth/api-keys';
import { describeScope } from '../auth/api-key-words';
import { requireUser } from '../auth/session';
import { AppError } from '../errors';
import { formStateFromError } from '../action-errors';
import { formText, splitList, type FormState } from '../forms';
import { addAutoprimary, deleteAutoprimary } from '../zones/autoprimaries';
import { createTsigKey, deleteTsigKey, listTsigKeys } from '../zones/tsig-keys';
import { saveSecondaryZonesSettings, saveZoneDefaults, setSetting } from './mutations';
import {
  addAutoprimaryFormSchema,
  API_KEY_FIELDS,
  APPROVAL_FIELDS,
  approvalFormSchema,
  AUTOPRIMARY_FIELDS,
  bindKeyClause,
  createTsigKeyFormSchema,
  SECONDARY_ZONES_FIELDS,
  secondaryZonesFormSchema,
  TSIG_FIELDS,
  ZONE_DEFAULTS_FIELDS,
  zoneDefaultsFormSchema,
  type ApiKeyField,
  type ApprovalField,
  type AutoprimaryField,
  type CreateApiKeyState,
  type CreateTsigKeyState,
  type SecondaryZonesField,
  type ZoneDefaultsField,
} from './schema';
import { displayName } from '../dns/names';

const FIX_FIELDS = 'Nothing was saved: see the fields marked below.';

export async function saveZoneDefaultsAction(_prev: FormState<ZoneDefaultsField>, formData: FormData): Promise<FormState<ZoneDefaultsField>> {
  await requireUser('user:manage', { returnTo: '/settings/zone-defaults' });
  const values = formText(formData, ZONE_DEFAULTS_FIELDS);
  const parsed = zoneDefaultsFormSchema.safeParse(values);
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  const v = parsed.data;
  try {
    await saveZoneDefaults({
      nameservers: splitList(v.nameservers),
      contact: v.contact,
      defaultTtl: v.defaultTtl,
      serialPolicy: v.serialPolicy,
      refresh: v.refresh,
      retry: v.retry,
      expire: v.expire,
      minimum: v.minimum,
      allowTransfer: splitList(v.allowTransfer),
      alsoNotify: splitList(v.alsoNotify),
      catalog: v.catalog,
    });
  } catch (err) {
    return formStateFromError(err, ZONE_DEFAULTS_FIELDS, values, FIX_FIELDS);
  }
  revalidatePath('/settings/zone-defaults');
  return { ok: true, message: 'Saved. Zones created from now on start from these defaults; existing zones keep their settings.' };
}

export async function saveEditorSettingsAction(_prev: FormState<'requireComment'>, formData: FormData): Promise<FormState<'requireComment'>> {
  await requireUser('user:manage', { returnTo: '/settings/zone-defaults' });
  // A checkbox sends "on" when ticked and nothing otherwise.
  const requireComment = formData.get('requireComment') === 'on';
  try {
    await setSetting('editor', { requireComment });
  } catch (err) {
    return formStateFromError(err, ['requireComment'] as const, {}, FIX_FIELDS);
  }
  revalidatePath('/settings/zone-defaults');
  return { ok: true, message: requireComment ? 'Saved: every commit now needs a comment.' : 'Saved: comments are optional.' };
}

/** The global approval rules and the NS/SOA-only-by-admins switch (Settings → Approval). */
export async function saveApprovalSettingsAction(_prev: FormState<ApprovalField>, formData: FormData): Promise<FormState<ApprovalField>> {
  await requireUser('user:manage', { returnTo: '/settings/approval' });
  const values = formText(formData, APPROVAL_FIELDS);
  const parsed = approvalFormSchema.safeParse(values);
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  const { rules: _rules, ...v } = parsed.data;
  void _rules; // a zone's choice only
  try {
    await setSetting('approval', v);
  } catch (err) {
    return formStateFromError(err, APPROVAL_FIELDS, values, FIX_FIELDS);
  }
  revalidatePath('/settings/approval');
  const on = v.apexNsSoa || v.deletions || v.maxRecords > 0;
  return { ok: true, message: on ? 'Saved: editors’ changes that match a rule now need a second person’s approval.' : 'Saved: no approval rules apply (zones with their own still keep them).' };
}

/** Saves a setting that is one checkbox, `field` of `key`, from the form on `page`; `said` tells what it means now. */
async function saveSwitch(key: 'zoneDeletion' | 'reverseRecords', field: string, page: string, formData: FormData, said: (on: boolean) => string): Promise<FormState<string>> {
  await requireUser('user:manage', { returnTo: page });
  const on = formData.get(field) === 'on';
  try {
    await setSetting(key, { [field]: on });
  } catch (err) {
    return formStateFromError(err, [] as const, {}, FIX_FIELDS);
  }
  revalidatePath(page);
  return { ok: true, message: said(on) };
}

/** Settings → Deleted zones: whether a deletion needs a second admin. */
export async function saveZoneDeletionSettingsAction(_prev: FormState<string>, formData: FormData): Promise<FormState<string>> {
  return saveSwitch('zoneDeletion', 'requireSecondAdmin', '/settings/deleted-zones', formData, (on) =>
    on ? 'Saved: deleting a zone now needs a second admin to confirm; the HTTP API may no longer delete zones.' : 'Saved: an admin deletes a zone alone.',
  );
}

/** Settings → Zone defaults: whether the editor's "Also set PTR" starts ticked. */
export async function saveReverseRecordsSettingsAction(_prev: FormState<string>, formData: FormData): Promise<FormState<string>> {
  return saveSwitch('reverseRecords', 'ptrByDefault', '/settings/zone-defaults', formData, (on) =>
    on ? 'Saved: the editor ticks “Also set PTR” by default.' : 'Saved: “Also set PTR” starts unticked.',
  );
}

export async function saveSecondaryZonesSettingsAction(_prev: FormState<SecondaryZonesField>, formData: FormData): Promise<FormState<SecondaryZonesField>> {
  await requireUser('user:manage', { returnTo: '/settings/zone-defaults' });
  const values = formText(formData, SECONDARY_ZONES_FIELDS);
  const parsed = secondaryZonesFormSchema.safeParse(values);
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  let saved: string[];
  try {
    saved = (await saveSecondaryZonesSettings({ editorPrimaryRanges: splitList(parsed.data.editorPrimaryRanges) })).editorPrimaryRanges;
  } catch (err) {
    return formStateFromError(err, SECONDARY_ZONES_FIELDS, values, FIX_FIELDS);
  }
  revalidatePath('/settings/zone-defaults');
  revalidatePath('/zones/new');
  return {
    ok: true,
    message: saved.length
      ? `Saved: editors may create secondary zones whose primaries all lie in ${saved.join(', ')}.`
      : 'Saved: only admins create secondary zones.',
  };
}

export async function createTsigKeyAction(_prev: CreateTsigKeyState, formData: FormData): Promise<CreateTsigKeyState> {
  await requireUser('user:manage', { returnTo: '/settings/tsig' });
  const values = formText(formData, TSIG_FIELDS);
  values.source ||= 'generate';
  // A pasted secret is not sent back into the page.
  const echo = { ...values, secret: '' };
  const parsed = createTsigKeyFormSchema.safeParse(values);
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values: echo };
  const v = parsed.data;
  let created: NonNullable<CreateTsigKeyState['created']>;
  try {
    const key = await createTsigKey(v.name, v.algorithm, v.source === 'paste' ? v.secret : undefined);
    created = { name: key.name, algorithm: key.algorithm, secret: key.secret, bindClause: bindKeyClause(key.name, key.algorithm, key.secret) };
  } catch (err) {
    return formStateFromError(err, TSIG_FIELDS, echo, FIX_FIELDS);
  }
  revalidatePath('/settings/tsig');
  return { ok: true, message: `TSIG key ${displayName(created.name)} created.`, created };
}

export async function deleteTsigKeyAction(_prev: FormState<'name'>, formData: FormData): Promise<FormState<'name'>> {
  await requireUser('user:manage', { returnTo: '/settings/tsig' });
  const name = String(formData.get('name') ?? '').trim();
  if (!name) return { message: 'That request was not understood; reload the page.' };
  try {
    await deleteTsigKey(name);
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') {
      // The service's advice names the CLI; here the zones' own settings are the place to look too.
      const zones = (await listTsigKeys()).find((k) => k.name === name)?.zones ?? [];
      return {
        message: `TSIG key ${displayName(name)} is in use by ${zones.map(displayName).join(', ') || 'a zone'}. Detach it from those zones first (in the zone’s settings, or: zonekeeper zone set ZONE --tsig none).`,
      };
    }
    return formStateFromError(err, ['name'] as const, { name }, FIX_FIELDS);
  }
  revalidatePath('/settings/tsig');
  return { ok: true, message: `TSIG key ${displayName(name)} deleted.` };
}

export async function addAutoprimaryAction(_prev: FormState<AutoprimaryField>, formData: FormData): Promise<FormState<AutoprimaryField>> {
  await requireUser('user:manage', { returnTo: '/settings/autoprimaries' });
  const values = formText(formData, AUTOPRIMARY_FIELDS);
  const parsed = addAutoprimaryFormSchema.safeParse(values);
  if (!parsed.success) return { message: FIX_FIELDS, fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  let added: string;
  try {
    const a = await addAutoprimary(parsed.data.ip, parsed.data.nameserver, parsed.data.account);
    added = `${a.ip} for ${displayName(a.nameserver)}`;
  } catch (err) {
    if (err instanceof AppError && err.code === 'exists') return { message: err.message, fieldErrors: { ip: [err.message] }, values };
    return formStateFromError(err, AUTOPRIMARY_FIELDS, values, FIX_FIELDS);
  }
  revalidatePath('/settings/autoprimaries');
  return { ok: true, message: `Added autoprimary ${added}.` };
}

export async function deleteAutoprimaryAction(_prev: FormState<'ip' | 'nameserver'>, formData: FormData): Promise<FormState<'ip' | 'nameserver'>> {
  await requireUser('user:manage', { returnTo: '/settings/autoprimaries' });
  const ip = String(formData.get('ip') ?? '');
  const nameserver = String(formData.get('nameserver') ?? '');
  try {
    await deleteAutoprimary(ip, nameserver);
  } catch (err) {
    return formStateFromError(err, ['ip', 'nameserver'] as const, { ip, nameserver }, FIX_FIELDS);
  }
  revalidatePath('/settings/autoprimaries');
  return { ok: true, message: `Deleted autoprimary ${ip} for ${displayName(nameserver)}.` };
}

export async function createApiKeyAction(_prev: CreateApiKeyState, formData: FormData): Promise<CreateApiKeyState> {
  const user = await requireUser('user:manage', { returnTo: '/settings/api-keys' });
  const values = formText(formData, API_KEY_FIELDS);
  let created: NonNullable<CreateApiKeyState['created']>;
  try {
    const { key, secret } = await createApiKey(
      {
        name: values.name,
        zones: splitList(values.zones),
        names: splitList(values.names),
        types: splitList(values.types),
        readOnly: values.readOnly === 'on',
      },
      user.name,
    );
    created = { name: key.name, secret, scope: describeScope(key.scope) };
  } catch (err) {
    return formStateFromError<ApiKeyField>(err, API_KEY_FIELDS, values, FIX_FIELDS);
  }
  revalidatePath('/settings/api-keys');
  return { ok: true, message: `API key ${created.name} created.`, created };
}

export async function deleteApiKeyAction(_prev: FormState<'name'>, formData: FormData): Promise<FormState<'name'>> {
  await requireUser('user:manage', { returnTo: '/settings/api-keys' });
  const name = String(formData.get('name') ?? '').trim().toLowerCase();
  // An unknown key (deleted meanwhile, in another tab or by the CLI) comes back as the form's message.
  const refused = name
    ? await deleteApiKey(name).then(
        () => null,
        (err: unknown) => formStateFromError(err, ['name'] as const, { name }, FIX_FIELDS),
      )
    : { message: 'That request was not understood; reload the page.' };
  if (refused) return refused;
  revalidatePath('/settings/api-keys');
  return { ok: true, message: `API key ${name} deleted; requests with it are refused from now on.` };
}
