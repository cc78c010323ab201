// Turns one received DNS message into the bytes to send back (or nothing).
// Classifies once, checks guards in order, dispatches per operation.
//
// The rcode table (tested in handler.test.ts):
//
//   | failure                                   | answer                    |
//   |-------------------------------------------|---------------------------|
//   | shorter than 12 bytes, or QR already set  | no reply (RFC 1035 §4.1.1)|
//   | undecodable, trailing bytes               | FORMERR                   |
//   | not exactly one question                  | FORMERR                   |
//   | more than one OPT record                  | FORMERR (RFC 6891 §6.1.1) |
//   | EDNS version above 0                      | BADVERS (RFC 6891 §6.1.3) |
//   | opcode other than QUERY and NOTIFY        | NOTIMP                    |
//   | NOTIFY (RFC 1996), after the EDNS guards  | notify-in.ts's own table: FORMERR, REFUSED, NOTAUTH |
//   | class other than IN                       | REFUSED                   |
//   | name outside every zone we serve          | REFUSED                   |
//   | AXFR over UDP                             | NOTIMP (RFC 5936 §4.2)    |
//   | IXFR over UDP                             | our SOA alone (RFC 1995 §2)|
//   | transfer from outside allow-transfer      | REFUSED                   |
//   | transfer without the zone's TSIG key      | NOTAUTH (RFC 8945 §5.2)   |
//   | an exception while answering              | SERVFAIL, worker goes on  |
import { decodeMessage, encodeMessage, newResponse, OPCODE, peekHeader, RCODE, WireError, type Message } from '../dns/wire';
import { lookupName } from '../dns/names';
import type { Logger } from './logger';
import { answerQuery } from './query';
import type { ZoneStore } from './zone-store';
import { cacheKey, type ResponseCache } from './response-cache';
import { checkTransferAccess } from './transfer-access';
import { handleNotify, type NotifyInbox } from './notify-in';
import { appendTsigError, signMessage, verifyMessage, type TsigFailure, type TsigVerified } from '../dns/tsig';

export type Transport = 'udp' | 'tcp';

/** One request, normalized once (STYLE.md rule 6). */
export interface Request {
  msg: Message;
  /** The request's verified TSIG, when it was signed (a failed one never gets this far). */
  tsig: TsigVerified | null;
  qname: string; // lowercase, absolute
  qtype: string;
  transport: Transport;
  peer: { address: string; port: number };
  /** Largest response we may send: the UDP payload limit, or 65535 over TCP. */
  maxSize: number;
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

export const EDNS_UDP_LIMIT = 1232;

/** Rcodes whose answers depend only on the question and the zones served. */
const CACHEABLE = new Set<number>([RCODE.NOERROR, RCODE.NXDOMAIN, RCODE.REFUSED]);

export function handleMessage(ctx: HandlerContext, buf: Buffer, transport: Transport, peer: Request['peer']): Buffer | null {
  const key = ctx.cache ? cacheKey(buf, transport, ctx.ednsUdpLimit) : null;
  if (key) {
    const hit = ctx.cache!.lookup(buf, key);
    if (hit) return hit;
  }
  const reply = handleUncached(ctx, buf, transport, peer);
  if (key && reply && CACHEABLE.has(reply[3]! & 0x0f)) {
    // Read the zone after answering: the snapshot the answer came from is the current one.
    const q = decodedQuestionName(buf, key.questionEnd);
    if (q !== null) ctx.cache!.remember(key, reply, ctx.store.findZone(q) ?? null);
  }
  return reply;
}

/**
 * The question name of a message that passed cacheKey(), lowercased and
 * absolute; null when a label holds a dot, a backslash or a byte outside
 * printable ASCII (its presentation form would need escapes: such answers are
 * not cached, so the zone a cached entry belongs to is always exact).
 */
function decodedQuestionName(buf: Buffer, questionEnd: number): string | null {
  for (let i = 12; i < questionEnd - 4; ) {
    const l = buf[i]!;
    for (let j = i + 1; j <= i + l; j++) {
      const c = buf[j]!;
      if (c === 0x2e || c === 0x5c || c <= 0x20 || c >= 0x7f) return null;
    }
    i += l + 1;
    if (l === 0) break;
  }
  const labels: string[] = [];
  let off = 12;
  while (off < questionEnd - 4) {
    const l = buf[off]!;
    if (l === 0) break;
    labels.push(buf.toString('latin1', off + 1, off + 1 + l).toLowerCase());
    off += l + 1;
  }
  return labels.length ? `${labels.join('.')}.` : '.';
}

function handleUncached(ctx: HandlerContext, buf: Buffer, transport: Transport, peer: Request['peer']): Buffer | null {
  const header = peekHeader(buf);
  if (!header || header.qr) return null;
  let msg: Message;
  try {
    msg = decodeMessage(buf);
  } catch (err) {
    if (!(err instanceof WireError)) ctx.log.warn({ peer, err: (err as Error).message }, 'decode failed unexpectedly');
    return errorReply(header, RCODE.FORMERR);
  }
  const res = newResponse(msg);
  try {
    // RFC 8945 §5.2-5.3: a signed request (a secondary's SOA refresh query with its
    // primaries key) is verified first and answered signed with the same key.
    const tsig = msg.additionals.some((r) => r.type === 'TSIG') ? verifyMessage(buf, (n) => ctx.store.tsigKeys.get(n)) : null;
    if (tsig?.status === 'error') return tsigErrorReply(msg, tsig);
    const reply = dispatch(ctx, buf, msg, res, transport, peer, tsig?.status === 'ok' ? tsig : null);
    return tsig?.status === 'ok' ? signMessage(reply, tsig.key, { requestMac: tsig.mac }).message : reply;
  } catch (err) {
    ctx.log.error({ peer, question: msg.questions[0], err: (err as Error).stack }, 'exception while answering; SERVFAIL');
    const fail = newResponse(msg);
    fail.rcode = RCODE.SERVFAIL;
    if (msg.edns) fail.edns = replyEdns(ctx);
    return encodeMessage(fail).buf;
  }
}

/** Room kept in a signed reply for its TSIG record (key name, algorithm name, up to a 64-byte MAC). */
const TSIG_ROOM = 400;

/** NOTAUTH with the TSIG error of RFC 8945 §5.2, or FORMERR; no answer data. */
function tsigErrorReply(msg: Message, tsig: TsigFailure): Buffer {
  const res = newResponse(msg);
  res.rcode = RCODE.NOTAUTH;
  const out = encodeMessage(res).buf;
  return tsig.peerError === undefined ? appendTsigError(out, tsig) : out;
}

/**
 * The guards every request passes, in the order of the rcode table; null
 * when the message may be answered. Shared with the TCP transfer path.
 */
export function guardRcode(msg: Message): number | null {
  if (msg.ednsCount > 1) return RCODE.FORMERR;
  if (msg.edns && msg.edns.version > 0) return RCODE.BADVERS;
  if (msg.opcode !== OPCODE.QUERY) return RCODE.NOTIMP;
  if (msg.questions.length !== 1) return RCODE.FORMERR;
  if (msg.questions[0]!.class !== 'IN') return RCODE.REFUSED;
  return null;
}

function dispatch(ctx: HandlerContext, raw: Buffer, msg: Message, res: Message, transport: Transport, peer: Request['peer'], tsig: TsigVerified | null): Buffer {
  const reserve = tsig ? TSIG_ROOM : 0;
  // Two OPT records: we cannot tell which to honour, so the reply has none (RFC 6891 §6.1.1).
  if (msg.edns && msg.ednsCount === 1) res.edns = replyEdns(ctx);
  if (msg.opcode === OPCODE.NOTIFY) {
    if (msg.ednsCount > 1) return finish(res, RCODE.FORMERR, undefined);
    if (msg.edns && msg.edns.version > 0) return finish(res, RCODE.BADVERS, undefined);
    return handleNotify(ctx, raw, msg, res, peer);
  }
  const refused = guardRcode(msg);
  if (refused !== null) return finish(res, refused, undefined);
  const q = msg.questions[0]!;
  const udpMax = msg.edns ? Math.max(512, Math.min(msg.edns.udpSize, ctx.ednsUdpLimit)) : 512;
  const req: Request = {
    msg,
    tsig,
    qname: lookupName(q.name),
    qtype: q.type,
    transport,
    peer,
    // Leave room for a TSIG record when the reply will be signed.
    maxSize: (transport === 'tcp' ? 65535 : udpMax) - reserve,
  };
  if (q.type === 'AXFR' || q.type === 'IXFR') return transferOverUdp(ctx, req, res);
  return answerQuery(ctx, req, res);
}

/**
 * Transfers run over TCP (the TCP listener hands them to transfer-out.ts).
 * Over UDP an IXFR gets our SOA alone, so the client retries over TCP.
 */
function transferOverUdp(ctx: HandlerContext, req: Request, res: Message): Buffer {
  if (req.qtype === 'AXFR' || req.transport === 'tcp') return finish(res, RCODE.NOTIMP, undefined);
  const zone = ctx.store.get(req.qname);
  if (!zone) return finish(res, ctx.store.findZone(req.qname) ? RCODE.NOTAUTH : RCODE.REFUSED, undefined);
  // handleUncached verified any TSIG already and answered failures itself.
  const access = checkTransferAccess(zone, req.peer.address, req.tsig ?? { status: 'unsigned' });
  if (!access.ok) return finish(res, access.rcode, undefined);
  res.aa = true;
  res.answers = [zone.soaRecord()];
  return encodeMessage(res, { maxSize: req.maxSize }).buf;
}

export function finish(res: Message, rcode: number, maxSize: number | undefined): Buffer {
  res.rcode = rcode;
  return encodeMessage(res, maxSize ? { maxSize } : undefined).buf;
}

function replyEdns(ctx: HandlerContext): NonNullable<Message['edns']> {
  return { udpSize: ctx.ednsUdpLimit, version: 0, dnssecOk: false, options: [] };
}

/** A reply for a message we could not decode: its ID and opcode, no question. */
function errorReply(header: { id: number; opcode: number }, rcode: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(header.id, 0);
  b[2] = 0x80 | ((header.opcode & 0x0f) << 3);
  b[3] = rcode & 0x0f;
  return b;
}
