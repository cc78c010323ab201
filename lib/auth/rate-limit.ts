// Login throttling. Pure logic with an injectable clock, so it is tested
// without timers; lib/auth/actions.ts holds the one instance the web process
// uses. The address is the socket's, or what a trusted proxy says
// (client-address.ts): a client cannot pick it.
//
// Three rules, checked before the password (a refused attempt costs no
// password check and tells nothing):
// - per (address, user name): a few failures a minute, then wait;
// - per address, over all names: a larger budget (an office NAT shares one);
// - per user name, over all addresses: past a free budget of failures the
//   account is not locked; it slows down: each address that has not signed in
//   as that user before may try that name once per `spacingMs`. An address
//   the user signed in from (in the last `knownForMs`) keeps the ordinary
//   budget, so an attacker spraying guesses from many addresses cannot lock
//   the real user out of their own address, and from a new address the user
//   waits at most `spacingMs`.
// IPv6 clients are counted per /64, the block one subscriber usually holds.
//
// State lives in memory: it is per web process and is lost on restart. That
// is enough for one web process (the supported single-machine setup); several
// web processes behind a balancer would each allow their own budget.
import ipaddr from 'ipaddr.js';

export interface LimitRule {
  /** Failures allowed inside the window; the next attempt is refused. */
  limit: number;
  windowMs: number;
}

export interface SlowdownRule extends LimitRule {
  /** Once `limit` failures for a name fall inside the window, one try per this long per unknown address. */
  spacingMs: number;
}

export interface ThrottleOptions {
  perPair: LimitRule;
  perAddress: LimitRule;
  perUser: SlowdownRule;
  /** How long a successful sign-in makes its address known for that user. */
  knownForMs?: number;
  /** Upper bound on tracked keys, so a flood of made-up names cannot grow memory without end. */
  maxKeys?: number;
  now?: () => number;
}

export type ThrottleReason = 'pair' | 'address' | 'user';
export type AttemptResult = { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: ThrottleReason };

export const DEFAULT_LOGIN_LIMITS: ThrottleOptions = {
  perPair: { limit: 5, windowMs: 60_000 },
  // Higher than perPair so that one person mistyping cannot lock out everyone behind the same address.
  perAddress: { limit: 30, windowMs: 60_000 },
  perUser: { limit: 10, windowMs: 15 * 60_000, spacingMs: 60_000 },
  knownForMs: 30 * 24 * 60 * 60_000,
};

export class LoginThrottle {
  /** Failure times per key, newest last, at most the rule's limit of them. */
  private readonly failures = new Map<string, number[]>();
  /** Last successful sign-in per (address, user). */
  private readonly known = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly knownForMs: number;

  constructor(private readonly opts: ThrottleOptions) {
    if (opts.perUser.spacingMs > opts.perPair.windowMs) throw new Error('perUser.spacingMs must not exceed perPair.windowMs');
    this.now = opts.now ?? Date.now;
    this.maxKeys = opts.maxKeys ?? 10_000;
    this.knownForMs = opts.knownForMs ?? DEFAULT_LOGIN_LIMITS.knownForMs!;
  }

  /**
   * Call before checking the password. When allowed, the attempt is counted as
   * a failure straight away (so concurrent requests cannot all slip in while
   * the slow password check runs); `succeeded` takes it back.
   */
  attempt(address: string, user: string): AttemptResult {
    const gate = this.check(address, user);
    if (gate.allowed) this.failed(address, user);
    return gate;
  }

  /**
   * Whether an attempt would be refused now, counting nothing; the caller
   * calls `failed` once the credential proves wrong. For secrets nobody can
   * guess (an API key holds 256 random bits: lib/auth/api-keys.ts), where a
   * few concurrent wrong tries slipping past the count cost nothing, while a
   * client's many concurrent good requests must never use up its budget.
   */
  check(address: string, user: string): AttemptResult {
    const t = this.now();
    const who = throttleAddress(address);
    const name = normalizeUser(user);
    const pair = this.live(pairKey(who, name), this.opts.perPair, t);
    const byAddress = this.live(addressKey(who), this.opts.perAddress, t);
    const byUser = this.live(userKey(name), this.opts.perUser, t);

    let wait = 0;
    let reason: ThrottleReason = 'pair';
    const consider = (ms: number, why: ThrottleReason) => {
      if (ms > wait) [wait, reason] = [ms, why];
    };
    if (pair.length >= this.opts.perPair.limit) consider(pair[pair.length - this.opts.perPair.limit]! + this.opts.perPair.windowMs - t, 'pair');
    if (byAddress.length >= this.opts.perAddress.limit) {
      consider(byAddress[byAddress.length - this.opts.perAddress.limit]! + this.opts.perAddress.windowMs - t, 'address');
    }
    if (byUser.length >= this.opts.perUser.limit && !this.isKnown(who, name, t) && pair.length > 0) {
      consider(pair[pair.length - 1]! + this.opts.perUser.spacingMs - t, 'user');
    }
    if (wait > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), reason };
    return { allowed: true };
  }

  /** Counts one failure (attempt does this itself; `check` callers do it once they know). */
  failed(address: string, user: string): void {
    const t = this.now();
    const who = throttleAddress(address);
    const name = normalizeUser(user);
    this.sweepIfFull(t);
    this.record(pairKey(who, name), this.opts.perPair.limit, t);
    this.record(addressKey(who), this.opts.perAddress.limit, t);
    this.record(userKey(name), this.opts.perUser.limit, t);
  }

  /**
   * A correct password: the pair starts afresh, the attempt no longer counts
   * against the address or the name, and the address becomes known for the user.
   */
  succeeded(address: string, user: string): void {
    this.withdraw(address, user);
    const k = pairKey(throttleAddress(address), normalizeUser(user));
    this.failures.delete(k);
    this.known.delete(k);
    this.known.set(k, this.now());
    while (this.known.size > this.maxKeys) this.known.delete(this.known.keys().next().value!);
  }

  /** Takes back the failure `attempt` counted, for an attempt that was never decided (the server was busy). */
  withdraw(address: string, user: string): void {
    const who = throttleAddress(address);
    const name = normalizeUser(user);
    for (const key of [pairKey(who, name), addressKey(who), userKey(name)]) {
      const list = this.failures.get(key);
      if (list?.length) {
        list.pop();
        if (list.length === 0) this.failures.delete(key);
      }
    }
  }

  /** Number of tracked keys (for tests of the memory bound). */
  get size(): number {
    return this.failures.size + this.known.size;
  }

  private isKnown(who: string, name: string, t: number): boolean {
    const at = this.known.get(pairKey(who, name));
    return at !== undefined && at > t - this.knownForMs;
  }

  private record(key: string, keep: number, t: number): void {
    const list = this.failures.get(key) ?? [];
    list.push(t);
    // Only the newest `keep` failures decide anything; older ones are dropped so a long flood stays small.
    if (list.length > keep) list.splice(0, list.length - keep);
    this.failures.set(key, list);
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
    const longest = Math.max(this.opts.perPair.windowMs, this.opts.perAddress.windowMs, this.opts.perUser.windowMs);
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

function normalizeUser(user: string): string {
  // User names are case-insensitive at login, so the keys are too.
  return user.trim().toLowerCase().slice(0, 64);
}

/** The unit an address is counted in: itself for IPv4, its /64 for IPv6. */
export function throttleAddress(address: string): string {
  try {
    const a = ipaddr.process(address);
    if (a.kind() === 'ipv4') return a.toString();
    const bytes = a.toByteArray().slice(0, 8).concat([0, 0, 0, 0, 0, 0, 0, 0]);
    return `${ipaddr.fromByteArray(bytes).toString()}/64`;
  } catch {
    return address.slice(0, 64).toLowerCase();
  }
}

function pairKey(address: string, user: string): string {
  return `p\u0000${address}\u0000${user}`;
}

function addressKey(address: string): string {
  return `a\u0000${address}`;
}

function userKey(user: string): string {
  return `u\u0000${user}`;
}

/**
 * The web process's one throttle, shared by the sign-in form and every other
 * credential check (the metrics token). On globalThis so that a dev-server
 * module reload does not reset it.
 */
export function loginThrottle(): LoginThrottle {
  const holder = globalThis as unknown as { __zkLoginThrottle?: LoginThrottle };
  return (holder.__zkLoginThrottle ??= new LoginThrottle(DEFAULT_LOGIN_LIMITS));
}

/** A 429 answer for a credential check the throttle refused, with Retry-After (RFC 6585 §4). */
export function tooManyAttempts(result: { retryAfterSeconds: number }, what: string): Response {
  const s = result.retryAfterSeconds;
  return new Response(`Too many wrong ${what} from your address; wait ${s} second${s === 1 ? '' : 's'} and try again.\n`, {
    status: 429,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': String(result.retryAfterSeconds) },
  });
}

/** What a refused sign-in tells the user: why, and how long to wait. */
export function throttleMessage(result: { retryAfterSeconds: number; reason: ThrottleReason }, user: string): string {
  const s = result.retryAfterSeconds;
  const wait = `wait ${s} second${s === 1 ? '' : 's'} and try again`;
  switch (result.reason) {
    case 'pair':
      return `Too many failed sign-ins as ${user} from your address; ${wait}.`;
    case 'address':
      return `Too many failed sign-ins from your address; ${wait}.`;
    case 'user':
      return `There have been many failed sign-ins as ${user} recently, so new addresses may try it only once a minute; ${wait}. Where you have signed in before, you are not slowed down.`;
  }
}
