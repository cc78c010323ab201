// The login throttle's rules, on a hand-driven clock.
import { describe, expect, it } from 'vitest';
import { LoginThrottle, throttleAddress } from './rate-limit';

function throttle(over: { pair?: number; address?: number; user?: number; maxKeys?: number } = {}) {
  let t = 1_000_000;
  const th = new LoginThrottle({
    perPair: { limit: over.pair ?? 3, windowMs: 60_000 },
    perAddress: { limit: over.address ?? 10, windowMs: 60_000 },
    perUser: { limit: over.user ?? 100, windowMs: 900_000, spacingMs: 60_000 },
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
    expect(th.attempt('192.0.2.1', 'alice')).toEqual({ allowed: false, retryAfterSeconds: 45, reason: 'pair' });
    // A refused attempt does not extend the wait.
    expect(th.attempt('192.0.2.1', 'ALICE ')).toEqual({ allowed: false, retryAfterSeconds: 45, reason: 'pair' });
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

  // Before: 20 failures for one name from any addresses refused that name everywhere for
  // 15 minutes, so anyone could lock a real user out. Now the name slows down instead.
  it('past the per-user budget, new addresses may try a name once a minute; the user’s own address is not slowed', () => {
    const { th, advance } = throttle({ pair: 5, address: 30, user: 4 });
    th.attempt('192.0.2.50', 'admin');
    th.succeeded('192.0.2.50', 'admin'); // the real admin signed in from here before
    for (let i = 0; i < 6; i++) expect(th.attempt(`203.0.113.${i}`, 'admin').allowed).toBe(true);
    // Each spraying address already used its one try: the next waits a minute.
    const r = th.attempt('203.0.113.1', 'Admin');
    expect(r).toMatchObject({ allowed: false, reason: 'user' });
    expect(r.allowed === false && r.retryAfterSeconds).toBe(60);
    // A fresh address still gets its one try: never locked out for longer than a minute.
    expect(th.attempt('198.51.100.7', 'admin').allowed).toBe(true);
    expect(th.attempt('198.51.100.7', 'admin')).toMatchObject({ allowed: false, reason: 'user' });
    // The known address keeps its ordinary budget of failures.
    for (let i = 0; i < 5; i++) expect(th.attempt('192.0.2.50', 'admin').allowed).toBe(true);
    expect(th.attempt('192.0.2.50', 'admin')).toMatchObject({ allowed: false, reason: 'pair' });
    // Other names are not slowed.
    expect(th.attempt('203.0.113.1', 'alice').allowed).toBe(true);
    advance(60_000);
    expect(th.attempt('203.0.113.1', 'admin').allowed).toBe(true);
  });

  it('counts an IPv6 client by its /64, so rotating the low bits does not reset its budget', () => {
    const { th } = throttle({ pair: 2 });
    expect(th.attempt('2001:db8:1:2::1', 'alice').allowed).toBe(true);
    expect(th.attempt('2001:db8:1:2::ffff', 'alice').allowed).toBe(true);
    expect(th.attempt('2001:db8:1:2:aaaa::9', 'alice')).toMatchObject({ allowed: false, reason: 'pair' });
    expect(th.attempt('2001:db8:1:3::1', 'alice').allowed).toBe(true);
    expect(throttleAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });

  it('a withdrawn attempt (server busy) counts for nothing and does not make the address known', () => {
    const { th } = throttle({ pair: 1, user: 1 });
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(true);
    th.withdraw('192.0.2.1', 'alice');
    expect(th.attempt('192.0.2.1', 'alice').allowed).toBe(true);
    expect(th.attempt('192.0.2.1', 'alice')).toMatchObject({ allowed: false, reason: 'pair' });
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
