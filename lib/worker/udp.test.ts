// The UDP listener on both of its paths: the direct one (udp-direct.ts, Node's
// UDP handle without dgram's per-packet JavaScript) and dgram's public one,
// which is what runs when the direct path is unavailable.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { RR } from '../dns/types';
import { encodeMessage, newQuery, RCODE } from '../dns/wire';
import { ask, sendRaw } from '../testing/dns-client';
import { EDNS_UDP_LIMIT } from './handler';
import type { HandlerContext } from './request';
import { log } from './logger';
import { listenUdp } from './udp';
import { attachDirectPath, udpHandleOf } from './udp-direct';
import { buildSnapshot } from './zone-snapshot';
import { ZoneStore } from './zone-store';

const Z = 'udp.test.';
function context(): HandlerContext {
  const store = new ZoneStore();
  const soa: RR = { name: Z, type: 'SOA', ttl: 3600, content: `ns1.${Z} hostmaster.${Z} 3 3600 600 86400 120` };
  const txt: RR[] = Array.from({ length: 12 }, (_, i) => ({ name: `big.${Z}`, type: 'TXT', ttl: 300, content: `"${'x'.repeat(60)} ${i}"` }));
  store.set(
    buildSnapshot({ id: 1, name: Z, serial: 3, version: 1, soa, negativeTtl: 120 }, [
      { name: Z, type: 'NS', ttl: 300, content: `ns1.${Z}` },
      { name: `ns1.${Z}`, type: 'A', ttl: 300, content: '192.0.2.53' },
      { name: `www.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' },
      ...txt,
    ]),
  );
  return { store, log, ednsUdpLimit: EDNS_UDP_LIMIT };
}

const sockets: dgram.Socket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

describe.each([
  { path: 'direct', publicPathOnly: false },
  { path: 'public', publicPathOnly: true },
])('UDP listener, $path path', ({ path, publicPathOnly }) => {
  async function listen(): Promise<dgram.Socket> {
    const socket = await listenUdp(context(), { address: '127.0.0.1', port: 0 }, { publicPathOnly });
    sockets.push(socket);
    return socket;
  }

  it('is the path in use', async () => {
    const socket = await listen();
    // The public path listens for 'message'; the direct one does not need to.
    expect(socket.listenerCount('message')).toBe(path === 'public' ? 1 : 0);
  });

  it('answers many clients, each with its own ID and case', async () => {
    const port = (await listen()).address().port;
    const names = Array.from({ length: 50 }, (_, i) => (i % 2 ? `WWW.Udp.Test.` : `www.udp.test.`));
    const replies = await Promise.all(names.map((n) => ask(port, n, 'A')));
    for (const [i, m] of replies.entries()) {
      expect(m.rcode).toBe(RCODE.NOERROR);
      expect(m.questions[0]!.name).toBe(names[i]);
      expect(m.answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    }
    expect(new Set(replies.map((m) => m.id)).size).toBeGreaterThan(1);
  });

  it('sends the whole of a large answer over EDNS, and TC without it', async () => {
    const port = (await listen()).address().port;
    const big = await ask(port, `big.${Z}`, 'TXT', { edns: 4096 });
    expect(big.tc).toBe(false);
    expect(big.answers).toHaveLength(12);
    const cut = await ask(port, `big.${Z}`, 'TXT', { edns: false });
    expect(cut.tc).toBe(true);
    expect(cut.answers).toHaveLength(0);
  });

  // Regression: a datagram from source port 0 (forgeable with a raw socket) made dgram.send()
  // throw inside the receive callback, an uncaught exception that killed the worker.
  it('drops a datagram from port 0 without throwing, and goes on answering', async () => {
    const socket = await listen();
    const q = encodeMessage(newQuery(`www.${Z}`, 'A', {})).buf;
    const from0 = { address: '127.0.0.1', family: 'IPv4', port: 0, size: q.length };
    if (path === 'public') {
      expect(() => socket.emit('message', q, from0)).not.toThrow();
    } else {
      const handle = udpHandleOf(socket)!;
      expect(() => (handle.onmessage as (...a: unknown[]) => void)(q.length, handle, q, from0)).not.toThrow();
    }
    const reply = await sendRaw(socket.address().port, q, 'udp');
    expect(reply && reply[3]! & 0x0f).toBe(RCODE.NOERROR);
  });
});

describe('the direct path', () => {
  // A fake handle stands in for Node's, to steer send() into its rarer outcomes.
  function fakeSocket(results: number[]) {
    const sends: { req: { list?: Buffer[] }; reply: Buffer }[] = [];
    const handle = {
      onmessage: () => undefined,
      send(req: { list?: Buffer[] }, list: Buffer[]) {
        sends.push({ req, reply: list[0]! });
        return results.shift() ?? 1;
      },
      send6() {
        return 1;
      },
    };
    const socket = { [Symbol('state symbol')]: { handle } } as unknown as dgram.Socket;
    return { socket, handle, sends };
  }
  const deliver = (handle: { onmessage: unknown }, port = 53000) =>
    (handle.onmessage as (...a: unknown[]) => void)(1, handle, Buffer.from([port & 0xff]), { address: '127.0.0.1', port });

  it('keeps a queued reply with its request and sends the next one with a new request', () => {
    const { socket, handle, sends } = fakeSocket([1, 0, 1, 1]);
    let n = 0;
    expect(attachDirectPath(socket, false, () => Buffer.from([n++]), () => undefined)).toBe(true);
    for (let i = 0; i < 4; i++) deliver(handle);
    // Synchronous sends reuse the request; the one libuv queued (result 0) keeps its reply.
    expect(sends[1]!.req).toBe(sends[0]!.req);
    expect(sends[1]!.req.list).toEqual([Buffer.from([1])]);
    expect(sends[2]!.req).not.toBe(sends[1]!.req);
    expect(sends[3]!.req).toBe(sends[2]!.req);
  });

  it('reports failed sends and sends nothing for port 0 or no reply', () => {
    const { socket, handle, sends } = fakeSocket([-105]);
    const errors: number[] = [];
    attachDirectPath(socket, false, (msg) => (msg[0] === (53001 & 0xff) ? null : Buffer.from([9])), (e) => errors.push(e));
    deliver(handle);
    expect(errors).toEqual([-105]);
    deliver(handle, 0);
    deliver(handle, 53001); // its responder returns null
    expect(sends).toHaveLength(1);
  });

  it('declines, changing nothing, when the socket is not what it expects', () => {
    const socket = { [Symbol('state symbol')]: { handle: { onmessage: 1 } } } as unknown as dgram.Socket;
    expect(attachDirectPath(socket, false, () => null, () => undefined)).toBe(false);
  });
});
