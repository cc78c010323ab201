// GET /api: the PowerDNS API's version list (lib/api/router.ts), for a client with a key.
import { headers } from 'next/headers';
import { clientAddress } from '@/lib/auth/client-address';
import { withApiKey } from '@/lib/api/authenticated';
import { apiIndexResponse } from '@/lib/api/router';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return withApiKey(request, clientAddress(await headers()), () => apiIndexResponse());
}
