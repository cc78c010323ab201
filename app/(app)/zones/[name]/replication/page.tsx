import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '@/components/replication/auto-refresh';
import { NotifyButton } from '@/components/replication/notify-button';
import { ProbeButton } from '@/components/replication/probe-button';
import { SecondariesTable } from '@/components/replication/secondaries-table';
import { ReplicaStateBadge } from '@/components/replication/state-badge';
import { PropagationTimeline } from '@/components/replication/timeline';
import { LagCharts } from '@/components/replication/lag-charts';
import { RelativeTime } from '@/components/relative-time';
import { linkClass, tableBox } from '@/components/styles';
import { TableHead } from '@/components/table-head';
import { requireZoneUser } from '@/lib/auth/session';
import { getZoneReplication, propagationTimeline } from '@/lib/replication/data';
import { getZoneHeaderById } from '@/lib/zones/data';
import { recentZoneEvents } from '@/lib/replication/events';
import { diagnoseReplication } from '@/lib/replication/doctor-data';
import { lagHistory, parseLagRange, serveTimes } from '@/lib/replication/lag-history';
import { decodeParam } from '@/components/list-params';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';

type Params = Promise<{ name: string }>;
type SearchParams = Promise<{ range?: string | string[] }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Replication of ${decodeParam(name) ?? 'zone'}` };
}

export default async function ZoneReplicationPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const [{ name: raw }, { range: rangeParam }] = await Promise.all([params, searchParams]);
  const range = parseLagRange(rangeParam);
  const name = decodeParam(raw);
  if (name === null) notFound();
  const shown = displayName(name.toLowerCase());
  const { rights, zoneId } = await requireZoneUser(name, 'read', { returnTo: zoneHref(shown, 'replication') });
  if (zoneId === undefined) notFound();
  const zone = await getZoneHeaderById(zoneId);
  if (!zone) notFound();
  const now = new Date();
  const recordsHref = zoneHref(zone.name);

  const header = (
    <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
      <Link href="/replication" className={linkClass}>
        Replication
      </Link>{' '}
      /{' '}
      <Link href={recordsHref} className={linkClass}>
        <span className="font-mono">{displayName(zone.name)}</span>
      </Link>
    </nav>
  );
  if (zone.kind !== 'primary') {
    return (
      <div className="space-y-4">
        {header}
        <p className="rounded-md border border-zinc-200 bg-white p-4 text-sm">
          {displayName(zone.name)} is a secondary zone here: this server is one of its secondaries. Its refresh state is on the{' '}
          <Link href={recordsHref} className={linkClass}>
            zone page
          </Link>
          .
        </p>
      </div>
    );
  }
  const [rep, timeline, events, lag, serving] = await Promise.all([
    getZoneReplication(zoneId, { now }),
    propagationTimeline(zoneId, 5),
    recentZoneEvents(zoneId, 20),
    lagHistory(zoneId, range, now),
    serveTimes(zoneId, range, now),
  ]);
  if (!rep) notFound();
  const [doctor] = await diagnoseReplication([rep], now);

  return (
    <div className="space-y-5">
      {header}
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="break-all font-mono text-xl font-semibold tracking-tight">{displayName(zone.name)}</h1>
        <ReplicaStateBadge state={rep.state} />
        <span className="text-sm text-zinc-600">
          primary serial <span className="font-mono" data-testid="primary-serial">{rep.serial}</span>
        </span>
        <div className="ml-auto flex items-center gap-3">
          <AutoRefresh />
          {rights.write && <ProbeButton zone={zone.name} />}
          {rights.write && rep.secondaries.length > 0 && <NotifyButton zone={zone.name} label="Re-notify all" />}
        </div>
      </div>

      <section aria-labelledby="secondaries-heading" className="space-y-2">
        <h2 id="secondaries-heading" className="text-base font-semibold">
          Secondaries
        </h2>
        {rep.secondaries.length === 0 ? (
          <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">
            No secondaries probed yet. They are the zone&apos;s NS hosts (except the SOA primary) and its also-notify targets; the worker
            probes them after each NOTIFY and in a slow sweep over every zone (ZK_PROBE_INTERVAL, ZK_PROBE_RATE).
          </p>
        ) : (
          <SecondariesTable zone={zone.name} serial={rep.serial} secondaries={rep.secondaries} now={now} canNotify={rights.write} diagnoses={doctor?.secondaries} />
        )}
      </section>

      <section aria-labelledby="timeline-heading" className="space-y-2">
        <h2 id="timeline-heading" className="text-base font-semibold">
          Latest changes reaching the secondaries
        </h2>
        {timeline.length === 0 ? <p className="text-sm text-zinc-600">No changes yet.</p> : <PropagationTimeline changes={timeline} now={now} />}
      </section>

      <section aria-labelledby="lag-heading" className="space-y-2">
        <h2 id="lag-heading" className="text-base font-semibold">
          Lag over time
        </h2>
        <LagCharts history={lag} serving={serving} href={zoneHref(zone.name, 'replication')} />
      </section>

      <section aria-labelledby="events-heading" className="space-y-2">
        <h2 id="events-heading" className="text-base font-semibold">
          Recent transfers and NOTIFYs
        </h2>
        {events.length === 0 ? (
          <p className="text-sm text-zinc-600">None recorded yet.</p>
        ) : (
          <div className={tableBox}>
            <table className="min-w-full whitespace-nowrap text-xs tabular-nums">
              <TableHead className="" columns={['When', 'Event', 'Peer', { label: 'Serial', right: true }, 'Outcome', 'Details']} />
              <tbody className="divide-y divide-zinc-100">
                {events.map((e) => (
                  <tr key={e.id}>
                    <td className="px-3 py-1">
                      <RelativeTime date={e.createdAt} now={now} />
                    </td>
                    <td className="px-3 py-1">{e.label}</td>
                    <td className="px-3 py-1 font-mono">{e.peer}</td>
                    <td className="px-3 py-1 text-right font-mono">{e.serial ?? '—'}</td>
                    <td className={`px-3 py-1 ${e.ok ? 'text-green-800' : 'text-red-700'}`}>{e.outcome}</td>
                    <td className="min-w-60 whitespace-normal px-3 py-1 text-zinc-600">{e.details}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
