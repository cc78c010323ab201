import type { Metadata } from 'next';
import Link from 'next/link';
import { NewZoneForm } from '@/components/new-zone-form';
import { linkClass } from '@/components/styles';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'New zone' };

export default async function NewZonePage() {
  await requireUser('zone:write', { returnTo: '/zones/new' });
  return (
    <div className="max-w-2xl space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/zones" className={linkClass}>
          Zones
        </Link>{' '}
        / New zone
      </nav>
      <div>
        <h1 className="text-lg font-semibold tracking-tight">New primary zone</h1>
        <p className="mt-1 text-sm text-zinc-600">
          Creates the zone with its SOA and NS records.
        </p>
      </div>
      <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <NewZoneForm />
      </div>
    </div>
  );
}
