// Reads for Settings → Webhooks: the webhooks (never their secrets: only
// whether one is set) and the delivery log, newest first, a page at a time.
import { db } from '../db';

export interface WebhookView {
  id: number;
  url: string;
  signed: boolean;
  enabled: boolean;
  createdAt: Date;
}

export async function listWebhooks(): Promise<WebhookView[]> {
  const rows = await db().webhook.findMany({ orderBy: { id: 'asc' } });
  return rows.map(({ secret, ...w }) => ({ ...w, signed: secret !== null }));
}

export const DELIVERIES_PER_PAGE = 50;

export async function listDeliveries(page: number, pageSize = DELIVERIES_PER_PAGE) {
  const [total, rows] = await Promise.all([
    db().webhookDelivery.count(),
    db().webhookDelivery.findMany({
      orderBy: { id: 'desc' },
      skip: (Math.max(page, 1) - 1) * pageSize,
      take: pageSize,
      select: { id: true, createdAt: true, zoneName: true, event: true, state: true, status: true, attempts: true, lastStatus: true, lastError: true, deliveredAt: true, webhook: { select: { url: true } } },
    }),
  ]);
  return { rows, total, page: Math.max(page, 1), pages: Math.max(1, Math.ceil(total / pageSize)) };
}
