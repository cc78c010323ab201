import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { KindBadge } from '@/components/kind-badge';
import { ReplicaStateBadge } from '@/components/replication/state-badge';
import { RelativeTime } from '@/components/relative-time';
import { SERIAL_POLICY_LABELS } from '@/components/serial-policy';
import { linkClass } from '@/components/styles';
import { ZoneEditor } from '@/components/zone-editor/zone-editor';
import { DnssecPanel } from '@/components/dnssec/dnssec-panel';
import { CatalogPanel } from '@/components/catalog/catalog-panel';
import { getCatalogStatus } from '@/lib/zones/catalog-data';
import { can } from '@/lib/auth/permission';
import { requireZoneUser } from '@/lib/auth/session';
import { getSigningStatus } from '@/lib/zones/dnssec-keys';
import { getZoneReplication, type ZoneReplicaState } from '@/lib/replication/data';
import { getSetting } from '@/lib/settings/data';
import { getZoneRecordsPage } from '@/lib/zones/data';
import { getDeletionRequest } from '@/lib/zones/zone-deletion';
import { decodeParam } from '@/components/list-params';
import { ZoneBreadcrumb } from '@/components/zone-breadcrumb';
import { zoneHref } from '@/lib/zones/zone-urls';
import { displayName } from '@/lib/dns/names';
import { rnameToContact } from '@/lib/dns/contact';

type Params = Promise<{ name: string }>;
type SearchParams = Promise<{ q?: string | string[]; page?: string | string[]; dnssec?: string | string[] }>;

function first(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: decodeParam(name) ?? 'Zone' };
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

/** States that get a banner on the zone page: something an operator should look at. */
const OUT_OF_SYNC = new Set<ZoneReplicaState>(['behind', 'unreachable', 'missing']);

export default async function ZonePage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const [{ name: raw }, sp] = await Promise.all([params, searchParams]);
  const name = decodeParam(raw);
  if (name === null) notFound();
  const q = first(sp.q).trim().slice(0, 200);
  const pageNo = Number.parseInt(first(sp.page), 10);
  // The signer's records are listed on request only (?dnssec=1): a signed zone holds more of them than of its own.
  const dnssec = first(sp.dnssec) === '1';
  const { user, rights, zoneId } = await requireZoneUser(name, 'read', { returnTo: zoneHref(name) });
  const [data, editor, replication, signing, catalog, deletion] = await Promise.all([
    getZoneRecordsPage(name, { q: q || undefined, page: Number.isFinite(pageNo) ? pageNo : 1, dnssec }),
    getSetting('editor'),
    zoneId === undefined ? null : getZoneReplication(zoneId),
    zoneId === undefined ? null : getSigningStatus(zoneId),
    zoneId === undefined ? null : getCatalogStatus(zoneId),
    zoneId === undefined ? null : getDeletionRequest(zoneId),
  ]);
  if (!data) notFound();
  const { zone } = data;
  const hasSoa = zone.kind === 'primary' || zone.serial > 0;

  const shown = displayName(zone.name);
  return (
    <div className="space-y-5">
      <ZoneBreadcrumb zone={zone.name} />

      <div className="flex flex-wrap items-center gap-3">
        <h1 className="break-all font-mono text-xl font-semibold tracking-tight">{shown}</h1>
        <KindBadge kind={zone.kind} catalogRole={zone.catalogRole} />
        {replication && (
          <Link href={zoneHref(shown, 'replication')} className="inline-flex items-center gap-1.5 text-sm">
            <ReplicaStateBadge state={replication.state} />
            <span className={linkClass}>Replication</span>
          </Link>
        )}
        {((zone.kind === 'primary' && !zone.catalogRole) || can(user.role, 'zone:delete')) && (
          <Link href={zoneHref(shown, 'settings')} className={`${linkClass} text-sm`}>
            Zone settings
          </Link>
        )}
      </div>

      {deletion && (
        <div role="status" data-testid="deletion-banner" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-medium">
            Deletion requested by {deletion.actor} at {deletion.createdAt.toISOString().replace('T', ' ').slice(0, 16)} UTC: the zone keeps serving until another admin confirms it.
          </p>
          <p className="mt-1">
            Confirm or cancel it on the{' '}
            <Link href={zoneHref(shown, 'settings')} className={linkClass}>
              zone settings page
            </Link>
            .
          </p>
        </div>
      )}

      {replication && OUT_OF_SYNC.has(replication.state) && (
        <div role="alert" data-testid="replication-banner" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-medium">
            Not every secondary serves serial {replication.serial}:{' '}
            {replication.secondaries
              .filter((s) => s.state !== 'in sync')
              .map((s) => `${s.target} is ${s.state}${s.serial !== null && s.state !== 'missing' ? ` (serial ${s.serial})` : ''}`)
              .join('; ')}
            .
          </p>
          <p className="mt-1">
            See the{' '}
            <Link href={zoneHref(shown, 'replication')} className={linkClass}>
              replication page
            </Link>{' '}
            for when each change reached each secondary, and to notify them again.
          </p>
        </div>
      )}

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
              <span title={zone.soa.rname}>{rnameToContact(zone.soa.rname)}</span>
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

      {catalog && <CatalogPanel zone={zone.name} status={catalog} />}

      {zone.kind === 'primary' && !zone.catalogRole && signing && <DnssecPanel zone={zone.name} status={signing} canConfigure={can(user.role, 'zone:configure')} />}

      <ZoneEditor
        zone={{
          name: zone.name,
          kind: zone.kind,
          serial: zone.serial,
          defaultTtl: zone.defaultTtl,
          soa: {
            mname: zone.soa.mname,
            rname: zone.soa.rname,
            refresh: zone.soa.refresh,
            retry: zone.soa.retry,
            expire: zone.soa.expire,
            minimum: zone.soa.minimum,
            ttl: zone.soaTtl,
          },
          primaries: zone.primaries,
        }}
        soaRecord={data.soa}
        rrsets={data.rrsets}
        // A catalog's records follow its members (lib/zones/catalog.ts): nobody edits them here.
        canWrite={rights.write && !zone.catalogRole}
        canRequest={rights.request && !zone.catalogRole}
        requireComment={editor.requireComment}
        q={q}
        page={data.page}
        pageCount={data.pageCount}
        rrsetCount={data.rrsetCount}
        recordCount={data.recordCount + (hasSoa ? 1 : 0)}
        dnssec={{ shown: dnssec, count: data.dnssecRecords }}
      />
    </div>
  );
}
