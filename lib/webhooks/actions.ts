'use server';
// Server actions for Settings → Webhooks. Each checks the session and
// `user:manage` itself: an action can be posted to without the page.
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formStateFromError } from '../action-errors';
import { requireUser } from '../auth/session';
import { formText, type FormState } from '../forms';
import { addWebhook, deleteWebhook, sendTestDelivery, setWebhookEnabled } from './mutations';
import { WEBHOOK_FIELDS, webhookFormSchema, type WebhookField } from './schema';

const PAGE = '/settings/webhooks';
const NOT_UNDERSTOOD = { message: 'That request was not understood; reload the page.' };

function webhookId(formData: FormData): number | null {
  const id = Number(formData.get('id'));
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export async function addWebhookAction(_prev: FormState<WebhookField>, formData: FormData): Promise<FormState<WebhookField>> {
  await requireUser('user:manage', { returnTo: PAGE });
  const values = formText(formData, WEBHOOK_FIELDS);
  const parsed = webhookFormSchema.safeParse(values);
  // The secret is never sent back to the browser, not even to fill the form again.
  if (!parsed.success) return { message: 'Nothing was saved: see the fields marked below.', fieldErrors: z.flattenError(parsed.error).fieldErrors, values: { url: values.url } };
  try {
    await addWebhook(parsed.data.url, parsed.data.secret || null);
  } catch (err) {
    return formStateFromError(err, WEBHOOK_FIELDS, { url: values.url }, 'Nothing was saved.');
  }
  revalidatePath(PAGE);
  return { ok: true, message: parsed.data.secret ? `Webhook added; its secret is stored and will not be shown again.` : 'Webhook added (unsigned).' };
}

export async function setWebhookEnabledAction(_prev: FormState<'id'>, formData: FormData): Promise<FormState<'id'>> {
  await requireUser('user:manage', { returnTo: PAGE });
  const id = webhookId(formData);
  if (id === null) return NOT_UNDERSTOOD;
  const enabled = formData.get('enabled') === 'true';
  try {
    await setWebhookEnabled(id, enabled);
  } catch (err) {
    return formStateFromError(err, ['id'] as const, { id: String(id) }, 'Nothing was changed.');
  }
  revalidatePath(PAGE);
  return { ok: true, message: enabled ? 'Enabled.' : 'Disabled.' };
}

export async function deleteWebhookAction(_prev: FormState<'id'>, formData: FormData): Promise<FormState<'id'>> {
  await requireUser('user:manage', { returnTo: PAGE });
  const id = webhookId(formData);
  if (id === null) return NOT_UNDERSTOOD;
  try {
    await deleteWebhook(id);
  } catch (err) {
    return formStateFromError(err, ['id'] as const, { id: String(id) }, 'Nothing was removed.');
  }
  revalidatePath(PAGE);
  return { ok: true, message: 'Webhook removed.' };
}

export async function sendTestWebhookAction(_prev: FormState<'id'>, formData: FormData): Promise<FormState<'id'>> {
  await requireUser('user:manage', { returnTo: PAGE });
  const id = webhookId(formData);
  if (id === null) return NOT_UNDERSTOOD;
  let outcome: Awaited<ReturnType<typeof sendTestDelivery>>;
  try {
    outcome = await sendTestDelivery(id);
  } catch (err) {
    return formStateFromError(err, ['id'] as const, { id: String(id) }, 'No test was sent.');
  }
  revalidatePath(PAGE);
  return outcome.ok ? { ok: true, message: `Delivered (HTTP ${outcome.status}).` } : { message: `Not delivered: ${outcome.error}` };
}
