// Response rate limiting: how responses are classed (from real encoded replies, no sockets),
// the limiter with a clock of our own, and the real worker over UDP with clients on other
// loopback addresses (127.0.0.0/8 is all local).
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RR } from '../dns/types';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { decodeMessage, encodeMessage, newQuery, RCODE } from '../dns/wire';
import { Prng } from '../testing/packet-fuzz';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { EDNS_UDP_LIMIT, handleMessage } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import { classify, KIND, ResponseRateLimiter, truncated } from './rrl';
import { startWorker, type RunningWorker } from './worker';
import { buildSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

const Z = 'rrl.test.';
const O = 'other.test.';

function zone(name: string, records: RR[]) {
  const soa: RR = { name, type: 'SOA', ttl: 3600, content: `ns1.${name} hostmaster.${name} 1 3600 600 86400 120` };
  return buildSnapshot({ id: name.length, name, serial: 1, version: 1, soa, negativeTtl: 120 }, [{ name, type: 'NS', ttl: 300, content: `ns1.${name}` }, ...records]);
}

const store = new ZoneStore();
store.set(
  zone(Z, [
    { name: `ns1.${Z}`, type: 'A', ttl: 300, content: '192.0.2.53' },
    { name: `www.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
    { name: `web.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
    { name: `mail.${Z}`, type: 'A', ttl: 300, content: '192.0.2.25' },
    { name: `*.wild.${Z}`, type: 'A', ttl: 300, content: '192.0.2.99' },
    { name: `sub.${Z}`, type: 'NS', ttl: 300, content: `ns.sub.${Z}` },
    { name: `ns.sub.${Z}`, type: 'A', ttl: 300, content: '192.0.2.54' },
    { name: `deep.${Z}`, type: 'NS', ttl: 300, content: `ns.deep.${Z}` },
    { name: `ns.deep.${Z}`, type: 'A', ttl: 300, content: '192.0.2.55' },
  ]),
);
store.set(zone(O, [{ name: `www.${O}`, type: 'A', ttl: 300, content: '192.0.2.1' }]));
const ctx: HandlerContext = { store, log, ednsUdpLimit: EDNS_UDP_LIMIT };
const peer = { address: '192.0.2.200', port: 5353 };

/** Our real reply to `name type`, encoded as the worker sends it. */
function reply(name: string, type: string): Buffer {
  return handleMessage(ctx, encodeMessage(newQuery(name, type, {})).buf, 'udp', peer)!;
}
const kindOf = (b: Buffer) => classify(b) >>> 16;

describe('classify', () => {
  it('keys answers by what they say, not by the name asked', () => {
    const www = reply(`www.${Z}`, 'A');
    expect(kindOf(www)).toBe(KIND.answer);
    // Same data under another name: one budget. A wildcard answers random names alike.
    expect(classify(reply(`web.${Z}`, 'A'))).toBe(classify(www));
    expect(classify(reply(`a1.wild.${Z}`, 'A'))).toBe(classify(reply(`zz9.wild.${Z}`, 'A')));
    expect(classify(reply(`mail.${Z}`, 'A'))).not.toBe(classify(www));
    expect(classify(reply(`a1.wild.${Z}`, 'A'))).not.toBe(classify(www));
  });

  it('keys NXDOMAIN by zone, whatever the name and its case', () => {
    const nx = reply(`nope.${Z}`, 'A');
    expect(decodeMessage(nx).rcode).toBe(RCODE.NXDOMAIN);
    expect(kindOf(nx)).toBe(KIND.nxdomain);
    expect(classify(reply(`Random-8f3a.RRL.Test.`, 'TXT'))).toBe(classify(nx));
    expect(classify(reply(`nope.${O}`, 'A'))).not.toBe(classify(nx));
  });

  it('keys NODATA by the question, in any case', () => {
    const nodata = reply(`www.${Z}`, 'MX');
    expect(kindOf(nodata)).toBe(KIND.nodata);
    expect(classify(reply(`WWW.rrl.TEST.`, 'MX'))).toBe(classify(nodata));
    expect(classify(reply(`www.${Z}`, 'TXT'))).not.toBe(classify(nodata));
    expect(classify(reply(`mail.${Z}`, 'MX'))).not.toBe(classify(nodata));
  });

  it('keys referrals by the delegation', () => {
    const ref = reply(`a.sub.${Z}`, 'A');
    expect(kindOf(ref)).toBe(KIND.referral);
    expect(classify(reply(`b.c.sub.${Z}`, 'MX'))).toBe(classify(ref));
    expect(classify(reply(`a.deep.${Z}`, 'A'))).not.toBe(classify(ref));
  });

  it('puts every error of a prefix in one budget: REFUSED, FORMERR, NOTIMP', () => {
    const refused = reply('example.org.', 'A');
    expect(decodeMessage(refused).rcode).toBe(RCODE.REFUSED);
    expect(classify(refused)).toBe(KIND.error << 16);
    expect(classify(reply('another.example.', 'TXT'))).toBe(KIND.error << 16);
    const garbage = Buffer.from('beef0000ffff0000000000000102030405060708090a', 'hex');
    const formerr = handleMessage(ctx, garbage, 'udp', peer)!;
    expect(formerr[3]! & 0x0f).toBe(RCODE.FORMERR);
    expect(classify(formerr)).toBe(KIND.error << 16);
    expect(classify(Buffer.alloc(3))).toBe(KIND.error << 16);
  });

  it('never throws, whatever the bytes (a reply cut short, pointers in loops)', () => {
    const rng = new Prng(7);
    const real = [reply(`www.${Z}`, 'A'), reply(`nope.${Z}`, 'A'), reply(`a.sub.${Z}`, 'A'), reply(`www.${Z}`, 'MX')];
    for (let i = 0; i < 20_000; i++) {
      const damaged = rng.chance(0.5);
      const b = damaged ? Buffer.from(real[rng.range(0, real.length - 1)]!) : rng.bytes(rng.range(0, 80));
      if (damaged) for (let k = rng.range(0, 3); k > 0; k--) b[rng.range(0, b.length - 1)] = rng.range(0, 255);
      const cut = rng.chance(0.5) ? b.subarray(0, rng.range(0, b.length)) : b;
      expect(() => [classify(cut), truncated(cut)]).not.toThrow();
    }
  });

  it('truncates to the header and question, TC set', () => {
    const q = encodeMessage(newQuery(`www.${Z}`, 'A', {})).buf;
    const full = handleMessage(ctx, q, 'udp', peer)!;
    const tc = truncated(full);
    expect(tc.length).toBe(q.length);
    const m = decodeMessage(tc);
    expect(m.tc).toBe(true);
    expect(m.id).toBe(decodeMessage(q).id);
    expect(m.questions).toEqual(decodeMessage(q).questions);
    expect([m.answers, m.authorities, m.additionals]).toEqual([[], [], []]);
    expect(truncated(Buffer.from(full.subarray(0, 12))).length).toBe(12);
  });
});

describe('the limiter', () => {
  const settings = { responsesPerSecond: 10, slip: 2, ipv4PrefixLength: 24, ipv6PrefixLength: 56 };
  const www = reply(`www.${Z}`, 'A');
  type Outcome = 'sent' | 'tc' | 'dropped';
  const outcome = (out: Buffer | null, of: Buffer = www): Outcome => (out === of ? 'sent' : out === null ? 'dropped' : 'tc');
  function limiter(over: Partial<typeof settings> = {}, answerers = 1) {
    const clock = { now: 5_000_000 };
    return { clock, rrl: new ResponseRateLimiter({ ...settings, ...over }, { clock: () => clock.now, answerers, slots: 1024 }) };
  }
  const flood = (rrl: ResponseRateLimiter, address: string, n: number, of = www) => Array.from({ length: n }, () => outcome(rrl.limit(address, of), of));

  it('sends the rate, then drops, sending every slip-th truncated; other prefixes are not affected', () => {
    const { clock, rrl } = limiter();
    const got = flood(rrl, '192.0.2.7', 30);
    expect(got.slice(0, 10)).toEqual(Array(10).fill('sent'));
    expect(got.slice(10, 14)).toEqual(['dropped', 'tc', 'dropped', 'tc']);
    expect(rrl.stats()).toMatchObject({ limited: 20, slipped: 10, dropped: 10 });
    expect(outcome(rrl.limit('198.51.100.7', www))).toBe('sent');
    // Same /24: same budget.
    expect(outcome(rrl.limit('192.0.2.201', www))).not.toBe('sent');
    // Tokens come back at the rate: half a second, five answers.
    clock.now += 500;
    expect(flood(rrl, '192.0.2.7', 7).filter((o) => o === 'sent')).toHaveLength(5);
    clock.now += 60_000;
    expect(flood(rrl, '192.0.2.7', 12).filter((o) => o === 'sent')).toHaveLength(10);
  });

  it('keeps separate budgets per kind, and limits refusals too', () => {
    const { rrl } = limiter();
    flood(rrl, '192.0.2.7', 20);
    const nx = reply(`nope.${Z}`, 'A');
    expect(outcome(rrl.limit('192.0.2.7', nx), nx)).toBe('sent');
    const refused = reply('example.org.', 'A');
    const r = flood(rrl, '203.0.113.5', 40, refused);
    expect(r.filter((o) => o === 'sent')).toHaveLength(10);
    expect(r.filter((o) => o === 'tc')).toHaveLength(15);
  });

  it('slip 0 drops everything over the limit, slip 1 truncates everything', () => {
    expect(flood(limiter({ slip: 0 }).rrl, '192.0.2.7', 20).slice(10)).toEqual(Array(10).fill('dropped'));
    expect(flood(limiter({ slip: 1 }).rrl, '192.0.2.7', 20).slice(10)).toEqual(Array(10).fill('tc'));
  });

  it('gives each of several answer threads its share of the rate', () => {
    expect(flood(limiter({}, 2).rrl, '192.0.2.7', 20).filter((o) => o === 'sent')).toHaveLength(5);
  });

  it('counts IPv6 clients by /56, IPv4-mapped ones as IPv4', () => {
    const { rrl } = limiter();
    flood(rrl, '2001:db8:0:100::1', 10);
    expect(outcome(rrl.limit('2001:db8:0:1ff:abcd::2', www))).not.toBe('sent');
    expect(outcome(rrl.limit('2001:db8:0:200::1', www))).toBe('sent');
    flood(rrl, '192.0.2.7', 10);
    expect(outcome(rrl.limit('::ffff:192.0.2.9', www))).not.toBe('sent');
  });

  it('holds a fixed table: a flood of new prefixes does not reset a client being limited', () => {
    const clock = { now: 0 };
    const rrl = new ResponseRateLimiter(settings, { clock: () => clock.now, slots: 64 });
    flood(rrl, '192.0.2.7', 10);
    for (let i = 0; i < 5000; i++) rrl.limit(`10.${(i >> 8) & 255}.${i & 255}.1`, www);
    expect(flood(rrl, '192.0.2.7', 4)).not.toContain('sent');
  });
});

describe('the worker over UDP', () => {
  const RATE = 20;
  let worker: RunningWorker;
  let port: number;

  beforeAll(async () => {
    await createZone({ name: 'flood.test', nameservers: ['ns1.flood.test.'] }, { name: 'test' });
    await applyChangeset('flood.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, { name: 'test' });
    worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000, rrl: { responsesPerSecond: RATE, slip: 2 } });
    port = worker.dns[0]!.port;
  });

  afterAll(async () => {
    await worker?.stop();
  });

  /** A UDP client on its own loopback address. */
  async function client(address: string) {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, address, r));
    const replies: Buffer[] = [];
    s.on('message', (m) => replies.push(m));
    return { s, replies, send: (id: number) => s.send(encodeMessage(newQuery('www.flood.test.', 'A', { id })).buf, port, '127.0.0.1') };
  }

  it('limits a flood from one address and still answers another', async () => {
    // Regression: every UDP query was answered, so a flood forged "from" a victim was reflected to it in full.
    const N = 300;
    const flooder = await client('127.0.1.1');
    const started = Date.now();
    for (let i = 0; i < N; i++) flooder.send(i);
    // Wait until replies stop coming (bounded).
    for (let last = -1, deadline = Date.now() + 5000; flooder.replies.length !== last && Date.now() < deadline; ) {
      last = flooder.replies.length;
      await new Promise((r) => setTimeout(r, 300));
    }
    const seconds = (Date.now() - started) / 1000;
    const msgs = flooder.replies.map((b) => decodeMessage(b));
    const full = msgs.filter((m) => !m.tc && m.answers.length === 1).length;
    const tc = msgs.filter((m) => m.tc && m.answers.length === 0).length;
    // At most one second's burst plus the rate over the time it took, however slow the machine.
    expect(full).toBeLessThanOrEqual(RATE + Math.ceil(RATE * seconds));
    expect(tc).toBeGreaterThan(0);
    console.log(`flood: ${N} queries, ${full} answered, ${tc} truncated, in ${seconds} s`);

    // Another client (another /24) is answered in full meanwhile.
    const other = await client('127.0.2.1');
    other.send(7);
    for (let deadline = Date.now() + 2000; other.replies.length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    const answer = decodeMessage(other.replies[0]!);
    expect([answer.id, answer.tc, answer.answers.map((a) => a.data)]).toEqual([7, false, ['192.0.2.1']]);

    // The limited client itself still gets its answer over TCP, which is never rate limited.
    const viaTcp = await new Promise<Buffer | null>((resolve) => {
      const sock = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.1.1' });
      const reader = new TcpFrameReader();
      const timer = setTimeout(() => (sock.destroy(), resolve(null)), 2000);
      sock.on('connect', () => sock.write(frame(encodeMessage(newQuery('www.flood.test.', 'A', { id: 9 })).buf)));
      sock.on('data', (c) => {
        const [m] = reader.push(c);
        if (m) (clearTimeout(timer), sock.destroy(), resolve(m));
      });
      sock.on('error', () => (clearTimeout(timer), resolve(null)));
    });
    expect(decodeMessage(viaTcp!).answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    flooder.s.close();
    other.s.close();
  });
});
