'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { notifyNowAction, retrieveNowAction, type WorkerActionResult } from '@/lib/zones/actions';
import { buttonSecondary } from '../styles';

const OUTCOME_LABELS: Record<string, string> = {
  acknowledged: 'acknowledged',
  refused: 'refused',
  timeout: 'timed out',
  error: 'error',
};

const OUTCOME_CLASSES: Record<string, string> = {
  acknowledged: 'bg-green-50 text-green-800 ring-green-600/20',
  refused: 'bg-red-50 text-red-800 ring-red-600/20',
  timeout: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  error: 'bg-red-50 text-red-800 ring-red-600/20',
};

/** "Notify secondaries now" (primary zones) or "Retrieve from primary" (secondary zones), with what came back. */
export function WorkerActions({ zone, kind }: { zone: string; kind: 'primary' | 'secondary' }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [result, setResult] = useState<WorkerActionResult | null>(null);

  function run() {
    setResult(null);
    start(async () => {
      const r = kind === 'primary' ? await notifyNowAction(zone) : await retrieveNowAction(zone);
      setResult(r);
      if (kind === 'secondary' && r.ok) router.refresh();
    });
  }

  const label = kind === 'primary' ? 'Notify secondaries now' : 'Retrieve from primary';
  return (
    <section aria-label={label} className="space-y-2">
      <button type="button" onClick={run} disabled={pending} className={buttonSecondary}>
        {pending ? (kind === 'primary' ? 'Notifying…' : 'Retrieving…') : label}
      </button>
      <div aria-live="polite" data-testid="worker-action-result">
        {result && (
          <div
            className={`rounded-md border px-3 py-2 text-sm ${
              result.ok ? 'border-green-200 bg-green-50 text-green-900' : result.workerDown ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-red-200 bg-red-50 text-red-900'
            }`}
          >
            <p className="font-medium">{result.message}</p>
            {result.results && result.results.length > 0 && (
              <div className="mt-2 overflow-x-auto">
                <table className="whitespace-nowrap text-xs">
                  <thead className="text-left text-zinc-600">
                    <tr>
                      <th scope="col" className="pr-4 font-semibold">
                        Secondary
                      </th>
                      <th scope="col" className="pr-4 font-semibold">
                        Result
                      </th>
                      <th scope="col" className="pr-4 font-semibold">
                        Detail
                      </th>
                      <th scope="col" className="text-right font-semibold">
                        Time
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.results.map((r) => (
                      <tr key={r.target}>
                        <td className="pr-4 font-mono">{r.target}</td>
                        <td className="pr-4">
                          <span className={`rounded px-1.5 py-0.5 ring-1 ring-inset ${OUTCOME_CLASSES[r.outcome] ?? ''}`}>{OUTCOME_LABELS[r.outcome] ?? r.outcome}</span>
                        </td>
                        <td className="pr-4">{r.detail ?? ''}</td>
                        <td className="text-right font-mono">{r.ms !== undefined ? `${r.ms} ms` : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
