// TTLs: parsing operator input like "1h30m" and printing seconds in the shortest readable form.

// RFC 2181 §8: a TTL is an unsigned 32-bit value whose top bit must be zero.
export const MAX_TTL = 2147483647;

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['w', 604800],
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];
const UNIT_SECONDS: Readonly<Record<string, number>> = Object.fromEntries(UNITS);

const PLAIN = /^\d+$/;
// BIND-style durations: one or more number+unit parts, e.g. 1w2d, 1h30m, 90s.
const DURATION = /^(?:\d+[smhdw])+$/;

/**
 * Seconds for `300`, `5m`, `1h30m`, `1d`, `1w` (case-insensitive); throws Error
 * otherwise, with a message that calls the value `what` (a form field's label).
 */
export function parseTtl(text: string, what = 'TTL'): number {
  const t = text.trim().toLowerCase();
  let seconds: number;
  if (PLAIN.test(t)) {
    seconds = Number(t);
  } else if (DURATION.test(t)) {
    seconds = 0;
    for (const [, n, unit] of t.matchAll(/(\d+)([smhdw])/g)) {
      seconds += Number(n) * UNIT_SECONDS[unit];
    }
  } else {
    throw new Error(`${what} "${text}" is not a number of seconds or a duration like 5m, 1h30m or 1d`);
  }
  if (!Number.isSafeInteger(seconds) || seconds > MAX_TTL) {
    throw new Error(`${what} "${text}" is too large; the limit is ${MAX_TTL} seconds (about 68 years)`);
  }
  return seconds;
}

/**
 * The shortest text parseTtl reads back as `seconds`: 3600 → "1h", 300 → "5m",
 * 90 → "90", 5400 → "90m". On a tie the form with units wins (60 → "1m").
 */
export function formatTtl(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TTL) {
    throw new RangeError(`${seconds} is not a TTL (0..${MAX_TTL} seconds)`);
  }
  if (seconds === 0) return '0';
  const candidates: string[] = [];
  for (const [unit, size] of UNITS) {
    if (seconds % size === 0 && size > 1) candidates.push(`${seconds / size}${unit}`);
  }
  let rest = seconds;
  let mixed = '';
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      mixed += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  candidates.push(mixed);
  // Unit forms come first, so a strict "shorter" comparison keeps them on a tie.
  let best = String(seconds);
  let bestLen = Infinity;
  for (const c of [...candidates, String(seconds)]) {
    if (c.length < bestLen) {
      best = c;
      bestLen = c.length;
    }
  }
  return best;
}
