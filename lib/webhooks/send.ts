// One POST of a delivery's body to its webhook, shared by the worker's sender
// and Settings' "Send test". Bounded in time, redirects not followed (a
// receiver that moved is told to the admin as a failure, and a signed body is
// never handed to a host the admin did not name).
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signBody } from './signature';

/** The longest one POST may take, connection included. */
export const SEND_TIMEOUT_MS = 10_000;
/** How much of a failing receiver's answer is kept in the log. */
const ERROR_TEXT = 200;

export interface SendOutcome {
  ok: boolean;
  /** The HTTP status, when there was an answer. */
  status: number | null;
  error: string | null;
}

export async function postDelivery(
  hook: { url: string; secret: string | null },
  delivery: { id: number; event: string; body: string },
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<SendOutcome> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'Zonekeeper-Webhook',
    [DELIVERY_HEADER]: String(delivery.id),
    [EVENT_HEADER]: delivery.event,
  };
  if (hook.secret) headers[SIGNATURE_HEADER] = signBody(delivery.body, hook.secret);
  try {
    const res = await fetch(hook.url, { method: 'POST', headers, body: delivery.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel();
      return { ok: true, status: res.status, error: null };
    }
    const text = (await res.text().catch(() => '')).slice(0, ERROR_TEXT).trim();
    return { ok: false, status: res.status, error: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
  } catch (err) {
    const e = err as Error & { cause?: { message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.message ?? e.message);
    return { ok: false, status: null, error: reason };
  }
}
