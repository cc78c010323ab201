import Link from 'next/link';
import { describedBy, FieldErrors } from '../field-errors';
import { buttonPrimary, buttonSecondary, hintClass, inputClass, labelClass } from '../styles';

export interface HistoryFilterValues {
  q: string;
  from: string;
  to: string;
  /** The activity page's filters across zones: shown when present. */
  user?: string;
  zone?: string;
}

/**
 * Search by comment and date range (and, on the activity page, by user and
 * zone). A plain GET form: the filter lives in the URL (shareable, back button
 * works) and needs no JavaScript.
 */
export function HistoryFilters({
  action,
  values,
  errors,
}: {
  action: string;
  values: HistoryFilterValues;
  errors: { from?: string[]; to?: string[] };
}) {
  const active = values.q !== '' || values.from !== '' || values.to !== '' || Boolean(values.user) || Boolean(values.zone);
  return (
    <form method="get" action={action} role="search" aria-label="Filter changes" className="flex flex-wrap items-end gap-3 rounded-md border border-zinc-200 bg-white p-3 shadow-sm">
      {values.user !== undefined && (
        <div className="min-w-36">
          <label htmlFor="history-user" className={labelClass}>
            User
          </label>
          <input id="history-user" name="user" type="text" defaultValue={values.user} autoCapitalize="none" spellCheck={false} className={`mt-1 ${inputClass(false)}`} />
        </div>
      )}
      {values.zone !== undefined && (
        <div className="min-w-48">
          <label htmlFor="history-zone" className={labelClass}>
            Zone
          </label>
          <input id="history-zone" name="zone" type="text" defaultValue={values.zone} autoCapitalize="none" spellCheck={false} className={`mt-1 font-mono ${inputClass(false)}`} />
        </div>
      )}
      <div className="min-w-48 flex-1">
        <label htmlFor="history-q" className={labelClass}>
          Comment contains
        </label>
        <input id="history-q" name="q" type="search" defaultValue={values.q} className={`mt-1 ${inputClass(false)}`} />
      </div>
      <div>
        <label htmlFor="history-from" className={labelClass}>
          From
        </label>
        <input
          id="history-from"
          name="from"
          type="date"
          defaultValue={values.from}
          aria-invalid={Boolean(errors.from?.length) || undefined}
          aria-describedby={describedBy('history-dates-hint', 'history-from-error', errors.from)}
          className={`mt-1 font-mono ${inputClass(Boolean(errors.from?.length))}`}
        />
        <FieldErrors id="history-from-error" errors={errors.from} />
      </div>
      <div>
        <label htmlFor="history-to" className={labelClass}>
          To
        </label>
        <input
          id="history-to"
          name="to"
          type="date"
          defaultValue={values.to}
          aria-invalid={Boolean(errors.to?.length) || undefined}
          aria-describedby={describedBy('history-dates-hint', 'history-to-error', errors.to)}
          className={`mt-1 font-mono ${inputClass(Boolean(errors.to?.length))}`}
        />
        <FieldErrors id="history-to-error" errors={errors.to} />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonPrimary}>
          Search
        </button>
        {active && (
          <Link href={action} className={buttonSecondary}>
            Clear
          </Link>
        )}
      </div>
      <p id="history-dates-hint" className={`${hintClass} basis-full`}>
        Dates are whole days in UTC, both included.
      </p>
    </form>
  );
}
