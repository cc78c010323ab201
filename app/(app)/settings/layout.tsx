import type { ReactNode } from 'react';
import { SettingsNav } from '@/components/settings/settings-nav';
import { can } from '@/lib/auth/permission';
import { getSessionUser } from '@/lib/auth/session';

// Inside the app layout (app/(app)/layout.tsx): adds the settings tabs.
// Every page below checks `user:manage` itself (requireUser): a layout is not
// re-rendered on every navigation, so it only decides whether to show the tabs.
export default async function SettingsLayout({ children }: { children: ReactNode }) {
  const user = await getSessionUser();
  const admin = can(user?.role, 'user:manage');
  return (
    <div className="space-y-5">
      {admin && (
        <div className="space-y-3">
          <h1 className="text-lg font-semibold tracking-tight">Settings</h1>
          <SettingsNav />
        </div>
      )}
      {children}
    </div>
  );
}
