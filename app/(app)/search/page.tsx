import type { Metadata } from 'next';
import { hrefWith, param } from '@/components/list-params';
import { SearchResultsView } from '@/components/search/search-results';
import { requireUser } from '@/lib/auth/session';
import { MORE_LIMIT, searchAll } from '@/lib/search/data';

export const metadata: Metadata = { title: 'Search' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The header's search box lands here (GET /search?q=): zones by name, records
 * by owner name and by what they point at, among the zones the user may
 * read. `more=1` shows up to MORE_LIMIT of each group instead of the first few.
 */
export default async function SearchPage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  const q = param(sp, 'q');
  const more = param(sp, 'more') === '1';
  const user = await requireUser('zone:read', { returnTo: hrefWith('/search', { q, more: more ? '1' : undefined }) });
  const results = await searchAll(user, q, more ? { limit: MORE_LIMIT } : {});
  return (
    <div className="space-y-5">
      <h1 className="text-xl font-semibold tracking-tight">
        {results.query.text ? (
          <>
            Search: <span className="break-all font-mono">{results.query.text}</span>
          </>
        ) : (
          'Search'
        )}
      </h1>
      {results.query.text ? (
        <>
          <p className="text-sm text-zinc-600">
            Zones whose name contains the text; records whose name is the text or starts with it (end it with a dot for that name only); for
            a host name, the CNAME, MX, NS, SRV and PTR records pointing at it; for an IP address, its A or AAAA records and its PTR record.
          </p>
          <SearchResultsView results={results} moreHref={more ? null : hrefWith('/search', { q, more: '1' })} />
        </>
      ) : (
        <p className="text-sm text-zinc-600">Type a zone, a name, a host name or an IP address in the search box above.</p>
      )}
    </div>
  );
}
