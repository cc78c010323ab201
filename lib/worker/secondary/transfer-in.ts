// The client side of zone transfers (RFC 5936 AXFR, RFC 1995 IXFR): one
// question over TCP, every answer message checked (ID, rcode, the TSIG chain
// of RFC 8945 §5.3.1 when the zone has a key) and fed to a TransferReader
// until the transfer is complete. Bounded in time (overall and between
// messages) and in size (bytes and records). Nothing is written here: the
// caller applies the result in one transaction, so a transfer that fails
// half-way leaves no trace but its event. Sent from ZK_TRANSFER_SOURCE when
// the caller passes it (transfer-source.ts).
import crypto from 'node:crypto';
import net from 'node:net';
import type { ListenAddress, TransferSource } from '../../config/env';
import { contentToWire } from '../../dns/rdata';
import { frame, TcpFrameReader } from '../../dns/tcp-framing';
import { signMessage, verifyMessage, type TsigKey } from '../../dns/tsig';
import { decodeMessage, encodeMessage, lowercased, newQuery, RCODE, rcodeName, type Message } from '../../dns/wire';
import type { QueryFailureKind } from './query-primary';
import { sourceFailure, sourceFor } from './transfer-source';
import { TransferFormatError, TransferReader, type TransferContent } from './xfr-parse';

export interface TransferLimits {
  /** The whole transfer, connect to last message. */
  timeoutMs: number;
  /** Longest silence between two reads. */
  idleMs: number;
  /** Wire bytes received. */
  maxBytes: number;
  /** Records received, every SOA included. */
  maxRecords: number;
}

export const DEFAULT_TRANSFER_LIMITS: TransferLimits = {
  timeoutMs: 300_000,
  idleMs: 30_000,
  maxBytes: 256 * 1024 * 1024,
  maxRecords: 2_000_000,
};

export interface TransferRequest {
  zone: string;
  type: 'AXFR' | 'IXFR';
  /** Our serial, for IXFR. */
  serial?: number;
  key?: TsigKey;
  limits?: Partial<TransferLimits>;
  signal?: AbortSignal;
  /** Source addresses to connect from (ZK_TRANSFER_SOURCE); the kernel picks when unset. */
  source?: TransferSource;
}

export interface ReceivedTransfer {
  content: TransferContent;
  messages: number;
  bytes: number;
  /** Records received, every SOA included. */
  records: number;
  ms: number;
}

/** A transfer that did not complete; `kind` is the event outcome. */
export class TransferError extends Error {
  constructor(
    readonly kind: QueryFailureKind,
    message: string,
    readonly bytes = 0,
    readonly messages = 0,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

export function transferQuery(zone: string, type: 'AXFR' | 'IXFR', serial = 0): Message {
  const q = newQuery(zone, type, { id: crypto.randomInt(0, 65536) });
  // RFC 1995 §3: the IXFR question carries our SOA in the authority section; only its serial matters.
  if (type === 'IXFR') q.authorities = [{ name: zone, type: 'SOA', class: 'IN', ttl: 0, data: contentToWire('SOA', `${zone} ${zone} ${serial} 0 0 0 0`) }];
  return q;
}

export function receiveTransfer(to: ListenAddress, req: TransferRequest): Promise<ReceivedTransfer> {
  const limits = { ...DEFAULT_TRANSFER_LIMITS, ...req.limits };
  const query = transferQuery(req.zone, req.type, req.serial);
  let wire = encodeMessage(query).buf;
  let mac: Buffer | undefined;
  if (req.key) {
    const signed = signMessage(wire, req.key);
    wire = signed.message;
    mac = signed.mac;
  }
  const reader = new TransferReader(req.zone, req.type === 'IXFR' ? req.serial : undefined);
  const started = Date.now();

  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) return reject(new TransferError('error', 'stopped'));
    const frames = new TcpFrameReader();
    const from = sourceFor(to, req.source);
    const sock = net.connect({ port: to.port, host: to.address, localAddress: from });
    let bytes = 0;
    let messages = 0;
    let done = false;
    const finish = (err: TransferError | null) => {
      if (done) return;
      done = true;
      clearTimeout(overall);
      clearTimeout(idle);
      req.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      if (err) return reject(err);
      try {
        resolve({ content: reader.result(), messages, bytes, records: reader.count, ms: Date.now() - started });
      } catch (e) {
        reject(new TransferError('error', (e as Error).message, bytes, messages));
      }
    };
    const fail = (kind: QueryFailureKind, message: string) => finish(new TransferError(kind, message, bytes, messages));
    const onAbort = () => fail('error', 'stopped');
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const overall = setTimeout(() => fail('timeout', `the transfer took longer than ${limits.timeoutMs} ms (${messages} messages, ${bytes} bytes)`), limits.timeoutMs);
    const idle = setTimeout(() => fail('timeout', `the primary sent nothing for ${limits.idleMs} ms (${messages} messages, ${bytes} bytes so far)`), limits.idleMs);

    const onMessage = (raw: Buffer): void => {
      messages++;
      let body = raw;
      if (req.key) {
        const key = req.key;
        const v = verifyMessage(raw, (n) => (n === key.name ? key : undefined), messages === 1 ? { requestMac: mac } : { previousMac: mac });
        if (v.status === 'unsigned') {
          // An error answer to a signed question may come unsigned (RFC 8945 §5.3.2): report its rcode.
          const rcode = raw.length >= 4 ? raw[3]! & 0x0f : 0;
          if (messages === 1 && rcode !== RCODE.NOERROR) return fail(refusal(rcode), `the primary answered ${rcodeName(rcode)} (unsigned)`);
          return fail('error', `message ${messages} is not signed with ${key.name}`);
        }
        if (v.status === 'error') return fail('refused', `TSIG on message ${messages}: ${v.tsigError} ${v.message}`);
        mac = v.mac;
        body = v.unsigned;
      }
      let m: Message;
      try {
        m = decodeMessage(body);
      } catch (err) {
        return fail('error', `message ${messages} does not decode: ${(err as Error).message}`);
      }
      if (m.id !== query.id || !m.qr) return fail('error', `message ${messages} answers another question (ID ${m.id})`);
      if (m.rcode !== RCODE.NOERROR) return fail(refusal(m.rcode), `the primary answered ${req.type} with ${rcodeName(m.rcode)}`);
      if (m.tc) return fail('error', 'the primary set TC on a TCP transfer message');
      // RFC 5936 §2.2.1: later messages may leave the question out; when present it must be ours.
      const q = m.questions[0];
      if (q && (lowercased(q.name) !== req.zone || q.type !== req.type)) return fail('error', `the primary answered the question ${q.name} ${q.type}`);
      try {
        reader.addMessage(m.answers);
      } catch (err) {
        if (err instanceof TransferFormatError) return fail('error', err.message);
        throw err;
      }
      if (reader.count > limits.maxRecords) return fail('error', `the transfer passed ${limits.maxRecords} records`);
      if (reader.done) finish(null);
    };

    sock.on('connect', () => sock.write(frame(wire)));
    sock.on('data', (chunk: Buffer) => {
      if (done) return;
      idle.refresh();
      bytes += chunk.length;
      if (bytes > limits.maxBytes) return fail('error', `the transfer passed ${limits.maxBytes} bytes`);
      let msgs: Buffer[];
      try {
        msgs = frames.push(chunk);
      } catch (err) {
        return fail('error', (err as Error).message);
      }
      for (const m of msgs) {
        if (done) return;
        try {
          onMessage(m);
        } catch (err) {
          fail('error', `unexpected: ${(err as Error).message}`);
        }
      }
    });
    sock.on('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'ECONNREFUSED' ? 'refused' : 'error', sourceFailure(err, from) ?? (err.code === 'ECONNREFUSED' ? 'connection refused' : err.message)),
    );
    sock.on('close', () =>
      fail('error', messages === 0 && bytes === 0 ? 'the primary closed the connection without answering' : `the primary closed the connection after ${messages} messages (${bytes} bytes): the transfer was cut off`),
    );
  });
}

function refusal(rcode: number): QueryFailureKind {
  return rcode === RCODE.REFUSED || rcode === RCODE.NOTAUTH ? 'refused' : 'error';
}
