// Query names as the zone lookups see them, and the hostile packet that once
// hung the worker.
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, newQuery } from '../dns/wire';
import { lookupName } from '../dns/names';
import { handleMessage } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import { ResponseCache } from './response-cache';
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

describe('a DS question at the apex of a child zone served beside its parent', () => {
  // Regression: the child zone answered (NODATA from its own apex), so validators found the
  // chain of trust to a secure child served here broken; the DS set is the parent's (RFC 4035 §3.1.4.1).
  const soa = (zone: string) => ({ name: zone, type: 'SOA', ttl: 60, content: `ns1.${zone} h.${zone} 1 1 1 1 60` });
  const parent = (version: number, withDs: boolean) =>
    buildSnapshot({ id: 1, name: 'p.test.', serial: version, version, negativeTtl: 60, soa: soa('p.test.') }, [
      { name: 'p.test.', type: 'NS', ttl: 60, content: 'ns1.p.test.' },
      { name: 'c.p.test.', type: 'NS', ttl: 60, content: 'ns1.c.p.test.' },
      ...(withDs ? [{ name: 'c.p.test.', type: 'DS', ttl: 60, content: '12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF' }] : []),
    ]);
  const child = buildSnapshot({ id: 2, name: 'c.p.test.', serial: 1, version: 1, negativeTtl: 60, soa: soa('c.p.test.') }, [{ name: 'c.p.test.', type: 'NS', ttl: 60, content: 'ns1.c.p.test.' }]);

  it('is answered from the parent, and a change of the parent reaches the cached answer', () => {
    const store = new ZoneStore();
    store.set(parent(1, true));
    store.set(child);
    const ctx: HandlerContext = { store, log, ednsUdpLimit: 1232, cache: new ResponseCache(store) };
    const ask = (name: string, type: string) => decodeMessage(handleMessage(ctx, encodeMessage(newQuery(name, type)).buf, 'udp', { address: '127.0.0.1', port: 1 })!);
    const ds = ask('c.p.test.', 'DS');
    expect([ds.aa, ds.answers.map((a) => a.type)]).toEqual([true, ['DS']]);
    // Every other type at the child's apex is the child's.
    expect(ask('c.p.test.', 'SOA').answers.map((a) => a.name)).toEqual(['c.p.test.']);
    store.set(parent(2, false));
    const gone = ask('c.p.test.', 'DS');
    expect([gone.rcode, gone.answers, gone.authorities.map((a) => `${a.name} ${a.type}`)]).toEqual([0, [], ['p.test. SOA']]);
  });
});
