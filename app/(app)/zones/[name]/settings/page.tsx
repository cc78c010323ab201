import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { decodeParam } from '@/components/list-params';
import { ZoneBreadcrumb } from '@/components/zone-breadcrumb';
import { UpdatePolicyForm } from '@/components/zone-settings/update-policy-form';
import { ApprovalForm } from '@/components/settings/approval-form';
import { DeleteZoneSection } from '@/components/zone-settings/delete-zone-form';
import { getSetting } from '@/lib/settings/data';
import { describeApprovalRules, getZoneApprovalRules } from '@/lib/zones/approval-rules';
import { getDeletionImpact } from '@/lib/zones/zone-deletion';
import { can } from '@/lib/auth/permission';
import { requireZoneUser } from '@/lib/auth/session';
import { displayName } from '@/lib/dns/names';
import { getZoneHeaderById } from '@/lib/zones/data';
import { formatUpdateRule, readUpdatePolicy } from '@/lib/zones/update-policy';
import { zoneHref } from '@/lib/zones/zone-urls';

type Params = Promise<{ name: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { name } = await params;
  return { title: `Settings of ${decodeParam(name) ?? 'zone'}` };
}

export default async function ZoneSettingsPage({ params }: { params: Params }) {
  const { name: raw } = await params;
  const name = decodeParam(raw);
  if (name === null) notFound();
  const { user, zoneId } = await requireZoneUser(name, 'read', { returnTo: zoneHref(name, 'settings') });
  if (zoneId === undefined) notFound();
  const zone = await getZoneHeaderById(zoneId);
  if (!zone) notFound();
  const admin = can(user.role, 'zone:delete');
  const [lines, impact, deletion, ownRules, globalRules] = await Promise.all([
    zone.kind === 'primary' ? readUpdatePolicy(zone.name).then((rules) => rules.map((r) => formatUpdateRule(r, zone.name))) : [],
    admin ? getDeletionImpact(zoneId) : null,
    getSetting('zoneDeletion'),
    getZoneApprovalRules(zone.id),
    getSetting('approval'),
  ]);
  const shown = displayName(zone.name);

  return (
    <div className="max-w-3xl space-y-5">
      <ZoneBreadcrumb zone={zone.name} here="Settings" />
      <h1 className="break-all text-xl font-semibold tracking-tight">
        Settings of <span className="font-mono">{shown}</span>
      </h1>
      <section aria-labelledby="update-policy-heading" className="space-y-3">
        <div>
          <h2 id="update-policy-heading" className="text-base font-semibold">
            Dynamic update policy
          </h2>
          <p className="mt-1 text-sm text-zinc-600">
            Which TSIG keys may change which records with DNS UPDATE (RFC 2136, as <code>nsupdate</code>, certbot or lego
            send it). Each update becomes one change in the zone’s history.
          </p>
        </div>
        {zone.kind !== 'primary' || zone.catalogRole ? (
          <p className="rounded-md border border-zinc-200 bg-white p-4 text-sm">
            {zone.catalogRole
              ? `${shown} is a catalog zone: its records follow its members, so it takes no DNS UPDATE.`
              : `${shown} is a secondary zone: its records come from its primary, so it takes no DNS UPDATE.`}
          </p>
        ) : can(user.role, 'zone:configure') ? (
          <div className="rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
            <UpdatePolicyForm zone={zone.name} current={lines.join('\n')} />
          </div>
        ) : (
          <div className="space-y-2 rounded-md border border-zinc-200 bg-white p-4 text-sm">
            {lines.length ? (
              <pre data-testid="update-policy" className="overflow-x-auto font-mono text-xs">
                {lines.join('\n')}
              </pre>
            ) : (
              <p>None: every DNS UPDATE is refused.</p>
            )}
            <p className="text-zinc-600">Only an admin may change it.</p>
          </div>
        )}
      </section>
      {zone.kind === 'primary' && !zone.catalogRole && (
        <section aria-labelledby="approval-heading" className="space-y-3">
          <div>
            <h2 id="approval-heading" className="text-base font-semibold">
              Approval rules
            </h2>
            <p className="mt-1 text-sm text-zinc-600">
              Changes by editors that need a second person’s approval. Now:{' '}
              <span data-testid="zone-approval">
                {describeApprovalRules(ownRules ?? globalRules)}
                {ownRules ? ' (this zone’s own)' : ' (the global rules)'}
              </span>
              .
            </p>
          </div>
          {can(user.role, 'zone:configure') && (
            <div className="rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
              <ApprovalForm zone={zone.name} current={{ ...(ownRules ?? globalRules), own: ownRules !== null }} />
            </div>
          )}
        </section>
      )}
      {impact && (
        <section aria-labelledby="delete-heading" className="space-y-3">
          <div>
            <h2 id="delete-heading" className="text-base font-semibold text-red-800">
              Delete zone
            </h2>
            <p className="mt-1 text-sm text-zinc-600">This server stops serving {shown}. Before you delete it:</p>
          </div>
          <DeleteZoneSection
            zone={zone.name}
            shown={shown}
            secondaries={impact.secondaries}
            catalog={impact.catalog}
            catalogRole={impact.catalogRole}
            keepDays={impact.keepDays}
            secondAdmin={deletion.requireSecondAdmin}
            request={impact.request && { actor: impact.request.actor, at: impact.request.createdAt.toISOString(), mine: impact.request.userId === user.id }}
          />
        </section>
      )}
    </div>
  );
}
