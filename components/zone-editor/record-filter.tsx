'use client';
// The zone page's record filter: the text lives in the URL (?q=), so a
// filtered page can be linked and survives a reload; submitting goes to page 1
// and keeps whether DNSSEC records are listed (?dnssec=1).
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { buttonSecondary, inputBase } from '../styles';

export function RecordFilter({ q, dnssec }: { q: string; dnssec: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const [filter, setFilter] = useState(q);
  useEffect(() => setFilter(q), [q]);

  function apply(e: FormEvent) {
    e.preventDefault();
    const params = new URLSearchParams();
    const t = filter.trim();
    if (t) params.set('q', t);
    if (dnssec) params.set('dnssec', '1');
    const s = params.toString();
    router.push(s ? `${pathname}?${s}` : pathname);
  }

  return (
    // On a phone the filter takes a row of its own below the title and Add record.
    <form role="search" onSubmit={apply} className="order-last flex w-full items-center gap-2 sm:order-none sm:ml-auto sm:w-auto">
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
  );
}
