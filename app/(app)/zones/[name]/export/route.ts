// GET /zones/NAME/export: the zone as a BIND zone file, downloaded as NAME.zone,
// streamed (lib/zones/zone-export.ts) so that a zone of any size exports in bounded memory.
import { redirect } from 'next/navigation';
import { loginPath } from '@/lib/auth/return-path';
import { getSessionUser, requireZoneUser } from '@/lib/auth/session';
import { zoneRights } from '@/lib/auth/zone-access';
import { exportZoneFile } from '@/lib/zones/zone-export';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';

function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' } });
}

/** A file name any browser and file system accepts; the zone name itself goes in filename* (RFC 6266). */
function fileName(zone: string): string {
  return `${zone.replace(/[^A-Za-z0-9._-]/g, '_')}.zone`;
}

export async function GET(_req: Request, { params }: { params: Promise<{ name: string }> }): Promise<Response> {
  const { name: raw } = await params;
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    return plain(404, 'There is no such zone.');
  }
  const returnTo = zoneHref(name, 'export');
  // 404 and 403 with a reason are decided before requireZoneUser, whose 403
  // page would not say which zone or why.
  const user = await getSessionUser();
  // A browser following an export link while signed out comes back here after login.
  if (!user) redirect(loginPath(returnTo));
  const rights = await zoneRights(user, name);
  // Editors cannot tell a zone that does not exist from one not granted to them.
  if (rights.zoneId === undefined && user.role !== 'editor') return plain(404, `There is no zone ${name}.`);
  if (!rights.read) return plain(403, `Your account (${user.name}, ${user.role}) may not read the zone ${name}; ask an admin for access.`);
  // The one permission gate, as on every page and action; it passes here.
  await requireZoneUser(name, 'read', { returnTo });

  const exported = await exportZoneFile(name);
  if (!exported) return plain(404, `There is no zone ${name}.`);
  const shown = displayName(exported.zone);
  // Streamed: a zone of a million records never sits in memory whole; the browser's
  // download pace sets how fast pages are read (pull()).
  const chunks = exported.chunks;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName(shown)}"; filename*=UTF-8''${encodeURIComponent(`${shown}.zone`)}`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
