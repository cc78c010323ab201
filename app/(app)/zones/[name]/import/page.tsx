import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ImportForm } from '@/components/import/import-form';
import { requireZoneUser } from '@/lib/auth/session';
import { getZoneHeader } from '@/lib/zones/data';
import { decodeParam } from '@/components/list-params';
import { ZoneBreadcrumb } from '@/components/zone-breadcrumb';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';

type Params = Promise<{ name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Import into ${decodeParam(name) ?? 'zone'}` };
}

export default async function ZoneImportPage({ params }: { params: Params }) {
  const { name: raw } = await params;
  const name = decodeParam(raw);
  if (name === null) notFound();
  await requireZoneUser(name, 'write', { returnTo: zoneHref(name, 'import') });
  const zone = await getZoneHeader(name);
  if (!zone) notFound();
  const shown = displayName(zone.name);

  return (
    <div className="space-y-5">
      <ZoneBreadcrumb zone={zone.name} here="Import" />
      <h1 className="text-xl font-semibold tracking-tight">
        Import a zone file into <span className="font-mono">{shown}</span>
      </h1>
      {zone.kind === 'primary' ? (
        <>
          <p className="max-w-3xl text-sm text-zinc-600">
            The file replaces the zone’s records: you see what would be added, changed and deleted, choose which of those to
            apply, and commit them as one change. Nothing is written before you commit.
          </p>
          <ImportForm zone={zone.name} zoneHref={zoneHref(zone.name)} />
        </>
      ) : (
        <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-sm text-zinc-600">
          {shown} is a secondary zone: its records come from its primaries by zone transfer and cannot be imported here.
        </p>
      )}
    </div>
  );
}
