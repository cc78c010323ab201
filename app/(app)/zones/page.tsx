import type { Metadata } from 'next';
import Link from 'next/link';
import { hrefWith, pageParam, param } from '@/components/list-params';
import { Pager } from '@/components/pager';
import { buttonPrimary, buttonSecondary, inputBase, linkClass } from '@/components/styles';
import { ZoneTable } from '@/components/zone-table';
import { can } from '@/lib/auth/permission';
import { requireUser } from '@/lib/auth/session';
import { visibleZoneWhere } from '@/lib/auth/zone-access';
import { listReplication } from '@/lib/replication/data';
import { listZonesPage, ZONE_SORTS, type ZoneKind, type ZoneSort } from '@/lib/zones/data';

export const metadata: Metadata = { title: 'Zones' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const KINDS: { value: '' | ZoneKind; label: string }[] = [
  { value: '', label: 'All kinds' },
  { value: 'primary', label: 'Primary' },
  { value: 'secondary', label: 'Secondary' },
];

export default async function ZonesPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const q = param(params, 'q');
  const kindParam = param(params, 'kind');
  const kind = kindParam === 'primary' || kindParam === 'secondary' ? kindParam : undefined;
  const sortParam = param(params, 'sort');
  const sort: ZoneSort = (ZONE_SORTS as readonly string[]).includes(sortParam) ? (sortParam as ZoneSort) : 'name';
  const desc = param(params, 'dir') === 'desc';
  const state = { q, kind, sort: sort === 'name' ? undefined : sort, dir: desc ? 'desc' : undefined };
  const here = hrefWith('/zones', { ...state, page: pageParam(params) });

  const user = await requireUser('zone:read', { returnTo: here });
  const visible = visibleZoneWhere(user);
  const list = await listZonesPage({ query: q || undefined, kind, sort, desc, page: pageParam(params), visible });
  // An editor's list is their grants: an empty one says how to get some.
  const limited = Object.keys(visible).length > 0;
  const primaries = list.zones.filter((z) => z.kind === 'primary').map((z) => z.id);
  const replication = new Map((primaries.length ? await listReplication({ zoneIds: primaries }) : []).map((r) => [r.zone, r.state]));
  const canWrite = can(user.role, 'zone:write');
  const filtered = Boolean(q || kind);

  return (
    <div className="space-y-4">
      {/* One row; on a phone the search takes a row of its own below the title and New zone. */}
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Zones</h1>
        <form role="search" action="/zones" method="get" className="order-last flex w-full items-center gap-2 sm:order-none sm:ml-auto sm:w-auto">
          <label htmlFor="zone-search" className="sr-only">
            Search zones
          </label>
          <input
            id="zone-search"
            type="search"
            name="q"
            defaultValue={q}
            placeholder="Search zones"
            autoCapitalize="none"
            spellCheck={false}
            className={`${inputBase} min-w-0 flex-1 border-zinc-300 sm:w-56 sm:flex-none`}
          />
          <label htmlFor="zone-kind" className="sr-only">
            Kind
          </label>
          <select id="zone-kind" name="kind" defaultValue={kind ?? ''} className={`${inputBase} max-w-36 shrink-0 border-zinc-300 sm:w-36`}>
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
          {state.sort && <input type="hidden" name="sort" value={state.sort} />}
          {state.dir && <input type="hidden" name="dir" value={state.dir} />}
          <button type="submit" className={buttonSecondary}>
            Search
          </button>
        </form>
        {canWrite && (
          <Link href="/zones/new" className={`${buttonPrimary} ml-auto sm:ml-0`}>
            <span aria-hidden="true">+</span> New zone
          </Link>
        )}
      </div>

      {list.zones.length > 0 ? (
        <>
          <ZoneTable
            zones={list.zones}
            now={new Date()}
            replication={replication}
            sort={{ sort, desc, href: (column, d) => hrefWith('/zones', { q, kind, sort: column === 'name' ? undefined : column, dir: d ? 'desc' : undefined }) }}
          />
          <div className="flex flex-wrap items-center gap-3">
            <p className="text-xs text-zinc-500" data-testid="zone-count">
              {list.total === 1 ? '1 zone' : `${list.total} zones`}
              {filtered && (
                <>
                  {' '}
                  matching{q && <> “{q}”</>}
                  {kind && <> of kind {kind}</>} ·{' '}
                  <Link href="/zones" className={linkClass}>
                    show all
                  </Link>
                </>
              )}
            </p>
            <div className="ml-auto">
              <Pager page={list.page} pages={list.pages} label="Zone list pages" href={(page) => hrefWith('/zones', { ...state, page })} />
            </div>
          </div>
        </>
      ) : filtered ? (
        <div className="rounded-md border border-dashed border-zinc-300 bg-white px-6 py-10 text-center text-sm">
          <p className="font-medium">
            No zones match{q && <> “{q}”</>}
            {kind && <> of kind {kind}</>}.
          </p>
          <p className="mt-1 text-zinc-600">
            Search looks for the text anywhere in the zone name.{' '}
            <Link href="/zones" className={linkClass}>
              Show all zones
            </Link>
          </p>
        </div>
      ) : limited ? (
        <div className="rounded-md border border-dashed border-zinc-300 bg-white px-6 py-10 text-center text-sm">
          <p className="text-base font-medium">No zones are granted to you yet.</p>
          <p className="mt-1 text-zinc-600">
            Ask an admin to grant you zones in Settings → Users, or{' '}
            <Link href="/zones/new" className={linkClass}>
              create a zone
            </Link>{' '}
            yourself; zones you create are yours to edit.
          </p>
        </div>
      ) : (
        <div className="rounded-md border border-dashed border-zinc-300 bg-white px-6 py-10 text-center text-sm">
          <p className="text-base font-medium">No zones yet.</p>
          {canWrite ? (
            <p className="mt-1 text-zinc-600">
              <Link href="/zones/new" className={linkClass}>
                Create your first zone
              </Link>{' '}
              here, or from a shell on the server with{' '}
              <code className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-zinc-800">npx zonekeeper zone create example.com</code>.
            </p>
          ) : (
            <p className="mt-1 text-zinc-600">Zones appear here once an editor or admin creates them.</p>
          )}
        </div>
      )}
    </div>
  );
}
