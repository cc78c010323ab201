import type { ReactNode } from 'react';
import { AppHeader } from '@/components/app-header';
import { getSessionUser } from '@/lib/auth/session';

// Pages below check the session themselves (requireUser): a layout is not
// re-rendered on every navigation, so it must not be the only gate.
export default async function ZonesLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  return (
    <>
      <AppHeader user={user} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
