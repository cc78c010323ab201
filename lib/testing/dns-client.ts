// A small DNS client for tests: one question over UDP or TCP to a server on
// loopback, decoded with our wire wrapper. Bounded in time.
import dgram from 'node:dgram';
import net from 'node:net';
import { decodeMessage, encodeMessage, newQuery, type Message } from '../dns/wire';
import { frame, TcpFrameReader } from '../dns/tcp-framing';

export interface AskOptions {
  transport?: 'udp' | 'tcp';
  edns?: number | false;
  timeoutMs?: number;
  rd?: boolean;
  /** Sets the DO bit (RFC 3225), in an OPT of `edns` bytes (1232 when `edns` is not given). */
  dnssecOk?: boolean;
}

export function queryMessage(name: string, type: string, opts: AskOptions = {}): Message {
  const edns = opts.edns === false ? undefined : (opts.edns ?? (opts.dnssecOk ? 1232 : undefined));
  const q = newQuery(name, type, { rd: opts.rd, edns });
  if (opts.dnssecOk && q.edns) q.edns.dnssecOk = true;
  return q;
}

export async function ask(port: number, name: string, type: string, opts: AskOptions = {}, host = '127.0.0.1'): Promise<Message> {
  const raw = encodeMessage(queryMessage(name, type, opts)).buf;
  const reply = await sendRaw(port, raw, opts.transport ?? 'udp', opts.timeoutMs ?? 2000, host);
  if (!reply) throw new Error(`no answer from ${host}:${port} for ${name} ${type}`);
  return decodeMessage(reply);
}

/** Sends raw bytes and returns the raw reply, or null when none came in time. */
export function sendRaw(port: number, raw: Buffer, transport: 'udp' | 'tcp', timeoutMs = 2000, host = '127.0.0.1'): Promise<Buffer | null> {
  if (transport === 'udp') {
    return new Promise((resolve) => {
      const s = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
      const timer = setTimeout(() => {
        s.close();
        resolve(null);
      }, timeoutMs);
      s.on('message', (m) => {
        clearTimeout(timer);
        s.close();
        resolve(m);
      });
      s.send(raw, port, host);
    });
  }
  return new Promise((resolve) => {
    const reader = new TcpFrameReader();
    const sock = net.connect({ port, host });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(null);
    }, timeoutMs);
    sock.on('connect', () => sock.write(frame(raw)));
    sock.on('data', (chunk) => {
      const msgs = reader.push(chunk);
      if (msgs.length) {
        clearTimeout(timer);
        sock.destroy();
        resolve(msgs[0]!);
      }
    });
    sock.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

/** Polls until `check` passes or the time runs out; returns the last answer. */
export async function eventually<T>(fn: () => Promise<T>, check: (v: T) => boolean, withinMs: number, stepMs = 50): Promise<T> {
  const deadline = Date.now() + withinMs;
  let last = await fn();
  while (!check(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, stepMs));
    last = await fn();
  }
  return last;
}
