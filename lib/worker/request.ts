// A received DNS message as every operation sees it (STYLE.md rules 6 and 7):
// decoded once, its TSIG verified once (RFC 8945 §5.2), classified once, with
// the client's address and the room its reply may take. handler.ts reads the
// request and dispatches it; query.ts, notify-in.ts and transfer-out.ts answer
// it. They share the handler context and the reply helpers from here, so no
// operation imports the dispatcher that imports it.
import { lookupName } from '../dns/names';
import { appendTsigError, verifyMessage, type TsigFailure, type TsigVerifyResult } from '../dns/tsig';
import { decodeMessage, encodeMessage, OPCODE, peekHeader, RCODE, WireError, type Message } from '../dns/wire';
import type { Logger } from './logger';
import type { NotifyInbox } from './notify-inbox';
import type { ResponseCache } from './response-cache';
import type { ZoneStore } from './zone-store';

export type Transport = 'udp' | 'tcp';

export interface Peer {
  address: string;
  port: number;
}

export interface HandlerContext {
  store: ZoneStore;
  /** Encoded responses of plain queries; absent in tests that want the full path every time. */
  cache?: ResponseCache;
  log: Logger;
  /** Our cap on the UDP payload we send with EDNS (RFC 6891 §6.2.5; 1232 avoids fragmentation). */
  ednsUdpLimit: number;
  /** The secondary engine, for NOTIFY in; without it every NOTIFY is refused. */
  notifyInbox?: NotifyInbox;
  /** Recorded on the events this worker writes (ZK_WORKER_ID). */
  workerId?: string;
  /** ZK_READ_ONLY: answer and transfer out, but write nothing (no events). */
  readOnly?: boolean;
}

/**
 * What a request asks for, from its opcode and first question. 'other' is
 * UPDATE (RFC 2136) and every opcode we do not implement: NOTIMP.
 */
export type RequestKind = 'query' | 'axfr' | 'ixfr' | 'notify' | 'other';

/** One request, read once (STYLE.md rule 6). */
export interface Request {
  msg: Message;
  kind: RequestKind;
  /**
   * The request's TSIG, verified once: unsigned, ok (the key and the request
   * MAC a signed reply needs), or the failure. Each operation answers a
   * failure in the order of its own rcode table.
   */
  tsig: TsigVerifyResult;
  /** The first question's name, lowercase and absolute; '' without a question. */
  qname: string;
  /** The first question's type; '' without a question. */
  qtype: string;
  transport: Transport;
  peer: Peer;
  /** Largest response we may send: the UDP payload limit, or 65535 over TCP, less room for a TSIG record when the reply will be signed. */
  maxSize: number;
}

/** Room kept in a signed reply for its TSIG record (key name, algorithm name, up to a 64-byte MAC). */
const TSIG_ROOM = 400;

const UNSIGNED: TsigVerifyResult = { status: 'unsigned' };

/**
 * Reads a received message into a Request, or says what to send instead:
 * nothing for a runt or a response (RFC 1035 §4.1.1), FORMERR with the ID and
 * opcode for a message that does not decode.
 */
export function readRequest(ctx: HandlerContext, buf: Buffer, transport: Transport, peer: Peer): { request: Request } | { reply: Buffer | null } {
  const header = peekHeader(buf);
  if (!header || header.qr) return { reply: null };
  let msg: Message;
  try {
    msg = decodeMessage(buf);
  } catch (err) {
    if (!(err instanceof WireError)) ctx.log.warn({ peer, err: (err as Error).message }, 'decode failed unexpectedly');
    return { reply: errorReply(header, RCODE.FORMERR) };
  }
  // A TSIG record in any section is verified: out of place it is a format error (RFC 8945 §5.1).
  const tsig = carriesTsig(msg) ? verifyMessage(buf, (n) => ctx.store.tsigKeys.get(n)) : UNSIGNED;
  const q = msg.questions[0];
  const udpMax = msg.edns ? Math.max(512, Math.min(msg.edns.udpSize, ctx.ednsUdpLimit)) : 512;
  return {
    request: {
      msg,
      kind: kindOf(msg),
      tsig,
      qname: q ? lookupName(q.name) : '',
      qtype: q?.type ?? '',
      transport,
      peer,
      maxSize: (transport === 'tcp' ? 65535 : udpMax) - (tsig.status === 'ok' ? TSIG_ROOM : 0),
    },
  };
}

function kindOf(msg: Message): RequestKind {
  if (msg.opcode === OPCODE.NOTIFY) return 'notify';
  if (msg.opcode !== OPCODE.QUERY) return 'other';
  const type = msg.questions[0]?.type;
  return type === 'AXFR' ? 'axfr' : type === 'IXFR' ? 'ixfr' : 'query';
}

function carriesTsig(msg: Message): boolean {
  for (const section of [msg.additionals, msg.answers, msg.authorities]) {
    for (const r of section) if (r.type === 'TSIG') return true;
  }
  return false;
}

/**
 * An encoded NOTAUTH reply with the TSIG error of RFC 8945 §5.2 appended
 * (signed where §5.3.2 says so); a response whose TSIG carried the peer's own
 * error gets none.
 */
export function withTsigError(reply: Buffer, tsig: TsigFailure): Buffer {
  return tsig.peerError === undefined ? appendTsigError(reply, tsig) : reply;
}

/** Sets the rcode and encodes, within maxSize when given. */
export function finish(res: Message, rcode: number, maxSize: number | undefined): Buffer {
  res.rcode = rcode;
  return encodeMessage(res, maxSize ? { maxSize } : undefined).buf;
}

/**
 * The OPT record of our replies: our UDP payload limit, version 0 (RFC 6891 §6.1.1), and the
 * query's DO bit copied back (RFC 3225 §3), whatever the zone: a resolver reads it to learn
 * that we understood the bit.
 */
export function replyEdns(ctx: HandlerContext, query: Message['edns']): NonNullable<Message['edns']> {
  return { udpSize: ctx.ednsUdpLimit, version: 0, dnssecOk: query?.dnssecOk === true, options: [] };
}

/** A reply for a message we could not decode: its ID and opcode, no question. */
function errorReply(header: { id: number; opcode: number }, rcode: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(header.id, 0);
  b[2] = 0x80 | ((header.opcode & 0x0f) << 3);
  b[3] = rcode & 0x0f;
  return b;
}
