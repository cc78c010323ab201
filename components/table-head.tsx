// The header row of the dashboard's tables: column names, numbers right-aligned.
export function TableHead({ columns, className = 'text-xs' }: { columns: readonly (string | { label: string; right: true })[]; className?: string }) {
  return (
    <thead className={`border-b border-zinc-200 bg-zinc-50 text-left font-semibold uppercase tracking-wide text-zinc-600 ${className}`}>
      <tr>
        {columns.map((c) =>
          typeof c === 'string' ? (
            <th key={c} scope="col" className="px-3 py-2">
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col" className="px-3 py-2 text-right">
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
