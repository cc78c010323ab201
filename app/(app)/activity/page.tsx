import type { Metadata } from 'next';
import Link from 'next/link';
import { ActivityList } from '@/components/activity/activity-list';
import { activityHref } from '@/components/activity/activity-urls';
import { HistoryFilters } from '@/components/history/history-filters';
import { dayRange, param } from '@/components/list-params';
import { linkClass } from '@/components/styles';
import { listActivity } from '@/lib/activity/data';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Activity' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** A change id cursor from the URL, or undefined. */
function cursor(text: string): number | undefined {
  const n = Number(text);
  return text && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * The changes of every zone the user may read, newest first. `?user=NAME`
 * alone is that user's activity page (its own heading); the filters and the
 * page (`before` / `after` a change id) live in the URL.
 */
export default async function ActivityPage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  const values = { user: param(sp, 'user'), zone: param(sp, 'zone'), q: param(sp, 'q'), from: param(sp, 'from'), to: param(sp, 'to') };
  const before = cursor(param(sp, 'before'));
  const after = cursor(param(sp, 'after'));
  const here = activityHref({ ...values, before, after });
  const user = await requireUser('zone:read', { returnTo: here });
  const { from, to, errors } = dayRange(values.from, values.to);
  const page = await listActivity(user, { user: values.user, zone: values.zone, text: values.q, from, to, before, after });
  const onlyUser = values.user !== '' && !values.zone && !values.q && !values.from && !values.to;
  const pager = 'rounded-md border border-zinc-300 bg-white px-2.5 py-1 text-sm font-medium text-zinc-800 hover:bg-zinc-50';

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">
          {onlyUser ? (
            <>
              Activity of <span className="font-mono">{values.user}</span>
            </>
          ) : (
            'Activity'
          )}
        </h1>
        <p className="text-sm text-zinc-600">
          {onlyUser ? (
            <>
              Their changes to the zones you may read, newest first.{' '}
              <Link href="/activity" className={linkClass}>
                Everyone’s activity
              </Link>
            </>
          ) : (
            'Changes to every zone you may read, newest first.'
          )}
        </p>
      </div>

      <HistoryFilters action="/activity" values={values} errors={errors} />

      {page.items.length === 0 ? (
        <div className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">
          <p>No change matches.</p>
        </div>
      ) : (
        <ActivityList entries={page.items} />
      )}

      {(page.newer !== null || page.older !== null) && (
        <nav aria-label="Pages of changes" className="flex flex-wrap items-center gap-2">
          {page.newer !== null && (
            <Link href={activityHref({ ...values, after: page.newer })} className={pager} rel="prev">
              ← Newer
            </Link>
          )}
          {page.older !== null && (
            <Link href={activityHref({ ...values, before: page.older })} className={pager} rel="next">
              Older →
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
