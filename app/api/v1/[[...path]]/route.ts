// /api/v1/…: the PowerDNS-compatible HTTP API (docs/powerdns-api.md). Every
// method goes to lib/api/router.ts once the key is checked.
import { headers } from 'next/headers';
import { clientAddress } from '@/lib/auth/client-address';
import { withApiKey } from '@/lib/api/authenticated';
import { routeApiRequest } from '@/lib/api/router';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ path?: string[] }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  const { path = [] } = await params;
  return withApiKey(request, clientAddress(await headers()), (key) => routeApiRequest(request, path, key));
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
