// How a webhook delivery proves where it came from: an HMAC-SHA256 of the raw
// body with the webhook's secret, hex, in X-Zonekeeper-Signature as
// "sha256=HEX" (the form GitHub and others use, which receivers know how to
// check). The delivery's id goes along, so a receiver can drop a retry it
// already took.
import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Zonekeeper-Signature';
export const DELIVERY_HEADER = 'X-Zonekeeper-Delivery';
export const EVENT_HEADER = 'X-Zonekeeper-Event';

/** The signature header's value for `body`, exactly the bytes sent. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
