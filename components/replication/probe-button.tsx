'use client';
import { useRouter } from 'next/navigation';
import { probeNowAction } from '@/lib/zones/actions';
import { WorkerActionButton } from './worker-action-button';

/** Asks the DNS worker to probe the zone's secondaries now, then shows the page again with the doctor's fresh diagnosis. */
export function ProbeButton({ zone }: { zone: string }) {
  const router = useRouter();
  return (
    <WorkerActionButton
      label="Probe now"
      pendingLabel="Probing…"
      act={async () => {
        const r = await probeNowAction(zone);
        if (r.ok) router.refresh();
        return r;
      }}
    />
  );
}
