// GET /api/metrics: Prometheus text format. Open to a signed-in user (an
// editor sees their zones only), or to a scraper that sends
// `Authorization: Bearer $ZK_METRICS_TOKEN` when that variable is set.
import crypto from 'node:crypto';
import { getSessionUser } from '@/lib/auth/session';
import { visibleZoneIds } from '@/lib/auth/zone-access';
import { renderMetrics } from '@/lib/replication/metrics';

export const dynamic = 'force-dynamic';

function bearerMatches(header: string | null): boolean {
  const token = process.env.ZK_METRICS_TOKEN;
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const want = Buffer.from(token);
  return given.length === want.length && crypto.timingSafeEqual(given, want);
}

export async function GET(request: Request): Promise<Response> {
  let zoneIds: number[] | null = null;
  if (!bearerMatches(request.headers.get('authorization'))) {
    const user = await getSessionUser();
    if (!user) {
      return new Response('Sign in, or set ZK_METRICS_TOKEN on the server and send it as "Authorization: Bearer <token>".\n', {
        status: 401,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' },
      });
    }
    zoneIds = await visibleZoneIds(user);
  }
  return new Response(await renderMetrics({ zoneIds }), {
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
  });
}
