import Link from 'next/link';
import type { ReactNode } from 'react';
import type { SearchGroup, SearchRecord, SearchResults } from '@/lib/search/data';
import { displayName } from '@/lib/dns/names';
import { zoneHref } from '@/lib/zones/zone-urls';
import { KindBadge } from '../kind-badge';
import { linkClass, tableBox } from '../styles';

/** "3 of 1,000+": how many a group shows of how many match. */
function countText(group: SearchGroup<unknown>): string {
  const total = `${group.total.toLocaleString('en')}${group.capped ? '+' : ''}`;
  return group.items.length < group.total ? `${group.items.length} of ${total}` : total;
}

/** The zone editor filtered to the record's owner name (its ?q= matches names and contents). */
function recordHref(r: Pick<SearchRecord, 'zone' | 'name'>): string {
  return `${zoneHref(r.zone)}?${new URLSearchParams({ q: r.name }).toString()}`;
}

function Group({ id, title, group, more, children }: { id: string; title: string; group: SearchGroup<unknown>; more?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-2" data-testid={id}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${id}-heading`} className="text-base font-semibold">
          {title}
        </h2>
        <span className="text-xs text-zinc-500" data-testid={`${id}-count`}>
          {countText(group)}
        </span>
      </div>
      {group.items.length === 0 ? <p className="text-sm text-zinc-600">None.</p> : children}
      {group.items.length < group.total && more}
    </section>
  );
}

function RecordTable({ records, label }: { records: SearchRecord[]; label: string }) {
  return (
    <div className={tableBox}>
      <table className="min-w-full text-sm" aria-label={label}>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
          <tr>
            <th scope="col" className="px-3 py-2">Name</th>
            <th scope="col" className="px-3 py-2">Type</th>
            <th scope="col" className="px-3 py-2">Content</th>
            <th scope="col" className="px-3 py-2">Zone</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {records.map((r, i) => (
            <tr key={`${r.zone} ${r.name} ${r.type} ${r.content} ${i}`} data-testid="search-record">
              <td className="px-3 py-1.5 font-mono break-all">
                <Link href={recordHref(r)} className={linkClass}>
                  {displayName(r.name)}
                </Link>
                {r.disabled && <span className="ml-2 text-xs text-zinc-500">(disabled)</span>}
              </td>
              <td className="px-3 py-1.5 font-mono">{r.type}</td>
              <td className="px-3 py-1.5 font-mono break-all">{r.content}</td>
              <td className="px-3 py-1.5 font-mono whitespace-nowrap">
                <Link href={zoneHref(r.zone)} className="text-zinc-700 hover:underline">
                  {displayName(r.zone)}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The groups the search box found: zones, records by owner name, records by
 * content (what points at a host, or an address with its PTR records). Each
 * group shows the first matches and their count; `moreHref` shows more of them.
 */
export function SearchResultsView({ results, moreHref }: { results: SearchResults; moreHref: string | null }) {
  const { query } = results;
  const more = moreHref ? (
    <p className="text-sm">
      <Link href={moreHref} className={linkClass}>
        More…
      </Link>
    </p>
  ) : (
    <p className="text-sm text-zinc-600">Type more of the name to narrow the search.</p>
  );
  const contentTitle = query.address
    ? `Records with the address ${query.address.content}`
    : query.host
      ? `Records pointing at ${displayName(query.host)}`
      : 'Records by content';
  return (
    <div className="space-y-6">
      <Group
        id="search-zones"
        title="Zones"
        group={results.zones}
        more={
          <p className="text-sm">
            <Link href={`/zones?q=${encodeURIComponent(query.zoneText)}`} className={linkClass}>
              More…
            </Link>
          </p>
        }
      >
        <ul className="flex flex-wrap gap-2" aria-label="Zones found">
          {results.zones.items.map((z) => (
            <li key={z.name} className="flex items-center gap-2 rounded-md border border-zinc-200 bg-white px-2.5 py-1 text-sm shadow-sm">
              <Link href={zoneHref(z.name)} className={`${linkClass} font-mono`}>
                {displayName(z.name)}
              </Link>
              <KindBadge kind={z.kind === 'secondary' ? 'secondary' : 'primary'} catalogRole={null} />
            </li>
          ))}
        </ul>
      </Group>
      {query.namePrefix !== null && (
        <Group id="search-names" title="Records by name" group={results.byName} more={more}>
          <RecordTable records={results.byName.items} label="Records by name" />
        </Group>
      )}
      {(query.address || query.host) && (
        <Group id="search-content" title={contentTitle} group={results.byContent} more={more}>
          <RecordTable records={results.byContent.items} label={contentTitle} />
        </Group>
      )}
    </div>
  );
}
