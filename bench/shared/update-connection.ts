// One DNS client connection over TCP for the UPDATE benchmark: messages go out
// one at a time on a connection kept open (RFC 7766 §6.2.1), each answered
// before the next is sent, as a dynamic-DNS client holding a session does.
// A connection the server closes is opened again for the next message; a
// message whose answer does not come in time, or whose connection drops,
// counts as unanswered rather than stopping the run.
import net from 'node:net';
import { frame, TcpFrameReader } from '../../lib/dns/tcp-framing.ts';

export class UpdateConnection {
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private reader = new TcpFrameReader();
  private waiting: { id: number; done: (answer: Buffer | null) => void } | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends `message` and resolves with the answer that carries its ID, or null when none came within `timeoutMs`. */
  async exchange(message: Buffer, timeoutMs: number): Promise<Buffer | null> {
    if (this.waiting) throw new Error('UpdateConnection: one message at a time');
    let socket: net.Socket;
    try {
      socket = await this.open(timeoutMs);
    } catch {
      return null;
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // A late answer would be read as the next message's: this connection is done.
        this.drop();
        resolve(null);
      }, timeoutMs);
      this.waiting = {
        id: message.readUInt16BE(0),
        done: (answer) => {
          clearTimeout(timer);
          this.waiting = null;
          resolve(answer);
        },
      };
      socket.write(frame(message));
    });
  }

  close(): void {
    this.drop();
  }

  private open(timeoutMs: number): Promise<net.Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => (socket.destroy(), reject(new Error('connect timed out'))), timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.socket = socket;
        this.reader = new TcpFrameReader();
        resolve(socket);
      });
      socket.on('data', (chunk: Buffer) => this.read(socket, chunk));
      socket.on('error', () => undefined);
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new Error('connection closed'));
        if (this.socket === socket) this.drop();
      });
    }).finally(() => (this.connecting = null));
    return this.connecting;
  }

  private read(socket: net.Socket, chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.reader.push(chunk);
    } catch {
      return void socket.destroy();
    }
    for (const m of messages) {
      if (this.waiting && m.length >= 12 && m.readUInt16BE(0) === this.waiting.id) this.waiting.done(m);
    }
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
    this.waiting?.done(null);
  }
}
