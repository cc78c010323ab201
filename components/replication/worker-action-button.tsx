'use client';
import { useState, useTransition } from 'react';
import type { WorkerActionResult } from '@/lib/zones/actions';
import { buttonSecondary } from '../styles';

/** A small button that asks the DNS worker for something (NOTIFY, a probe) and shows its answer beside it. */
export function WorkerActionButton({
  label,
  pendingLabel,
  act,
  describe = (r) => r.message,
}: {
  label: string;
  pendingLabel: string;
  act: () => Promise<WorkerActionResult>;
  /** The line shown once the worker answered; its message by default. */
  describe?: (r: WorkerActionResult) => string;
}) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<WorkerActionResult | null>(null);
  return (
    <div className="space-y-1">
      <button type="button" className={`${buttonSecondary} px-2 py-1 text-xs`} disabled={pending} onClick={() => start(async () => setResult(await act()))}>
        {pending ? pendingLabel : label}
      </button>
      {result && (
        <p role="status" className={`text-xs ${result.ok ? 'text-green-800' : 'text-red-700'}`}>
          {describe(result)}
        </p>
      )}
    </div>
  );
}
