// POST /zones/NAME/import/upload: the zone file import's preview and commit
// (lib/zones/import-upload.ts), as multipart form data with `step` set to
// `preview` or `commit`. A zone file can be megabytes, more than a server
// action may carry (1 MB), so it comes here; the session, the user's right
// to edit the zone and the request's origin are checked before a byte of the
// body is read, and the body is cut off past its limit. Answers JSON: the
// form's state, or {error} with 400, 401, 403, 404 or 413.
import { revalidatePath } from 'next/cache';
import { crossSiteRequest } from '@/lib/auth/same-origin';
import { getSessionUser } from '@/lib/auth/session';
import { zoneRights } from '@/lib/auth/zone-access';
import { BodyTooLarge, readFormCapped } from '@/lib/http/body';
import { commitUpload, previewUpload } from '@/lib/zones/import-upload';
import { MAX_ZONE_FILE } from '@/lib/zones/schema';
import { zoneHref } from '@/lib/zones/zone-urls';

/** The zone file plus the commit's selection (ids of the unticked items) and comment. */
const MAX_BODY = 2 * MAX_ZONE_FILE;

function json(status: number, body: unknown): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

function field(form: FormData, key: string): string {
  const v = form.get(key);
  return typeof v === 'string' ? v : '';
}

export async function POST(request: Request, { params }: { params: Promise<{ name: string }> }): Promise<Response> {
  let zone: string;
  try {
    zone = decodeURIComponent((await params).name);
  } catch {
    return json(404, { error: 'There is no such zone.' });
  }
  if (crossSiteRequest(request.headers)) return json(403, { error: 'This request came from another site and was refused.' });
  const user = await getSessionUser();
  if (!user) return json(401, { error: 'Your session has ended; sign in again (in another tab, to keep this page) and retry.' });
  const rights = await zoneRights(user, zone);
  if (rights.zoneId === undefined && user.role !== 'editor') return json(404, { error: `There is no zone ${zone}.` });
  if (!rights.write) return json(403, { error: `Your account (${user.name}, ${user.role}) may not edit the zone ${zone}; ask an admin for access.` });

  let form: FormData;
  try {
    form = await readFormCapped(request, MAX_BODY);
  } catch (err) {
    if (err instanceof BodyTooLarge) return json(413, { error: `That upload is larger than ${MAX_BODY / (1024 * 1024)} MB; split the zone file or use the CLI (zonekeeper zone import).` });
    return json(400, { error: 'The upload could not be read as form data; reload the page and try again.' });
  }
  const step = field(form, 'step');
  if (step === 'preview') return json(200, await previewUpload(zone, field(form, 'text')));
  if (step !== 'commit') return json(400, { error: 'step must be preview or commit.' });
  const state = await commitUpload(
    zone,
    { text: field(form, 'text'), expectedSerial: field(form, 'expectedSerial'), comment: field(form, 'comment'), excluded: field(form, 'excluded') },
    { userId: user.id, name: user.name },
  );
  if (state.committed) {
    const path = zoneHref(state.committed);
    revalidatePath(path);
    revalidatePath(`${path}/history`);
  }
  return json(200, state);
}
