// Helpers for list pages whose state (search, filter, sort, page) lives in the URL.

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
