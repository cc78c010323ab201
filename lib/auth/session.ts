// Web sessions: an iron-session cookie holding only the user id, sealed with
// the generated session secret. Every request re-reads the user, so a
// disabled or deleted account loses access at once. This module uses next/*;
// the CLI and the worker must not import it.
import { cache } from 'react';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { getIronSession, unsealData, type SessionOptions } from 'iron-session';
import { readOrCreateSecret } from '../config/secrets';
import { can, type Permission } from './permission';
import { getActiveUser, type SessionUser } from './users';
import { zoneRights, type ZoneRights } from './zone-access';

export const SESSION_COOKIE = 'zk_session';
/** How long a login lasts, in seconds. */
export const SESSION_MAX_AGE = 12 * 60 * 60;
// iron-session sets the cookie's Max-Age to ttl - 60 s so that the cookie
// expires before the seal does; add the minute back to get a 12 h cookie.
const SEAL_TTL = SESSION_MAX_AGE + 60;

interface SessionData {
  userId?: number;
}

let secret: string | undefined;
function sessionSecret(): string {
  secret ??= readOrCreateSecret('session-secret');
  return secret;
}

/**
 * Secure cookies only over https: the product serves plain http on localhost
 * by default, where a Secure cookie would be dropped. Next fills
 * x-forwarded-proto from the connection unless a proxy in front set it.
 */
async function requestIsHttps(): Promise<boolean> {
  const proto = (await headers()).get('x-forwarded-proto') ?? '';
  return proto.split(',')[0]!.trim().toLowerCase() === 'https';
}

async function sessionOptions(): Promise<SessionOptions> {
  return {
    cookieName: SESSION_COOKIE,
    password: sessionSecret(),
    ttl: SEAL_TTL,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure: await requestIsHttps(), path: '/' },
  };
}

/** Writes the session cookie. Only in server actions and route handlers. */
export async function startSession(userId: number): Promise<void> {
  const session = await getIronSession<SessionData>(await cookies(), await sessionOptions());
  session.userId = userId;
  await session.save();
}

/** Clears the session cookie. Only in server actions and route handlers. */
export async function endSession(): Promise<void> {
  const session = await getIronSession<SessionData>(await cookies(), await sessionOptions());
  session.destroy();
}

/**
 * The signed-in, enabled user of this request, or null. Memoized per request,
 * so a layout and its page share one database read.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const sealed = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!sealed) return null;
  const password = sessionSecret();
  let data: SessionData;
  try {
    data = await unsealData<SessionData>(sealed, { password, ttl: SEAL_TTL });
  } catch {
    // A cookie we cannot unseal (garbage, or sealed with another secret) is no session.
    return null;
  }
  const id = data.userId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
  return getActiveUser(id);
});

/**
 * `path` if it is a path on this site (so `?next=` cannot send the user
 * elsewhere after login), otherwise null.
 */
export function safeReturnPath(path: unknown): string | null {
  if (typeof path !== 'string' || !path.startsWith('/')) return null;
  // `//host` and `/\host` are read by browsers as other origins.
  if (path.startsWith('//') || path.startsWith('/\\')) return null;
  if (/[\u0000-\u001f\u007f]/.test(path)) return null;
  if (path === '/login' || path.startsWith('/login?') || path.startsWith('/login/')) return null;
  return path;
}

export function loginPath(returnTo?: string): string {
  const next = safeReturnPath(returnTo);
  return next ? `/login?next=${encodeURIComponent(next)}` : '/login';
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
