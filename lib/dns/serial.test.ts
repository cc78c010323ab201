// Tests for RFC 1982 serial arithmetic and the next-serial policies.
import { describe, expect, it } from 'vitest';
import { isValidSerial, nextSerial, serialAdd, serialAtLeast, serialCompare, serialGreater } from './serial.ts';

const MAX = 4294967295;

describe('serialCompare (RFC 1982 §3.2)', () => {
  it.each([
    [1, 1, 0],
    [2, 1, 1],
    [1, 2, -1],
    [0, MAX, 1], // wrapped past 2^32: 0 comes after 4294967295
    [MAX, 0, -1],
    [2 ** 31 - 1, 0, 1],
    [2 ** 31 + 1, 0, -1],
    [2026112500, 2026112499, 1],
  ] as const)('compare(%i, %i) → %i', (a, b, expected) => {
    expect(serialCompare(a, b)).toBe(expected);
  });

  it('is undefined for serials exactly 2^31 apart, and neither is greater', () => {
    expect(serialCompare(0, 2 ** 31)).toBeUndefined();
    expect(serialCompare(2 ** 31, 0)).toBeUndefined();
    expect(serialCompare(100, 100 + 2 ** 31)).toBeUndefined();
    expect(serialGreater(0, 2 ** 31)).toBe(false);
    expect(serialGreater(2 ** 31, 0)).toBe(false);
  });

  it('rejects values that are not serials', () => {
    expect(() => serialCompare(-1, 0)).toThrow(RangeError);
    expect(() => serialCompare(0, 2 ** 32)).toThrow(RangeError);
    expect(() => serialCompare(1.5, 0)).toThrow(RangeError);
  });
});

describe('serialAtLeast', () => {
  it.each([
    [1, 1, true],
    [2, 1, true],
    [1, 2, false],
    [0, MAX, true], // wrapped: 0 comes after 4294967295
    [MAX, 0, false],
    [MAX, MAX, true],
    [0, 2 ** 31, false], // exactly 2^31 apart: incomparable, so not "at least"
    [2 ** 31, 0, false],
  ] as const)('atLeast(%i, %i) → %s', (a, b, expected) => {
    expect(serialAtLeast(a, b)).toBe(expected);
  });

  it('rejects values that are not serials, even when equal', () => {
    expect(() => serialAtLeast(-1, -1)).toThrow(RangeError);
    expect(() => serialAtLeast(2 ** 32, 0)).toThrow(RangeError);
  });
});

describe('serialAdd (RFC 1982 §3.1)', () => {
  it.each([
    [MAX, 1, 0],
    [MAX, 2, 1],
    [10, 0, 10],
    [0, 2 ** 31 - 1, 2 ** 31 - 1],
  ])('%i + %i → %i', (s, n, expected) => {
    expect(serialAdd(s, n)).toBe(expected);
  });

  it('refuses additions RFC 1982 leaves undefined', () => {
    expect(() => serialAdd(0, 2 ** 31)).toThrow(RangeError);
    expect(() => serialAdd(0, -1)).toThrow(RangeError);
  });
});

describe('nextSerial', () => {
  const noon = new Date('2026-11-24T12:00:00Z');

  it.each([
    ['increment', 41, noon, 42],
    ['increment', MAX, noon, 0],
    ['date', 2026010101, noon, 2026112400],
    ['date', 2026112400, noon, 2026112401],
    ['date', 2026112499, noon, 2026112500], // 100 changes in a day spill into tomorrow's numbers
    ['date', 2026112600, noon, 2026112601], // serial already ahead of today stays monotonic
    ['date', 5, noon, 2026112400], // small increment-style serial moves to date form
    ['date', MAX, noon, 0], // greater than the date base only by wrapping: just bump
    ['unixtime', 1, noon, Math.floor(noon.getTime() / 1000)],
    ['unixtime', 1900000000, noon, 1900000001], // clock behind the current serial
    ['unixtime', 2026112400, noon, 2026112401], // a date serial reads as greater than unixtime
  ] as const)('%s after %i → %i', (policy, current, now, expected) => {
    expect(nextSerial(policy, current, now)).toBe(expected);
  });

  it('uses the UTC date, not local time', () => {
    // 23:30 UTC on the 24th is already the 25th east of UTC; the serial must say 24.
    expect(nextSerial('date', 1, new Date('2026-11-24T23:30:00Z'))).toBe(2026112400);
  });

  it('never returns a serial that is not greater, even when the preferred value is incomparable', () => {
    const t = Math.floor(noon.getTime() / 1000);
    const incomparable = (t + 2 ** 31) % 2 ** 32; // exactly 2^31 away from the clock
    expect(serialCompare(t, incomparable)).toBeUndefined();
    expect(nextSerial('unixtime', incomparable, noon)).toBe(incomparable + 1);

    const dateIncomparable = (2026112400 + 2 ** 31) % 2 ** 32;
    expect(serialCompare(2026112400, dateIncomparable)).toBeUndefined();
    expect(nextSerial('date', dateIncomparable, noon)).toBe(dateIncomparable + 1);
  });

  it.each(['increment', 'date', 'unixtime'] as const)('%s always moves forward in RFC 1982 terms', (policy) => {
    for (const current of [0, 1, 2 ** 31 - 1, 2 ** 31, 2026112400, 4000000000, MAX]) {
      expect(serialGreater(nextSerial(policy, current, noon), current)).toBe(true);
    }
  });
});

describe('isValidSerial', () => {
  it.each([
    [0, true],
    [MAX, true],
    [MAX + 1, false],
    [-1, false],
    [1.5, false],
    [Number.NaN, false],
  ])('%d → %s', (n, expected) => {
    expect(isValidSerial(n)).toBe(expected);
  });
});
