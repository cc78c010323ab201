'use client';
import { useEffect, useRef, useState } from 'react';
import { relativeName } from '@/lib/dns/names';
import type { ImportItem } from '@/lib/zones/import-diff';
import { buttonSecondary } from '../styles';

/** Rows rendered at first and per "show more": a 20 000-record import stays responsive. */
export const ROWS_PER_STEP = 100;

const VERB: Record<ImportItem['kind'], string> = { add: 'Add', delete: 'Delete', change: 'Change' };

/** What a screen reader hears for the item's checkbox, and what tests find it by. */
export function itemLabel(zone: string, item: ImportItem): string {
  if (item.kind !== 'change') {
    const r = item.record;
    return `${VERB[item.kind]} ${relativeName(r.name, zone)} ${r.type} ${r.content}`;
  }
  const { from, to } = item;
  const what = from.content === to.content ? `TTL ${from.ttl} → ${to.ttl}` : `${from.content} → ${to.content}`;
  return `Change ${relativeName(from.name, zone)} ${from.type} ${what}`;
}

/** A checkbox that can show "some" (the DOM property has no attribute). */
function TriStateCheckbox({ checked, mixed, onChange, label, id }: { checked: boolean; mixed: boolean; onChange: () => void; label: string; id: string }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = mixed;
  }, [mixed]);
  return (
    <span className="inline-flex items-center gap-2">
      <input ref={ref} id={id} type="checkbox" checked={checked} onChange={onChange} aria-checked={mixed ? 'mixed' : checked} className="size-4 accent-blue-700" />
      <label htmlFor={id} className="text-xs font-medium text-zinc-700">
        {label}
      </label>
    </span>
  );
}

const tone: Record<ImportItem['kind'], string> = {
  add: 'border-green-200',
  change: 'border-amber-200',
  delete: 'border-red-200',
};

/**
 * One section of the preview (additions, changes or deletions): a checkbox
 * per item, a select-all for the section, and rows rendered in steps.
 */
export function ImportSection({
  zone,
  kind,
  title,
  items,
  excluded,
  onToggle,
  onToggleAll,
}: {
  zone: string;
  kind: ImportItem['kind'];
  title: string;
  items: ImportItem[];
  excluded: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (ids: string[], include: boolean) => void;
}) {
  const [shown, setShown] = useState(ROWS_PER_STEP);
  const headingId = `import-${kind}-heading`;
  if (items.length === 0) return null;
  const selected = items.reduce((n, i) => n + (excluded.has(i.id) ? 0 : 1), 0);
  const all = selected === items.length;
  const rows = items.slice(0, shown);
  return (
    <section aria-labelledby={headingId} className={`space-y-2 rounded-md border bg-white p-3 shadow-sm ${tone[kind]}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={headingId} className="text-sm font-semibold">
          {title} <span className="font-normal text-zinc-500">({items.length})</span>
        </h3>
        <TriStateCheckbox
          id={`import-${kind}-all`}
          checked={all}
          mixed={selected > 0 && !all}
          onChange={() => onToggleAll(items.map((i) => i.id), !all)}
          label={`Select all ${items.length} (${selected} selected)`}
        />
      </div>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm tabular-nums">
          <thead className="border-b border-zinc-200 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600">
            <tr>
              <th scope="col" className="w-8 px-2 py-1">
                <span className="sr-only">Apply</span>
              </th>
              <th scope="col" className="w-1/5 px-2 py-1">
                Name
              </th>
              <th scope="col" className="w-24 px-2 py-1 text-right">
                TTL
              </th>
              <th scope="col" className="w-16 px-2 py-1">
                Type
              </th>
              <th scope="col" className="px-2 py-1">
                Content
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((item, index) => {
              const r = item.kind === 'change' ? item.to : item.record;
              const from = item.kind === 'change' ? item.from : null;
              const checkboxId = `import-item-${kind}-${index}`;
              return (
                <tr key={item.id} className="border-t border-zinc-100 align-top hover:bg-zinc-50">
                  <td className="px-2 py-1">
                    <input
                      id={checkboxId}
                      type="checkbox"
                      checked={!excluded.has(item.id)}
                      onChange={() => onToggle(item.id)}
                      aria-label={itemLabel(zone, item)}
                      className="size-4 accent-blue-700"
                    />
                  </td>
                  <td className="px-2 py-1 font-mono" title={r.name}>
                    {relativeName(r.name, zone)}
                  </td>
                  <td className="px-2 py-1 text-right font-mono text-zinc-600">
                    {from && from.ttl !== r.ttl ? (
                      <>
                        <del className="text-red-700">{from.ttl}</del> → <ins className="text-green-800 no-underline">{r.ttl}</ins>
                      </>
                    ) : (
                      r.ttl
                    )}
                  </td>
                  <td className="px-2 py-1 font-mono font-semibold">{r.type}</td>
                  <td className="break-all px-2 py-1 font-mono">
                    {from && from.content !== r.content ? (
                      <>
                        <del className="text-red-700">{from.content}</del> → <ins className="text-green-800 no-underline">{r.content}</ins>
                      </>
                    ) : (
                      <span className={kind === 'delete' ? 'text-red-800 line-through' : ''}>{r.content}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {shown < items.length && (
        <div className="flex items-center gap-3 text-xs text-zinc-600">
          <span>
            Showing {shown} of {items.length}.
          </span>
          <button type="button" className={`${buttonSecondary} py-1 text-xs`} onClick={() => setShown((n) => n + 5 * ROWS_PER_STEP)}>
            Show {Math.min(5 * ROWS_PER_STEP, items.length - shown)} more
          </button>
        </div>
      )}
    </section>
  );
}
