'use client';
import { useState, useTransition } from 'react';
import { notifyNowAction, type WorkerActionResult } from '@/lib/zones/actions';
import { buttonSecondary } from '../styles';

/** Sends NOTIFY to one secondary (or all of them) and shows what each answered. */
export function NotifyButton({ zone, target, label }: { zone: string; target?: string; label: string }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<WorkerActionResult | null>(null);
  return (
    <div className="space-y-1">
      <button
        type="button"
        className={`${buttonSecondary} px-2 py-1 text-xs`}
        disabled={pending}
        onClick={() => start(async () => setResult(await notifyNowAction(zone, target)))}
      >
        {pending ? 'Sending…' : label}
      </button>
      {result && (
        <p role="status" className={`text-xs ${result.ok ? 'text-green-800' : 'text-red-700'}`}>
          {target && result.results?.[0] ? `${result.results[0].outcome}${result.results[0].detail ? `: ${result.results[0].detail}` : ''}` : result.message}
        </p>
      )}
    </div>
  );
}
