// The response cache must never change an answer: cached replies are byte for
// byte what the full path gives (ID, RD bit, the client's case), and a zone
// change or a new zone is seen at once.
import { describe, expect, it } from 'vitest';
import { encodeMessage, RCODE, decodeMessage } from '../dns/wire';
import type { RR } from '../dns/types';
import { queryMessage } from '../testing/dns-client';
import { handleMessage } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import { cacheKey, keyId, ResponseCache } from './response-cache';
import { buildSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

function zone(name: string, serial: number, records: RR[]) {
  const soa: RR = { name, type: 'SOA', ttl: 3600, content: `ns1.${name} h.${name} ${serial} 3600 600 86400 300` };
  return buildSnapshot({ id: serial, name, serial, version: serial, soa, negativeTtl: 300 }, [{ name, type: 'NS', ttl: 3600, content: `ns1.${name}` }, ...records]);
}

function setup() {
  const store = new ZoneStore();
  store.set(zone('c.test.', 1, [{ name: 'www.c.test.', type: 'A', ttl: 60, content: '192.0.2.1' }]));
  const cached: HandlerContext = { store, log, ednsUdpLimit: 1232, cache: new ResponseCache(store) };
  const plain: HandlerContext = { store, log, ednsUdpLimit: 1232 };
  return { store, cached, plain };
}

const peer = { address: '127.0.0.1', port: 1 };

describe('response cache', () => {
  it('gives byte-identical replies to the full path, for every shape of plain query', () => {
    const { cached, plain } = setup();
    const variants = [
      queryMessage('www.c.test.', 'A'),
      queryMessage('WWW.C.Test.', 'A', { edns: 4096 }),
      { ...queryMessage('wWw.c.TEST.', 'A', { edns: 600 }), id: 7, rd: true },
      queryMessage('nope.c.test.', 'A', { edns: 1232 }),
      queryMessage('www.c.test.', 'MX'),
      queryMessage('elsewhere.example.', 'A'),
    ];
    for (const transport of ['udp', 'tcp'] as const) {
      for (const v of variants) {
        const raw = encodeMessage(v).buf;
        const want = handleMessage(plain, raw, transport, peer);
        // Twice: the first fills the cache, the second is a hit.
        expect(handleMessage(cached, raw, transport, peer)).toEqual(want);
        const again = Buffer.from(raw);
        again.writeUInt16BE((v.id + 1) & 0xffff, 0);
        expect(handleMessage(cached, again, transport, peer)).toEqual(handleMessage(plain, again, transport, peer));
      }
    }
    expect(cached.cache!.hits).toBeGreaterThan(0);
  });

  it('serves a cached answer with the new ID, RD bit and question case', () => {
    const { cached } = setup();
    handleMessage(cached, encodeMessage(queryMessage('www.c.test.', 'A')).buf, 'udp', peer);
    const raw = encodeMessage({ ...queryMessage('WWW.c.test.', 'A'), id: 4242, rd: true }).buf;
    const hitsBefore = cached.cache!.hits;
    const r = decodeMessage(handleMessage(cached, raw, 'udp', peer)!);
    expect(cached.cache!.hits).toBe(hitsBefore + 1);
    expect(r.id).toBe(4242);
    expect(r.rd).toBe(true);
    expect(r.questions[0]!.name).toBe('WWW.c.test.');
    expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
  });

  it('sees a replaced zone at once', () => {
    const { store, cached } = setup();
    const raw = encodeMessage(queryMessage('www.c.test.', 'A')).buf;
    handleMessage(cached, raw, 'udp', peer);
    store.set(zone('c.test.', 2, [{ name: 'www.c.test.', type: 'A', ttl: 60, content: '192.0.2.2' }]));
    expect(decodeMessage(handleMessage(cached, raw, 'udp', peer)!).answers.map((a) => a.data)).toEqual(['192.0.2.2']);
  });

  it('turns a cached REFUSED into an answer when a zone for the name appears, and back when it goes', () => {
    const { store, cached } = setup();
    const raw = encodeMessage(queryMessage('new.test.', 'SOA')).buf;
    expect(decodeMessage(handleMessage(cached, raw, 'udp', peer)!).rcode).toBe(RCODE.REFUSED);
    expect(decodeMessage(handleMessage(cached, raw, 'udp', peer)!).rcode).toBe(RCODE.REFUSED);
    store.set(zone('new.test.', 1, []));
    expect(decodeMessage(handleMessage(cached, raw, 'udp', peer)!).rcode).toBe(RCODE.NOERROR);
    store.delete('new.test.');
    expect(decodeMessage(handleMessage(cached, raw, 'udp', peer)!).rcode).toBe(RCODE.REFUSED);
  });

  it('keeps out of the fast path anything but a plain query', () => {
    const base = encodeMessage(queryMessage('www.c.test.', 'A', { edns: 1232 })).buf;
    expect(cacheKey(base, 'udp', 1232)).not.toBeNull();
    const badVersion = Buffer.from(base);
    badVersion[base.length - 11 + 6] = 1; // OPT version byte
    expect(cacheKey(badVersion, 'udp', 1232)).toBeNull();
    const notify = Buffer.from(base);
    notify[2] = 4 << 3;
    expect(cacheKey(notify, 'udp', 1232)).toBeNull();
    const trailing = Buffer.concat([encodeMessage(queryMessage('www.c.test.', 'A')).buf, Buffer.from([0])]);
    expect(cacheKey(trailing, 'udp', 1232)).toBeNull();
    const pointer = Buffer.from(encodeMessage(queryMessage('www.c.test.', 'A')).buf);
    pointer[12] = 0xc0;
    expect(cacheKey(pointer, 'udp', 1232)).toBeNull();
  });

  it('separates answers by size limit, so a truncated UDP reply is never served over TCP', () => {
    const raw = encodeMessage(queryMessage('www.c.test.', 'A')).buf;
    const withEdns = encodeMessage(queryMessage('www.c.test.', 'A', { edns: 4096 })).buf;
    const keys = new Set([keyId(cacheKey(raw, 'udp', 1232)!), keyId(cacheKey(raw, 'tcp', 1232)!), keyId(cacheKey(withEdns, 'udp', 1232)!)]);
    expect(keys.size).toBe(3);
  });

  it('caches answers to queries with and without the DO bit apart (RFC 3225: the bit comes back, proofs differ)', () => {
    const { cached } = setup();
    const plainQuery = encodeMessage(queryMessage('www.c.test.', 'A', { edns: 1232 })).buf;
    const doQuery = encodeMessage(queryMessage('www.c.test.', 'A', { edns: 1232, dnssecOk: true })).buf;
    expect(keyId(cacheKey(plainQuery, 'udp', 1232)!)).not.toBe(keyId(cacheKey(doQuery, 'udp', 1232)!));
    for (let i = 0; i < 2; i++) {
      expect(decodeMessage(handleMessage(cached, plainQuery, 'udp', peer)!).edns?.dnssecOk).toBe(false);
      expect(decodeMessage(handleMessage(cached, doQuery, 'udp', peer)!).edns?.dnssecOk).toBe(true);
    }
    expect(cached.cache!.hits).toBe(2);
  });

  // Regression: lowercasing ran over QTYPE too, so HTTPS (65, "A") and type 97 ("a") shared a key.
  it('never folds the question type, only the name', () => {
    const upper65 = encodeMessage(queryMessage('WWW.c.test.', 'TYPE65')).buf;
    const upper97 = Buffer.from(upper65);
    upper97[upper97.length - 3] = 97;
    expect(keyId(cacheKey(upper65, 'udp', 1232)!)).not.toBe(keyId(cacheKey(upper97, 'udp', 1232)!));
    expect(keyId(cacheKey(upper65, 'udp', 1232)!)).toBe(keyId(cacheKey(encodeMessage(queryMessage('www.c.test.', 'TYPE65')).buf, 'udp', 1232)!));
  });

  it('stays bounded under a flood of distinct names', () => {
    const { store } = setup();
    const ctx: HandlerContext = { store, log, ednsUdpLimit: 1232, cache: new ResponseCache(store, 100) };
    for (let i = 0; i < 1000; i++) handleMessage(ctx, encodeMessage(queryMessage(`n${i}.c.test.`, 'A')).buf, 'udp', peer);
    expect(ctx.cache!.size).toBeLessThanOrEqual(100);
  });
});
