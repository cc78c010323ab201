// TCP listener (RFC 7766): 2-byte length framing across segments, any number
// of pipelined queries per connection answered in order, an idle timeout and
// a cap on concurrent connections.
import net from 'node:net';
import type { ListenAddress } from '../config/env';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { handleMessage, type HandlerContext } from './handler';

export interface TcpOptions {
  idleTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_TCP_OPTIONS: TcpOptions = { idleTimeoutMs: 10_000, maxConnections: 200 };

export interface TcpListener {
  port: number;
  /** Stops accepting and closes every open connection. */
  close(): Promise<void>;
}

export function listenTcp(ctx: HandlerContext, at: ListenAddress, opts: TcpOptions = DEFAULT_TCP_OPTIONS): Promise<TcpListener> {
  const open = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    const peer = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    const reader = new TcpFrameReader();
    socket.setTimeout(opts.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const m of messages) {
        const reply = handleMessage(ctx, m, 'tcp', peer);
        if (reply) socket.write(frame(reply));
      }
    });
    socket.on('error', () => socket.destroy());
  });
  server.maxConnections = opts.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: at.port, host: at.address }, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of open) s.destroy();
          }),
      });
    });
  });
}
