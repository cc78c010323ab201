// Writes for Settings → Webhooks. "Send test" posts at once from the web app
// (the admin waits for the answer) and logs it as a delivery, not retried.
import { db } from '../db';
import { AppError } from '../errors';
import type { AlertBody } from './transitions';
import { postDelivery, type SendOutcome } from './send';

export async function addWebhook(url: string, secret: string | null): Promise<{ id: number }> {
  return db().webhook.create({ data: { url, secret: secret || null }, select: { id: true } });
}

export async function setWebhookEnabled(id: number, enabled: boolean): Promise<void> {
  const { count } = await db().webhook.updateMany({ where: { id }, data: { enabled } });
  if (count === 0) throw new AppError('not-found', 'That webhook no longer exists.');
}

/** Removes a webhook and its delivery log. */
export async function deleteWebhook(id: number): Promise<void> {
  const { count } = await db().webhook.deleteMany({ where: { id } });
  if (count === 0) throw new AppError('not-found', 'That webhook no longer exists.');
}

export async function sendTestDelivery(id: number, now = new Date()): Promise<SendOutcome> {
  const hook = await db().webhook.findUnique({ where: { id } });
  if (!hook) throw new AppError('not-found', 'That webhook no longer exists.');
  const body: AlertBody = { event: 'test', zone: 'example.', state: 'in sync', previousState: null, at: now.toISOString(), secondaries: [] };
  const text = JSON.stringify(body);
  const d = await db().webhookDelivery.create({ data: { webhookId: id, zoneName: body.zone, event: 'test', state: body.state, body: text, status: 'sending', nextAttemptAt: now, createdAt: now } });
  const outcome = await postDelivery(hook, d);
  await db().webhookDelivery.update({
    where: { id: d.id },
    data: { status: outcome.ok ? 'delivered' : 'failed', attempts: 1, lastStatus: outcome.status, lastError: outcome.error, deliveredAt: outcome.ok ? new Date() : null },
  });
  return outcome;
}
