// The replication page's second part: the zones this server is a secondary
// for, counted per state, and the first of them worst first (from
// lib/replication/incoming.ts). A zone a followed catalog created names it.
import Link from 'next/link';
import { displayName } from '@/lib/dns/names';
import { INCOMING_STATES, type IncomingState, type IncomingZones } from '@/lib/replication/incoming';
import { zoneHref } from '@/lib/zones/zone-urls';
import { RelativeTime } from '../relative-time';
import { linkClass, tableBox } from '../styles';
import { TableHead } from '../table-head';

const TONE: Record<IncomingState, string> = {
  expired: 'bg-red-50 text-red-800 ring-red-200',
  'not transferred': 'bg-amber-50 text-amber-800 ring-amber-200',
  failing: 'bg-amber-50 text-amber-800 ring-amber-200',
  current: 'bg-green-50 text-green-800 ring-green-200',
};

export function IncomingTable({ incoming }: { incoming: IncomingZones }) {
  if (incoming.total === 0) return null;
  return (
    <section aria-labelledby="incoming-heading" className="space-y-3">
      <div>
        <h2 id="incoming-heading" className="text-base font-semibold">
          Secondary zones
        </h2>
        <p className="text-sm text-zinc-600" data-testid="incoming-summary">
          Zones this server transfers from their primaries:{' '}
          {INCOMING_STATES.filter((s) => incoming.counts[s] > 0)
            .map((s) => `${incoming.counts[s].toLocaleString('en')} ${s}`)
            .join(', ')}
          {incoming.total > incoming.zones.length ? `; the first ${incoming.zones.length} worst first` : ''}.
        </p>
      </div>
      <div className={tableBox}>
        <table className="min-w-full text-sm tabular-nums">
          <TableHead columns={['Zone', { label: 'Serial', right: true }, 'State', 'Primaries', 'Catalog', 'Last refresh']} />
          <tbody className="divide-y divide-zinc-100">
            {incoming.zones.map((z) => (
              <tr key={z.name} data-testid="incoming-row" className="align-top hover:bg-zinc-50">
                <td className="whitespace-nowrap px-3 py-1.5 font-mono">
                  <Link href={zoneHref(z.name)} className={linkClass}>
                    {displayName(z.name)}
                  </Link>
                </td>
                <td className="whitespace-nowrap px-3 py-1.5 text-right font-mono">{z.serial}</td>
                <td className="whitespace-nowrap px-3 py-1.5">
                  <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[z.state]}`}>{z.state}</span>
                </td>
                <td className="px-3 py-1.5 font-mono text-xs">{z.primaries.join(', ') || '—'}</td>
                <td className="px-3 py-1.5 font-mono text-xs">
                  {z.catalog ? (
                    <Link href={zoneHref(z.catalog)} className={linkClass}>
                      {displayName(z.catalog)}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="px-3 py-1.5 text-zinc-700">
                  {z.lastRefreshAt ? <RelativeTime date={z.lastRefreshAt} /> : 'never'}
                  {z.lastError && <span className="block text-xs text-red-700">{z.lastError}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
