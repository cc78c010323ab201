// Query names as the zone lookups see them, and the hostile packet that once
// hung the worker.
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../dns/wire';
import { lookupName } from '../dns/names';
import { handleMessage } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import { buildSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

describe('lookupName', () => {
  it.each([
    ['WWW.Example.TEST.', 'www.example.test.'],
    ['x\\.xfr.test.', 'x\\046xfr.test.'],
    // An escaped backslash at the end of a label: the dot after it is a real boundary.
    ['tes\\\\.', 'tes\\\\.'],
    ['a\\\\\\.b.test.', 'a\\\\\\046b.test.'],
    ['f\\245zz.test.', 'f\\245zz.test.'],
  ])('%s → %s', (input, want) => {
    expect(lookupName(input)).toBe(want);
  });
});

describe('ZoneStore.findZone', () => {
  it('ends on a name without a final dot instead of looping', () => {
    expect(new ZoneStore().findZone('no-dot-at-all')).toBeUndefined();
  });
});

describe('the packet that hung the worker', () => {
  // Regression: a label ending in a backslash ("tes\\") decoded as `tes\\.`; the escape
  // rewrite took `\.` for an escaped dot, the name lost its final dot, and findZone looped.
  it('gets an answer', () => {
    const store = new ZoneStore();
    const soa = { name: 'fuzz.test.', type: 'SOA', ttl: 60, content: 'ns1.fuzz.test. h.fuzz.test. 1 1 1 1 1' };
    store.set(buildSnapshot({ id: 1, name: 'fuzz.test.', serial: 1, version: 1, negativeTtl: 60, soa }, [{ name: 'fuzz.test.', type: 'NS', ttl: 60, content: 'ns1.fuzz.test.' }]));
    const ctx: HandlerContext = { store, log, ednsUdpLimit: 1232 };
    const packet = Buffer.from('9bea000800010000000000010466f57a7a047465735c000203000100002d0064000000000000', 'hex');
    const reply = handleMessage(ctx, packet, 'udp', { address: '127.0.0.1', port: 1 });
    expect(reply).not.toBeNull();
    expect(decodeMessage(reply!).id).toBe(0x9bea);
  });
});
