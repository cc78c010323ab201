import type { Metadata } from 'next';
import { DeleteCell, FormSection, ItemTable, SettingsSection } from '@/components/settings/settings-section';
import { TsigKeyForm } from '@/components/settings/tsig-key-form';
import { requireUser } from '@/lib/auth/session';
import { deleteTsigKeyAction } from '@/lib/settings/actions';
import { listTsigKeys } from '@/lib/zones/tsig-keys';

export const metadata: Metadata = { title: 'TSIG keys · Settings' };

const INTRO =
  'Shared secrets that sign zone transfers and NOTIFY (RFC 8945). A key is required for a zone in its settings.';

export default async function TsigKeysPage() {
  await requireUser('user:manage', { returnTo: '/settings/tsig' });
  // Secrets are read with the list but never handed to the page: only name, algorithm and use.
  const keys = (await listTsigKeys()).map((k) => ({ name: k.name, algorithm: k.algorithm, zones: k.zones }));
  return (
    <div className="max-w-3xl space-y-6">
      <SettingsSection id="tsig-heading" title="TSIG keys" intro={INTRO}>
        <ItemTable caption="TSIG keys" columns={['Name', 'Algorithm', 'Used by']} count={keys.length} empty="No TSIG keys yet.">
          {keys.map((k) => (
            <tr key={k.name}>
              <td className="px-3 py-2 font-mono">{k.name}</td>
              <td className="px-3 py-2 font-mono">{k.algorithm}</td>
              <td className="px-3 py-2 text-zinc-700">{k.zones.length ? k.zones.join(', ') : 'no zones'}</td>
              <DeleteCell action={deleteTsigKeyAction} fields={{ name: k.name }} what={`key ${k.name}`} confirm={`Delete the TSIG key ${k.name}? Peers using it can no longer sign with it.`} />
            </tr>
          ))}
        </ItemTable>
      </SettingsSection>
      <FormSection id="new-tsig-heading" title="New key">
        <TsigKeyForm />
      </FormSection>
    </div>
  );
}
