// The zone page's DNSSEC panel: whether the zone is signed, its keys' public
// halves and the DS records to give the parent (with a copy button), and for
// admins the sign and unsign forms. Private keys never reach it.
import type { SigningStatus } from '@/lib/zones/dnssec-keys';
import { algorithmLabel } from '@/lib/dns/dnssec/types';
import { CopyButton } from './copy-button';
import { SignForm, UnsignForm } from './dnssec-forms';

export function DnssecPanel({ zone, status, canConfigure }: { zone: string; status: SigningStatus; canConfigure: boolean }) {
  const parentDs = status.keys.filter((k) => k.ds && k.atParent).map((k) => `${zone} IN DS ${k.ds}`);
  return (
    <section aria-labelledby="dnssec-heading" className="space-y-3 rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
      <h2 id="dnssec-heading" className="text-base font-semibold">
        DNSSEC
      </h2>
      {status.denial === null ? (
        <>
          <p className="text-sm" data-testid="dnssec-state">
            Not signed: validating resolvers treat answers from this zone as insecure.
          </p>
          {canConfigure ? <SignForm zone={zone} /> : <p className="text-sm text-zinc-600">Only an admin may sign the zone.</p>}
        </>
      ) : (
        <>
          <p className="text-sm" data-testid="dnssec-state">
            Signed with {status.denial.toUpperCase()}; signatures are made again before they expire
            {status.resignAt ? ` (next: ${status.resignAt.toISOString().replace('T', ' ').slice(0, 16)} UTC)` : ''}.
          </p>
          {parentDs.length > 0 && (
            <div className="space-y-1">
              <p className="text-sm font-medium">DS record{parentDs.length > 1 ? 's' : ''} for the parent (your registrar):</p>
              {parentDs.map((ds) => (
                <div key={ds} className="flex items-start gap-2">
                  <pre data-testid="dnssec-ds" className="min-w-0 flex-1 overflow-x-auto rounded bg-zinc-50 px-2 py-1.5 font-mono text-xs select-all">
                    {ds}
                  </pre>
                  <CopyButton value={ds} label="Copy DS record" />
                </div>
              ))}
            </div>
          )}
          <table className="w-full text-left text-sm">
            <thead className="text-xs uppercase tracking-wide text-zinc-500">
              <tr>
                <th className="py-1 pr-3">Key</th>
                <th className="py-1 pr-3">Tag</th>
                <th className="py-1 pr-3">Algorithm</th>
                <th className="py-1 pr-3">State</th>
                <th className="py-1">DNSKEY</th>
              </tr>
            </thead>
            <tbody>
              {status.keys.map((k) => (
                <tr key={k.id} className="border-t border-zinc-100 align-top">
                  <td className="py-1 pr-3">{k.role.toUpperCase()}</td>
                  <td className="py-1 pr-3 font-mono">{k.keyTag}</td>
                  <td className="py-1 pr-3">{algorithmLabel(k.algorithm)}</td>
                  <td className="py-1 pr-3">{k.state}</td>
                  <td className="py-1">
                    <div className="flex items-start gap-2">
                      <code className="min-w-0 flex-1 break-all text-xs">{k.dnskey}</code>
                      <CopyButton value={`${zone} IN DNSKEY ${k.dnskey}`} label={`Copy DNSKEY ${k.keyTag}`} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {canConfigure && <UnsignForm zone={zone} removingDs={status.removingDs} />}
        </>
      )}
    </section>
  );
}
