import Link from 'next/link';
import { logoutAction } from '@/lib/auth/actions';
import { can, type SessionUser } from '@/lib/auth/permission';
import { NavLink } from './nav-link';

/**
 * The console's top bar: product, navigation, who is signed in, and logging
 * out. On a phone the navigation takes a second row, so Log out stays in reach.
 */
export function AppHeader({
  user,
  requestsToReview = 0,
}: {
  user: SessionUser | null;
  /** Open change requests the user may review (lib/requests): the badge beside Requests. */
  requestsToReview?: number;
}) {
  return (
    <header className="border-b border-zinc-800 bg-zinc-900 text-zinc-100">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2 sm:h-12 sm:flex-nowrap sm:py-0">
        <Link href="/zones" className="flex shrink-0 items-center gap-2 text-sm font-semibold tracking-tight text-white">
          <span aria-hidden="true" className="grid h-6 w-6 place-items-center rounded bg-blue-600 text-xs font-bold">
            Z
          </span>
          Zonekeeper
        </Link>
        <nav aria-label="Main" className="order-last -mx-2 flex w-full flex-wrap items-center gap-1 sm:order-none sm:mx-0 sm:w-auto">
          <NavLink href="/zones">Zones</NavLink>
          {user && <NavLink href="/replication">Replication</NavLink>}
          {user && (
            <NavLink href="/requests">
              Requests
              {requestsToReview > 0 && (
                <span className="ml-1.5 rounded-full bg-amber-400 px-1.5 py-0.5 text-xs font-semibold text-zinc-900" data-testid="requests-badge">
                  {requestsToReview}
                  <span className="sr-only"> to review</span>
                </span>
              )}
            </NavLink>
          )}
          {can(user?.role, 'user:manage') && <NavLink href="/settings">Settings</NavLink>}
        </nav>
        {user && (
          <div className="ml-auto flex min-w-0 items-center gap-3 text-sm">
            <Link href="/account" className="flex min-w-0 items-center text-zinc-300 hover:text-white" title="Your account: password and sessions">
              <span className="sr-only">Signed in as </span>
              <span className="truncate font-medium text-white">{user.name}</span>
              <span className="ml-2 shrink-0 rounded bg-zinc-800 px-1.5 py-0.5 text-xs uppercase tracking-wide text-zinc-300">
                {user.role}
              </span>
            </Link>
            <form action={logoutAction} className="shrink-0">
              <button
                type="submit"
                className="rounded border border-zinc-700 px-2 py-1 text-xs font-medium text-zinc-200 hover:bg-zinc-800 hover:text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500"
              >
                Log out
              </button>
            </form>
          </div>
        )}
      </div>
    </header>
  );
}
