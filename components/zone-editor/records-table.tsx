'use client';
// The zone page's records: one page of RRsets (the SOA first), grouped by
// owner, with each stored record's Edit / Delete, or what is queued for it
// and Undo. Which edit form opens in a row is the editor's (zone-editor.tsx).
// The signer's records (DNSKEY, RRSIG, NSEC…) are read-only: the signer owns them.
import type { ReactNode } from 'react';
import { isSignerType } from '@/lib/dns/dnssec/types';
import { relativeName } from '@/lib/dns/names';
import type { RR } from '@/lib/dns/types';
import { isEditorType } from '@/lib/zones/record-fields';
import { recordKey } from '@/lib/zones/validate';
import { tableBox } from '../styles';
import type { PendingMark } from './use-edit-queue';

export interface EditorRRset {
  name: string;
  type: string;
  records: RR[];
}

export function RecordsTable({
  zone,
  soaRecord,
  rrsets,
  editable,
  pendingByKey,
  editing,
  onEdit,
  onEditSoa,
  onDelete,
  onUndo,
  renderEditForm,
}: {
  zone: string;
  soaRecord: RR | null;
  rrsets: EditorRRset[];
  editable: boolean;
  pendingByKey: ReadonlyMap<string, PendingMark>;
  /** The record whose edit form shows under its row. */
  editing: RR | null;
  onEdit: (r: RR) => void;
  onEditSoa: () => void;
  onDelete: (r: RR) => void;
  onUndo: (index: number) => void;
  renderEditForm: (r: RR) => ReactNode;
}) {
  // Consecutive RRsets of one owner share a tbody, so the name is printed once per owner.
  const owners: { name: string; sets: EditorRRset[] }[] = [];
  if (soaRecord) owners.push({ name: soaRecord.name, sets: [{ name: soaRecord.name, type: 'SOA', records: [soaRecord] }] });
  for (const s of rrsets) {
    const last = owners.at(-1);
    if (last && last.name === s.name) last.sets.push(s);
    else owners.push({ name: s.name, sets: [s] });
  }
  if (owners.length === 0) return null;
  const cols = editable ? 5 : 4;
  return (
    <div className={tableBox}>
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
            {editable && (
              <th scope="col" className="w-32 px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        {owners.map((o, oi) => {
          const shownName = relativeName(o.name, zone);
          return (
            <tbody key={`${o.name}-${oi}`} className="border-t border-zinc-200 first-of-type:border-t-0">
              {o.sets.flatMap((set, si) =>
                set.records.flatMap((r, ri) => {
                  const key = recordKey(r);
                  const pending = pendingByKey.get(key);
                  const isEditing = editing !== null && recordKey(editing) === key;
                  const rows = [
                    <tr key={`${set.type} ${r.content}`} className={`align-top hover:bg-zinc-50 ${pending?.kind === 'delete' ? 'bg-red-50/60' : pending ? 'bg-amber-50/60' : ''}`}>
                      <td className="whitespace-nowrap px-3 py-1.5 font-mono" title={o.name}>
                        {si === 0 && ri === 0 ? <span className="font-medium text-zinc-900">{shownName}</span> : <span className="sr-only">{shownName}</span>}
                      </td>
                      <td className="whitespace-nowrap px-3 py-1.5 text-right font-mono text-zinc-600">{r.ttl}</td>
                      <td className="whitespace-nowrap px-3 py-1.5 font-mono">
                        {ri === 0 ? <span className="font-semibold text-zinc-800">{set.type}</span> : <span className="sr-only">{set.type}</span>}
                      </td>
                      <td className={`min-w-48 break-all px-3 py-1.5 font-mono text-zinc-800 ${pending?.kind === 'delete' ? 'line-through' : ''}`}>{r.content}</td>
                      {editable && (
                        <td className="whitespace-nowrap px-3 py-1 text-right">
                          {isSignerType(set.type) ? (
                            <span className="text-xs text-zinc-500" title="Made by the signer; sign the zone with `zonekeeper zone sign`">
                              by the signer
                            </span>
                          ) : pending ? (
                            <span className="text-xs">
                              <span className="mr-2 text-zinc-600">{pending.kind === 'delete' ? 'to be deleted' : 'edited'}</span>
                              <button type="button" onClick={() => onUndo(pending.index)} className="font-medium text-blue-700 hover:underline">
                                Undo
                              </button>
                            </span>
                          ) : (
                            <span className="inline-flex gap-3 text-xs">
                              {/* Types without a form here (HINFO from an import) can be deleted, not edited. */}
                              {(set.type === 'SOA' || isEditorType(set.type)) && (
                                <button type="button" onClick={() => (set.type === 'SOA' ? onEditSoa() : onEdit(r))} className="font-medium text-blue-700 hover:underline">
                                  Edit
                                </button>
                              )}
                              {set.type !== 'SOA' && (
                                <button type="button" onClick={() => onDelete(r)} className="font-medium text-red-700 hover:underline">
                                  Delete
                                </button>
                              )}
                            </span>
                          )}
                        </td>
                      )}
                    </tr>,
                  ];
                  if (isEditing) {
                    rows.push(
                      <tr key={`${set.type} ${r.content} form`}>
                        <td colSpan={cols} className="px-3 py-2">
                          {renderEditForm(r)}
                        </td>
                      </tr>,
                    );
                  }
                  return rows;
                }),
              )}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}
