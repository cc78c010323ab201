// /settings/api-keys: the keys of the HTTP API (lib/auth/api-keys.ts), for
// admins: each key's scope in words, last use and creator; a new key's
// secret is shown once (components/settings/api-key-form.tsx).
import type { Metadata } from 'next';
import { RelativeTime } from '@/components/relative-time';
import { ApiKeyForm } from '@/components/settings/api-key-form';
import { InlineActionForm } from '@/components/settings/inline-action-form';
import { tableBox } from '@/components/styles';
import { listApiKeys } from '@/lib/auth/api-keys';
import { describeScope } from '@/lib/auth/api-key-words';
import { requireUser } from '@/lib/auth/session';
import { deleteApiKeyAction } from '@/lib/settings/actions';

export const metadata: Metadata = { title: 'API keys · Settings' };

export default async function ApiKeysPage() {
  await requireUser('user:manage', { returnTo: '/settings/api-keys' });
  const keys = await listApiKeys();
  const now = new Date();
  return (
    <div className="max-w-4xl space-y-6">
      <section aria-labelledby="api-keys-heading" className="space-y-3">
        <div>
          <h2 id="api-keys-heading" className="text-base font-semibold">
            API keys
          </h2>
          <p className="mt-1 text-sm text-zinc-600">
            Keys for the PowerDNS-compatible HTTP API at <code className="font-mono">/api</code>, used by ACME clients, external-dns, octoDNS and lexicon. A key
            may be limited to some zones, and to some record names and types.
          </p>
        </div>
        {keys.length === 0 ? (
          <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">No API keys yet.</p>
        ) : (
          <div className={tableBox}>
            <table className="w-full text-left text-sm">
              <caption className="sr-only">API keys</caption>
              <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Name</th>
                  <th scope="col" className="px-3 py-2 font-medium">May</th>
                  <th scope="col" className="px-3 py-2 font-medium">Last used</th>
                  <th scope="col" className="px-3 py-2 font-medium">Created by</th>
                  <th scope="col" className="px-3 py-2 font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {keys.map((k) => (
                  <tr key={k.name}>
                    <td className="px-3 py-2 font-mono">{k.name}</td>
                    <td className="px-3 py-2 text-zinc-700">{describeScope(k.scope)}</td>
                    <td className="px-3 py-2 text-zinc-700">{k.lastUsedAt ? <RelativeTime date={k.lastUsedAt} now={now} /> : 'never'}</td>
                    <td className="px-3 py-2 text-zinc-700">{k.createdBy}</td>
                    <td className="px-3 py-2 text-right">
                      <InlineActionForm
                        action={deleteApiKeyAction}
                        fields={{ name: k.name }}
                        label="Delete"
                        accessibleName={`Delete API key ${k.name}`}
                        danger
                        confirm={`Delete the API key ${k.name}? Programs using it are refused from their next request.`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="new-api-key-heading" className="space-y-3">
        <h2 id="new-api-key-heading" className="text-base font-semibold">
          New key
        </h2>
        <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
          <ApiKeyForm />
        </div>
      </section>
    </div>
  );
}
