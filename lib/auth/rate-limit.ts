// Login throttling: a few failed sign-ins per minute for one (address, user
// name) pair, and a larger budget per address, then refusals until the window
// has room again. Pure logic with an injectable clock, so it is tested without
// timers; lib/auth/actions.ts holds the one instance the web process uses.
//
// State lives in memory: it is per web process and is lost on restart. That
// is enough for one web process (the supported single-machine setup); several
// web processes behind a balancer would each allow their own budget.

export interface LimitRule {
  /** Failures allowed inside the window; the next attempt is refused. */
  limit: number;
  windowMs: number;
}

export interface ThrottleOptions {
  perPair: LimitRule;
  perAddress: LimitRule;
  /**
   * Failures for one user name from any address: the bound that still holds
   * when a client makes up a new address for each attempt (see clientAddress).
   */
  perUser?: LimitRule;
  /** Upper bound on tracked keys, so a flood of made-up names cannot grow memory without end. */
  maxKeys?: number;
  now?: () => number;
}

export type AttemptResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export const DEFAULT_LOGIN_LIMITS: ThrottleOptions = {
  perPair: { limit: 5, windowMs: 60_000 },
  // Higher than perPair so that one person mistyping cannot lock out everyone
  // behind the same address (an office NAT, or a proxy: see clientAddress).
  perAddress: { limit: 30, windowMs: 60_000 },
  // Guessing one account's password from rotating (forged) addresses gets 20 tries per 15 minutes.
  perUser: { limit: 20, windowMs: 15 * 60_000 },
};

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly opts: ThrottleOptions) {
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 10_000;
  }

  /**
   * Call before checking the password. When allowed, the attempt is counted as
   * a failure straight away (so concurrent requests cannot all slip in while
   * the slow password check runs); `succeeded` takes it back.
   */
  attempt(address: string, user: string): AttemptResult {
    const t = this.now();
    const keys = [this.pairKey(address, user), addressKey(address)];
    const rules = [this.opts.perPair, this.opts.perAddress];
    if (this.opts.perUser) {
      keys.push(userKey(user));
      rules.push(this.opts.perUser);
    }
    let wait = 0;
    keys.forEach((key, i) => {
      const rule = rules[i]!;
      const list = this.live(key, rule, t);
      if (list.length >= rule.limit) wait = Math.max(wait, list[list.length - rule.limit]! + rule.windowMs - t);
    });
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    this.sweepIfFull(t);
    for (const key of keys) this.failures.set(key, [...(this.failures.get(key) ?? []), t]);
    return { allowed: true };
  }

  /** A correct password: the pair starts afresh, and this attempt no longer counts against the address. */
  succeeded(address: string, user: string): void {
    this.failures.delete(this.pairKey(address, user));
    for (const key of [addressKey(address), userKey(user)]) {
      const list = this.failures.get(key);
      if (list?.length) {
        list.pop();
        if (list.length === 0) this.failures.delete(key);
      }
    }
  }

  /** Number of tracked keys (for tests of the memory bound). */
  get size(): number {
    return this.failures.size;
  }

  private pairKey(address: string, user: string): string {
    // User names are case-insensitive at login, so the key is too.
    return `p\u0000${address}\u0000${user.trim().toLowerCase()}`;
  }

  /** The key's failures still inside the window (older ones are dropped). */
  private live(key: string, rule: LimitRule, t: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const kept = list.filter((at) => at > t - rule.windowMs);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  private sweepIfFull(t: number): void {
    // Each attempt may add three keys (pair, address, user): make room for them.
    const room = this.maxKeys - 3;
    if (this.failures.size <= room) return;
    const longest = Math.max(this.opts.perPair.windowMs, this.opts.perAddress.windowMs, this.opts.perUser?.windowMs ?? 0);
    for (const [key, list] of this.failures) {
      if (list[list.length - 1]! <= t - longest) this.failures.delete(key);
    }
    // Still full (an active flood): forget the oldest keys first; Map keeps insertion order.
    for (const key of this.failures.keys()) {
      if (this.failures.size <= room) break;
      this.failures.delete(key);
    }
  }
}

function addressKey(address: string): string {
  return `a\u0000${address}`;
}

function userKey(user: string): string {
  return `u\u0000${user.trim().toLowerCase()}`;
}

/**
 * The client address to throttle by, from the request headers: the first
 * entry of X-Forwarded-For. `next start` fills that header from the socket
 * only when the request does not carry one, so:
 * - with nothing in front, it is the peer's address, unless the client sends
 *   its own X-Forwarded-For, which it can make up (the per-address budgets are
 *   then only as good as the client's honesty, and the per-user budget is what
 *   bounds guessing; put a proxy in front);
 * - behind a reverse proxy that sets the header, it is the address the proxy
 *   saw, and the proxy must overwrite (not append to) a client-sent header
 *   for the first entry to be trustworthy.
 * Without any header, every request shares the key "unknown".
 */
export function clientAddress(headers: Pick<Headers, 'get'>): string {
  const first = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  if (!first) return 'unknown';
  // Bound the key: a header is attacker-controlled text.
  return first.slice(0, 64).toLowerCase();
}
