import Link from 'next/link';
import type { ZoneSummary } from '@/lib/zones/data';
import { KindBadge } from './kind-badge';
import { RelativeTime } from './relative-time';

/** A zone's name as people read it and as it appears in URLs: without the root's trailing dot. */
export function displayZoneName(name: string): string {
  return name === '.' ? name : name.replace(/\.$/, '');
}

export function zoneHref(name: string): string {
  return `/zones/${encodeURIComponent(displayZoneName(name))}`;
}

export function ZoneTable({ zones, now }: { zones: ZoneSummary[]; now: Date }) {
  return (
    <div className="overflow-x-auto rounded-md border border-zinc-200 bg-white shadow-sm">
      <table className="min-w-full text-sm tabular-nums">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
          <tr>
            <th scope="col" className="px-3 py-2">
              Zone
            </th>
            <th scope="col" className="px-3 py-2">
              Kind
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Serial
            </th>
            <th scope="col" className="px-3 py-2 text-right">
              Records
            </th>
            <th scope="col" className="px-3 py-2">
              Last change
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {zones.map((z) => (
            <tr key={z.name} className="hover:bg-zinc-50">
              <td className="px-3 py-1.5 font-mono">
                <Link href={zoneHref(z.name)} className="font-medium text-blue-700 hover:text-blue-900 hover:underline">
                  {displayZoneName(z.name)}
                </Link>
              </td>
              <td className="px-3 py-1.5">
                <KindBadge kind={z.kind} />
              </td>
              <td className="px-3 py-1.5 text-right font-mono">{z.serial}</td>
              <td className="px-3 py-1.5 text-right">{z.recordCount}</td>
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
