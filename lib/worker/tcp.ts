// TCP listener (RFC 7766): 2-byte length framing across segments, any number
// of pipelined queries per connection answered in order, an idle timeout, a
// cap on concurrent connections, a smaller cap per client, and a lifetime.
//
// What a hostile or broken client can cost us, per connection, is bounded:
// - input: the frame reader holds at most one incomplete message (≤ 65537
//   bytes); complete messages wait in a queue only while we are not reading
//   (see output), so the queue is at most one socket read.
// - output: when the client does not read its answers and the write buffer
//   passes the socket's high-water mark, we stop answering and stop reading
//   until it drains (backpressure), so at most one answer rides above it.
// - time: the idle timer restarts only when a whole message arrives or the
//   client takes our output, so a half frame, or bytes dripped one at a
//   time, cannot hold a connection past idleTimeoutMs (RFC 7766 §6.2.3, §10).
//
// What one client can hold of the listener is bounded too (RFC 7766 §6.2.2
// lets a server limit connections per client address, §10 asks it to defend
// its slots). Without that, one client could take every slot and keep them by
// asking a question every few seconds:
// - at most maxPerClient connections per client; more are closed at accept.
//   TCP sources cannot be forged (the handshake), so the address is the real
//   client's. A client is an IPv4 address or an IPv6 /64: an IPv6 host is
//   routinely given a whole /64 and could open each connection from a new
//   address, so counting /128s would not limit it at all;
// - after maxLifetimeMs a connection takes no new queries, answers those it
//   already received, lets a zone transfer in progress finish (one is never
//   cut), and closes, so that busy clients too give their slots back in turn.
//   Clients retry unanswered queries on a new connection (RFC 7766 §6.2.4).
// No socket callback throws: an unexpected exception closes that connection only.
import net from 'node:net';
import { TCP_LIMIT_DEFAULTS, type ListenAddress, type TcpLimits } from '../config/env';
import { frame, TcpFrameReader } from '../dns/tcp-framing';
import { prefixText } from './client-prefix';
import { handleMessage } from './handler';
import { RefusalLog } from './refusal-log';
import { readRequest, type HandlerContext } from './request';
import { isTransferQuery, serveTransfer } from './transfer-out';
import { isUpdate, serveUpdate } from './update';

/** maxConnections: beyond it, connections are closed as soon as they are accepted; so are those beyond maxPerClient from one client. */
export interface TcpOptions extends TcpLimits {
  /** A connection with no complete message and no output taken for this long is closed. */
  idleTimeoutMs: number;
}

export const DEFAULT_TCP_OPTIONS: TcpOptions = { idleTimeoutMs: 10_000, ...TCP_LIMIT_DEFAULTS };

/** The client a connection counts against for maxPerClient: its IPv4 address, or its IPv6 /64. */
export function tcpClient(address: string): string {
  return prefixText(address, 32, 64);
}

/** The DNS header is 12 bytes (RFC 1035 §4.1.1); a shorter frame means the client lost the framing. */
const HEADER_SIZE = 12;

export interface TcpStats {
  /** Connections open now. */
  open: number;
  /** Connections refused because maxConnections were open. */
  refused: number;
  /** Connections refused because their client had maxPerClient open. */
  refusedPerClient: number;
  /** Connections that reached maxLifetimeMs and were closed once their answers were out. */
  retired: number;
  /** Connections currently paused because their client is not reading. */
  paused: number;
  /** Bytes received as complete messages but not yet answered, over all connections. */
  queuedBytes: number;
  /** Bytes written but not yet taken by the kernel, over all connections. */
  unsentBytes: number;
}

export interface TcpListener {
  port: number;
  /** A snapshot of the resources held by clients, for tests and health checks. */
  stats(): TcpStats;
  /** Stops accepting and closes every open connection. */
  close(): Promise<void>;
}

export function listenTcp(ctx: HandlerContext, at: ListenAddress, options: Partial<TcpOptions> = {}): Promise<TcpListener> {
  const opts: TcpOptions = { ...DEFAULT_TCP_OPTIONS, ...options };
  const open = new Set<Connection>();
  // Open connections per client (tcpClient()); a client with none has no entry.
  const perClient = new Map<string, number>();
  const counts = { refused: 0, refusedPerClient: 0, retired: 0 };
  // A client hammering the caps must not turn into a line per connection.
  const refusals = new RefusalLog(ctx.log, 20, 10_000, 'refused TCP connections');
  const server = net.createServer((socket) => {
    // An error after we let go of the socket must not become an uncaught exception.
    socket.on('error', () => socket.destroy());
    const client = tcpClient(socket.remoteAddress ?? '');
    const held = perClient.get(client) ?? 0;
    if (held >= opts.maxPerClient) {
      counts.refusedPerClient++;
      if (refusals.admit()) ctx.log.warn({ client, open: held, maxPerClient: opts.maxPerClient }, 'TCP connection refused: the client holds as many as it may');
      socket.destroy();
      return;
    }
    perClient.set(client, held + 1);
    const conn = new Connection(ctx, socket, opts.idleTimeoutMs, opts.maxLifetimeMs, () => counts.retired++);
    open.add(conn);
    socket.on('close', () => {
      open.delete(conn);
      const left = (perClient.get(client) ?? 1) - 1;
      if (left > 0) perClient.set(client, left);
      else perClient.delete(client);
      conn.closed();
    });
  });
  server.maxConnections = opts.maxConnections;
  // Node closes a connection over maxConnections itself and tells us here.
  server.on('drop', (data?: { remoteAddress?: string }) => {
    counts.refused++;
    if (refusals.admit()) ctx.log.warn({ client: data?.remoteAddress, maxConnections: opts.maxConnections }, 'TCP connection refused: every connection slot is taken');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: at.port, host: at.address, exclusive: true }, () => {
      server.off('error', reject);
      // After listening, an error (e.g. from accept) must not become an uncaught exception.
      server.on('error', (err) => ctx.log.error({ err: err.message }, 'TCP listener error'));
      resolve({
        port: (server.address() as net.AddressInfo).port,
        stats: () => {
          const s: TcpStats = { open: open.size, ...counts, paused: 0, queuedBytes: 0, unsentBytes: 0 };
          for (const c of open) {
            if (c.paused) s.paused++;
            s.queuedBytes += c.queuedBytes;
            s.unsentBytes += c.socket.writableLength;
          }
          return s;
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const c of open) c.socket.destroy();
          }),
      });
    });
  });
}

/** One client connection: its frame reader, its queue of unanswered messages, its idle and lifetime timers. */
class Connection {
  readonly peer: { address: string; port: number };
  private readonly reader = new TcpFrameReader();
  // Complete messages not yet answered; only non-empty while the client is not reading.
  private queue: Buffer[] = [];
  private head = 0;
  queuedBytes = 0;
  paused = false;
  // Set once we decided to close: nothing more is read or answered.
  private ending = false;
  // A zone transfer is being written, or an UPDATE applied: later messages wait their turn, in order.
  private transferring = false;
  // Past its lifetime: nothing more is read; what was received is answered, then it closes.
  private retiring = false;
  private readonly idle: NodeJS.Timeout;
  private readonly lifetime: NodeJS.Timeout | null;

  constructor(
    private readonly ctx: HandlerContext,
    readonly socket: net.Socket,
    idleTimeoutMs: number,
    maxLifetimeMs: number,
    private readonly onRetire: () => void,
  ) {
    this.peer = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    // Answers are written as soon as they are ready; Nagle would only delay them.
    socket.setNoDelay(true);
    this.idle = setTimeout(() => socket.destroy(), idleTimeoutMs);
    this.idle.unref();
    this.lifetime = maxLifetimeMs > 0 ? setTimeout(() => this.retire(), maxLifetimeMs) : null;
    this.lifetime?.unref();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    // Resets, writes after the peer left: the 'close' that follows cleans up.
    socket.on('error', () => socket.destroy());
  }

  closed(): void {
    clearTimeout(this.idle);
    if (this.lifetime) clearTimeout(this.lifetime);
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
  }

  /** The lifetime is over: take no new queries, and close once every received one is answered. */
  private retire(): void {
    if (this.ending) return;
    this.retiring = true;
    this.onRetire();
    this.socket.pause();
    this.closeWhenDone();
  }

  private closeWhenDone(): void {
    if (!this.retiring || this.ending || this.transferring || this.head < this.queue.length) return;
    this.ending = true;
    // end(), not destroy(): the answers still in the write buffer go out first.
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    if (this.ending || this.retiring) return;
    let messages: Buffer[];
    try {
      messages = this.reader.push(chunk);
    } catch {
      // TcpFrameError: a length we will not accept; the stream cannot be resynchronized.
      this.socket.destroy();
      return;
    }
    if (messages.length === 0) return;
    this.idle.refresh();
    for (const m of messages) {
      this.queue.push(m);
      this.queuedBytes += m.length;
    }
    this.answerQueued();
  }

  private onDrain(): void {
    // The client takes its answers: it is alive, and we may answer (and read) again.
    if (this.ending) return;
    this.idle.refresh();
    this.answerQueued();
  }

  /** Answers queued messages in order until the queue is empty or the client stops reading. */
  private answerQueued(): void {
    const socket = this.socket;
    // One system call for all answers to one read, however many were pipelined.
    socket.cork();
    try {
      let room = true;
      while (room && !this.transferring && this.head < this.queue.length && !this.ending) {
        const m = this.queue[this.head]!;
        this.head++;
        this.queuedBytes -= m.length;
        room = this.answer(m);
      }
    } finally {
      socket.uncork();
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      if (this.paused && !this.ending) {
        this.paused = false;
        if (!this.retiring) socket.resume();
      }
    } else if (!this.paused && !this.ending) {
      // Stop reading until 'drain': a client that sends without reading gets no more of our memory.
      this.paused = true;
      socket.pause();
    }
    this.closeWhenDone();
  }

  /** Answers one message; false when the write buffer is full (or the connection is going away). */
  private answer(m: Buffer): boolean {
    const socket = this.socket;
    if (m.length < HEADER_SIZE) {
      // Nothing to answer (rcode table), and a runt frame (a zero length, say) means the
      // framing is lost or the client is probing: finish the answers already written and close.
      this.ending = true;
      this.queue = [];
      this.head = 0;
      this.queuedBytes = 0;
      socket.end();
      return false;
    }
    if (isTransferQuery(m)) {
      this.startTransfer(m);
      return false;
    }
    if (isUpdate(m)) {
      this.startUpdate(m);
      return false;
    }
    let out: Buffer;
    try {
      const reply = handleMessage(this.ctx, m, 'tcp', this.peer);
      if (!reply) return true;
      out = frame(reply);
    } catch (err) {
      // handleMessage answers SERVFAIL for its own exceptions; this is a bug past that net.
      this.ctx.log.error({ peer: this.peer, err: (err as Error)?.stack ?? String(err) }, 'TCP answer failed; closing the connection');
      this.ending = true;
      socket.destroy();
      return false;
    }
    if (socket.destroyed || !socket.writable) {
      this.ending = true;
      return false;
    }
    return socket.write(out);
  }

  /**
   * AXFR/IXFR: many messages, written as fast as the client takes them
   * (each write waits for 'drain' when the buffer is full). Queued queries
   * are answered after the transfer, in order (RFC 7766 §6.2.1.1).
   */
  private startTransfer(m: Buffer): void {
    const send = (msg: Buffer) => this.sendFrame(msg);
    this.runAlone('transfer', async () => {
      // Read once like every request; one that does not decode gets its FORMERR the same way.
      const read = readRequest(this.ctx, m, 'tcp', this.peer);
      if ('request' in read) return serveTransfer(this.ctx, read.request, send);
      if (read.reply) return send(read.reply);
    });
  }

  /** UPDATE (update.ts): its answer waits for the change to commit; later messages wait their turn, like after a transfer. */
  private startUpdate(m: Buffer): void {
    this.runAlone('UPDATE', async () => {
      const reply = await serveUpdate(this.ctx, m, 'tcp', this.peer);
      if (reply) await this.sendFrame(reply);
    });
  }

  /** Runs `serve` with the connection's other messages held back until it ends; a failure closes this connection only. */
  private runAlone(what: string, serve: () => Promise<void>): void {
    this.transferring = true;
    serve()
      .catch((err: Error) => {
        if (!this.socket.destroyed) this.ctx.log.error({ peer: this.peer, err: err.stack ?? err.message }, `${what} failed; closing the connection`);
        this.ending = true;
        this.socket.destroy();
      })
      .finally(() => {
        this.transferring = false;
        if (!this.ending) this.answerQueued();
      });
  }

  private sendFrame(msg: Buffer): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || !socket.writable) return Promise.reject(new Error('connection closed by the client'));
    // The client is taking a transfer: it is not idle.
    this.idle.refresh();
    if (socket.write(frame(msg))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        socket.off('drain', onDrain);
        socket.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('connection closed by the client'));
      socket.on('drain', onDrain);
      socket.on('close', onClose);
    });
  }
}
