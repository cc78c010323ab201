import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ChangeList } from '@/components/history/change-list';
import { HistoryFilters } from '@/components/history/history-filters';
import { hrefWith, pageParam, param, decodeParam } from '@/components/list-params';
import { Pager } from '@/components/pager';
import { buttonSecondary, linkClass } from '@/components/styles';
import { requireZoneUser } from '@/lib/auth/session';
import { getZoneHeader, listChanges } from '@/lib/zones/data';
import { ZoneBreadcrumb } from '@/components/zone-breadcrumb';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';

type Params = Promise<{ name: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `History of ${decodeParam(name) ?? 'zone'}` };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A `YYYY-MM-DD` from the date input as the start of that UTC day; null when it is not a real date. */
function utcDay(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? null : d;
}

export default async function ZoneHistoryPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const [{ name: raw }, sp] = await Promise.all([params, searchParams]);
  const name = decodeParam(raw);
  if (name === null) notFound();
  const base = zoneHref(name, 'history');
  const { rights } = await requireZoneUser(name, 'read', { returnTo: base });

  const values = { q: param(sp, 'q'), from: param(sp, 'from'), to: param(sp, 'to') };
  const errors: { from?: string[]; to?: string[] } = {};
  const from = values.from ? utcDay(values.from) : null;
  const to = values.to ? utcDay(values.to) : null;
  if (values.from && !from) errors.from = ['Enter a date as YYYY-MM-DD'];
  if (values.to && !to) errors.to = ['Enter a date as YYYY-MM-DD'];
  if (from && to && to < from) errors.to = ['The end date is before the start date'];
  const expandedRaw = Number(param(sp, 'expand'));
  const expanded = Number.isSafeInteger(expandedRaw) && expandedRaw > 0 ? expandedRaw : null;

  const zone = await getZoneHeader(name);
  if (!zone) notFound();
  const filterOk = !errors.from && !errors.to;
  const result = await listChanges(zone.id, {
    query: values.q,
    from: filterOk && from ? from : undefined,
    // The "to" day is included: changes before the start of the next day.
    to: filterOk && to ? new Date(to.getTime() + DAY_MS) : undefined,
    page: pageParam(sp),
  });
  const href = (extra: Record<string, string | number | undefined>) => hrefWith(base, { ...values, page: result.page, ...extra });
  const shown = displayName(zone.name);
  const canWrite = rights.write && zone.kind === 'primary';
  const filtered = values.q !== '' || values.from !== '' || values.to !== '';

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
            {result.total === 1 ? '1 change' : `${result.total} changes`}
            {filtered ? ' match' : ''}
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
            expanded={expanded}
            expandHref={(id) => `${href({ expand: id })}#change-${id}`}
          />
        )}
        <Pager page={result.page} pages={result.pages} href={(page) => href({ page })} label="Pages of changes" />
      </section>
    </div>
  );
}
