'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { probeNowAction, type WorkerActionResult } from '@/lib/zones/actions';
import { buttonSecondary } from '../styles';

/** Asks the DNS worker to probe the zone's secondaries now, then shows the page again with the doctor's fresh diagnosis. */
export function ProbeButton({ zone }: { zone: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<WorkerActionResult | null>(null);
  return (
    <div className="space-y-1">
      <button
        type="button"
        className={`${buttonSecondary} px-2 py-1 text-xs`}
        disabled={pending}
        onClick={() =>
          start(async () => {
            const r = await probeNowAction(zone);
            setResult(r);
            if (r.ok) router.refresh();
          })
        }
      >
        {pending ? 'Probing…' : 'Probe now'}
      </button>
      {result && (
        <p role="status" className={`text-xs ${result.ok ? 'text-green-800' : 'text-red-700'}`}>
          {result.message}
        </p>
      )}
    </div>
  );
}
