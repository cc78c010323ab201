// The Settings → Webhooks form, shared by the form and its action.
import { z } from 'zod';

export const WEBHOOK_FIELDS = ['url', 'secret'] as const;
export type WebhookField = (typeof WEBHOOK_FIELDS)[number];

export const webhookFormSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1, 'Enter the URL to POST alerts to')
    .max(2000, 'At most 2000 characters')
    .refine((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol), 'Enter an http:// or https:// URL'),
  // Optional; long enough to be worth signing with when given.
  secret: z.string().max(500, 'At most 500 characters').refine((s) => s === '' || s.length >= 16, 'A secret has at least 16 characters (or leave it empty)'),
});
