import type { Metadata } from 'next';
import { AutoprimaryForm } from '@/components/settings/autoprimary-form';
import { DeleteCell, FormSection, ItemTable, SettingsSection } from '@/components/settings/settings-section';
import { requireUser } from '@/lib/auth/session';
import { deleteAutoprimaryAction } from '@/lib/settings/actions';
import { formatAutoprimary, listAutoprimaries } from '@/lib/zones/autoprimaries';

export const metadata: Metadata = { title: 'Autoprimaries · Settings' };

const INTRO =
  'A NOTIFY from one of these primaries for a zone not served here creates it as a secondary, when the zone’s NS set names the listed name server. Deleting one keeps the zones it created.';

export default async function AutoprimariesPage() {
  await requireUser('user:manage', { returnTo: '/settings/autoprimaries' });
  const list = await listAutoprimaries();
  return (
    <div className="max-w-3xl space-y-6">
      <SettingsSection id="ap-heading" title="Autoprimaries" intro={INTRO}>
        <ItemTable caption="Autoprimaries" columns={['Primary', 'Name server', 'Account']} count={list.length} empty="No autoprimaries.">
          {list.map((a) => (
            <tr key={`${a.ip} ${a.nameserver}`}>
              <td className="px-3 py-2 font-mono">{formatAutoprimary(a)}</td>
              <td className="px-3 py-2 font-mono">{a.nameserver}</td>
              <td className="px-3 py-2 text-zinc-700">{a.account}</td>
              <DeleteCell action={deleteAutoprimaryAction} fields={{ ip: a.ip, nameserver: a.nameserver }} what={`autoprimary ${formatAutoprimary(a)} for ${a.nameserver}`} />
            </tr>
          ))}
        </ItemTable>
      </SettingsSection>
      <FormSection id="new-ap-heading" title="Add an autoprimary">
        <AutoprimaryForm />
      </FormSection>
    </div>
  );
}
