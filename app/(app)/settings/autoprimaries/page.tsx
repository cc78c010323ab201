import type { Metadata } from 'next';
import { AutoprimaryForm } from '@/components/settings/autoprimary-form';
import { InlineActionForm } from '@/components/settings/inline-action-form';
import { tableBox } from '@/components/styles';
import { requireUser } from '@/lib/auth/session';
import { deleteAutoprimaryAction } from '@/lib/settings/actions';
import { formatAutoprimary, listAutoprimaries } from '@/lib/zones/autoprimaries';

export const metadata: Metadata = { title: 'Autoprimaries · Settings' };

export default async function AutoprimariesPage() {
  await requireUser('user:manage', { returnTo: '/settings/autoprimaries' });
  const list = await listAutoprimaries();
  return (
    <div className="max-w-3xl space-y-6">
      <section aria-labelledby="ap-heading" className="space-y-3">
        <div>
          <h2 id="ap-heading" className="text-base font-semibold">
            Autoprimaries
          </h2>
          <p className="mt-1 text-sm text-zinc-600">
            A NOTIFY from one of these primaries for a zone not served here creates it as a secondary, when the zone’s
            NS set names the listed name server. Deleting one keeps the zones it created.
          </p>
        </div>
        {list.length === 0 ? (
          <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">No autoprimaries.</p>
        ) : (
          <div className={tableBox}>
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Autoprimaries</caption>
              <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Primary</th>
                  <th scope="col" className="px-3 py-2 font-medium">Name server</th>
                  <th scope="col" className="px-3 py-2 font-medium">Account</th>
                  <th scope="col" className="px-3 py-2 font-medium"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {list.map((a) => (
                  <tr key={`${a.ip} ${a.nameserver}`}>
                    <td className="px-3 py-2 font-mono">{formatAutoprimary(a)}</td>
                    <td className="px-3 py-2 font-mono">{a.nameserver}</td>
                    <td className="px-3 py-2 text-zinc-700">{a.account}</td>
                    <td className="px-3 py-2 text-right">
                      <InlineActionForm
                        action={deleteAutoprimaryAction}
                        fields={{ ip: a.ip, nameserver: a.nameserver }}
                        label="Delete"
                        accessibleName={`Delete autoprimary ${formatAutoprimary(a)} for ${a.nameserver}`}
                        danger
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="new-ap-heading" className="space-y-3">
        <h2 id="new-ap-heading" className="text-base font-semibold">
          Add an autoprimary
        </h2>
        <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">
          <AutoprimaryForm />
        </div>
      </section>
    </div>
  );
}
