import type { ChangePropagation } from '@/lib/replication/data';
import { RelativeTime } from '../relative-time';

const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const plus = (from: Date, at: Date) => `+${secs(at.getTime() - from.getTime())}`;

/** Each recent change: commit → NOTIFY per target → transfer served → first probe that saw it. */
export function PropagationTimeline({ changes, now }: { changes: ChangePropagation[]; now: Date }) {
  return (
    <ol className="space-y-3">
      {changes.map((c) => (
        <li key={c.changeId} data-testid="propagation" className="rounded-md border border-zinc-200 bg-white p-3 shadow-sm">
          <p className="text-sm">
            <span className="font-mono font-medium">serial {c.serial}</span> by {c.actor} <RelativeTime date={c.at} now={now} />
            {c.comment && <span className="text-zinc-600"> · “{c.comment}”</span>}
          </p>
          <p className="mt-0.5 text-sm font-medium" data-testid="propagation-summary">
            {c.targets.length === 0
              ? 'No secondaries known for this zone.'
              : `live on ${c.live} of ${c.targets.length} secondar${c.targets.length === 1 ? 'y' : 'ies'}` +
                (c.allLiveAfterMs !== null ? ` after ${secs(c.allLiveAfterMs)}` : '')}
          </p>
          {c.targets.length > 0 && (
            <div className="mt-2 overflow-x-auto">
              <table className="min-w-full whitespace-nowrap text-xs tabular-nums">
                <thead className="text-left text-zinc-500">
                  <tr>
                    <th scope="col" className="py-1 pr-3 font-medium">Secondary</th>
                    <th scope="col" className="py-1 pr-3 font-medium">NOTIFY</th>
                    <th scope="col" className="py-1 pr-3 font-medium">Transfer</th>
                    <th scope="col" className="py-1 font-medium">Serving it</th>
                  </tr>
                </thead>
                <tbody>
                  {c.targets.map((t) => (
                    <tr key={t.target}>
                      <td className="py-0.5 pr-3 font-mono">{t.target}</td>
                      <td className="py-0.5 pr-3">{t.notify ? `${t.notify.outcome} ${plus(c.at, t.notify.at)}` : '—'}</td>
                      <td className="py-0.5 pr-3">
                        {t.transfer ? `${t.transfer.kind}${t.transfer.durationMs !== null ? ` ${t.transfer.durationMs} ms` : ''} ${plus(c.at, t.transfer.at)}` : '—'}
                      </td>
                      <td className="py-0.5">{t.elapsedMs !== undefined ? <span className="text-green-800">after {secs(t.elapsedMs)}</span> : <span className="text-zinc-500">not yet</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
