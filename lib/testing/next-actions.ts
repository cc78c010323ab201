// Server actions called straight from a test, as a browser would post them:
// stand-ins for the next/* modules they use, with a real session cookie.
// A test file mocks each module from here (vi.mock is hoisted, so the
// factory imports this file):
//   vi.mock('next/headers', async () => (await import('../testing/next-actions')).nextHeaders);
//   vi.mock('next/cache', async () => (await import('../testing/next-actions')).nextCache);
//   vi.mock('next/navigation', async () => (await import('../testing/next-actions')).nextNavigation);
// A redirect (to the sign-in page) and forbidden() throw errors named after them.
import type { SessionUser } from '../auth/permission';
import { createSession } from '../auth/session-store';

const session = { token: '' };

export const nextHeaders = {
  cookies: async () => ({ get: (name: string) => (name === 'zk_session' && session.token ? { value: session.token } : undefined), set() {}, delete() {} }),
  headers: async () => new Headers(),
};

export const nextCache = { revalidatePath: () => {} };

export const nextNavigation = {
  redirect: (to: string) => {
    throw new Error(`NEXT_REDIRECT ${to}`);
  },
  forbidden: () => {
    throw new Error('NEXT_FORBIDDEN');
  },
  notFound: () => {
    throw new Error('NEXT_NOT_FOUND');
  },
};

/** The actions that follow run as `user`; null: signed out. */
export async function signIn(user: Pick<SessionUser, 'id'> | null): Promise<void> {
  session.token = user ? (await createSession(user.id, { address: '127.0.0.1', userAgent: 'vitest' })).token : '';
}

/** A form's fields as its browser would post them. */
export function form(fields: Record<string, string | number>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, String(v));
  return f;
}
