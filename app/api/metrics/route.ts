// GET /api/metrics: Prometheus text format. Open to a signed-in user (an
// editor sees their zones only), or to a scraper that sends
// `Authorization: Bearer $ZK_METRICS_TOKEN` when that variable is set. Wrong
// tokens count against the sender's address like failed sign-ins do, and
// past the budget the answer is 429 with Retry-After.
import crypto from 'node:crypto';
import { headers } from 'next/headers';
import { clientAddress } from '@/lib/auth/client-address';
import { metricsToken } from '@/lib/config/env';
import { loginThrottle, tooManyAttempts } from '@/lib/auth/rate-limit';
import { getSessionUser } from '@/lib/auth/session';
import { visibleZoneWhere, type VisibleZones } from '@/lib/auth/zone-access';
import { renderMetrics } from '@/lib/replication/metrics';

export const dynamic = 'force-dynamic';

/** A token shorter than this is refused outright: it could be guessed. */
const MIN_TOKEN_LENGTH = 32;
const THROTTLE_NAME = '(metrics token)';

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...extra } });
}

function tokenMatches(given: string, want: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export async function GET(request: Request): Promise<Response> {
  const authorization = request.headers.get('authorization');
  if (authorization?.startsWith('Bearer ')) {
    const want = metricsToken();
    if (want.length < MIN_TOKEN_LENGTH) {
      return plain(401, `This server takes no metrics token: ZK_METRICS_TOKEN is ${want ? `shorter than ${MIN_TOKEN_LENGTH} characters` : 'not set'}. Set one of at least ${MIN_TOKEN_LENGTH} characters (openssl rand -hex 32), or sign in.`, {
        'www-authenticate': 'Bearer',
      });
    }
    const address = clientAddress(await headers());
    const throttle = loginThrottle();
    const gate = throttle.attempt(address, THROTTLE_NAME);
    if (!gate.allowed) return tooManyAttempts(gate, 'metrics tokens');
    if (!tokenMatches(authorization.slice(7).trim(), want)) {
      return plain(401, 'That metrics token is wrong.', { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    throttle.succeeded(address, THROTTLE_NAME);
    return metrics(undefined);
  }
  const user = await getSessionUser();
  if (!user) {
    return plain(401, 'Sign in, or set ZK_METRICS_TOKEN on the server and send it as "Authorization: Bearer <token>".', { 'www-authenticate': 'Bearer' });
  }
  return metrics(visibleZoneWhere(user));
}

async function metrics(visible: VisibleZones | undefined): Promise<Response> {
  return new Response(await renderMetrics({ visible }), {
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
  });
}
