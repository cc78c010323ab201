import Link from 'next/link';
import { logoutAction } from '@/lib/auth/actions';
import { can } from '@/lib/auth/permission';
import type { SessionUser } from '@/lib/auth/users';
import { NavLink } from './nav-link';

/** The console's top bar: product, navigation, who is signed in, and logging out. */
export function AppHeader({ user }: { user: SessionUser | null }) {
  return (
    <header className="border-b border-zinc-800 bg-zinc-900 text-zinc-100">
      <div className="mx-auto flex h-12 max-w-6xl items-center gap-6 px-4">
        <Link href="/zones" className="flex items-center gap-2 text-sm font-semibold tracking-tight text-white">
          <span aria-hidden="true" className="grid h-6 w-6 place-items-center rounded bg-blue-600 text-xs font-bold">
            Z
          </span>
          Zonekeeper
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1">
          <NavLink href="/zones">Zones</NavLink>
          {user && <NavLink href="/replication">Replication</NavLink>}
          {can(user?.role, 'user:manage') && <NavLink href="/settings">Settings</NavLink>}
        </nav>
        {user && (
          <div className="ml-auto flex items-center gap-3 text-sm">
            <Link href="/account" className="text-zinc-300 hover:text-white" title="Your account: password and sessions">
              <span className="sr-only">Signed in as </span>
              <span className="font-medium text-white">{user.name}</span>
              <span className="ml-2 rounded bg-zinc-800 px-1.5 py-0.5 text-xs uppercase tracking-wide text-zinc-300">
                {user.role}
              </span>
            </Link>
            <form action={logoutAction}>
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
