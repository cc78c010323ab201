// SOA serial numbers: RFC 1982 serial arithmetic and the next-serial policies; the only place for either.
import type { SerialPolicy } from './types.ts';

const MOD = 2 ** 32;
const HALF = 2 ** 31;
const MAX_SERIAL = MOD - 1;

/** True for an integer 0..4294967295 (an unsigned 32-bit SOA serial, RFC 1035 §3.3.13). */
export function isValidSerial(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_SERIAL;
}

function check(n: number, what: string): void {
  if (!isValidSerial(n)) throw new RangeError(`${what} ${n} is not a serial number (0..${MAX_SERIAL})`);
}

/**
 * RFC 1982 §3.2 comparison: 1 when a is greater, -1 when less, 0 when equal, and
 * undefined when the two are exactly 2^31 apart, where the RFC leaves the order undefined.
 */
export function serialCompare(a: number, b: number): -1 | 0 | 1 | undefined {
  check(a, 'serial');
  check(b, 'serial');
  if (a === b) return 0;
  const d = (a - b + MOD) % MOD; // how far a lies ahead of b going forward
  if (d === HALF) return undefined;
  return d < HALF ? 1 : -1;
}

/** a > b in RFC 1982 arithmetic (false when incomparable). */
export function serialGreater(a: number, b: number): boolean {
  return serialCompare(a, b) === 1;
}

/**
 * a >= b in RFC 1982 arithmetic: equal, or greater (false when incomparable). What a
 * secondary serving a holds of a zone at serial b: b itself or a later version.
 */
export function serialAtLeast(a: number, b: number): boolean {
  const c = serialCompare(a, b);
  return c === 0 || c === 1;
}

/**
 * How many serial numbers a lies ahead of b going forward (RFC 1982): 0 when a
 * is not greater. A secondary's lag in serials; under the increment policy,
 * the number of changes it lacks.
 */
export function serialDistance(a: number, b: number): number {
  return serialGreater(a, b) ? (a - b + MOD) % MOD : 0;
}

/** RFC 1982 §3.1 addition: n may be 0..2^31-1; wraps mod 2^32. */
export function serialAdd(s: number, n: number): number {
  check(s, 'serial');
  if (!Number.isInteger(n) || n < 0 || n > HALF - 1) {
    throw new RangeError(`cannot add ${n} to a serial; RFC 1982 allows 0..${HALF - 1}`);
  }
  return (s + n) % MOD;
}

function dateBase(now: Date): number {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const d = now.getUTCDate();
  return ((y * 100 + m) * 100 + d) * 100;
}

/**
 * The serial to publish after `current` under `policy`. The result is always
 * RFC-1982-greater than `current`, since secondaries only transfer when it is
 * (RFC 1034 §4.3.5); when the policy's preferred value is not, current+1 is used.
 *  - increment: current+1.
 *  - date: YYYYMMDD00 for today's UTC date if that is ahead, else current+1 (so the
 *    two-digit counter can run past 99 into the next day's numbers; that is still greater).
 *  - unixtime: seconds since the epoch if ahead, else current+1.
 */
export function nextSerial(policy: SerialPolicy, current: number, now: Date = new Date()): number {
  check(current, 'current serial');
  const bump = serialAdd(current, 1);
  let preferred: number;
  switch (policy) {
    case 'increment':
      return bump;
    case 'date':
      preferred = dateBase(now);
      // Only jump forward numerically too: a plain RFC 1982 "greater" that wraps past
      // 2^32 would turn a date serial into a small number.
      if (isValidSerial(preferred) && current < preferred && serialGreater(preferred, current)) return preferred;
      return bump;
    case 'unixtime':
      preferred = Math.floor(now.getTime() / 1000) % MOD;
      if (isValidSerial(preferred) && serialGreater(preferred, current)) return preferred;
      return bump;
    default: {
      const never: never = policy;
      throw new Error(`unknown serial policy ${String(never)}`);
    }
  }
}
