// /settings/api-keys: the keys of the HTTP API (lib/auth/api-keys.ts), for
// admins: each key's scope in words, last use and creator; a new key's
// secret is shown once (components/settings/api-key-form.tsx).
import type { Metadata } from 'next';
import { RelativeTime } from '@/components/relative-time';
import { ApiKeyForm } from '@/components/settings/api-key-form';
import { DeleteCell, FormSection, ItemTable, SettingsSection } from '@/components/settings/settings-section';
import { listApiKeys } from '@/lib/auth/api-keys';
import { describeScope } from '@/lib/auth/api-key-words';
import { requireUser } from '@/lib/auth/session';
import { deleteApiKeyAction } from '@/lib/settings/actions';

export const metadata: Metadata = { title: 'API keys · Settings' };

const INTRO = (
  <>
    Keys for the PowerDNS-compatible HTTP API at <code className="font-mono">/api</code>, used by ACME clients, external-dns, octoDNS and lexicon. A key
    may be limited to some zones, and to some record names and types.
  </>
);

export default async function ApiKeysPage() {
  await requireUser('user:manage', { returnTo: '/settings/api-keys' });
  const keys = await listApiKeys();
  const now = new Date();
  return (
    <div className="max-w-4xl space-y-6">
      <SettingsSection id="api-keys-heading" title="API keys" intro={INTRO}>
        <ItemTable caption="API keys" columns={['Name', 'Scope', 'Last used', 'Created by']} count={keys.length} empty="No API keys yet.">
          {keys.map((k) => (
            <tr key={k.name}>
              <td className="px-3 py-2 font-mono">{k.name}</td>
              <td className="px-3 py-2 text-zinc-700">{describeScope(k.scope)}</td>
              <td className="px-3 py-2 text-zinc-700">{k.lastUsedAt ? <RelativeTime date={k.lastUsedAt} now={now} /> : 'never'}</td>
              <td className="px-3 py-2 text-zinc-700">{k.createdBy}</td>
              <DeleteCell action={deleteApiKeyAction} fields={{ name: k.name }} what={`API key ${k.name}`} confirm={`Delete the API key ${k.name}? Programs using it are refused from their next request.`} />
            </tr>
          ))}
        </ItemTable>
      </SettingsSection>
      <FormSection id="new-api-key-heading" title="New key">
        <ApiKeyForm />
      </FormSection>
    </div>
  );
}
