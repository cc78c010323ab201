// The login throttle's rules, on a hand-driven clock.
import { describe, expect, it } from 'vitest';
import { clientAddress, LoginThrottle } from './rate-limit';

function throttle(over: { pair?: number; address?: number; maxKeys?: number } = {}) {
  let t = 1_000_000;
  const th = new LoginThrottle({
    perPair: { limit: over.pair ?? 3, windowMs: 60_000 },
    perAddress: { limit: over.address ?? 10, windowMs: 60_000 },
    maxKeys: over.maxKeys,
    now: () => t,
  });
  return { th, advance: (ms: number) => (t += ms) };
}

describe('LoginThrottle', () => {
  it('allows `limit` failures for a pair, then refuses with the seconds until the oldest expires', () => {
    const { th, advance } = throttle();
    expect(th.attempt('192.0.2.1', 'alice')).toEqual({ allowed: true });
    advance(10_000);
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(true);
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(true);
    advance(5_000);
    // Oldest failure was 15 s ago: 45 s to go.
    expect(th.attempt('192.0.2.1', 'alice')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    // A refused attempt does not extend the wait.
    expect(th.attempt('192.0.2.1', 'ALICE ')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    advance(45_000);
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(true);
  });

  it('keeps pairs apart: another user or another address is not refused', () => {
    const { th } = throttle();
    for (let i = 0; i < 3; i++) th.attempt('192.0.2.1', 'alice');
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(false);
    expect(th.attempt('192.0.2.1', 'bob').allowed).toBe(true);
    expect(th.attempt('192.0.2.2', 'alice').allowed).toBe(true);
  });

  it('a success resets the pair and does not count against the address', () => {
    const { th } = throttle({ pair: 3, address: 4 });
    th.attempt('192.0.2.1', 'alice');
    th.attempt('192.0.2.1', 'alice');
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(true);
    th.succeeded('192.0.2.1', 'alice');
    // Pair fresh again: 3 more allowed, but the address has 2 failures left of 4.
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(true);
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(true);
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(false);
  });

  it('limits an address across many user names', () => {
    const { th } = throttle({ pair: 3, address: 5 });
    for (let i = 0; i < 5; i++) expect(th.attempt('198.51.100.9', `user${i}`).allowed).toBe(true);
    const r = th.attempt('198.51.100.9', 'someone-new');
    expect(r.allowed).toBe(false);
    expect(r.allowed === false && r.retryAfterSeconds).toBe(60);
    expect(th.attempt('198.51.100.10', 'someone-new').allowed).toBe(true);
  });

  // A client that forges a new X-Forwarded-For for every attempt escaped both
  // address-keyed rules; the per-user budget still stops it.
  it('limits one user name across made-up addresses', () => {
    let t = 0;
    const th = new LoginThrottle({
      perPair: { limit: 3, windowMs: 60_000 },
      perAddress: { limit: 10, windowMs: 60_000 },
      perUser: { limit: 4, windowMs: 900_000 },
      now: () => t,
    });
    for (let i = 0; i < 4; i++) expect(th.attempt(`203.0.113.${i}`, 'admin').allowed).toBe(true);
    const r = th.attempt('203.0.113.99', 'Admin');
    expect(r).toEqual({ allowed: false, retryAfterSeconds: 900 });
    expect(th.attempt('203.0.113.99', 'alice').allowed).toBe(true);
    t += 900_001;
    expect(th.attempt('203.0.113.99', 'admin').allowed).toBe(true);
  });

  it('concurrent attempts are counted before the password is checked', () => {
    // Regression guard: counting only after a failed check would let parallel requests all pass.
    const { th } = throttle({ pair: 2 });
    const results = [1, 2, 3, 4].map(() => th.attempt('192.0.2.1', 'alice').allowed);
    expect(results).toEqual([true, true, false, false]);
  });

  it('stays within maxKeys, dropping expired keys first', () => {
    const { th, advance } = throttle({ maxKeys: 6 });
    th.attempt('192.0.2.1', 'old');
    advance(120_000);
    for (let i = 0; i < 20; i++) th.attempt(`192.0.2.${i + 2}`, 'u');
    expect(th.size).toBeLessThanOrEqual(6);
  });
});

describe('clientAddress', () => {
  const h = (v?: string) => new Headers(v === undefined ? {} : { 'x-forwarded-for': v });
  it('takes the first X-Forwarded-For entry', () => {
    expect(clientAddress(h('203.0.113.5, 10.0.0.1'))).toBe('203.0.113.5');
    expect(clientAddress(h(' 2001:DB8::1 '))).toBe('2001:db8::1');
  });
  it('falls back to one shared key without the header', () => {
    expect(clientAddress(h())).toBe('unknown');
    expect(clientAddress(h(''))).toBe('unknown');
  });
  it('bounds the length of what it keeps', () => {
    expect(clientAddress(h('x'.repeat(500)))).toHaveLength(64);
  });
});
