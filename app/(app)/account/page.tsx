import type { Metadata } from 'next';
import Link from 'next/link';
import { ChangePasswordForm } from '@/components/account/change-password-form';
import { SessionList } from '@/components/account/session-list';
import { buttonSecondary, linkClass } from '@/components/styles';
import { activityHref } from '@/components/activity/activity-urls';
import { signOutEverywhereAction } from '@/lib/auth/actions';
import { getCurrentSession, requireUser } from '@/lib/auth/session';
import { listUserSessions } from '@/lib/auth/session-store';
import { getUserDetail } from '@/lib/auth/users';
import { sessionLifetime } from '@/lib/config/env';
import { formatDuration } from '@/lib/format/relative-time';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const user = await requireUser(undefined, { returnTo: '/account' });
  const [session, sessions, detail] = await Promise.all([getCurrentSession(), listUserSessions(user.id), getUserDetail(user.name)]);
  const { idleSeconds, maxSeconds } = sessionLifetime();
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-lg font-semibold tracking-tight">Your account</h1>
        <p className="text-sm text-zinc-600">
          Signed in as <span className="font-mono">{user.name}</span> ({user.role}).{' '}
          <Link href={activityHref({ user: user.name })} className={linkClass}>
            Your activity
          </Link>
        </p>
      </div>

      <section aria-labelledby="sessions-heading" className="space-y-3 rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <h2 id="sessions-heading" className="text-sm font-semibold">
          Where you are signed in
        </h2>
        <p className="text-sm text-zinc-600">
          A session ends after {formatDuration(idleSeconds)} without use and {formatDuration(maxSeconds)} after signing in at the latest,
          when you log out, and when your password or role changes. If you left a session open somewhere, end them all here.
        </p>
        <SessionList sessions={sessions} currentId={session?.sessionId} now={new Date()} />
        <form action={signOutEverywhereAction}>
          <button type="submit" className={buttonSecondary}>
            Sign out everywhere
          </button>
        </form>
      </section>

      <section aria-labelledby="password-heading" className="space-y-3 rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <h2 id="password-heading" className="text-sm font-semibold">
          Change your password
        </h2>
        {detail?.source === 'ldap' ? (
          <p className="text-sm text-zinc-600">You sign in with your directory (LDAP) password; change it there.</p>
        ) : (
          <>
            <p className="text-sm text-zinc-600">Your other sessions end; this one stays signed in.</p>
            <ChangePasswordForm />
          </>
        )}
      </section>
    </div>
  );
}
