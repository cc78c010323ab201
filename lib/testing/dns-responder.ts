// A scripted DNS server for tests: UDP and TCP on the same loopback port, every query handed
// as raw bytes to a handler that returns the raw replies. Over TCP each reply is framed and
// several queries per connection are served; over UDP only the first reply is sent.
import dgram from 'node:dgram';
import net from 'node:net';
import { contentToWire } from '../dns/rdata';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { decodeMessage, encodeMessage, newResponse, OPCODE } from '../dns/wire';

export type Transport = 'udp' | 'tcp';

/** Returns the replies to send, in order; none means stay silent. */
export type ResponderHandler = (query: Buffer, transport: Transport) => Buffer[] | Promise<Buffer[]>;

export interface Responder {
  port: number;
  /** Every query received, in order. */
  queries: { transport: Transport; message: Buffer }[];
  /** Handler exceptions, so a test can assert there were none. */
  errors: unknown[];
  close(): Promise<void>;
}

/** Starts on 127.0.0.1 with a port free for both UDP and TCP. */
export async function startResponder(handler: ResponderHandler): Promise<Responder> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tryStart(handler);
    } catch (err) {
      // The kernel's free TCP port may be taken for UDP; pick again.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
    }
  }
}

async function tryStart(handler: ResponderHandler): Promise<Responder> {
  const queries: Responder['queries'] = [];
  const errors: unknown[] = [];
  const sockets = new Set<net.Socket>();
  const run = async (query: Buffer, transport: Transport): Promise<Buffer[]> => {
    queries.push({ transport, message: query });
    try {
      return await handler(query, transport);
    } catch (err) {
      errors.push(err);
      return [];
    }
  };

  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    const reader = new TcpFrameReader();
    // Replies go out in query order even when a handler is slow.
    let chain = Promise.resolve();
    sock.on('data', (chunk) => {
      let msgs: Buffer[];
      try {
        msgs = reader.push(chunk);
      } catch {
        sock.destroy();
        return;
      }
      for (const m of msgs) {
        chain = chain.then(async () => {
          const replies = await run(m, 'tcp');
          for (const r of replies) if (!sock.destroyed) sock.write(frame(r));
        });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (tcp.address() as net.AddressInfo).port;

  const udp = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    throw err;
  }
  udp.on('error', (err) => errors.push(err));
  let closed = false;
  udp.on('message', (m, rinfo) => {
    void run(m, 'udp').then((replies) => {
      // The test may have closed the responder while this reply was being made.
      if (!replies[0] || closed) return;
      udp.send(replies[0], rinfo.port, rinfo.address, (err) => {
        if (err) errors.push(err);
      });
    });
  });

  return {
    port,
    queries,
    errors,
    close: async () => {
      closed = true;
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        new Promise<void>((resolve) => udp.close(() => resolve())),
      ]);
    },
  };
}

/**
 * A secondary that answers every zone's SOA, authoritatively, with the serial
 * `serialOf` gives for the zone's lowercase name, calls `onAsk` with that name,
 * and acknowledges NOTIFY: what the prober's tests probe.
 */
export function startSoaSecondary(serialOf: (zone: string) => number, onAsk: (zone: string) => void = () => undefined): Promise<Responder> {
  return startResponder((raw) => {
    const q = decodeMessage(raw);
    const reply = newResponse(q);
    reply.aa = true;
    const name = q.questions[0]!.name.toLowerCase();
    if (q.opcode !== OPCODE.NOTIFY) {
      onAsk(name);
      const soa = `ns1.${name} hostmaster.${name} ${serialOf(name)} 3600 600 86400 300`;
      reply.answers = [{ name, type: 'SOA', class: 'IN', ttl: 300, data: contentToWire('SOA', soa) }];
    }
    return [encodeMessage(reply).buf];
  });
}
