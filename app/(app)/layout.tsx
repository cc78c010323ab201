import type { ReactNode } from 'react';
import { AppHeader } from '@/components/app-header';
import { getSessionUser } from '@/lib/auth/session';
import { countRequestsToReview } from '@/lib/requests/data';

// The frame of every signed-in page (zones, replication, settings, account):
// the header with the navigation and Log out, then the page. The (app) folder
// is a route group, so it adds nothing to the URLs; /login stays outside it.
// Pages below check the session themselves (requireUser): a layout is not
// re-rendered on every navigation, so it must not be the only gate.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  // One counted query (lib/requests/data.ts): the badge is on every page.
  const requestsToReview = user ? await countRequestsToReview(user) : 0;
  return (
    <>
      <AppHeader user={user} requestsToReview={requestsToReview} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
