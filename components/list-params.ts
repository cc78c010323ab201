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
