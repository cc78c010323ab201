import type { Metadata } from 'next';
import { EditorSettingsForm, SecondaryZonesForm, ZoneDefaultsForm } from '@/components/settings/zone-defaults-form';
import { requireUser } from '@/lib/auth/session';
import { getSetting } from '@/lib/settings/data';
import { SwitchSettingForm } from '@/components/settings/switch-setting-form';
import { FormCard, SettingsSection } from '@/components/settings/settings-section';
import { saveReverseRecordsSettingsAction } from '@/lib/settings/actions';

export const metadata: Metadata = { title: 'Zone defaults · Settings' };

export default async function ZoneDefaultsPage() {
  await requireUser('user:manage', { returnTo: '/settings/zone-defaults' });
  const [d, editor, secondary, reverse] = await Promise.all([getSetting('zoneDefaults'), getSetting('editor'), getSetting('secondaryZones'), getSetting('reverseRecords')]);
  const current = {
    nameservers: d.nameservers.join('\n'),
    contact: d.contact,
    defaultTtl: String(d.defaultTtl),
    serialPolicy: d.serialPolicy,
    refresh: String(d.refresh),
    retry: String(d.retry),
    expire: String(d.expire),
    minimum: String(d.minimum),
    allowTransfer: d.allowTransfer.join('\n'),
    alsoNotify: d.alsoNotify.join('\n'),
    catalog: d.catalog,
  };
  return (
    <div className="max-w-3xl space-y-6">
      <section aria-labelledby="zd-heading" className="space-y-3">
        <div>
          <h2 id="zd-heading" className="text-base font-semibold">
            New zone template
          </h2>
          <p className="mt-1 text-sm text-zinc-600">
            What a new primary zone starts with when its form leaves a field empty. Existing zones keep their own settings.
          </p>
        </div>
        <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
          <ZoneDefaultsForm current={current} />
        </div>
      </section>
      <section aria-labelledby="secondary-heading" className="space-y-3">
        <div>
          <h2 id="secondary-heading" className="text-base font-semibold">
            Secondary zones
          </h2>
          <p className="mt-1 text-sm text-zinc-600">
            Admins create secondary zones from any primary. Editors may create them only from the ranges listed here.
          </p>
        </div>
        <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
          <SecondaryZonesForm editorPrimaryRanges={secondary.editorPrimaryRanges.join('\n')} />
        </div>
      </section>
      <section aria-labelledby="editor-heading" className="space-y-3">
        <h2 id="editor-heading" className="text-base font-semibold">
          Zone editor
        </h2>
        <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
          <EditorSettingsForm requireComment={editor.requireComment} />
        </div>
      </section>
      <SettingsSection
        id="reverse-heading"
        title="Reverse records"
        intro="When an A or AAAA record is added or changed and its reverse zone is a primary zone here that the user may edit, the editor offers to set the PTR there too, as that zone’s own change linked to this one."
      >
        <FormCard>
          <SwitchSettingForm
            action={saveReverseRecordsSettingsAction}
            name="ptrByDefault"
            checked={reverse.ptrByDefault}
            label="Tick “Also set PTR” by default"
            hint="Each offer can still be unticked before the commit."
            save="Save reverse record settings"
          />
        </FormCard>
      </SettingsSection>
    </div>
  );
}
