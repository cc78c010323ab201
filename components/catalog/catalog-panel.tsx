// The zone page's catalog panel (RFC 9432): on a catalog zone, what it is
// and the zones it lists with their state; on a member, which catalog lists
// it (or created it). Data from lib/zones/catalog-data.ts.
import Link from 'next/link';
import { displayName } from '@/lib/dns/names';
import type { CatalogStatus } from '@/lib/zones/catalog-data';
import { memberStateText } from '@/lib/zones/catalog-member-state';
import { zoneHref } from '@/lib/zones/zone-urls';
import { linkClass, tableBox } from '../styles';
import { TableHead } from '../table-head';

export function CatalogPanel({ zone, status }: { zone: string; status: CatalogStatus }) {
  const { catalog, memberOf } = status;
  if (!catalog && !memberOf) return null;
  return (
    <section aria-labelledby="catalog-heading" className="space-y-3 rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
      <h2 id="catalog-heading" className="text-base font-semibold">
        Catalog
      </h2>
      {memberOf && (
        <p className="text-sm" data-testid="catalog-member-of">
          {memberOf.role === 'consumer' ? 'Created by the catalog ' : 'Listed in the catalog '}
          <Link href={zoneHref(memberOf.name)} className={`${linkClass} font-mono`}>
            {displayName(memberOf.name)}
          </Link>
          {memberOf.group ? (
            <>
              {' '}
              in group <span className="font-mono">{memberOf.group}</span>
            </>
          ) : null}
          {memberOf.role === 'consumer'
            ? ': it is deleted here when that catalog stops listing it.'
            : ': every secondary consuming that catalog serves it. Change it with zonekeeper zone set ZONE --catalog OTHER|none.'}
        </p>
      )}
      {status.moving && (
        <p className="text-sm" data-testid="catalog-moving">
          Moving from the catalog <span className="font-mono">{displayName(status.moving.from)}</span> to{' '}
          <span className="font-mono">{displayName(status.moving.to)}</span>, so that its secondaries keep it (RFC 9432 change of
          ownership): next, {status.moving.next} at {status.moving.at.toISOString().replace('T', ' ').slice(0, 16)} UTC.
        </p>
      )}
      {catalog && (
        <>
          <p className="text-sm" data-testid="catalog-role">
            {catalog.role === 'producer'
              ? `A system zone: it lists the ${catalog.memberCount} zone${catalog.memberCount === 1 ? '' : 's'} that name ${displayName(zone)} as their catalog, and secondaries that consume it create and delete them by themselves. Its records change when a zone joins or leaves it (the new-zone form, or zonekeeper zone set ZONE --catalog ${displayName(zone)}); they are not edited here.`
              : `Followed from its primary: the ${catalog.memberCount} zone${catalog.memberCount === 1 ? '' : 's'} it lists ${catalog.memberCount === 1 ? 'is' : 'are'} created here as secondary zones, transferred from ${catalog.memberPrimaries.join(', ') || 'the catalog’s primaries'}, and deleted when it stops listing them.`}
          </p>
          {catalog.members.length > 0 && (
            <div className={tableBox}>
              <table className="min-w-full text-sm" data-testid="catalog-members">
                <TableHead columns={['Member zone', 'Group', 'State']} />
                <tbody className="divide-y divide-zinc-100">
                  {catalog.members.map((m) => (
                    <tr key={m.name}>
                      <td className="px-3 py-1.5 font-mono">
                        <Link href={zoneHref(m.name)} className={linkClass}>
                          {displayName(m.name)}
                        </Link>
                      </td>
                      <td className="px-3 py-1.5 font-mono">{m.group ?? '—'}</td>
                      <td className="px-3 py-1.5">
                        {memberStateText(m)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {catalog.memberCount > catalog.members.length && (
                <p className="px-3 py-2 text-xs text-zinc-500">
                  The first {catalog.members.length} of {catalog.memberCount}, by name; zonekeeper zone status lists them too.
                </p>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
