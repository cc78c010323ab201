// Web sessions on the server: one Session row per signed-in browser, so that
// a session can be ended for good (a captured cookie stops working the moment
// its row is gone). The cookie carries a random token; the row is keyed by the
// token's SHA-256, so the database never holds a usable cookie.
//
// A session ends on logout, after ZK_SESSION_IDLE without a request, at
// ZK_SESSION_MAX after sign-in, and for every session of a user when their
// password, role or enabled state changes (lib/auth/users.ts calls
// endUserSessions in the same transaction) or when they or an admin sign them
// out everywhere. No next/* imports: the CLI uses it too.
import type { Prisma } from '../generated/prisma/client';
import { db } from '../db';
import { bearerSecretHash, newBearerSecret } from './bearer-secret';
import { databaseFailure } from '../db-errors';
import { sessionLifetime } from '../config/env';
import { isRole, type SessionUser } from './permission';

type Tx = Prisma.TransactionClient;

/** Longest token we look up; anything longer is not ours. */
const MAX_TOKEN_LENGTH = 64;

export interface SessionInfo {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  address: string;
  userAgent: string;
}

export interface ActiveSession {
  user: SessionUser;
  /** The row's id (the token's hash), to tell the current session apart from the others. */
  sessionId: string;
}

/** The earliest last activity a live session can have at `now`. */
function idleCutoff(now: Date): Date {
  return new Date(now.getTime() - sessionLifetime().idleSeconds * 1000);
}

/**
 * Opens a session for `userId` and returns the token for the cookie. Also
 * clears every session that has ended by time, so the table holds only live
 * ones (one cheap statement per sign-in, not a timer).
 */
export async function createSession(
  userId: number,
  meta: { address: string; userAgent: string },
  now = new Date(),
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = newBearerSecret();
  const sessionId = bearerSecretHash(token);
  const expiresAt = new Date(now.getTime() + sessionLifetime().maxSeconds * 1000);
  await db().session.deleteMany({ where: { OR: [{ expiresAt: { lte: now } }, { lastSeenAt: { lte: idleCutoff(now) } }] } });
  await db().session.create({
    data: {
      id: sessionId,
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      address: meta.address.slice(0, 64),
      userAgent: meta.userAgent.slice(0, 200),
    },
  });
  return { token, sessionId, expiresAt };
}

/**
 * The user a cookie's token stands for, or null when the session is unknown,
 * ended by time, or its user is disabled. Marks the session as used, at most
 * once a minute (or a quarter of the idle time, if shorter) to spare writes.
 */
export async function activeSession(token: string, now = new Date()): Promise<ActiveSession | null> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  const id = bearerSecretHash(token);
  const row = await db().session.findUnique({ where: { id }, include: { user: { select: { id: true, name: true, role: true, disabled: true } } } });
  if (!row) return null;
  if (row.expiresAt <= now || row.lastSeenAt <= idleCutoff(now)) {
    await db().session.deleteMany({ where: { id } });
    return null;
  }
  const u = row.user;
  if (u.disabled || !isRole(u.role)) return null;
  const touchEveryMs = Math.min(60_000, (sessionLifetime().idleSeconds * 1000) / 4);
  if (now.getTime() - row.lastSeenAt.getTime() >= touchEveryMs) {
    // A mark missed (a full disk) only moves the idle end a minute closer; it must not refuse the page.
    await db()
      .session.updateMany({ where: { id }, data: { lastSeenAt: now } })
      .catch((err: unknown) => {
        if (!databaseFailure(err)) throw err;
      });
  }
  return { user: { id: u.id, name: u.name, role: u.role }, sessionId: id };
}

/** Ends the session a token stands for (logout). Unknown tokens are ignored. */
export async function endSessionByToken(token: string): Promise<void> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return;
  await db().session.deleteMany({ where: { id: bearerSecretHash(token) } });
}

/**
 * Ends every session of a user ("sign out everywhere"), except `keep` (the id
 * of the caller's own session, when they stay signed in). Pass the
 * transaction of a password, role or state change so both commit together.
 */
export async function endUserSessions(userId: number, opts: { tx?: Tx; keep?: string } = {}): Promise<number> {
  const client = opts.tx ?? db();
  const { count } = await client.session.deleteMany({ where: { userId, ...(opts.keep ? { id: { not: opts.keep } } : {}) } });
  return count;
}

/** A user's live sessions, newest activity first (the account page and the admin's user page). */
export async function listUserSessions(userId: number, now = new Date()): Promise<SessionInfo[]> {
  return db().session.findMany({
    where: { userId, expiresAt: { gt: now }, lastSeenAt: { gt: idleCutoff(now) } },
    orderBy: { lastSeenAt: 'desc' },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, address: true, userAgent: true },
  });
}
