'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import type { RR } from '@/lib/dns/types';
import { commitEditsAction, type EditorResult } from '@/lib/zones/actions';
import { requestChangesAction } from '@/lib/requests/actions';
import { editProblem, queueProblems, type PendingEdit, type SoaEdit } from '@/lib/zones/edits';
import { recordKey } from '@/lib/zones/validate';
import { zoneHref } from '@/lib/zones/zone-urls';
import { Pager } from '../pager';
import { buttonPrimary, linkClass } from '../styles';
import { PendingPanel, type PanelProblem } from './pending-panel';
import { RecordFilter } from './record-filter';
import { RecordForm } from './record-form';
import { RecordsTable, type EditorRRset } from './records-table';
import { SoaForm } from './soa-form';
import { useEditCheck } from './use-edit-check';
import { useEditQueue } from './use-edit-queue';
import { useLeaveGuard } from './use-leave-guard';
import { WorkerActions } from './worker-actions';

export interface EditorZone {
  name: string;
  kind: 'primary' | 'secondary';
  serial: number;
  defaultTtl: number;
  soa: SoaEdit;
  primaries: string[];
}

type FormState = { mode: 'add' } | { mode: 'edit'; record: RR } | { mode: 'soa' } | null;

const LEAVE_QUESTION = 'You have pending edits that are not committed. Leave this page? They stay saved in this tab until you discard them.';

/**
 * The zone editor: the page's RRsets with edit controls, the pending-changes
 * queue (use-edit-queue.ts: kept in sessionStorage so a reload or the history
 * page's revert keeps it), the server's dry run of the zone as it would be
 * (use-edit-check.ts), and one commit. Leaving with pending edits asks first
 * (use-leave-guard.ts).
 */
export function ZoneEditor({
  zone,
  soaRecord,
  rrsets,
  canWrite,
  canRequest,
  requireComment,
  q,
  page,
  pageCount,
  rrsetCount,
  recordCount,
  dnssec,
}: {
  zone: EditorZone;
  soaRecord: RR | null;
  rrsets: EditorRRset[];
  canWrite: boolean;
  /** May ask for changes (a requester, or an editor whose change an approval rule holds). */
  canRequest: boolean;
  requireComment: boolean;
  q: string;
  page: number;
  pageCount: number;
  rrsetCount: number;
  /** Records in the whole zone, the SOA included. */
  recordCount: number;
  /** Whether the signer's records are listed (?dnssec=1), and how many the zone holds. */
  dnssec: { shown: boolean; count: number };
}) {
  const router = useRouter();
  const pathname = usePathname();
  // A requester edits the queue as an editor does; the queue then goes out as a change request (lib/requests).
  const editable = (canWrite || canRequest) && zone.kind === 'primary';
  const requestOnly = !canWrite;

  const queue = useEditQueue(zone.name);
  const { edits } = queue;
  const { check, checking, setCheck } = useEditCheck(zone.name, zone.serial, edits, editable);
  const dirty = edits.length > 0;
  useLeaveGuard(dirty, LEAVE_QUESTION);

  const [form, setForm] = useState<FormState>(null);
  const [committing, setCommitting] = useState(false);
  const [comment, setComment] = useState('');
  const [commentErrors, setCommentErrors] = useState<string[] | undefined>();
  const [reviewOpen, setReviewOpen] = useState(false);
  const [notice, setNotice] = useState<{ ok: boolean; text: string; href?: string } | null>(null);
  // Commit, or ask for a review: a requester always asks; an editor when the dry run says a rule holds the edits.
  const mode = requestOnly ? 'request' : check?.approval?.length ? 'approval' : 'commit';

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

  function add(e: PendingEdit) {
    setNotice(null);
    queue.add(e);
  }

  const ttlFor = (name: string, type: string) => {
    const set = rrsets.find((s) => s.name === name && s.type === type);
    return set?.records[0]?.ttl ?? zone.defaultTtl;
  };

  /**
   * Commits the queue with the PTRs the user ticked, or sends it as a change
   * request (a requester's, or one an approval rule holds; PTRs are not part of a request).
   */
  async function send(kind: 'commit' | 'request', ptrNames: string[] = []) {
    // A required comment is enforced by the server (the same message comes back), not only here.
    setCommentErrors(undefined);
    setCommitting(true);
    const what = kind === 'commit' ? 'commit' : 'request';
    try {
      const r: EditorResult & { requestId?: number } =
        kind === 'commit' ? await commitEditsAction(zone.name, edits, zone.serial, comment, ptrNames) : await requestChangesAction(zone.name, edits, zone.serial, comment);
      if (r.ok) {
        queue.clear();
        setComment('');
        setReviewOpen(false);
        setCheck(null);
        setNotice({ ok: true, text: r.message ?? 'Done.', href: r.requestId === undefined ? undefined : `/requests/${r.requestId}` });
        router.refresh();
      } else {
        // A missing comment, or a database that could not store the change, says nothing about the edits: the last check stands.
        if (!r.commentErrors && !r.notStored) setCheck(r);
        setCommentErrors(r.commentErrors);
        setNotice({ ok: false, text: r.message ?? `The edits were not sent (${what}).` });
      }
    } catch (err) {
      setNotice({ ok: false, text: `The ${what} failed: ${(err as Error).message}. Your edits are kept.` });
    } finally {
      setCommitting(false);
    }
  }

  function discard() {
    if (!window.confirm(`Discard all ${edits.length} pending edit${edits.length === 1 ? '' : 's'}?`)) return;
    queue.clear();
    setCheck(null);
    setReviewOpen(false);
    setNotice(null);
  }

  function reload() {
    setCheck(null);
    setNotice(null);
    router.refresh();
  }

  const listHref = (p: number, showDnssec: boolean) => {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (p > 1) params.set('page', String(p));
    if (showDnssec) params.set('dnssec', '1');
    const s = params.toString();
    return s ? `${pathname}?${s}` : pathname;
  };
  const pageHref = (p: number) => listHref(p, dnssec.shown);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
        <Link href={zoneHref(zone.name, 'history')} className={linkClass}>
          History
        </Link>
        <Link href={zoneHref(zone.name, 'export')} className={linkClass}>
          Export
        </Link>
        {canWrite && zone.kind === 'primary' && (
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
        <p className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700">
          {editable
            ? 'You may request changes to this zone: your edits go to its editors for review, with your comment.'
            : 'You can view this zone but not edit it.'}
        </p>
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
          commentRequired={requireComment || mode !== 'commit'}
          mode={mode}
          commentErrors={commentErrors}
          reviewOpen={reviewOpen}
          notice={notice}
          onComment={setComment}
          onRemove={queue.remove}
          onReview={() => setReviewOpen((o) => !o)}
          onCommit={(ptrNames) => (mode === 'commit' ? send('commit', ptrNames) : send('request'))}
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
          <RecordFilter q={q} dnssec={dnssec.shown} />
          {dnssec.count > 0 && (
            <Link href={listHref(1, !dnssec.shown)} className={`${linkClass} text-xs`} data-testid="dnssec-toggle">
              {dnssec.shown ? 'Hide DNSSEC records' : `Show DNSSEC records (${dnssec.count})`}
            </Link>
          )}
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
              add({ kind: 'add', record });
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
              queue.setSoa(zone.soa, to);
              setNotice(null);
              setForm(null);
            }}
          />
        )}

        <RecordsTable
          zone={zone.name}
          soaRecord={soaRecord}
          rrsets={rrsets}
          editable={editable}
          pendingByKey={queue.pendingByKey}
          editing={form?.mode === 'edit' ? form.record : null}
          onEdit={(record) => setForm({ mode: 'edit', record })}
          onEditSoa={() => setForm({ mode: 'soa' })}
          onDelete={(record) => add({ kind: 'delete', record })}
          onUndo={queue.remove}
          renderEditForm={(record) => (
            <RecordForm
              key={recordKey(record)}
              zone={zone.name}
              initial={record}
              ttlFor={ttlFor}
              onCancel={() => setForm(null)}
              onSubmit={(to) => {
                if (recordKey(to) !== recordKey(record) || to.ttl !== record.ttl) add({ kind: 'change', from: record, to });
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

        <Pager page={page} pages={pageCount} label="Record pages" detail={`${rrsetCount} record sets`} href={pageHref} />
      </section>
    </div>
  );
}
