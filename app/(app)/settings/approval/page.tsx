import type { Metadata } from 'next';
import { ApprovalForm } from '@/components/settings/approval-form';
import { requireUser } from '@/lib/auth/session';
import { getSetting } from '@/lib/settings/data';

export const metadata: Metadata = { title: 'Approval · Settings' };

export default async function ApprovalSettingsPage() {
  await requireUser('user:manage', { returnTo: '/settings/approval' });
  const current = await getSetting('approval');
  return (
    <div className="max-w-3xl space-y-3">
      <div>
        <h2 className="text-base font-semibold">Approval rules (four eyes)</h2>
        <p className="mt-1 text-sm text-zinc-600">
          Which changes need a second person’s approval, on every zone without rules of its own (a zone’s settings page can set its own). All off:
          every editor commits alone.
        </p>
      </div>
      <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <ApprovalForm current={current} />
      </div>
    </div>
  );
}
