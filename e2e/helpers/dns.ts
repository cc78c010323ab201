// A minimal DNS client for the e2e tests: one question over UDP, retried
// until the answer is what the caller waits for or the time is up.
import dgram from 'node:dgram';
import dnsPacket, { type DecodedPacket, type RecordType } from 'dns-packet';

/** A decoded reply; dns-packet decodes the rcode and opcode too, its types just omit them. */
export type DnsReply = DecodedPacket & { rcode: string; opcode: string };

export interface QueryOptions {
  host: string;
  port: number;
  /** How long one attempt waits for its reply. */
  attemptTimeoutMs?: number;
}

/** Sends one query and resolves with the decoded reply, or rejects after the timeout. */
export function queryOnce(name: string, type: RecordType, opts: QueryOptions): Promise<DnsReply> {
  const id = Math.floor(Math.random() * 65536);
  const message = dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ name, type, class: 'IN' }] });
  const socket = dgram.createSocket(opts.host.includes(':') ? 'udp6' : 'udp4');
  return new Promise<DnsReply>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no reply from ${opts.host}:${opts.port} within ${opts.attemptTimeoutMs ?? 500} ms`)), opts.attemptTimeoutMs ?? 500);
    function finish(err: Error | null, packet?: DnsReply) {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(packet!);
    }
    socket.on('error', (err) => finish(err));
    socket.on('message', (buf) => {
      let packet: DnsReply;
      try {
        packet = dnsPacket.decode(buf) as DnsReply;
      } catch (err) {
        finish(err as Error);
        return;
      }
      if (packet.id !== id) return; // not ours; keep waiting
      finish(null, packet);
    });
    socket.send(message, opts.port, opts.host, (err) => {
      if (err) finish(err);
    });
  });
}

/**
 * Asks until `done(reply)` holds or `totalMs` passes, then returns the last
 * reply (so the test's assertions show what actually came back). The worker
 * loads a new zone within about a second of the commit, so the first answers
 * may still be REFUSED.
 */
export async function queryUntil(
  name: string,
  type: RecordType,
  opts: QueryOptions & { totalMs?: number; done: (reply: DnsReply) => boolean },
): Promise<DnsReply> {
  const deadline = Date.now() + (opts.totalMs ?? 3000);
  let last: DnsReply | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await queryOnce(name, type, opts);
      if (opts.done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (last) return last;
  throw lastError instanceof Error ? lastError : new Error(`no DNS reply for ${name} ${type}`);
}
