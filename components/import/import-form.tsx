'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { ImportPreview } from '@/lib/zones/import-preview';
import type { ImportCommitState, ImportPreviewState } from '@/lib/zones/import-upload';
import { SOA_ITEM_ID } from '@/lib/zones/import-diff';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from '../styles';
import { ImportSection } from './import-section';
import { zoneHref } from '@/lib/zones/zone-urls';

const errorBox = 'rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800';

/**
 * Posts one step of the import to the upload route (a zone file is too big
 * for a server action) and returns the form state it answers; a refusal
 * (session ended, no right, too large) comes back as the state's message.
 */
async function postImport<T extends { message?: string }>(zone: string, fields: Record<string, string>): Promise<T> {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  let res: Response;
  try {
    res = await fetch(zoneHref(zone, 'import/upload'), { method: 'POST', body });
  } catch {
    return { message: 'The server could not be reached; check the connection and try again.' } as T;
  }
  const answer = (await res.json().catch(() => null)) as (T & { error?: string }) | null;
  if (!res.ok || !answer) return { message: answer?.error ?? `The server answered ${res.status}; nothing was applied.` } as T;
  return answer;
}

/**
 * Import a zone file into an existing primary zone: paste or upload, preview
 * the difference, uncheck what should not change, commit as one change.
 * The file text is kept here between preview and commit; the server
 * recomputes the diff from it at commit time.
 */
export function ImportForm({ zone, zoneHref }: { zone: string; zoneHref: string }) {
  const [previewState, setPreviewState] = useState<ImportPreviewState>({});
  const [previewPending, setPreviewPending] = useState(false);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [reading, setReading] = useState(false);
  // The text the current preview was made from, and a counter that resets the review for each new preview.
  const [previewed, setPreviewed] = useState({ text: '', round: 0 });
  const textErrors = previewState.fieldErrors?.text;
  const parseErrors = previewState.preview?.errors ?? [];

  async function onPreview(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setReading(true);
    let content = text;
    try {
      // An uploaded file wins over the text box; it is read here so the commit can send the same text.
      if (file) content = await file.text();
    } finally {
      setReading(false);
    }
    setPreviewed((p) => ({ text: content, round: p.round + 1 }));
    setPreviewPending(true);
    try {
      setPreviewState(await postImport<ImportPreviewState>(zone, { step: 'preview', text: content }));
    } finally {
      setPreviewPending(false);
    }
  }

  const busy = previewPending || reading;
  const ready = previewState.preview && parseErrors.length === 0 && !previewPending;
  return (
    <div className="space-y-6">
      <form onSubmit={onPreview} noValidate className="space-y-4 rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
        <div aria-live="polite" aria-atomic="true">
          {previewState.message && (
            <div className={errorBox} id="import-file-error">
              <p className="font-medium">{previewState.message}</p>
              {parseErrors.length > 0 && (
                <ol className="mt-1 max-h-64 space-y-0.5 overflow-y-auto font-mono text-xs" aria-label="Errors in the zone file">
                  {parseErrors.map((e, i) => (
                    <li key={`${e.line}-${i}`}>
                      Line {e.line}: {e.message}
                    </li>
                  ))}
                </ol>
              )}
            </div>
          )}
        </div>
        <div>
          <label htmlFor="import-text" className={labelClass}>
            Zone file
          </label>
          <textarea
            id="import-text"
            name="text"
            rows={12}
            spellCheck={false}
            autoCapitalize="none"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={'$TTL 3600\n@    IN SOA ns1 hostmaster 1 10800 3600 1209600 3600\n@    IN NS  ns1\nwww  IN A   192.0.2.1'}
            aria-invalid={Boolean(textErrors?.length || parseErrors.length) || undefined}
            aria-describedby={describedBy(
              'import-text-hint',
              parseErrors.length ? 'import-file-error' : 'import-text-error',
              parseErrors.length ? [''] : textErrors,
            )}
            className={`mt-1 font-mono text-xs ${inputClass(Boolean(textErrors?.length || parseErrors.length))}`}
          />
          <p id="import-text-hint" className={hintClass}>
            BIND master-file syntax; names without a trailing dot are relative to the zone. Records of the zone that are not
            in the file are listed for deletion.
          </p>
          <FieldErrors id="import-text-error" errors={textErrors} />
        </div>
        <div>
          <label htmlFor="import-file" className={labelClass}>
            Or upload a file
          </label>
          <input
            id="import-file"
            type="file"
            accept=".zone,.txt,.db,text/plain"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            aria-describedby="import-file-hint"
            className="mt-1 block text-sm text-zinc-700 file:mr-3 file:rounded-md file:border file:border-zinc-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium"
          />
          <p id="import-file-hint" className={hintClass}>
            When a file is chosen it is used instead of the text above.
          </p>
        </div>
        <div className="flex items-center gap-3 border-t border-zinc-200 pt-4">
          <button type="submit" disabled={busy} className={buttonPrimary}>
            {busy ? 'Reading…' : 'Preview import'}
          </button>
          <Link href={zoneHref} className={buttonSecondary}>
            Cancel
          </Link>
        </div>
      </form>

      {ready && <ImportReview key={previewed.round} zone={zone} preview={previewState.preview!} text={previewed.text} />}
    </div>
  );
}

/** The preview with its checkboxes and the commit form; remounted for every new preview. */
function ImportReview({ zone, preview, text }: { zone: string; preview: ImportPreview; text: string }) {
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [comment, setComment] = useState('Zone file import');
  const [state, setState] = useState<ImportCommitState>({});
  const [pending, setPending] = useState(false);
  const router = useRouter();
  const { adds, changes, deletes, unchanged } = preview.diff;
  const total = adds.length + changes.length + deletes.length + (preview.soa.length ? 1 : 0);
  const selected = total - excluded.size;
  const commentErrors = state.fieldErrors?.comment;

  const toggle = (id: string) =>
    setExcluded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleAll = (ids: string[], include: boolean) =>
    setExcluded((prev) => {
      const next = new Set(prev);
      for (const id of ids) {
        if (include) next.delete(id);
        else next.add(id);
      }
      return next;
    });
  const allIds = () => [...adds, ...changes, ...deletes].map((i) => i.id).concat(preview.soa.length ? [SOA_ITEM_ID] : []);

  async function onCommit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    const answer = await postImport<ImportCommitState>(zone, {
      step: 'commit',
      text,
      expectedSerial: String(preview.serial),
      comment,
      excluded: JSON.stringify([...excluded]),
    });
    if (answer.committed) {
      // The changelog shows the change just made; stay "pending" until it opens.
      router.push(zoneHref(answer.committed, 'history'));
      return;
    }
    setState(answer);
    setPending(false);
  }

  if (total === 0) {
    return (
      <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600" role="status">
        Nothing to import: the zone already holds exactly these {unchanged} records.
      </p>
    );
  }

  return (
    <section aria-labelledby="import-preview-heading" className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="import-preview-heading" className="text-base font-semibold">
          Preview
        </h2>
        <p className="text-sm text-zinc-600" data-testid="import-counts">
          {adds.length} to add, {changes.length} to change, {deletes.length} to delete, {unchanged} unchanged · against serial{' '}
          <span className="font-mono">{preview.serial}</span>
        </p>
      </div>
      <div className="flex items-center gap-2">
        <input
          id="import-select-all"
          type="checkbox"
          checked={excluded.size === 0}
          ref={(el) => {
            if (el) el.indeterminate = excluded.size > 0 && selected > 0;
          }}
          onChange={() => toggleAll(allIds(), excluded.size > 0)}
          className="size-4 accent-blue-700"
        />
        <label htmlFor="import-select-all" className="text-sm font-medium text-zinc-800">
          Select all ({selected} of {total} selected)
        </label>
      </div>

      {preview.warnings.map((w) => (
        <p key={w} role="status" className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          {w}
        </p>
      ))}

      {preview.ruleErrors.length > 0 && (
        <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p className="font-medium">With everything applied, the zone would break these rules; the commit will be refused unless the selection avoids them:</p>
          <ul className="mt-1 list-disc pl-5 text-xs">
            {preview.ruleErrors.slice(0, 20).map((e, i) => (
              <li key={i}>{e.message}</li>
            ))}
          </ul>
        </div>
      )}

      {preview.soa.length > 0 && (
        <section aria-labelledby="import-soa-heading" className="space-y-1 rounded-md border border-amber-200 bg-white p-3 shadow-sm">
          <div className="flex items-center gap-2">
            <input
              id="import-soa"
              type="checkbox"
              checked={!excluded.has(SOA_ITEM_ID)}
              onChange={() => toggle(SOA_ITEM_ID)}
              className="size-4 accent-blue-700"
            />
            <h3 id="import-soa-heading" className="text-sm font-semibold">
              <label htmlFor="import-soa">Apply the SOA changes</label>
            </h3>
          </div>
          <ul className="pl-6 font-mono text-xs text-zinc-700">
            {preview.soa.map((f) => (
              <li key={f.field}>
                {f.field}: <del className="text-red-700">{f.from}</del> → <ins className="text-green-800 no-underline">{f.to}</ins>
                {f.field === 'serial' && <span className="font-sans text-zinc-500"> (the file’s serial is ahead, so it is kept)</span>}
              </li>
            ))}
          </ul>
        </section>
      )}

      <ImportSection zone={zone} kind="add" title="Records to add" items={adds} excluded={excluded} onToggle={toggle} onToggleAll={toggleAll} />
      <ImportSection zone={zone} kind="change" title="Records to change" items={changes} excluded={excluded} onToggle={toggle} onToggleAll={toggleAll} />
      <ImportSection zone={zone} kind="delete" title="Records to delete" items={deletes} excluded={excluded} onToggle={toggle} onToggleAll={toggleAll} />

      <form onSubmit={onCommit} noValidate className="space-y-3 rounded-md border border-zinc-200 bg-white p-4 shadow-sm">
        <div aria-live="polite" aria-atomic="true">
          {state.message && (
            <div className={errorBox}>
              <p className="font-medium">{state.message}</p>
              {state.recordErrors && state.recordErrors.length > 0 && (
                <ul className="mt-1 max-h-48 space-y-0.5 overflow-y-auto text-xs">
                  {state.recordErrors.map((e, i) => (
                    <li key={i}>
                      {e.line !== undefined ? `Line ${e.line}: ` : e.record ? <span className="font-mono">{e.record}: </span> : null}
                      {e.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
        <div>
          <label htmlFor="import-comment" className={labelClass}>
            Comment
          </label>
          <input
            id="import-comment"
            name="comment"
            type="text"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            maxLength={500}
            aria-invalid={Boolean(commentErrors?.length) || undefined}
            aria-describedby={describedBy('import-comment-hint', 'import-comment-error', commentErrors)}
            className={`mt-1 ${inputClass(Boolean(commentErrors?.length))}`}
          />
          <p id="import-comment-hint" className={hintClass}>
            Shown in the zone’s history with this change.
          </p>
          <FieldErrors id="import-comment-error" errors={commentErrors} />
        </div>
        <button type="submit" disabled={pending || selected === 0} className={buttonPrimary}>
          {pending ? 'Committing…' : `Commit import (${selected} of ${total})`}
        </button>
      </form>
    </section>
  );
}
