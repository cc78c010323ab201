// The refresh timer arithmetic of secondary zones: clamping to the limits
// (read from the environment, lib/config/env.test.ts), the retry backoff and expiry.
import { describe, expect, it } from 'vitest';
import { DEFAULT_REFRESH_LIMITS } from '../../config/env';
import { afterFailure, afterSuccess, effectiveTimers, isExpired, retryDelayMs } from './timers';

const S = 1000;

describe('effectiveTimers', () => {
  const limits = { minSeconds: 60, maxSeconds: 3600, retryMaxSeconds: 3600 };
  it('takes refresh and retry from the SOA within the limits', () => {
    expect(effectiveTimers({ refresh: 900, retry: 300, expire: 604_800 }, limits)).toEqual({ refreshMs: 900 * S, retryMs: 300 * S, expireMs: 604_800 * S, retryMaxMs: 3600 * S });
  });
  it('holds the retry within the retry cap', () => {
    expect(effectiveTimers({ refresh: 7200, retry: 3600, expire: 604_800 }, DEFAULT_REFRESH_LIMITS).retryMs).toBe(300 * S);
  });
  it('raises a refresh or retry below the minimum and lowers one above the maximum', () => {
    const t = effectiveTimers({ refresh: 5, retry: 86_400, expire: 604_800 }, limits);
    expect(t.refreshMs).toBe(60 * S);
    expect(t.retryMs).toBe(3600 * S);
  });
  it('never lets the copy expire before one refresh and one retry have run', () => {
    expect(effectiveTimers({ refresh: 600, retry: 120, expire: 60 }, limits).expireMs).toBe(720 * S);
    // The clamped values count: a 1-second refresh under a 60-second minimum.
    expect(effectiveTimers({ refresh: 1, retry: 1, expire: 3 }, limits).expireMs).toBe(120 * S);
    expect(effectiveTimers({ refresh: 1, retry: 1, expire: 5 }, { minSeconds: 1, maxSeconds: 60, retryMaxSeconds: 60 }).expireMs).toBe(5 * S);
  });
});

describe('retry backoff', () => {
  // A retry cap as long as a day: the doubling is bounded by the refresh interval alone.
  const t = effectiveTimers({ refresh: 3600, retry: 600, expire: 604_800 }, { ...DEFAULT_REFRESH_LIMITS, retryMaxSeconds: 86_400 });
  it('doubles the retry interval with each failure, up to the refresh interval', () => {
    expect([1, 2, 3, 4, 5, 50].map((n) => retryDelayMs(t, n, false) / S)).toEqual([600, 1200, 2400, 3600, 3600, 3600]);
  });
  it('retries a first transfer from 5 s, doubling up to the same cap', () => {
    expect([1, 2, 3, 4, 10, 12].map((n) => retryDelayMs(t, n, true) / S)).toEqual([5, 10, 20, 40, 2560, 3600]);
  });
  it('keeps a retry longer than the refresh as it is', () => {
    const slow = effectiveTimers({ refresh: 60, retry: 200, expire: 86_400 }, DEFAULT_REFRESH_LIMITS);
    expect(retryDelayMs(slow, 1, false)).toBe(200 * S);
    expect(retryDelayMs(slow, 3, false)).toBe(200 * S);
  });
  it('with the default limits, retries at most five minutes apart however long the SOA timers', () => {
    // Bug: a zone whose transfers kept failing doubled its retry up to the refresh interval, 40 minutes and more apart.
    const soa = effectiveTimers({ refresh: 10_800, retry: 900, expire: 1_209_600 }, DEFAULT_REFRESH_LIMITS);
    expect([1, 2, 3, 10, 50].map((n) => retryDelayMs(soa, n, false) / S)).toEqual([300, 300, 300, 300, 300]);
    const short = effectiveTimers({ refresh: 10_800, retry: 60, expire: 1_209_600 }, DEFAULT_REFRESH_LIMITS);
    expect([1, 2, 3, 4, 5, 50].map((n) => retryDelayMs(short, n, false) / S)).toEqual([60, 120, 240, 300, 300, 300]);
    expect([1, 5, 7, 20].map((n) => retryDelayMs(short, n, true) / S)).toEqual([5, 80, 300, 300]);
    expect(afterFailure(0, soa, 12, false).nextRefreshAt).toBe(300 * S);
  });
  it('the retry cap follows the limits (ZK_RETRY_MAX)', () => {
    const soa = effectiveTimers({ refresh: 10_800, retry: 60, expire: 1_209_600 }, { minSeconds: 60, maxSeconds: 86_400, retryMaxSeconds: 120 });
    expect([1, 2, 3, 9].map((n) => retryDelayMs(soa, n, false) / S)).toEqual([60, 120, 120, 120]);
  });
  it('treats a zero or fractional count as the first failure', () => {
    expect(retryDelayMs(t, 0, false)).toBe(600 * S);
    expect(retryDelayMs(t, 1.7, false)).toBe(600 * S);
  });
});

describe('schedule', () => {
  const t = effectiveTimers({ refresh: 3600, retry: 600, expire: 86_400 }, { ...DEFAULT_REFRESH_LIMITS, retryMaxSeconds: 3600 });
  const now = Date.UTC(2026, 10, 24, 12, 0, 0);
  it('after a success: the next check one refresh later, expiry one expire later', () => {
    expect(afterSuccess(now, t)).toEqual({ nextRefreshAt: now + 3600 * S, expiresAt: now + 86_400 * S });
  });
  it('after a failure: the next try one backoff later; the expiry does not move', () => {
    expect(afterFailure(now, t, 2, false)).toEqual({ nextRefreshAt: now + 1200 * S });
  });
  it('expires exactly at expiresAt, and never without a first transfer', () => {
    expect(isExpired(now, now - 1)).toBe(false);
    expect(isExpired(now, now)).toBe(true);
    expect(isExpired(null, now)).toBe(false);
  });
});
