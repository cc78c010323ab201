import type { Metadata } from 'next';
import { InlineActionForm } from '@/components/settings/inline-action-form';
import { TsigKeyForm } from '@/components/settings/tsig-key-form';
import { tableBox } from '@/components/styles';
import { requireUser } from '@/lib/auth/session';
import { deleteTsigKeyAction } from '@/lib/settings/actions';
import { listTsigKeys } from '@/lib/zones/tsig-keys';

export const metadata: Metadata = { title: 'TSIG keys · Settings' };

export default async function TsigKeysPage() {
  await requireUser('user:manage', { returnTo: '/settings/tsig' });
  // Secrets are read with the list but never handed to the page: only name, algorithm and use.
  const keys = (await listTsigKeys()).map((k) => ({ name: k.name, algorithm: k.algorithm, zones: k.zones }));
  return (
    <div className="max-w-3xl space-y-6">
      <section aria-labelledby="tsig-heading" className="space-y-3">
        <div>
          <h2 id="tsig-heading" className="text-base font-semibold">
            TSIG keys
          </h2>
          <p className="mt-1 text-sm text-zinc-600">
            Shared secrets that sign zone transfers and NOTIFY (RFC 8945). A key is required for a zone in its settings.
          </p>
        </div>
        {keys.length === 0 ? (
          <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">No TSIG keys yet.</p>
        ) : (
          <div className={tableBox}>
            <table className="w-full text-left text-sm">
              <caption className="sr-only">TSIG keys</caption>
              <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Name</th>
                  <th scope="col" className="px-3 py-2 font-medium">Algorithm</th>
                  <th scope="col" className="px-3 py-2 font-medium">Used by</th>
                  <th scope="col" className="px-3 py-2 font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {keys.map((k) => (
                  <tr key={k.name}>
                    <td className="px-3 py-2 font-mono">{k.name}</td>
                    <td className="px-3 py-2 font-mono">{k.algorithm}</td>
                    <td className="px-3 py-2 text-zinc-700">{k.zones.length ? k.zones.join(', ') : 'no zones'}</td>
                    <td className="px-3 py-2 text-right">
                      <InlineActionForm
                        action={deleteTsigKeyAction}
                        fields={{ name: k.name }}
                        label="Delete"
                        accessibleName={`Delete key ${k.name}`}
                        danger
                        confirm={`Delete the TSIG key ${k.name}? Peers using it can no longer sign with it.`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="new-tsig-heading" className="space-y-3">
        <h2 id="new-tsig-heading" className="text-base font-semibold">
          New key
        </h2>
        <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
          <TsigKeyForm />
        </div>
      </section>
    </div>
  );
}
