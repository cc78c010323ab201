import Link from 'next/link';

/** Previous / next links and "page N of M" for a server-paginated list; `detail` follows in brackets ("121 record sets"). */
export function Pager({ page, pages, href, label, detail }: { page: number; pages: number; href: (page: number) => string; label: string; detail?: string }) {
  if (pages <= 1) return null;
  const cls = 'rounded-md border border-zinc-300 bg-white px-2.5 py-1 text-sm font-medium text-zinc-800 hover:bg-zinc-50';
  const off = 'rounded-md border border-zinc-200 px-2.5 py-1 text-sm text-zinc-400';
  return (
    <nav aria-label={label} className="flex flex-wrap items-center gap-2">
      {page > 1 ? (
        <Link href={href(page - 1)} className={cls} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span className={off} aria-disabled="true">
          ← Previous
        </span>
      )}
      <span className="text-sm text-zinc-600">
        Page {page} of {pages}
        {detail && ` (${detail})`}
      </span>
      {page < pages ? (
        <Link href={href(page + 1)} className={cls} rel="next">
          Next →
        </Link>
      ) : (
        <span className={off} aria-disabled="true">
          Next →
        </span>
      )}
    </nav>
  );
}
