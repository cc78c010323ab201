import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ChangeList } from '@/components/history/change-list';
import { HistoryFilters } from '@/components/history/history-filters';
import { hrefWith, pageParam, param, decodeParam, dayRange } from '@/components/list-params';
import { Pager } from '@/components/pager';
import { buttonSecondary, linkClass } from '@/components/styles';
import { requireZoneUser } from '@/lib/auth/session';
import { getChange, getZoneHeader, listChanges } from '@/lib/zones/data';
import { ZoneBreadcrumb } from '@/components/zone-breadcrumb';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';

type Params = Promise<{ name: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `History of ${decodeParam(name) ?? 'zone'}` };
}

export default async function ZoneHistoryPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const [{ name: raw }, sp] = await Promise.all([params, searchParams]);
  const name = decodeParam(raw);
  if (name === null) notFound();
  const base = zoneHref(name, 'history');
  const { rights } = await requireZoneUser(name, 'read', { returnTo: base });

  const values = { q: param(sp, 'q'), from: param(sp, 'from'), to: param(sp, 'to') };
  const { from, to, errors } = dayRange(values.from, values.to);
  const expandedRaw = Number(param(sp, 'expand'));
  const expanded = Number.isSafeInteger(expandedRaw) && expandedRaw > 0 ? expandedRaw : null;
  // ?change=ID: that one change with its whole diff, where the activity pages link.
  const onlyRaw = Number(param(sp, 'change'));
  const only = Number.isSafeInteger(onlyRaw) && onlyRaw > 0 ? onlyRaw : null;

  const zone = await getZoneHeader(name);
  if (!zone) notFound();
  const single = only === null ? null : await getChange(zone.id, only);
  const result = single
    ? { items: [single], total: 1, page: 1, pages: 1, pageSize: 1 }
    : only !== null
      ? { items: [], total: 0, page: 1, pages: 1, pageSize: 1 }
      : await listChanges(zone.id, { query: values.q, from, to, page: pageParam(sp) });
  const href = (extra: Record<string, string | number | undefined>) => hrefWith(base, { ...values, page: result.page, ...extra });
  const shown = displayName(zone.name);
  const canWrite = rights.write && zone.kind === 'primary';
  const filtered = values.q !== '' || values.from !== '' || values.to !== '' || only !== null;

  return (
    <div className="space-y-5">
      <ZoneBreadcrumb zone={zone.name} here="History" />

      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-xl font-semibold tracking-tight">
          History of <span className="font-mono">{shown}</span>
        </h1>
        <div className="flex gap-2">
          {/* A plain link: the route handler answers with an attachment, which the browser downloads. */}
          <a href={zoneHref(zone.name, 'export')} className={buttonSecondary} download={`${shown}.zone`}>
            Export zone file
          </a>
          {canWrite && (
            <Link href={zoneHref(zone.name, 'import')} className={buttonSecondary}>
              Import zone file
            </Link>
          )}
        </div>
      </div>

      <HistoryFilters action={base} values={values} errors={errors} />

      <section aria-labelledby="changes-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="changes-heading" className="text-base font-semibold">
            Changes
          </h2>
          <span className="text-xs text-zinc-500" data-testid="change-count">
            {only !== null ? (
              <Link href={base} className={linkClass}>
                Show all changes
              </Link>
            ) : (
              <>
                {result.total === 1 ? '1 change' : `${result.total} changes`}
                {filtered ? ' match' : ''}
              </>
            )}
          </span>
        </div>
        {result.items.length === 0 ? (
          <div className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">
            {filtered ? (
              <p>
                No change matches this search.{' '}
                <Link href={base} className={linkClass}>
                  Show all changes
                </Link>
              </p>
            ) : (
              <p>This zone has no recorded changes yet: a secondary zone records one at each transfer from its primaries.</p>
            )}
          </div>
        ) : (
          <ChangeList
            zone={zone.name}
            changes={result.items}
            canRevert={canWrite}
            expanded={only ?? expanded}
            expandHref={(id) => `${href({ expand: id })}#change-${id}`}
          />
        )}
        <Pager page={result.page} pages={result.pages} href={(page) => href({ page })} label="Pages of changes" />
      </section>
    </div>
  );
}
