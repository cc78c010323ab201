// The building blocks the settings pages share (app/(app)/settings/*): a
// headed section, a form in its card, and a list of items as a table with a
// column for each item's actions, or a note when there are none.
import type { ReactNode } from 'react';
import type { FormState } from '@/lib/forms';
import { tableBox } from '../styles';
import { InlineActionForm } from './inline-action-form';

/** A section under its own heading, with an optional line saying what it is for. */
export function SettingsSection({ id, title, intro, className = '', children }: { id: string; title: string; intro?: ReactNode; className?: string; children: ReactNode }) {
  const heading = (
    <h2 id={id} className="text-base font-semibold">
      {title}
    </h2>
  );
  return (
    <section aria-labelledby={id} className={`space-y-3 ${className}`}>
      {intro ? (
        <div>
          {heading}
          <p className="mt-1 text-sm text-zinc-600">{intro}</p>
        </div>
      ) : (
        heading
      )}
      {children}
    </section>
  );
}

/** A form's white card. */
export function FormCard({ children }: { children: ReactNode }) {
  return <div className="rounded-md border border-zinc-200 bg-white p-5 shadow-sm">{children}</div>;
}

/** The section holding a page's form for a new item. */
export function FormSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <SettingsSection id={id} title={title}>
      <FormCard>{children}</FormCard>
    </SettingsSection>
  );
}

/** A row's last cell: its Delete button, named for screen readers by `what`, asking `confirm` first when given. */
export function DeleteCell(props: {
  action: (prev: FormState<string>, formData: FormData) => Promise<FormState<string>>;
  fields: Record<string, string>;
  what: string;
  confirm?: string;
}) {
  return (
    <td className="px-3 py-2 text-right">
      <InlineActionForm action={props.action} fields={props.fields} label="Delete" accessibleName={`Delete ${props.what}`} danger confirm={props.confirm} />
    </td>
  );
}

/** Items as table rows under `columns` (plus an unlabelled actions column), or `empty` when there are none. */
export function ItemTable({ caption, columns, count, empty, children }: { caption: string; columns: readonly string[]; count: number; empty: string; children: ReactNode }) {
  if (count === 0) {
    return <p className="rounded-md border border-dashed border-zinc-300 bg-white px-4 py-6 text-center text-sm text-zinc-600">{empty}</p>;
  }
  return (
    <div className={tableBox}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" className="px-3 py-2 font-medium">
                {c}
              </th>
            ))}
            <th scope="col" className="px-3 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">{children}</tbody>
      </table>
    </div>
  );
}
