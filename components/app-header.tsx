import Link from 'next/link';
import { logoutAction } from '@/lib/auth/actions';
import { can, type SessionUser } from '@/lib/auth/permission';
import { NavLink } from './nav-link';

/**
 * The console's top bar: product, navigation, the search box, who is signed
 * in, and logging out. On a phone the navigation and the search box take rows
 * of their own, so Log out stays in reach. The search box is a plain GET form
 * to /search: it works without JavaScript. Its words are "Find", not "Search",
 * so that pages' own search forms keep their names to themselves.
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
          {user && <NavLink href="/activity">Activity</NavLink>}
          {can(user?.role, 'user:manage') && <NavLink href="/settings">Settings</NavLink>}
        </nav>
        {user && (
          <form role="search" aria-label="Find" action="/search" method="get" className="order-last flex w-full items-center gap-1 pb-1 sm:order-none sm:ml-auto sm:w-auto sm:min-w-0 sm:max-w-72 sm:flex-1 sm:pb-0">
            <label htmlFor="header-find" className="sr-only">
              Find zones and records
            </label>
            <input
              id="header-find"
              type="search"
              name="q"
              placeholder="Find a zone, name or IP"
              autoCapitalize="none"
              spellCheck={false}
              className="min-w-0 flex-1 rounded border border-zinc-700 bg-zinc-800 px-2 py-1 text-sm text-white placeholder:text-zinc-400 focus:outline-2 focus:outline-blue-500"
            />
            <button
              type="submit"
              className="shrink-0 rounded border border-zinc-700 px-2 py-1 text-xs font-medium text-zinc-200 hover:bg-zinc-800 hover:text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-500"
            >
              Find
            </button>
          </form>
        )}
        {user && (
          <div className="ml-auto flex min-w-0 items-center gap-3 text-sm sm:ml-0">
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
