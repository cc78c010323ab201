'use client';
import { notifyNowAction } from '@/lib/zones/actions';
import { WorkerActionButton } from './worker-action-button';

/** Sends NOTIFY to one secondary (or all of them) and shows what each answered. */
export function NotifyButton({ zone, target, label }: { zone: string; target?: string; label: string }) {
  return (
    <WorkerActionButton
      label={label}
      pendingLabel="Sending…"
      act={() => notifyNowAction(zone, target)}
      describe={(r) => (target && r.results?.[0] ? `${r.results[0].outcome}${r.results[0].detail ? `: ${r.results[0].detail}` : ''}` : r.message)}
    />
  );
}
