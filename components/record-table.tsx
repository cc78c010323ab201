import { relativeName } from '@/lib/dns/names';
import type { RR } from '@/lib/dns/types';

interface NameGroup {
  name: string;
  rrsets: { type: string; records: RR[] }[];
}

/** Consecutive records grouped by owner name, then by type, keeping the given order (SOA first). */
function groupRecords(records: RR[]): NameGroup[] {
  const groups: NameGroup[] = [];
  for (const r of records) {
    let group = groups.at(-1);
    if (!group || group.name !== r.name) groups.push((group = { name: r.name, rrsets: [] }));
    let rrset = group.rrsets.at(-1);
    if (!rrset || rrset.type !== r.type) group.rrsets.push((rrset = { type: r.type, records: [] }));
    rrset.records.push(r);
  }
  return groups;
}

/**
 * The zone's records, one row each, grouped by name and type: a name or type
 * repeated from the row above is shown to screen readers only.
 */
export function RecordTable({ zone, records }: { zone: string; records: RR[] }) {
  const groups = groupRecords(records);
  return (
    <div className="overflow-x-auto rounded-md border border-zinc-200 bg-white shadow-sm">
      <table className="min-w-full text-sm tabular-nums">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
          <tr>
            <th scope="col" className="w-1/5 px-3 py-2">
              Name
            </th>
            <th scope="col" className="w-20 px-3 py-2 text-right">
              TTL
            </th>
            <th scope="col" className="w-20 px-3 py-2">
              Type
            </th>
            <th scope="col" className="px-3 py-2">
              Content
            </th>
          </tr>
        </thead>
        {groups.map((g) => {
          const shownName = relativeName(g.name, zone);
          return (
            <tbody key={g.name} className="border-t border-zinc-200 first-of-type:border-t-0">
              {g.rrsets.flatMap((set, si) =>
                set.records.map((r, ri) => {
                  const firstOfName = si === 0 && ri === 0;
                  return (
                    <tr key={`${set.type} ${r.content}`} className="align-top hover:bg-zinc-50">
                      <td className="px-3 py-1.5 font-mono" title={g.name}>
                        {firstOfName ? (
                          <span className="font-medium text-zinc-900">{shownName}</span>
                        ) : (
                          <span className="sr-only">{shownName}</span>
                        )}
                      </td>
                      <td className="px-3 py-1.5 text-right font-mono text-zinc-600">{r.ttl}</td>
                      <td className="px-3 py-1.5 font-mono">
                        {ri === 0 ? (
                          <span className="font-semibold text-zinc-800">{set.type}</span>
                        ) : (
                          <span className="sr-only">{set.type}</span>
                        )}
                      </td>
                      <td className="break-all px-3 py-1.5 font-mono text-zinc-800">{r.content}</td>
                    </tr>
                  );
                }),
              )}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}
