import type { Metadata } from 'next';
import Link from 'next/link';
import { hrefWith, pageParam, param } from '@/components/list-params';
import { Pager } from '@/components/pager';
import { AutoRefresh } from '@/components/replication/auto-refresh';
import { ReplicaStateBadge } from '@/components/replication/state-badge';
import { linkClass, tableBox } from '@/components/styles';
import { TableHead } from '@/components/table-head';
import { requireUser } from '@/lib/auth/session';
import { listReplicationPage, ZONE_STATES, type ZoneReplicaState } from '@/lib/replication/data';
import { listIncomingZones } from '@/lib/replication/incoming';
import { IncomingTable } from '@/components/replication/incoming-table';
import { DoctorSummary } from '@/components/replication/doctor-summary';
import { diagnoseProblems } from '@/lib/replication/doctor-data';
import { countCauses } from '@/lib/replication/doctor';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';

export const metadata: Metadata = { title: 'Replication' };

const PAGE_SIZE = 100;
/** Zones with a problem the doctor's summary reads at each refresh, the worst states first. */
const DOCTOR_ZONES = 200;
/** The states an operator acts on: named beside the count of zones shown, each a link to its filter. */
const NEEDS_ACTION: ZoneReplicaState[] = ['missing', 'unreachable', 'behind'];
const count = (n: number) => n.toLocaleString('en');

export default async function ReplicationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const stateParam = param(params, 'state');
  const filter = (ZONE_STATES as string[]).includes(stateParam) ? (stateParam as ZoneReplicaState) : undefined;
  const user = await requireUser('zone:read', { returnTo: hrefWith('/replication', { state: filter, page: pageParam(params) }) });
  // One ranking of the zones for the page and the doctor's summary (its worst zones come with the page).
  const [{ zones: rows, counts, total, matching, page, pages, problems }, incoming] = await Promise.all([
    listReplicationPage({ visibleTo: user, state: filter, page: pageParam(params), pageSize: PAGE_SIZE, problems: DOCTOR_ZONES }),
    listIncomingZones({ visibleTo: user }),
  ]);
  const doctor = await diagnoseProblems(problems, { visibleTo: user, limit: DOCTOR_ZONES });
  const first = (page - 1) * PAGE_SIZE + 1;
  const needsAction = filter ? [] : NEEDS_ACTION.filter((s) => counts[s] > 0);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Replication</h1>
        <p className="text-sm text-zinc-600">Which serial each secondary serves, from the DNS worker&apos;s SOA probes.</p>
        <div className="ml-auto">
          <AutoRefresh />
        </div>
      </div>

      <nav aria-label="Filter by state" className="flex flex-wrap gap-2">
        <Link
          href="/replication"
          aria-current={!filter ? 'page' : undefined}
          className={`rounded-md border px-3 py-1.5 text-sm ${!filter ? 'border-zinc-800 bg-zinc-800 text-white' : 'border-zinc-300 bg-white hover:bg-zinc-50'}`}
        >
          All <span className="font-semibold tabular-nums">{count(total)}</span>
        </Link>
        {ZONE_STATES.map((s) => (
          <Link
            key={s}
            href={hrefWith('/replication', { state: s })}
            aria-current={filter === s ? 'page' : undefined}
            data-testid={`count-${s.replace(' ', '-')}`}
            className={`rounded-md border px-3 py-1.5 text-sm ${filter === s ? 'border-zinc-800 bg-zinc-800 text-white' : 'border-zinc-300 bg-white hover:bg-zinc-50'}`}
          >
            {s} <span className="font-semibold tabular-nums">{count(counts[s])}</span>
          </Link>
        ))}
      </nav>

      <DoctorSummary causes={countCauses(doctor)} partial={counts.missing + counts.unreachable + counts.behind + counts.propagating > DOCTOR_ZONES ? DOCTOR_ZONES : null} />

      {rows.length > 0 && (
        <p className="text-sm text-zinc-600" data-testid="replication-summary">
          Showing {count(first)}–{count(first + rows.length - 1)} of {count(matching)} {filter ? `${filter} ` : ''}
          {matching === 1 ? 'zone' : 'zones'}
          {filter ? (
            <>
              {' · '}
              <Link href="/replication" className={linkClass}>
                show every zone
              </Link>
            </>
          ) : (
            ', worst state first'
          )}
          {needsAction.map((s) => (
            <span key={s}>
              {' · '}
              <Link href={hrefWith('/replication', { state: s })} className={linkClass}>
                {count(counts[s])} {s}
              </Link>
            </span>
          ))}
        </p>
      )}

      {rows.length === 0 ? (
        <div className="rounded-md border border-dashed border-zinc-300 bg-white px-6 py-10 text-center text-sm">
          <p className="font-medium">{filter ? `No zones are ${filter}.` : 'No primary zones yet.'}</p>
          <p className="mt-1 text-zinc-600">
            {filter ? (
              <Link href="/replication" className={linkClass}>
                Show every zone
              </Link>
            ) : (
              'Secondaries appear here once a zone has NS hosts or also-notify targets and the worker has probed them.'
            )}
          </p>
        </div>
      ) : (
        <div className={tableBox}>
          <table className="min-w-full text-sm tabular-nums">
            <TableHead columns={['Zone', { label: 'Serial', right: true }, 'State', 'Secondaries']} />
            <tbody className="divide-y divide-zinc-100">
              {rows.map((z) => {
                const shownName = displayName(z.zone);
                const inSync = z.secondaries.filter((s) => s.state === 'in sync').length;
                const problems = z.secondaries.filter((s) => s.state !== 'in sync');
                return (
                  <tr key={z.zone} data-testid="replication-row" className="align-top hover:bg-zinc-50">
                    <td className="whitespace-nowrap px-3 py-1.5 font-mono">
                      <Link href={zoneHref(shownName, 'replication')} className="font-medium text-blue-700 hover:text-blue-900 hover:underline">
                        {shownName}
                      </Link>
                    </td>
                    <td className="whitespace-nowrap px-3 py-1.5 text-right font-mono">{z.serial}</td>
                    <td className="whitespace-nowrap px-3 py-1.5">
                      <ReplicaStateBadge state={z.state} />
                    </td>
                    <td className="min-w-60 px-3 py-1.5 text-zinc-700">
                      {z.secondaries.length === 0 ? (
                        '—'
                      ) : (
                        <>
                          {inSync} of {z.secondaries.length} in sync
                          {problems.length > 0 && (
                            <span className="block text-xs text-zinc-600">
                              {problems.map((s) => `${s.target} ${s.state}${s.serial !== null && s.state !== 'missing' ? ` (${s.serial})` : ''}`).join(' · ')}
                            </span>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} pages={pages} label="Replication pages" href={(p) => hrefWith('/replication', { state: filter, page: p })} />
      <IncomingTable incoming={incoming} />
    </div>
  );
}
