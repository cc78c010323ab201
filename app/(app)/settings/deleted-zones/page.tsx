import type { Metadata } from 'next';
import { FormCard, ItemTable, SettingsSection } from '@/components/settings/settings-section';
import { InlineActionForm } from '@/components/settings/inline-action-form';
import { SwitchSettingForm } from '@/components/settings/switch-setting-form';
import { requireUser } from '@/lib/auth/session';
import { deletedZoneDays } from '@/lib/config/env';
import { saveZoneDeletionSettingsAction } from '@/lib/settings/actions';
import { getSetting } from '@/lib/settings/data';
import { listDeletedZones } from '@/lib/zones/deleted-zones';
import { restoreZoneAction } from '@/lib/zones/deletion-actions';

export const metadata: Metadata = { title: 'Deleted zones · Settings' };

type SearchParams = Promise<{ deleted?: string | string[] }>;

const utc = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

export default async function DeletedZonesPage({ searchParams }: { searchParams: SearchParams }) {
  await requireUser('user:manage', { returnTo: '/settings/deleted-zones' });
  const [sp, list, deletion] = await Promise.all([searchParams, listDeletedZones(), getSetting('zoneDeletion')]);
  const just = typeof sp.deleted === 'string' ? sp.deleted : null;
  const days = deletedZoneDays();
  return (
    <div className="max-w-4xl space-y-6">
      {just && (
        <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          Deleted {just.replace(/\.$/, '')}. Its snapshot is listed below for {days} days.
        </p>
      )}
      <SettingsSection
        id="dz-heading"
        title="Deleted zones"
        intro={`Each deleted zone is kept ${days} days (ZK_DELETED_ZONE_DAYS) with its records, settings, grants and history. Restore brings it back under a greater serial, notifies its secondaries and puts it back in its catalog if that still exists. Same from the command line: zonekeeper zone deleted, zonekeeper zone restore NAME.`}
      >
        <ItemTable caption="Deleted zones" columns={['Zone', 'Kind', 'Records', 'Deleted', 'By', 'Kept until']} count={list.length} empty="No deleted zones are kept.">
          {list.map((d) => (
            <tr key={d.id} data-testid="deleted-zone-row">
              <td className="px-3 py-2 font-mono">{d.name.replace(/\.$/, '')}</td>
              <td className="px-3 py-2">{d.kind}</td>
              <td className="px-3 py-2 tabular-nums">{d.recordCount}</td>
              <td className="px-3 py-2 whitespace-nowrap">{utc(d.deletedAt)}</td>
              <td className="px-3 py-2">{d.deletedBy}</td>
              <td className="px-3 py-2 whitespace-nowrap">{utc(d.keptUntil)}</td>
              <td className="px-3 py-2 text-right">
                <InlineActionForm action={restoreZoneAction} fields={{ id: String(d.id) }} label="Restore" accessibleName={`Restore ${d.name.replace(/\.$/, '')} deleted ${utc(d.deletedAt)}`} />
              </td>
            </tr>
          ))}
        </ItemTable>
      </SettingsSection>
      <SettingsSection id="dz-setting-heading" title="Zone deletion">
        <FormCard>
          <SwitchSettingForm
            action={saveZoneDeletionSettingsAction}
            name="requireSecondAdmin"
            checked={deletion.requireSecondAdmin}
            label="A second admin confirms each deletion"
            hint="An admin’s deletion becomes a request shown on the zone’s pages; the zone keeps serving until a different admin confirms it. The HTTP API may not delete zones then; the local operator’s zonekeeper zone delete still does."
            save="Save zone deletion settings"
          />
        </FormCard>
      </SettingsSection>
    </div>
  );
}
