// Turns one received DNS message into the bytes to send back (or nothing).
// Reads the request once (request.ts: decoded, TSIG verified, classified),
// checks guards in order, dispatches per operation.
//
// The rcode table (tested in handler.test.ts; the TSIG rows in request.test.ts):
//
//   | failure                                   | answer                    |
//   |-------------------------------------------|---------------------------|
//   | shorter than 12 bytes, or QR already set  | no reply (RFC 1035 §4.1.1)|
//   | undecodable, trailing bytes               | FORMERR                   |
//   | TSIG record not last (RFC 8945 §5.1)      | FORMERR                   |
//   | TSIG that fails verification              | NOTAUTH with the TSIG error (RFC 8945 §5.2) |
//   | not exactly one question                  | FORMERR                   |
//   | more than one OPT record                  | FORMERR (RFC 6891 §6.1.1) |
//   | EDNS version above 0                      | BADVERS (RFC 6891 §6.1.3) |
//   | opcode other than QUERY and NOTIFY        | NOTIMP (UPDATE never gets here: udp.ts and tcp.ts give it to update.ts) |
//   | NOTIFY (RFC 1996), after the EDNS guards  | notify-in.ts's own table: FORMERR, REFUSED, NOTAUTH |
//   | class other than IN                       | REFUSED                   |
//   | name outside every zone we serve          | REFUSED                   |
//   | AXFR over UDP                             | NOTIMP (RFC 5936 §4.2)    |
//   | IXFR over UDP                             | our SOA alone (RFC 1995 §2)|
//   | transfer from outside allow-transfer      | REFUSED                   |
//   | transfer without the zone's TSIG key      | NOTAUTH (RFC 8945 §5.2)   |
//   | an exception while answering              | SERVFAIL, worker goes on  |
import { encodeMessage, newResponse, OPCODE, RCODE, typeNameOf, type Message } from '../dns/wire';
import { signMessage, type TsigFailure } from '../dns/tsig';
import { answerQuery } from './query';
import { cacheKey } from './response-cache';
import { checkTransferAccess } from './transfer-access';
import { handleNotify } from './notify-in';
import { finish, readRequest, replyEdns, withTsigError, type HandlerContext, type Peer, type Request, type Transport } from './request';

export const EDNS_UDP_LIMIT = 1232;

/** Rcodes whose answers depend only on the question and the zones served. */
const CACHEABLE = new Set<number>([RCODE.NOERROR, RCODE.NXDOMAIN, RCODE.REFUSED]);

export function handleMessage(ctx: HandlerContext, buf: Buffer, transport: Transport, peer: Peer): Buffer | null {
  const key = ctx.cache ? cacheKey(buf, transport, ctx.ednsUdpLimit) : null;
  if (key) {
    const hit = ctx.cache!.lookup(buf, key);
    if (hit) return hit;
  }
  const reply = handleUncached(ctx, buf, transport, peer);
  if (key && reply && CACHEABLE.has(reply[3]! & 0x0f)) {
    // Read the zone after answering: the snapshot the answer came from is the current one.
    const q = decodedQuestionName(buf, key.questionEnd);
    if (q !== null) ctx.cache!.remember(key, reply, ctx.store.findZoneFor(q, typeNameOf(buf.readUInt16BE(key.questionEnd - 4))) ?? null);
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

function handleUncached(ctx: HandlerContext, buf: Buffer, transport: Transport, peer: Peer): Buffer | null {
  const read = readRequest(ctx, buf, transport, peer);
  if ('reply' in read) return read.reply;
  const req = read.request;
  const { msg, tsig } = req;
  const res = newResponse(msg);
  try {
    // RFC 8945 §5.2-5.3: a signed request (a secondary's SOA refresh query with its
    // primaries key) that failed verification is answered with the TSIG error; one
    // that passed is answered signed with the same key.
    if (tsig.status === 'error') return tsigErrorReply(msg, tsig);
    const reply = dispatch(ctx, req, res);
    return tsig.status === 'ok' ? signMessage(reply, tsig.key, { requestMac: tsig.mac }).message : reply;
  } catch (err) {
    ctx.log.error({ peer, question: msg.questions[0], err: (err as Error).stack }, 'exception while answering; SERVFAIL');
    const fail = newResponse(msg);
    fail.rcode = RCODE.SERVFAIL;
    if (msg.edns) fail.edns = replyEdns(ctx, msg.edns);
    return encodeMessage(fail).buf;
  }
}

/** NOTAUTH with the TSIG error of RFC 8945 §5.2; no answer data. */
function tsigErrorReply(msg: Message, tsig: TsigFailure): Buffer {
  const res = newResponse(msg);
  res.rcode = RCODE.NOTAUTH;
  return withTsigError(encodeMessage(res).buf, tsig);
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

function dispatch(ctx: HandlerContext, req: Request, res: Message): Buffer {
  const { msg } = req;
  // Two OPT records: we cannot tell which to honour, so the reply has none (RFC 6891 §6.1.1).
  if (msg.edns && msg.ednsCount === 1) res.edns = replyEdns(ctx, msg.edns);
  if (req.kind === 'notify') {
    if (msg.ednsCount > 1) return finish(res, RCODE.FORMERR, undefined);
    if (msg.edns && msg.edns.version > 0) return finish(res, RCODE.BADVERS, undefined);
    return handleNotify(ctx, req, res);
  }
  const refused = guardRcode(msg);
  if (refused !== null) return finish(res, refused, undefined);
  if (req.kind === 'axfr' || req.kind === 'ixfr') return transferOverUdp(ctx, req, res);
  return answerQuery(ctx, req, res);
}

/**
 * Transfers run over TCP (the TCP listener hands them to transfer-out.ts).
 * Over UDP an IXFR gets our SOA alone, so the client retries over TCP.
 */
function transferOverUdp(ctx: HandlerContext, req: Request, res: Message): Buffer {
  if (req.kind === 'axfr' || req.transport === 'tcp') return finish(res, RCODE.NOTIMP, undefined);
  const zone = ctx.store.get(req.qname);
  if (!zone) return finish(res, ctx.store.findZone(req.qname) ? RCODE.NOTAUTH : RCODE.REFUSED, undefined);
  // handleUncached answered TSIG failures already.
  const access = checkTransferAccess(zone, req.peer.address, req.tsig);
  if (!access.ok) return finish(res, access.rcode, undefined);
  res.aa = true;
  res.answers = [zone.soaRecord()];
  return encodeMessage(res, { maxSize: req.maxSize }).buf;
}
