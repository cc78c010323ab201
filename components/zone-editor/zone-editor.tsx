'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { relativeName } from '@/lib/dns/names';
import type { RR } from '@/lib/dns/types';
import { checkEditsAction, commitEditsAction, type EditorResult } from '@/lib/zones/actions';
import { editProblem, parseStoredEdits, pendingStorageKey, queueProblems, type PendingEdit, type SoaEdit } from '@/lib/zones/edits';
import { isEditorType } from '@/lib/zones/record-fields';
import { recordKey } from '@/lib/zones/validate';
import { buttonPrimary, buttonSecondary, inputBase, linkClass, tableBox } from '../styles';
import { PendingPanel, type PanelProblem } from './pending-panel';
import { RecordForm } from './record-form';
import { SoaForm } from './soa-form';
import { WorkerActions } from './worker-actions';
import { zoneHref } from '@/lib/zones/zone-urls';

export interface EditorZone {
  name: string;
  kind: 'primary' | 'secondary';
  serial: number;
  defaultTtl: number;
  soa: SoaEdit;
  primaries: string[];
}

export interface EditorRRset {
  name: string;
  type: string;
  records: RR[];
}

type FormState = { mode: 'add' } | { mode: 'edit'; record: RR } | { mode: 'soa' } | null;

const CHECK_DELAY_MS = 250;

/**
 * The zone editor: the page's RRsets with edit controls, the pending-changes
 * queue (kept in sessionStorage so a reload or the history page's revert
 * keeps it), a dry-run check of the zone as it would be, and one commit.
 */
export function ZoneEditor({
  zone,
  soaRecord,
  rrsets,
  canWrite,
  requireComment,
  q,
  page,
  pageCount,
  rrsetCount,
  recordCount,
}: {
  zone: EditorZone;
  soaRecord: RR | null;
  rrsets: EditorRRset[];
  canWrite: boolean;
  requireComment: boolean;
  q: string;
  page: number;
  pageCount: number;
  rrsetCount: number;
  /** Records in the whole zone, the SOA included. */
  recordCount: number;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const editable = canWrite && zone.kind === 'primary';
  const storageKey = pendingStorageKey(zone.name);

  const [edits, setEdits] = useState<PendingEdit[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [form, setForm] = useState<FormState>(null);
  const [check, setCheck] = useState<EditorResult | null>(null);
  const [checking, setChecking] = useState(false);
  const [committing, setCommitting] = useState(false);
  const [comment, setComment] = useState('');
  const [commentErrors, setCommentErrors] = useState<string[] | undefined>();
  const [reviewOpen, setReviewOpen] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [filter, setFilter] = useState(q);
  const checkSeq = useRef(0);

  // Whatever is stored (by an earlier visit, a reload, or the history page's revert) is picked up once.
  useEffect(() => {
    setEdits(parseStoredEdits(sessionStorage.getItem(storageKey)));
    setLoaded(true);
  }, [storageKey]);

  useEffect(() => {
    if (!loaded) return;
    if (edits.length) sessionStorage.setItem(storageKey, JSON.stringify(edits));
    else sessionStorage.removeItem(storageKey);
  }, [edits, loaded, storageKey]);

  useEffect(() => setFilter(q), [q]);

  // The server's dry run, against the serial this page holds; re-run when either changes.
  useEffect(() => {
    const seq = ++checkSeq.current;
    if (!editable || edits.length === 0) {
      setCheck(null);
      setChecking(false);
      return;
    }
    setChecking(true);
    const timer = setTimeout(() => {
      checkEditsAction(zone.name, edits, zone.serial).then(
        (r) => {
          if (seq !== checkSeq.current) return;
          setCheck(r);
          setChecking(false);
        },
        (err: Error) => {
          if (seq !== checkSeq.current) return;
          setCheck({ ok: false, message: `The edits could not be checked: ${err.message}`, problems: [{ message: 'The check failed; try again.' }], added: [], removed: [] });
          setChecking(false);
        },
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [edits, zone.name, zone.serial, editable]);

  // Leaving with pending edits asks first: closing or reloading the tab…
  const dirty = edits.length > 0;
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  // …and following a link to another page of the app (paging and filtering this zone stay).
  useEffect(() => {
    if (!dirty) return;
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href]');
      if (!(a instanceof HTMLAnchorElement) || a.target === '_blank' || a.hasAttribute('download')) return;
      const url = new URL(a.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname === window.location.pathname) return;
      if (!window.confirm('You have pending edits that are not committed. Leave this page? They stay saved in this tab until you discard them.')) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [dirty]);

  const problems = useMemo<PanelProblem[]>(() => {
    const out: PanelProblem[] = [];
    edits.forEach((e, index) => {
      const p = editProblem(e, zone.name);
      if (p) out.push({ index, message: p });
    });
    out.push(...queueProblems(edits));
    if (check && !check.ok && !check.conflict && !check.forbidden) {
      for (const p of check.problems) out.push({ index: p.edit, message: p.message });
    }
    return out;
  }, [edits, check, zone.name]);

  const queue = useCallback((e: PendingEdit) => {
    setNotice(null);
    setEdits((old) => [...old, e]);
  }, []);

  const removeEdit = (index: number) => setEdits((old) => old.filter((_, i) => i !== index));

  /** Edits already queued that touch a stored record, so its row can say so. */
  const pendingByKey = useMemo(() => {
    const m = new Map<string, { kind: 'delete' | 'change'; index: number }>();
    edits.forEach((e, index) => {
      if (e.kind === 'delete') m.set(recordKey(e.record), { kind: 'delete', index });
      else if (e.kind === 'change') m.set(recordKey(e.from), { kind: 'change', index });
    });
    return m;
  }, [edits]);

  const ttlFor = (name: string, type: string) => {
    const set = rrsets.find((s) => s.name === name && s.type === type);
    return set?.records[0]?.ttl ?? zone.defaultTtl;
  };

  async function commit() {
    // A required comment is enforced by the server (the same message comes back), not only here.
    setCommentErrors(undefined);
    setCommitting(true);
    try {
      const r = await commitEditsAction(zone.name, edits, zone.serial, comment);
      if (r.ok) {
        sessionStorage.removeItem(storageKey);
        setEdits([]);
        setComment('');
        setReviewOpen(false);
        setCheck(null);
        setNotice({ ok: true, text: r.message ?? 'Committed.' });
        router.refresh();
      } else {
        // A missing comment, or a database that could not store the change, says nothing about the edits: the last check stands.
        if (!r.commentErrors && !r.notStored) setCheck(r);
        setCommentErrors(r.commentErrors);
        setNotice({ ok: false, text: r.message ?? 'The edits were not committed.' });
      }
    } catch (err) {
      setNotice({ ok: false, text: `The commit failed: ${(err as Error).message}. Your edits are kept.` });
    } finally {
      setCommitting(false);
    }
  }

  function discard() {
    if (!window.confirm(`Discard all ${edits.length} pending edit${edits.length === 1 ? '' : 's'}?`)) return;
    setEdits([]);
    setCheck(null);
    setReviewOpen(false);
    setNotice(null);
  }

  function reload() {
    setCheck(null);
    setNotice(null);
    router.refresh();
  }

  function applyFilter(e: FormEvent) {
    e.preventDefault();
    const t = filter.trim();
    router.push(t ? `${pathname}?q=${encodeURIComponent(t)}` : pathname);
  }

  const pageHref = (p: number) => {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (p > 1) params.set('page', String(p));
    const s = params.toString();
    return s ? `${pathname}?${s}` : pathname;
  };


  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <Link href={zoneHref(zone.name, 'history')} className={linkClass}>
          History
        </Link>
        <Link href={zoneHref(zone.name, 'export')} className={linkClass}>
          Export
        </Link>
        {editable && (
          <Link href={zoneHref(zone.name, 'import')} className={linkClass}>
            Import
          </Link>
        )}
        {canWrite && (
          <div className="ml-auto">
            <WorkerActions zone={zone.name} kind={zone.kind} />
          </div>
        )}
      </div>

      {!canWrite && (
        <p className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700">You can view this zone but not edit it.</p>
      )}
      {zone.kind === 'secondary' && (
        <p className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700">
          This is a secondary zone: its records are copied by zone transfer from its primaries ({zone.primaries.join(', ') || 'none set'}), so they are
          read-only here. Edit them on the primary.
        </p>
      )}

      {editable && (dirty || notice) && (
        <PendingPanel
          zone={zone.name}
          edits={edits}
          problems={problems}
          check={check}
          checking={checking}
          committing={committing}
          comment={comment}
          commentRequired={requireComment}
          commentErrors={commentErrors}
          reviewOpen={reviewOpen}
          notice={notice}
          onComment={setComment}
          onRemove={removeEdit}
          onReview={() => setReviewOpen((o) => !o)}
          onCommit={commit}
          onDiscard={discard}
          onReload={reload}
        />
      )}

      <section aria-labelledby="records-heading" className="space-y-2">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="records-heading" className="text-base font-semibold">
            Records
          </h2>
          <span className="text-xs text-zinc-500">
            {recordCount === 1 ? '1 record' : `${recordCount} records`}
            {q ? ` · ${rrsetCount} record set${rrsetCount === 1 ? '' : 's'} match “${q}”` : ''}
          </span>
          {/* On a phone the filter takes a row of its own below the title and Add record. */}
          <form role="search" onSubmit={applyFilter} className="order-last flex w-full items-center gap-2 sm:order-none sm:ml-auto sm:w-auto">
            <label htmlFor="record-filter" className="sr-only">
              Filter records
            </label>
            <input
              id="record-filter"
              type="search"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder="Filter by name, type or content"
              autoCapitalize="none"
              spellCheck={false}
              className={`${inputBase} min-w-0 flex-1 border-zinc-300 sm:w-64 sm:flex-none`}
            />
            <button type="submit" className={buttonSecondary}>
              Filter
            </button>
          </form>
          {editable && (
            <button type="button" onClick={() => setForm({ mode: 'add' })} className={`${buttonPrimary} ml-auto sm:ml-0`}>
              Add record
            </button>
          )}
        </div>

        {editable && form?.mode === 'add' && (
          <RecordForm
            zone={zone.name}
            ttlFor={ttlFor}
            onCancel={() => setForm(null)}
            onSubmit={(record) => {
              queue({ kind: 'add', record });
              setForm(null);
            }}
          />
        )}
        {editable && form?.mode === 'soa' && (
          <SoaForm
            zone={zone.name}
            current={zone.soa}
            onCancel={() => setForm(null)}
            onSubmit={(to) => {
              // One SOA edit at a time: a second one replaces the first, from the stored values.
              setEdits((old) => [...old.filter((e) => e.kind !== 'soa'), { kind: 'soa', from: zone.soa, to }]);
              setNotice(null);
              setForm(null);
            }}
          />
        )}

        <RRsetTable
          zone={zone.name}
          soaRecord={soaRecord}
          rrsets={rrsets}
          editable={editable}
          pendingByKey={pendingByKey}
          editing={form?.mode === 'edit' ? form.record : null}
          onEdit={(record) => setForm({ mode: 'edit', record })}
          onEditSoa={() => setForm({ mode: 'soa' })}
          onDelete={(record) => queue({ kind: 'delete', record })}
          onUndo={removeEdit}
          renderEditForm={(record) => (
            <RecordForm
              key={recordKey(record)}
              zone={zone.name}
              initial={record}
              ttlFor={ttlFor}
              onCancel={() => setForm(null)}
              onSubmit={(to) => {
                if (recordKey(to) !== recordKey(record) || to.ttl !== record.ttl) queue({ kind: 'change', from: record, to });
                setForm(null);
              }}
            />
          )}
        />
        {rrsets.length === 0 && !soaRecord && (
          <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">
            {q ? `No records match “${q}”.` : zone.kind === 'secondary' ? 'No records yet: this secondary zone fills in at its first transfer from its primaries.' : 'No records yet.'}
          </p>
        )}

        {pageCount > 1 && (
          <nav aria-label="Record pages" className="flex flex-wrap items-center gap-3 text-sm">
            {page > 1 ? (
              <Link href={pageHref(page - 1)} className={linkClass} rel="prev">
                ← Previous
              </Link>
            ) : (
              <span className="text-zinc-400">← Previous</span>
            )}
            <span className="text-zinc-600">
              Page {page} of {pageCount} ({rrsetCount} record sets)
            </span>
            {page < pageCount ? (
              <Link href={pageHref(page + 1)} className={linkClass} rel="next">
                Next →
              </Link>
            ) : (
              <span className="text-zinc-400">Next →</span>
            )}
          </nav>
        )}
      </section>
    </div>
  );
}

function RRsetTable({
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
  pendingByKey: Map<string, { kind: 'delete' | 'change'; index: number }>;
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
                          {pending ? (
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
