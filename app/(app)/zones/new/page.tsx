import type { Metadata } from 'next';
import Link from 'next/link';
import { NewZoneForm, type SecondaryAllowance } from '@/components/new-zone-form';
import { linkClass } from '@/components/styles';
import { can } from '@/lib/auth/permission';
import { requireUser } from '@/lib/auth/session';
import { getSetting } from '@/lib/settings/data';

export const metadata: Metadata = { title: 'New zone' };

export default async function NewZonePage() {
  const user = await requireUser('zone:write', { returnTo: '/zones/new' });
  const [defaults, secondaryZones] = await Promise.all([getSetting('zoneDefaults'), getSetting('secondaryZones')]);
  // The change service decides (lib/zones/creation-rules.ts); the form only offers what it would accept.
  const ranges = secondaryZones.editorPrimaryRanges;
  const secondary: SecondaryAllowance = can(user.role, 'zone:configure') ? { kind: 'any' } : ranges.length ? { kind: 'ranges', ranges } : { kind: 'none' };
  return (
    <div className="max-w-2xl space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/zones" className={linkClass}>
          Zones
        </Link>{' '}
        / New zone
      </nav>
      <div>
        <h1 className="text-lg font-semibold tracking-tight">New zone</h1>
        <p className="mt-1 text-sm text-zinc-600">
          A primary zone starts with its SOA and NS records from the zone template (admins change it in Settings); a
          secondary zone fills in from its primaries.
        </p>
      </div>
      <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
        <NewZoneForm
          defaults={{
            nameservers: defaults.nameservers,
            contact: defaults.contact,
            defaultTtl: defaults.defaultTtl,
            serialPolicy: defaults.serialPolicy,
            catalog: defaults.catalog,
          }}
          secondary={secondary}
        />
      </div>
    </div>
  );
}
