// Cross-site request check for route handlers that change things with the
// session cookie (server actions get the same check from Next). A browser
// sends Origin on every cross-origin POST; when it names another host than
// the one the request came to, the request was made by another site's page
// and is refused. Programs that send no Origin are not browsers riding a
// cookie, and pass.
export function crossSiteRequest(headers: Pick<Headers, 'get'>): boolean {
  const origin = headers.get('origin');
  if (!origin) return false;
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  try {
    return origin === 'null' || new URL(origin).host !== host;
  } catch {
    return true;
  }
}
