// One question to a primary: the SOA check of a refresh (RFC 1035 §4.3.5,
// RFC 1996 §4.7 after a NOTIFY) and the NS question of an autoprimary. UDP
// first, on a connected socket so that a closed port fails at once instead of
// timing out, TCP when the answer is truncated. Signed with the zone's TSIG
// key when it has one, and then the answer must verify (RFC 8945 §5.3).
// Sent from ZK_TRANSFER_SOURCE when the caller passes it (transfer-source.ts).
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { ListenAddress, TransferSource } from '../../config/env';
import { frame, TcpFrameReader } from '../../dns/tcp-framing';
import { signMessage, verifyMessage, type TsigKey } from '../../dns/tsig';
import { decodeMessage, encodeMessage, lowercased, newQuery, OPCODE, RCODE, rcodeName, type Message } from '../../dns/wire';
import { sourceFailure, sourceFor } from './transfer-source';

export type QueryFailureKind = 'timeout' | 'refused' | 'error';

/** Why a primary gave no usable answer; `kind` is what the event records as the outcome. */
export class PrimaryQueryError extends Error {
  constructor(
    readonly kind: QueryFailureKind,
    message: string,
    /** The answer's rcode, when an answer came. */
    readonly rcode?: number,
  ) {
    super(message);
    this.name = 'PrimaryQueryError';
  }
}

export interface PrimaryQueryOptions {
  key?: TsigKey;
  /** Timeouts of the UDP tries; the TCP fallback gets the last one. */
  timeoutsMs?: number[];
  signal?: AbortSignal;
  /** Source addresses to send from (ZK_TRANSFER_SOURCE); the kernel picks when unset. */
  source?: TransferSource;
}

export const DEFAULT_QUERY_TIMEOUTS_MS = [2000, 3000];

/**
 * Asks `to` one question and returns its answer once it is a NOERROR response
 * to exactly that question (verified when signed). Any other rcode, a
 * timeout, or a bad signature throws PrimaryQueryError.
 */
export async function queryPrimary(to: ListenAddress, name: string, type: string, opts: PrimaryQueryOptions = {}): Promise<Message> {
  const id = crypto.randomInt(0, 65536);
  // EDNS: a large NS set or a signed answer then still fits in one datagram.
  const query: Message = newQuery(name, type, { id, edns: 1232 });
  let wire = encodeMessage(query).buf;
  let requestMac: Buffer | undefined;
  if (opts.key) {
    const signed = signMessage(wire, opts.key);
    wire = signed.message;
    requestMac = signed.mac;
  }
  const timeouts = opts.timeoutsMs ?? DEFAULT_QUERY_TIMEOUTS_MS;
  const from = sourceFor(to, opts.source);
  let raw = await overUdp(to, from, wire, id, timeouts, opts.signal);
  let reply = check(raw, id, name, type, opts.key, requestMac);
  if (reply.tc) {
    raw = await overTcp(to, from, wire, timeouts.at(-1) ?? 3000, opts.signal);
    reply = check(raw, id, name, type, opts.key, requestMac);
  }
  return reply;
}

function check(raw: Buffer, id: number, name: string, type: string, key: TsigKey | undefined, requestMac: Buffer | undefined): Message {
  let body = raw;
  if (key) {
    const v = verifyMessage(raw, (n) => (n === key.name ? key : undefined), { requestMac });
    if (v.status === 'unsigned') {
      // An error answer to a signed question may come unsigned (RFC 8945 §5.3.2); name its rcode.
      const rcode = raw.length >= 4 ? raw[3]! & 0x0f : -1;
      throw new PrimaryQueryError(rcode === RCODE.REFUSED || rcode === RCODE.NOTAUTH ? 'refused' : 'error', `the answer is not signed with ${key.name}${rcode > 0 ? ` (${rcodeName(rcode)})` : ''}`);
    }
    if (v.status === 'error') throw new PrimaryQueryError('refused', `TSIG ${v.peerError !== undefined ? `error from the primary: ${v.tsigError}` : `${v.tsigError}: ${v.message}`}`);
    body = v.unsigned;
  }
  let m: Message;
  try {
    m = decodeMessage(body);
  } catch (err) {
    throw new PrimaryQueryError('error', `undecodable answer: ${(err as Error).message}`);
  }
  const q = m.questions[0];
  if (m.id !== id || !m.qr || m.opcode !== OPCODE.QUERY) throw new PrimaryQueryError('error', 'the answer does not belong to our question');
  if (!q || lowercased(q.name) !== lowercased(name) || q.type !== type) throw new PrimaryQueryError('error', 'the answer echoes another question');
  if (m.rcode !== RCODE.NOERROR) {
    throw new PrimaryQueryError(m.rcode === RCODE.REFUSED || m.rcode === RCODE.NOTAUTH ? 'refused' : 'error', `the primary answered ${rcodeName(m.rcode)}`, m.rcode);
  }
  return m;
}

function aborted(signal?: AbortSignal): PrimaryQueryError | null {
  return signal?.aborted ? new PrimaryQueryError('error', 'stopped') : null;
}

function overUdp(to: ListenAddress, from: string | undefined, wire: Buffer, id: number, timeouts: number[], signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stopped = aborted(signal);
    if (stopped) return reject(stopped);
    const socket = dgram.createSocket(net.isIPv6(to.address) ? 'udp6' : 'udp4');
    let attempt = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (err: Error | null, buf?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.close();
      if (err) reject(err);
      else resolve(buf!);
    };
    const onAbort = () => finish(new PrimaryQueryError('error', 'stopped'));
    const send = () => {
      if (done) return;
      if (attempt >= timeouts.length) {
        finish(new PrimaryQueryError('timeout', `no answer over UDP after ${timeouts.length} tries`));
        return;
      }
      socket.send(wire);
      timer = setTimeout(send, timeouts[attempt++]);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('message', (buf) => {
      // A late answer to an earlier try has the same ID: take it too.
      if (buf.length >= 12 && buf.readUInt16BE(0) === id) finish(null, buf);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish(new PrimaryQueryError(err.code === 'ECONNREFUSED' ? 'refused' : 'error', sourceFailure(err, from) ?? (err.code === 'ECONNREFUSED' ? 'nothing listens there (port unreachable)' : err.message)));
    });
    const connect = () => socket.connect(to.port, to.address, send);
    if (from) socket.bind({ address: from, port: 0 }, connect);
    else connect();
  });
}

/** One question and one answer over TCP (RFC 7766) from `from` (the kernel's choice when undefined), bounded by `timeoutMs`. */
export function overTcp(to: ListenAddress, from: string | undefined, wire: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const stopped = aborted(signal);
    if (stopped) return reject(stopped);
    const reader = new TcpFrameReader();
    const sock = net.connect({ port: to.port, host: to.address, localAddress: from });
    let done = false;
    const finish = (err: Error | null, buf?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err) reject(err);
      else resolve(buf!);
    };
    const onAbort = () => finish(new PrimaryQueryError('error', 'stopped'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(new PrimaryQueryError('timeout', `no answer over TCP within ${timeoutMs} ms`)), timeoutMs);
    sock.on('connect', () => sock.write(frame(wire)));
    sock.on('data', (chunk) => {
      try {
        const msgs = reader.push(chunk);
        if (msgs.length) finish(null, msgs[0]!);
      } catch (err) {
        finish(new PrimaryQueryError('error', (err as Error).message));
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) =>
      finish(new PrimaryQueryError(err.code === 'ECONNREFUSED' ? 'refused' : 'error', sourceFailure(err, from) ?? (err.code === 'ECONNREFUSED' ? 'connection refused' : err.message))),
    );
    sock.on('close', () => finish(new PrimaryQueryError('error', 'the connection closed without an answer')));
  });
}
