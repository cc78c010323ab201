import type { Metadata } from 'next';
import { RequestSection } from '@/components/requests/request-list';
import { requireUser } from '@/lib/auth/session';
import { listRequests } from '@/lib/requests/data';

export const metadata: Metadata = { title: 'Change requests' };

export default async function RequestsPage() {
  const user = await requireUser('zone:read', { returnTo: '/requests' });
  const { toReview, mine, decided } = await listRequests(user);
  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <h1 className="text-xl font-semibold tracking-tight">Change requests</h1>
        <p className="text-sm text-zinc-600">
          Edits asked for by requesters, or by editors whose change an approval rule holds, wait here for a second person who may edit the zone.
        </p>
      </div>
      <RequestSection id="review-heading" title="To review" label="Requests to review" requests={toReview} empty="Nothing waits for your review." />
      <RequestSection id="mine-heading" title="Your requests" label="Your requests" requests={mine} empty="You have not requested any change." />
      <RequestSection id="decided-heading" title="Recent decisions" label="Recent decisions" requests={decided} empty="No request on your zones has been decided yet." />
    </div>
  );
}
