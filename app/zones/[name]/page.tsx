import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { KindBadge } from '@/components/kind-badge';
import { RecordTable } from '@/components/record-table';
import { RelativeTime } from '@/components/relative-time';
import { SERIAL_POLICY_LABELS } from '@/components/serial-policy';
import { linkClass } from '@/components/styles';
import { displayZoneName } from '@/components/zone-table';
import { requireUser } from '@/lib/auth/session';
import { getZone } from '@/lib/zones/data';

type Params = Promise<{ name: string }>;

function decodeParam(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: decodeParam(name) ?? 'Zone' };
}

/** `hostmaster.example.com.` as the mailbox it stands for (RFC 1035 §8). */
function rnameAsEmail(rname: string): string {
  const [local, ...rest] = rname.replace(/\.$/, '').split('.');
  return rest.length ? `${local}@${rest.join('.')}` : rname;
}

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-0.5 truncate text-sm text-zinc-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

export default async function ZonePage({ params }: { params: Params }) {
  const { name: raw } = await params;
  const name = decodeParam(raw);
  if (name === null) notFound();
  await requireUser('zone:read', { returnTo: `/zones/${encodeURIComponent(name)}` });
  const zone = await getZone(name);
  if (!zone) notFound();

  const shown = displayZoneName(zone.name);
  return (
    <div className="space-y-5">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
        <Link href="/zones" className={linkClass}>
          Zones
        </Link>{' '}
        / <span className="font-mono">{shown}</span>
      </nav>

      <div className="flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold tracking-tight">{shown}</h1>
        <KindBadge kind={zone.kind} />
      </div>

      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 rounded-md border border-zinc-200 bg-white p-4 shadow-sm sm:grid-cols-3 lg:grid-cols-6">
        <Field label="Serial" testId="zone-serial">
          <span className="font-mono">{zone.serial}</span>
        </Field>
        <Field label="Serial policy">{SERIAL_POLICY_LABELS[zone.serialPolicy] ?? zone.serialPolicy}</Field>
        <Field label="Default TTL">
          <span className="font-mono">{zone.defaultTtl}</span> s
        </Field>
        {zone.kind === 'primary' ? (
          <>
            <Field label="Primary name server">
              <span className="font-mono" title={zone.soa.mname}>
                {zone.soa.mname}
              </span>
            </Field>
            <Field label="Contact">
              <span title={zone.soa.rname}>{rnameAsEmail(zone.soa.rname)}</span>
            </Field>
          </>
        ) : (
          <Field label="Primaries">
            <span className="font-mono">{zone.primaries.join(', ') || '—'}</span>
          </Field>
        )}
        <Field label="Last change">
          <RelativeTime date={zone.updatedAt} />
        </Field>
      </dl>

      <section aria-labelledby="records-heading" className="space-y-2">
        <div className="flex items-baseline gap-2">
          <h2 id="records-heading" className="text-base font-semibold">
            Records
          </h2>
          <span className="text-xs text-zinc-500">
            {zone.records.length === 1 ? '1 record' : `${zone.records.length} records`}
          </span>
        </div>
        {zone.records.length > 0 ? (
          <RecordTable zone={zone.name} records={zone.records} />
        ) : (
          <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">
            No records yet: this secondary zone fills in at its first transfer from its primaries.
          </p>
        )}
      </section>
    </div>
  );
}
