// Where to send a user after sign-in (`/login?next=…`): only a path on this
// site. Anything a browser could read as another origin — `//host`,
// `/.//host` (dot segments collapse to `//host`), `/\host`, a scheme, the
// same tricks percent-encoded, control characters — falls back to the
// caller's default. Pure: the login page, the login action and the tests use it.

/** A base that can never be ours, to resolve the candidate against. */
const PROBE_ORIGIN = 'http://return-path.invalid';
const MAX_LENGTH = 2048;

/** The percent-decoded text, decoded until stable (at most a few rounds); null when it does not decode. */
function fullyDecoded(text: string): string | null {
  let current = text;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) return current;
    current = next;
  }
  return null;
}

/** Looks like the start of another origin once a browser or a router has normalised it. */
function leavesSite(path: string): boolean {
  return path.startsWith('//') || path.startsWith('/\\') || path.includes('\\') || /[\u0000-\u001f\u007f]/.test(path);
}

/** The URL `path` resolves to on a probe origin, when it is a plain path that stays there. */
function onSite(path: string): URL | null {
  if (!path.startsWith('/') || leavesSite(path)) return null;
  let url: URL;
  try {
    url = new URL(path, PROBE_ORIGIN);
  } catch {
    return null;
  }
  // Dot segments may have turned `/.//x` into `//x`.
  return url.origin === PROBE_ORIGIN && !leavesSite(url.pathname) ? url : null;
}

/**
 * `path` normalised (dot segments resolved) if it is a path on this site
 * other than the login page itself, otherwise null. The path must stay on the
 * site both as written and once percent-decoded (a router may decode
 * `/%2F%2Fx` or `/.%2F/x` before it resolves them).
 */
export function safeReturnPath(path: unknown): string | null {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_LENGTH) return null;
  const url = onSite(path);
  if (!url) return null;
  const decoded = fullyDecoded(url.pathname);
  if (decoded === null || !onSite(decoded)) return null;
  if (url.pathname === '/login' || url.pathname.startsWith('/login/')) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

export function loginPath(returnTo?: string): string {
  const next = safeReturnPath(returnTo);
  return next ? `/login?next=${encodeURIComponent(next)}` : '/login';
}
