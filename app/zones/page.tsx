import type { Metadata } from 'next';
import Link from 'next/link';
import { ZoneTable } from '@/components/zone-table';
import { buttonPrimary, buttonSecondary, inputBase, linkClass } from '@/components/styles';
import { requireUser } from '@/lib/auth/session';
import { can } from '@/lib/auth/permission';
import { listZones } from '@/lib/zones/data';

export const metadata: Metadata = { title: 'Zones' };

export default async function ZonesPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  const params = await searchParams;
  const q = (Array.isArray(params.q) ? params.q[0] : params.q)?.trim() ?? '';
  const user = await requireUser('zone:read', { returnTo: q ? `/zones?q=${encodeURIComponent(q)}` : '/zones' });
  const zones = await listZones({ query: q || undefined });
  const canWrite = can(user.role, 'zone:write');

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold tracking-tight">Zones</h1>
        <form role="search" action="/zones" method="get" className="ml-auto flex items-center gap-2">
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
            className={`${inputBase} w-56 border-zinc-300`}
          />
          <button type="submit" className={buttonSecondary}>
            Search
          </button>
        </form>
        {canWrite && (
          <Link href="/zones/new" className={buttonPrimary}>
            <span aria-hidden="true">+</span> New zone
          </Link>
        )}
      </div>

      {zones.length > 0 ? (
        <>
          <ZoneTable zones={zones} now={new Date()} />
          <p className="text-xs text-zinc-500">
            {zones.length === 1 ? '1 zone' : `${zones.length} zones`}
            {q && (
              <>
                {' '}
                matching “{q}” ·{' '}
                <Link href="/zones" className={linkClass}>
                  show all
                </Link>
              </>
            )}
          </p>
        </>
      ) : q ? (
        <div className="rounded-md border border-dashed border-zinc-300 bg-white px-6 py-10 text-center text-sm">
          <p className="font-medium">No zones match “{q}”.</p>
          <p className="mt-1 text-zinc-600">
            Search looks for the text anywhere in the zone name.{' '}
            <Link href="/zones" className={linkClass}>
              Show all zones
            </Link>
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
