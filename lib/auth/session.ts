// Web sessions in the request: the cookie carries a random token, the Session
// row behind it (session-store.ts) decides whether it is still good. Every
// request re-reads the row and the user, so logout, a disabled account, a
// password or role change end a session at once. This module uses next/*;
// the CLI and the worker must not import it.
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { clientAddress } from './client-address';
import { can, type Permission, type SessionUser } from './permission';
import { loginPath } from './return-path';
import { activeSession, createSession, endSessionByToken, type ActiveSession } from './session-store';
import { zoneRights, type ZoneRights } from './zone-access';

export const SESSION_COOKIE = 'zk_session';

/**
 * Secure cookies only over https: the product serves plain http on localhost
 * by default, where a Secure cookie would be dropped. x-forwarded-proto comes
 * from the socket, or from a trusted proxy (lib/start/web-server.ts).
 */
async function requestIsHttps(): Promise<boolean> {
  const proto = (await headers()).get('x-forwarded-proto') ?? '';
  return proto.split(',')[0]!.trim().toLowerCase() === 'https';
}

/** Opens a session for the user and sets its cookie. Only in server actions and route handlers. */
export async function startSession(userId: number): Promise<void> {
  const h = await headers();
  const { token, expiresAt } = await createSession(userId, { address: clientAddress(h), userAgent: h.get('user-agent') ?? '' });
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await requestIsHttps(),
    path: '/',
    expires: expiresAt,
  });
}

/** Ends this browser's session on the server and clears its cookie. Only in server actions and route handlers. */
export async function endSession(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token) await endSessionByToken(token);
  jar.delete(SESSION_COOKIE);
}

/** This request's live session, or null. Memoized per request, so a layout and its page share one read. */
export const getCurrentSession = cache(async (): Promise<ActiveSession | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return token ? activeSession(token) : null;
});

/** The signed-in, enabled user of this request, or null. */
export async function getSessionUser(): Promise<SessionUser | null> {
  return (await getCurrentSession())?.user ?? null;
}

/**
 * The signed-in user, or a redirect to /login (coming back to `returnTo`
 * afterwards). With `permission`, a user whose role lacks it gets the 403 page.
 */
export async function requireUser(permission?: Permission, opts: { returnTo?: string } = {}): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(loginPath(opts.returnTo));
  if (permission && !can(user.role, permission)) forbidden();
  return user;
}

/**
 * The signed-in user and their rights on one zone. A user who may not read
 * the zone gets the 403 page; with `need: 'write'`, so does one who may only
 * read it. A zone that does not exist is left to the caller (`notFound()`),
 * except for editors, who cannot tell a missing zone from one not granted.
 */
export async function requireZoneUser(
  zoneName: string,
  need: 'read' | 'write',
  opts: { returnTo?: string } = {},
): Promise<{ user: SessionUser; rights: ZoneRights; zoneId?: number }> {
  const user = await requireUser('zone:read', opts);
  const rights = await zoneRights(user, zoneName);
  if (rights.zoneId !== undefined || user.role === 'editor') {
    if (!rights.read || (need === 'write' && !rights.write)) forbidden();
  }
  return { user, rights, zoneId: rights.zoneId };
}
