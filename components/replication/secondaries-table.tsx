import { Fragment } from 'react';
import type { SecondaryStatus } from '@/lib/replication/data';
import type { SecondaryDiagnosis } from '@/lib/replication/doctor';
import { RelativeTime } from '../relative-time';
import { tableBox } from '../styles';
import { DoctorNote } from './doctor-note';
import { NotifyButton } from './notify-button';
import { ReplicaStateBadge } from './state-badge';

/**
 * Per secondary of one zone: address, serial served, state, last answer, and a
 * re-notify button; under one that needs attention, the doctor's diagnosis.
 */
export function SecondariesTable({
  zone,
  serial,
  secondaries,
  now,
  canNotify,
  diagnoses = [],
}: {
  zone: string;
  serial: number;
  secondaries: SecondaryStatus[];
  now: Date;
  canNotify: boolean;
  diagnoses?: SecondaryDiagnosis[];
}) {
  const columns = canNotify ? 6 : 5;
  return (
    <div className={tableBox}>
      <table className="min-w-full whitespace-nowrap text-sm tabular-nums">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
          <tr>
            <th scope="col" className="px-3 py-2">Secondary</th>
            <th scope="col" className="px-3 py-2 text-right">Serial served</th>
            <th scope="col" className="px-3 py-2">State</th>
            <th scope="col" className="px-3 py-2">Last answer</th>
            <th scope="col" className="px-3 py-2">Last probe</th>
            {canNotify && <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {secondaries.map((s) => {
            const d = diagnoses.find((x) => x.target === s.target && !x.healthy);
            return (
            <Fragment key={s.target}>
            <tr data-testid="secondary-row" className="align-top">
              <td className="px-3 py-1.5 font-mono">{s.target}</td>
              <td className="px-3 py-1.5 text-right font-mono">
                {s.serial ?? '—'}
                {s.lagSerials ? <span className="block text-xs text-amber-800">{s.lagSerials} behind {serial}</span> : null}
              </td>
              <td className="px-3 py-1.5">
                <ReplicaStateBadge state={s.state} />
                {s.state !== 'in sync' && s.lagSeconds ? <span className="ml-1 text-xs text-zinc-600">for {s.lagSeconds} s</span> : null}
              </td>
              <td className="px-3 py-1.5 text-zinc-700">
                {s.lastOkAt ? <RelativeTime date={s.lastOkAt} now={now} /> : 'never'}
                {s.probe === 'ok' && s.rttMs !== null ? <span className="text-zinc-500"> · {s.rttMs} ms</span> : null}
              </td>
              <td className="px-3 py-1.5 text-zinc-700">
                <RelativeTime date={s.checkedAt} now={now} />
                {s.workerId && <span className="text-zinc-500"> · by {s.workerId}</span>}
                {s.probe !== 'ok' && <span className="block min-w-48 whitespace-normal text-xs text-red-700">{s.error ?? s.probe}</span>}
              </td>
              {canNotify && (
                <td className="px-3 py-1.5">
                  <NotifyButton zone={zone} target={s.target} label="Re-notify" />
                </td>
              )}
            </tr>
            {d && (
              <tr>
                <td colSpan={columns} className="px-3 pb-2">
                  <DoctorNote d={d} />
                </td>
              </tr>
            )}
            </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
