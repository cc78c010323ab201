// DNS over TCP as RFC 7766 asks of a server: framing across segments, pipelining answered in
// order, an idle timeout, a connection limit, large answers whole, and one bad client costing
// only its own connection; what one client may hold (a per-client cap, a connection lifetime).
// The real worker on 127.0.0.1 port 0, with short timeouts; other clients come from other
// loopback addresses (127.0.0.0/8 is all local).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RR } from '../dns/types';
import { decodeMessage, RCODE, type Message } from '../dns/wire';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { ask } from '../testing/dns-client';
import { query } from '../testing/packet-fuzz';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { EDNS_UDP_LIMIT } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import { listenTcp, type TcpListener } from './tcp';
import { startWorker, type RunningWorker } from './worker';
import { ZoneLoader } from './zone-loader';
import { buildSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

const actor = { name: 'test' };
const IDLE_MS = 400;
const MAX_CONNECTIONS = 5;
const T_A = 1;
const T_TXT = 16;
const T_MX = 15;
let worker: RunningWorker;
let port: number;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw TCP client that collects every frame the server sends and notices when it closes. */
class Client {
  readonly frames: Buffer[] = [];
  closedAt: number | null = null;
  private readonly reader = new TcpFrameReader();
  private waiters: (() => void)[] = [];
  readonly openedAt = Date.now();

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.frames.push(...this.reader.push(chunk));
      this.wake();
    });
    const closed = () => {
      this.closedAt ??= Date.now();
      this.wake();
    };
    socket.on('end', closed);
    socket.on('close', closed);
    socket.on('error', closed);
  }

  static open(p = port, localAddress?: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port: p, host: '127.0.0.1', localAddress });
      s.once('connect', () => resolve(new Client(s)));
      s.once('error', reject);
    });
  }

  write(b: Buffer): void {
    this.socket.write(b);
  }

  /** Resolves when `cond` holds or after `ms`; returns whether it held. */
  async until(cond: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
    return true;
  }

  async frameCount(n: number, ms = 2000): Promise<Message[]> {
    await this.until(() => this.frames.length >= n, ms);
    return this.frames.map((f) => decodeMessage(f));
  }

  closedWithin(ms: number): Promise<boolean> {
    return this.until(() => this.closedAt !== null, ms);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

beforeAll(async () => {
  await createZone({ name: 'tcp.test', nameservers: ['ns1.tcp.test.'] }, actor);
  await applyChangeset(
    'tcp.test',
    {
      add: [
        { name: 'ns1', type: 'A', content: '192.0.2.53' },
        { name: 'www', type: 'A', content: '192.0.2.1' },
        { name: 'mail', type: 'A', content: '192.0.2.25' },
        { name: '@', type: 'MX', content: '10 mail' },
        ...Array.from({ length: 40 }, (_, i) => ({ name: 'big', type: 'TXT', content: `"record ${i} ${'x'.repeat(30)}"` })),
      ],
    },
    actor,
  );
  worker = await startWorker({
    listen: [{ address: '127.0.0.1', port: 0 }],
    controlPort: 0,
    pollIntervalMs: 60_000,
    tcp: { idleTimeoutMs: IDLE_MS, maxConnections: MAX_CONNECTIONS },
  });
  port = worker.dns[0]!.port;
});

afterAll(async () => {
  await worker?.stop();
});

const www = (id: number) => query({ id, name: 'www.tcp.test.', type: T_A });

describe('framing (RFC 7766 §8)', () => {
  it('reassembles a length prefix split across segments', async () => {
    const c = await Client.open();
    const f = frame(www(0x1111));
    c.write(f.subarray(0, 1));
    await sleep(30);
    c.write(f.subarray(1, 5));
    await sleep(30);
    c.write(f.subarray(5));
    const [r] = await c.frameCount(1);
    expect(r!.id).toBe(0x1111);
    expect(r!.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    c.destroy();
  });

  it('answers a query written one byte at a time', async () => {
    const c = await Client.open();
    for (const b of frame(www(0x2222))) {
      c.write(Buffer.from([b]));
      await sleep(1);
    }
    const [r] = await c.frameCount(1);
    expect(r!.id).toBe(0x2222);
    expect(r!.rcode).toBe(RCODE.NOERROR);
    c.destroy();
  });

  it('answers pipelined queries from one write, in order, with their IDs', async () => {
    const c = await Client.open();
    const qs = [
      query({ id: 1, name: 'www.tcp.test.', type: T_A }),
      query({ id: 2, name: 'nope.tcp.test.', type: T_A }),
      query({ id: 3, name: 'tcp.test.', type: T_MX }),
      query({ id: 4, name: 'example.org.', type: T_A }),
      query({ id: 5, name: 'big.tcp.test.', type: T_TXT }),
      ...Array.from({ length: 45 }, (_, i) => query({ id: 100 + i, name: 'mail.tcp.test.', type: T_A })),
    ];
    c.write(Buffer.concat(qs.map(frame)));
    const rs = await c.frameCount(qs.length);
    expect(rs.map((r) => r.id)).toEqual(qs.map((q) => q.readUInt16BE(0)));
    expect(rs.slice(0, 5).map((r) => r.rcode)).toEqual([RCODE.NOERROR, RCODE.NXDOMAIN, RCODE.NOERROR, RCODE.REFUSED, RCODE.NOERROR]);
    expect(rs[2]!.answers[0]!.type).toBe('MX');
    expect(rs[49]!.answers.map((a) => a.data)).toEqual(['192.0.2.25']);
    c.destroy();
  });

  it('sends an answer over 512 bytes whole, without TC', async () => {
    const r = await ask(port, 'big.tcp.test.', 'TXT', { transport: 'tcp' });
    expect(r.tc).toBe(false);
    expect(r.answers).toHaveLength(40);
    const c = await Client.open();
    c.write(frame(query({ id: 7, name: 'big.tcp.test.', type: T_TXT })));
    await c.frameCount(1);
    expect(c.frames[0]!.length).toBeGreaterThan(512);
    c.destroy();
    // Over UDP without EDNS the same RRset does not fit: TC, and no part of the RRset.
    const udp = await ask(port, 'big.tcp.test.', 'TXT');
    expect(udp.tc).toBe(true);
    expect(udp.answers).toHaveLength(0);
  });
});

describe('idle timeout (RFC 7766 §6.2.3)', () => {
  it('closes a silent connection', async () => {
    const c = await Client.open();
    expect(await c.closedWithin(IDLE_MS + 1000)).toBe(true);
    expect(c.closedAt! - c.openedAt).toBeGreaterThanOrEqual(IDLE_MS - 50);
  });

  it('closes a connection that only ever sends part of a message', async () => {
    // Bytes dribbled below the idle period must not hold a connection open forever.
    const c = await Client.open();
    c.write(Buffer.from([0, 40]));
    for (let i = 0; i < 30 && c.closedAt === null; i++) {
      await sleep(IDLE_MS / 4);
      if (c.closedAt === null) c.write(Buffer.from([0]));
    }
    expect(c.closedAt).not.toBeNull();
    expect(c.closedAt! - c.openedAt).toBeLessThan(IDLE_MS * 2 + 300);
  });

  it('keeps a connection that keeps asking', async () => {
    const c = await Client.open();
    for (let i = 0; i < 6; i++) {
      c.write(frame(www(i)));
      await sleep(IDLE_MS / 2);
    }
    expect(c.closedAt).toBeNull();
    expect((await c.frameCount(6)).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5]);
    c.destroy();
  });
});

describe('connection limit (RFC 7766 §6.2.2)', () => {
  it('closes connections beyond the limit while the open ones keep working', async () => {
    const held: Client[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const c = await Client.open();
      c.write(frame(www(i)));
      await c.frameCount(1);
      held.push(c);
    }
    const extra = await Client.open();
    extra.write(frame(www(99)));
    expect(await extra.closedWithin(IDLE_MS / 2)).toBe(true);
    expect(extra.frames).toHaveLength(0);
    for (const [i, c] of held.entries()) {
      c.write(frame(www(10 + i)));
      const rs = await c.frameCount(2);
      expect(rs[1]!.id).toBe(10 + i);
    }
    // A freed slot is usable again.
    held.pop()!.destroy();
    await sleep(50);
    const next = await Client.open();
    next.write(frame(www(42)));
    expect((await next.frameCount(1))[0]?.id).toBe(42);
    for (const c of [...held, next]) c.destroy();
    await sleep(50);
  });
});

describe('hostile clients', () => {
  it('a garbage frame costs only its own connection', async () => {
    const good = await Client.open();
    good.write(frame(www(1)));
    await good.frameCount(1);

    // Undecodable: FORMERR with its ID. Then a zero-length frame: no answer, the connection closes.
    const bad = await Client.open();
    const junk = Buffer.from('beef0000ffff0000000000000102030405060708090a', 'hex');
    bad.write(Buffer.concat([frame(junk), frame(Buffer.alloc(0)), frame(www(5))]));
    expect(await bad.closedWithin(IDLE_MS / 2)).toBe(true);
    expect(bad.frames).toHaveLength(1);
    expect(bad.frames[0]!.readUInt16BE(0)).toBe(0xbeef);
    expect(bad.frames[0]![3]! & 0x0f).toBe(RCODE.FORMERR);

    // A prefix announcing 65535 bytes, then the client leaves; another sends raw noise.
    const gone = await Client.open();
    gone.socket.end(Buffer.from([0xff, 0xff]));
    const noise = await Client.open();
    noise.write(Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) & 0xff)));

    good.write(frame(www(2)));
    const rs = await good.frameCount(2);
    expect(rs[1]!.id).toBe(2);
    expect(rs[1]!.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    for (const c of [good, bad, gone, noise]) c.destroy();
    // The worker as a whole is unaffected.
    expect((await ask(port, 'www.tcp.test.', 'A', { transport: 'tcp' })).rcode).toBe(RCODE.NOERROR);
  });
});

describe('the TCP listener', () => {
  let store: ZoneStore;
  let ctx: HandlerContext;
  let listener: TcpListener;

  beforeAll(async () => {
    store = new ZoneStore();
    await new ZoneLoader(store, log).sync();
    ctx = { store, log, ednsUdpLimit: EDNS_UDP_LIMIT };
    listener = await listenTcp(ctx, { address: '127.0.0.1', port: 0 }, { idleTimeoutMs: 5000, maxConnections: 10 });
  });

  afterAll(async () => {
    await listener?.close();
  });

  it('stops reading from a client that does not read its answers, and loses nothing', async () => {
    const N = 5000;
    const c = await Client.open(listener.port);
    c.socket.pause();
    c.write(Buffer.concat(Array.from({ length: N }, (_, i) => frame(query({ id: i, name: 'big.tcp.test.', type: T_TXT })))));
    await sleep(300);
    const s = listener.stats();
    // Unbounded, ~8 MB of answers would sit in the server's write buffer; with backpressure the
    // server holds about its high-water mark plus one answer, and one read of queries.
    expect(s.paused).toBe(1);
    expect(s.unsentBytes).toBeLessThan(256 * 1024);
    expect(s.queuedBytes).toBeLessThan(256 * 1024);
    c.socket.resume();
    await c.until(() => c.frames.length >= N, 20_000);
    expect(c.frames).toHaveLength(N);
    expect(c.frames.every((f, i) => f.readUInt16BE(0) === i)).toBe(true);
    expect(listener.stats().paused).toBe(0);
    c.destroy();
  });

  it('survives an exception past the handler: closes that connection only', async () => {
    // A getter that throws stands for a bug anywhere in answering; with EDNS, the handler's own
    // SERVFAIL path reads it again and the exception escapes handleMessage.
    let boom = true;
    const trap = Object.create(ctx) as HandlerContext;
    Object.defineProperty(trap, 'ednsUdpLimit', {
      get() {
        if (boom) throw new Error('boom');
        return EDNS_UDP_LIMIT;
      },
    });
    const l = await listenTcp(trap, { address: '127.0.0.1', port: 0 }, { idleTimeoutMs: 5000, maxConnections: 10 });
    try {
      const other = await Client.open(l.port);
      const c = await Client.open(l.port);
      const q = query({ id: 9, name: 'www.tcp.test.', type: T_A, edns: { udpSize: 1232 } });
      c.write(frame(q));
      expect(await c.closedWithin(1000)).toBe(true);
      expect(c.frames).toHaveLength(0);
      boom = false;
      other.write(frame(q));
      expect((await other.frameCount(1))[0]!.id).toBe(9);
      other.destroy();
    } finally {
      await l.close();
    }
  });
});

describe('what one client may hold (RFC 7766 §6.2.2, §10)', () => {
  const PER_CLIENT = 2;
  let limited: RunningWorker;
  let lport: number;

  beforeAll(async () => {
    // Through the environment, as an operator sets it.
    const saved = { ...process.env };
    process.env.ZK_TCP_MAX_CLIENTS = '10';
    process.env.ZK_TCP_MAX_PER_CLIENT = String(PER_CLIENT);
    try {
      limited = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000, tcp: { idleTimeoutMs: 5000 } });
    } finally {
      process.env = saved;
    }
    lport = limited.dns[0]!.port;
  });

  afterAll(async () => {
    await limited?.stop();
  });

  it('refuses a client over its own cap while another client still connects', async () => {
    // Regression: one client could open all 200 slots and keep them by asking every few seconds.
    const mine: Client[] = [];
    for (let i = 0; i < PER_CLIENT; i++) {
      const c = await Client.open(lport, '127.0.0.2');
      c.write(frame(www(i)));
      expect((await c.frameCount(1))[0]?.id).toBe(i);
      mine.push(c);
    }
    const over = await Client.open(lport, '127.0.0.2');
    over.write(frame(www(99)));
    expect(await over.closedWithin(2000)).toBe(true);
    expect(over.frames).toHaveLength(0);

    const other = await Client.open(lport, '127.0.0.3');
    other.write(frame(www(7)));
    expect((await other.frameCount(1))[0]?.id).toBe(7);
    // The capped client keeps what it holds, and gets a slot back when it frees one.
    mine[0]!.write(frame(www(10)));
    expect((await mine[0]!.frameCount(2))[1]?.id).toBe(10);
    mine.pop()!.destroy();
    // The server sees the close a moment later; until then a new connection may still be refused.
    let again: Client | null = null;
    for (const deadline = Date.now() + 3000; !again && Date.now() < deadline; ) {
      const c = await Client.open(lport, '127.0.0.2');
      c.write(frame(www(11)));
      await c.until(() => c.frames.length > 0 || c.closedAt !== null, 1000);
      if (c.frames.length > 0) again = c;
      else c.destroy();
    }
    expect(again?.frames[0]?.readUInt16BE(0)).toBe(11);
    for (const c of [...mine, over, other, again!]) c.destroy();
  });
});

describe('connection lifetime', () => {
  const LIFETIME_MS = 300;
  // Far longer than any wait below: only the lifetime can close these connections in time.
  const IDLE = 20_000;
  const WITHIN = 10_000;
  const Z = 'life.test.';
  let listener: TcpListener;
  // About 12 MB of AXFR: more than loopback's socket buffers hold, so a client that does not read stalls it.
  const records = 6000;

  beforeAll(async () => {
    const store = new ZoneStore();
    const soa: RR = { name: Z, type: 'SOA', ttl: 3600, content: `ns1.${Z} hostmaster.${Z} 1 3600 600 86400 120` };
    store.set(
      buildSnapshot({ id: 1, name: Z, serial: 1, version: 1, soa, negativeTtl: 120 }, [
        { name: Z, type: 'NS', ttl: 300, content: `ns1.${Z}` },
        { name: `www.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
        ...Array.from({ length: records }, (_, i): RR => ({
          name: `h${i}.${Z}`,
          type: 'TXT',
          ttl: 300,
          content: Array.from({ length: 8 }, (_, k) => `"${i} ${k} ${'t'.repeat(240)}"`).join(' '),
        })),
      ]),
    );
    // readOnly: no transfer events to record (the zone is not in the database).
    listener = await listenTcp({ store, log, ednsUdpLimit: EDNS_UDP_LIMIT, readOnly: true }, { address: '127.0.0.1', port: 0 }, {
      idleTimeoutMs: IDLE,
      maxConnections: 10,
      maxLifetimeMs: LIFETIME_MS,
    });
  });

  afterAll(async () => {
    await listener?.close();
  });

  it('closes a connection that keeps asking once its lifetime is over, after answering', async () => {
    // Regression: a client asking every few seconds reset the idle timer and held its slot for ever.
    const c = await Client.open(listener.port);
    let sent = 0;
    while (c.closedAt === null && sent < 60) {
      c.write(frame(query({ id: sent, name: `www.${Z}`, type: T_A })));
      sent++;
      await sleep(50);
    }
    expect(await c.closedWithin(WITHIN)).toBe(true);
    // Whatever it answered, it answered in order; a query sent after it stopped reading is the client's to retry.
    const ids = c.frames.map((f) => f.readUInt16BE(0));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(ids.map((_, i) => i));
    expect(listener.stats().retired).toBeGreaterThanOrEqual(1);
    c.destroy();
  });

  it('finishes a zone transfer under way when the lifetime ends, and what was asked after it', async () => {
    const c = await Client.open(listener.port);
    // The client does not read: the transfer (megabytes) stalls in the socket buffers past the lifetime.
    c.socket.pause();
    c.write(Buffer.concat([frame(query({ id: 1, name: Z, type: 252 })), frame(query({ id: 2, name: `www.${Z}`, type: T_A }))]));
    await sleep(LIFETIME_MS + 300);
    // The transfer really is under way: the server holds output the client has not taken.
    expect(listener.stats().unsentBytes).toBeGreaterThan(0);
    expect(c.closedAt).toBeNull();
    c.socket.resume();
    expect(await c.closedWithin(WITHIN)).toBe(true);
    const msgs = c.frames.map((f) => decodeMessage(f));
    const axfr = msgs.filter((m) => m.id === 1).flatMap((m) => m.answers);
    expect(axfr[0]?.type).toBe('SOA');
    expect(axfr.at(-1)?.type).toBe('SOA');
    expect(axfr).toHaveLength(records + 4);
    expect(msgs.at(-1)?.id).toBe(2);
    expect(msgs.at(-1)?.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    c.destroy();
  });
});
