import Link from 'next/link';
import type { ZoneReplicaState } from '@/lib/replication/data';
import type { ZoneSort, ZoneSummary } from '@/lib/zones/data';
import { ReplicaStateBadge } from './replication/state-badge';
import { KindBadge } from './kind-badge';
import { RelativeTime } from './relative-time';
import { tableBox } from './styles';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';

export interface ZoneTableSort {
  sort: ZoneSort;
  desc: boolean;
  /** The URL that sorts by `column` (descending when `desc`). */
  href: (column: ZoneSort, desc: boolean) => string;
}

/** A column header that sorts by its column; clicking the current one flips the direction. */
function SortHeader({ column, label, sort, align }: { column: ZoneSort; label: string; sort: ZoneTableSort; align?: 'right' }) {
  const current = sort.sort === column;
  const nextDesc = current ? !sort.desc : column === 'changed';
  return (
    <th
      scope="col"
      className={`px-3 py-2 ${align === 'right' ? 'text-right' : ''}`}
      aria-sort={current ? (sort.desc ? 'descending' : 'ascending') : undefined}
    >
      <Link href={sort.href(column, nextDesc)} className="inline-flex items-center gap-1 hover:text-zinc-900">
        {label}
        <span aria-hidden="true" className={current ? 'text-zinc-900' : 'text-zinc-300'}>
          {current && sort.desc ? '▼' : '▲'}
        </span>
      </Link>
    </th>
  );
}

export function ZoneTable({
  zones,
  now,
  sort,
  replication,
}: {
  zones: ZoneSummary[];
  now: Date;
  sort: ZoneTableSort;
  /** Replication state of the primary zones shown, by zone name. */
  replication: ReadonlyMap<string, ZoneReplicaState>;
}) {
  return (
    <div className={tableBox}>
      <table className="min-w-full whitespace-nowrap text-sm tabular-nums">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
          <tr>
            <SortHeader column="name" label="Zone" sort={sort} />
            <SortHeader column="kind" label="Kind" sort={sort} />
            <SortHeader column="serial" label="Serial" sort={sort} align="right" />
            <th scope="col" className="px-3 py-2 text-right">
              Records
            </th>
            <th scope="col" className="px-3 py-2">
              Replication
            </th>
            <SortHeader column="changed" label="Last change" sort={sort} />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {zones.map((z) => (
            <tr key={z.name} className="hover:bg-zinc-50">
              <td className="px-3 py-1.5 font-mono">
                <Link href={zoneHref(z.name)} className="font-medium text-blue-700 hover:text-blue-900 hover:underline">
                  {displayName(z.name)}
                </Link>
              </td>
              <td className="px-3 py-1.5">
                <KindBadge kind={z.kind} catalogRole={z.catalogRole} />
              </td>
              <td className="px-3 py-1.5 text-right font-mono">{z.serial}</td>
              <td className="px-3 py-1.5 text-right">{z.recordCount}</td>
              <td className="px-3 py-1.5">
                {replication.get(z.name) ? (
                  <Link href={zoneHref(z.name, 'replication')} aria-label={`Replication of ${displayName(z.name)}: ${replication.get(z.name)}`}>
                    <ReplicaStateBadge state={replication.get(z.name)!} />
                  </Link>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </td>
              <td className="px-3 py-1.5 text-zinc-600">
                <RelativeTime date={z.updatedAt} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
