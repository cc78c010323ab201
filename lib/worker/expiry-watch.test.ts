// The loader's watch over secondary zones' expiry times.
import { describe, expect, it } from 'vitest';
import { ExpiryWatch } from './expiry-watch';

describe('ExpiryWatch', () => {
  it('gives the zones whose time has come, soonest first, once each', () => {
    const w = new ExpiryWatch();
    const times = [50, 10, 40, 20, 60, 30, 70, 0];
    times.forEach((t, i) => w.set(`z${i}.`, 1000 + t));
    expect(w.due(999)).toEqual([]);
    expect(w.due(1035)).toEqual(['z7.', 'z1.', 'z3.', 'z5.']);
    expect(w.due(1035)).toEqual([]);
    expect(w.due(2000)).toEqual(['z2.', 'z0.', 'z4.', 'z6.']);
  });

  it('keeps only the latest time of a zone, and none once told to stop', () => {
    const w = new ExpiryWatch();
    w.set('later.', 100);
    w.set('later.', 300);
    w.set('earlier.', 300);
    w.set('earlier.', 200);
    w.set('dropped.', 150);
    w.set('dropped.', null);
    expect(w.due(250)).toEqual(['earlier.']);
    expect(w.due(1000)).toEqual(['later.']);
    // Watched again after it was due, at a new time.
    w.set('earlier.', 2000);
    expect(w.due(1999)).toEqual([]);
    expect(w.due(2000)).toEqual(['earlier.']);
  });
});
