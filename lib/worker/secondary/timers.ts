// The refresh timers of a secondary zone (RFC 1035 §3.3.13, §4.3.5): when to
// ask a primary for its SOA again, how long to wait after a failed refresh,
// and when an unrefreshed copy expires. Pure arithmetic; the engine owns the
// clocks. The limits (RefreshLimits, read by lib/config/env.ts from
// ZK_REFRESH_MIN and ZK_REFRESH_MAX) bound the refresh and retry intervals a
// primary's SOA may ask for, the way BIND's min/max-refresh-time do;
// ZK_RETRY_MAX bounds how far apart the retries after failures may grow.
import type { RefreshLimits } from '../../config/env';

/**
 * A zone never transferred has nothing to serve, so its first transfer is
 * retried sooner than the SOA retry: from this many seconds, doubling.
 */
export const FIRST_TRANSFER_RETRY_SECONDS = 5;

/** The SOA's timer fields, in seconds. */
export interface SoaTimers {
  refresh: number;
  retry: number;
  expire: number;
}

export interface EffectiveTimers {
  refreshMs: number;
  retryMs: number;
  expireMs: number;
  /** The retry backoff never grows beyond this (ZK_RETRY_MAX). */
  retryMaxMs: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/**
 * Refresh and retry from the SOA, each held within the limits (the retry also
 * within the retry cap). Expire is the SOA's own, but never shorter than one
 * refresh plus one retry: a shorter one would expire the copy before a failed
 * refresh could be retried even once.
 */
export function effectiveTimers(soa: SoaTimers, limits: RefreshLimits): EffectiveTimers {
  const refresh = clamp(soa.refresh, limits.minSeconds, limits.maxSeconds);
  const retry = clamp(soa.retry, limits.minSeconds, Math.min(limits.maxSeconds, limits.retryMaxSeconds));
  const expire = Math.max(soa.expire, refresh + retry);
  return { refreshMs: refresh * 1000, retryMs: retry * 1000, expireMs: expire * 1000, retryMaxMs: limits.retryMaxSeconds * 1000 };
}

/**
 * The wait after the `failures`-th refresh failure in a row (1, 2, …): the
 * retry interval, doubling each time, never beyond the refresh interval nor
 * the retry cap (a retry longer than the refresh is kept). For a zone never
 * transferred the doubling starts at FIRST_TRANSFER_RETRY_SECONDS (or the
 * retry interval when that is shorter).
 */
export function retryDelayMs(t: EffectiveTimers, failures: number, neverTransferred: boolean): number {
  const n = Math.max(1, Math.floor(failures));
  const base = neverTransferred ? Math.min(FIRST_TRANSFER_RETRY_SECONDS * 1000, t.retryMs) : t.retryMs;
  const cap = Math.max(Math.min(t.refreshMs, t.retryMaxMs), t.retryMs);
  // 2^30 already exceeds any cap; stop doubling before the number grows silly.
  return Math.min(base * 2 ** Math.min(n - 1, 30), cap);
}

/** After a successful refresh (current, or transferred) at `now`: next check and expiry. */
export function afterSuccess(now: number, t: EffectiveTimers): { nextRefreshAt: number; expiresAt: number } {
  return { nextRefreshAt: now + t.refreshMs, expiresAt: now + t.expireMs };
}

/** After a failed refresh at `now`: the next attempt. The expiry stays where the last success put it. */
export function afterFailure(now: number, t: EffectiveTimers, failures: number, neverTransferred: boolean): { nextRefreshAt: number } {
  return { nextRefreshAt: now + retryDelayMs(t, failures, neverTransferred) };
}

/** True when a copy last confirmed current with this expiry can no longer be served at `now`. */
export function isExpired(expiresAt: number | null, now: number): boolean {
  return expiresAt !== null && now >= expiresAt;
}
