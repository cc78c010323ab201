import type { Metadata } from 'next';
import { RequestList } from '@/components/requests/request-list';
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
      <section aria-labelledby="review-heading" className="space-y-2">
        <h2 id="review-heading" className="text-base font-semibold">
          To review
        </h2>
        <RequestList requests={toReview} label="Requests to review" empty="Nothing waits for your review." />
      </section>
      <section aria-labelledby="mine-heading" className="space-y-2">
        <h2 id="mine-heading" className="text-base font-semibold">
          Your requests
        </h2>
        <RequestList requests={mine} label="Your requests" empty="You have not requested any change." />
      </section>
      <section aria-labelledby="decided-heading" className="space-y-2">
        <h2 id="decided-heading" className="text-base font-semibold">
          Recent decisions
        </h2>
        <RequestList requests={decided} label="Recent decisions" empty="No request on your zones has been decided yet." />
      </section>
    </div>
  );
}
