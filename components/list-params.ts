// Reading what pages get from the URL: route parameters, and the state of
// list pages (search, filter, sort, page), which lives in the query string.

/** A dynamic route segment decoded, or null when its %-escapes are broken (the page answers 404). */
export function decodeParam(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

type Raw = Record<string, string | string[] | undefined>;

/** The first value of a search parameter, trimmed; '' when absent. */
export function param(params: Raw, key: string): string {
  const v = params[key];
  return ((Array.isArray(v) ? v[0] : v) ?? '').trim();
}

/** A page number from the URL: a positive whole number, else 1. */
export function pageParam(params: Raw): number {
  const n = Number(param(params, 'page'));
  return Number.isSafeInteger(n) && n > 0 ? n : 1;
}

/** A `YYYY-MM-DD` from a date input as the start of that UTC day; null when it is not a real date. */
function utcDay(text: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? null : d;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The `from` and `to` days of a changelog filter (whole UTC days, both
 * included) as instants: `to` is the start of the day after. A bad date or a
 * range that ends before it starts comes back as field errors and no range.
 */
export function dayRange(fromText: string, toText: string): { from?: Date; to?: Date; errors: { from?: string[]; to?: string[] } } {
  const errors: { from?: string[]; to?: string[] } = {};
  const from = fromText ? utcDay(fromText) : null;
  const to = toText ? utcDay(toText) : null;
  if (fromText && !from) errors.from = ['Enter a date as YYYY-MM-DD'];
  if (toText && !to) errors.to = ['Enter a date as YYYY-MM-DD'];
  if (from && to && to < from) errors.to = ['The end date is before the start date'];
  if (errors.from || errors.to) return { errors };
  return { from: from ?? undefined, to: to ? new Date(to.getTime() + DAY_MS) : undefined, errors };
}

/** `path?…` with the given parameters, leaving out empty ones and page 1. */
export function hrefWith(path: string, values: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === '' || (k === 'page' && Number(v) === 1)) continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}
