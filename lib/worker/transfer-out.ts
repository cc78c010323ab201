// Serving zone transfers over TCP (RFC 5936 AXFR, RFC 1995 IXFR): guard
// checks, then the records packed into messages of at most 64 KiB with name
// compression, each signed when the request was (RFC 8945 §5.3.1), and one
// event recorded per transfer.
import { serialGreater } from '../dns/serial';
import { appendTsigError, signMessage, type TsigKey } from '../dns/tsig';
import { encodeMessage, newResponse, RCODE, type Message, type WireRecord } from '../dns/wire';
import { recordZoneEvents, type ZoneEvent } from '../replication/zone-events';
import { axfrMessages } from './axfr';
import { guardRcode } from './handler';
import { RefusalLog } from './refusal-log';
import { ixfrRecords } from './ixfr';
import { replyEdns, type HandlerContext, type Request } from './request';
import { checkTransferAccess } from './transfer-access';

export type SendFrame = (message: Buffer) => Promise<void>;

/** Room left in each message for the TSIG record (about 100 bytes with long names). */
const MESSAGE_LIMIT = 65535 - 512;
/** Fill messages up to about this many bytes before encoding (compression only shrinks them). */
const TARGET = 16 * 1024;

/** True when the raw message asks for AXFR or IXFR: the TCP listener hands those to serveTransfer. */
export function isTransferQuery(buf: Buffer): boolean {
  // QR clear and opcode QUERY only: anything else takes the handler's rcode table.
  if (buf.length < 17 || (buf[2]! & 0xf8) !== 0 || buf.readUInt16BE(4) !== 1) return false;
  let off = 12;
  for (;;) {
    const l = buf[off];
    if (l === undefined || l > 63) return false;
    off += l + 1;
    if (l === 0) break;
  }
  if (off + 2 > buf.length) return false;
  const qtype = buf.readUInt16BE(off);
  return qtype === 252 || qtype === 251;
}

/**
 * Serves one AXFR or IXFR request (read by request.ts, its TSIG verified
 * there) as a stream of messages handed to `send`.
 */
export async function serveTransfer(ctx: HandlerContext, req: Request, send: SendFrame): Promise<void> {
  const started = Date.now();
  const { msg: query, peer, tsig } = req;
  const reply = (rcode: number) => {
    const res = newResponse(query);
    res.rcode = rcode;
    // OPT back when the query had exactly one (RFC 6891 §6.1.1); BADVERS needs it.
    if (query.edns && query.ednsCount === 1) res.edns = replyEdns(ctx, query.edns);
    return encodeMessage(res).buf;
  };
  // The same guards as every other request (EDNS, opcode, question count, class).
  const guard = guardRcode(query);
  if (guard !== null) return send(reply(guard));
  const q = query.questions[0]!;
  const kind = req.kind === 'ixfr' ? 'ixfr-out' : 'axfr-out';
  const qname = req.qname;
  const zone = ctx.store.get(qname);
  if (!zone) {
    // RFC 5936 §2.2.1: not authoritative for that zone.
    const inside = ctx.store.findZone(qname);
    if (refusals(ctx).admit()) ctx.log.info({ peer: peer.address, zone: q.name, kind }, 'transfer refused: not a zone we serve');
    return send(reply(inside ? RCODE.NOTAUTH : RCODE.REFUSED));
  }
  // An expired secondary copy is not served, not even to our own secondaries.
  if (zone.expired) return send(reply(RCODE.SERVFAIL));
  // RFC 8945 §5.1: a misplaced or malformed TSIG is a format error, not an auth failure.
  if (tsig.status === 'error' && tsig.tsigError === 'FORMERR') return send(reply(RCODE.FORMERR));
  const access = checkTransferAccess(zone, peer.address, tsig);
  if (!access.ok) {
    if (refusals(ctx).admit()) {
      ctx.log.warn({ peer: peer.address, zone: zone.name, kind, reason: access.reason }, 'transfer refused');
      await recordEvent(ctx, { zoneId: zone.id, zoneName: zone.name, kind, peer: peer.address, serial: zone.serial, outcome: 'refused', detail: access.reason, records: 0, bytes: 0, durationMs: Date.now() - started });
    }
    const out = reply(access.rcode);
    return send(tsig.status === 'error' && tsig.tsigError !== 'FORMERR' && tsig.peerError === undefined ? appendTsigError(out, tsig) : out);
  }

  // The records of an IXFR (the journal's diffs, or one SOA), or null for the whole zone.
  let records: WireRecord[] | null = null;
  let style: 'axfr' | 'ixfr' | 'up-to-date' = 'axfr';
  if (req.kind === 'ixfr') {
    const clientSoa = query.authorities.find((r) => r.type === 'SOA');
    if (!clientSoa) return send(reply(RCODE.FORMERR)); // RFC 1995 §3: the client's SOA is required
    const clientSerial = (clientSoa.data as { serial: number }).serial;
    if (!serialGreater(zone.serial, clientSerial)) {
      // RFC 1995 §2: the client is current; one SOA says so.
      records = [zone.soaRecord()];
      style = 'up-to-date';
    } else {
      records = await ixfrRecords(zone, clientSerial);
      style = records ? 'ixfr' : 'axfr';
    }
  }

  const key = access.key;
  let previousMac: Buffer | undefined = tsig.status === 'ok' ? tsig.mac : undefined;
  let first = true;
  let bytes = 0;
  // The whole zone: SOA, the other records, SOA (RFC 5936 §2.2).
  const count = records ? records.length : zone.recordCount + 1;
  for (const chunk of records ? pack(query, records) : axfrMessages(zone, query, MESSAGE_LIMIT)) {
    let wire = chunk;
    if (key) {
      const signed = signMessage(wire, key, first ? { requestMac: previousMac } : { previousMac });
      wire = signed.message;
      previousMac = signed.mac;
    }
    first = false;
    bytes += wire.length;
    await send(wire);
  }
  const ms = Date.now() - started;
  ctx.log.info({ peer: peer.address, zone: zone.name, kind, style, serial: zone.serial, records: count, bytes, ms, tsig: key?.name }, 'transfer served');
  await recordEvent(ctx, { zoneId: zone.id, zoneName: zone.name, kind, peer: peer.address, serial: zone.serial, outcome: 'ok', detail: describe(style, key), records: count, bytes, durationMs: ms });
}

const refusalLogs = new WeakMap<HandlerContext, RefusalLog>();
function refusals(ctx: HandlerContext): RefusalLog {
  let r = refusalLogs.get(ctx);
  if (!r) refusalLogs.set(ctx, (r = new RefusalLog(ctx.log)));
  return r;
}

function describe(style: string, key: TsigKey | null): string {
  return `${style}${key ? `, TSIG ${key.name}` : ''}`;
}

/**
 * Splits the records over as many messages as needed. The first message
 * carries the question (RFC 5936 §2.2.1); a chunk that encodes over the limit
 * is halved and tried again.
 */
function* pack(query: Message, records: WireRecord[]): Generator<Buffer> {
  let i = 0;
  let first = true;
  while (i < records.length) {
    let end = i;
    let estimate = 0;
    while (end < records.length && estimate < TARGET) estimate += estimateSize(records[end++]!);
    for (;;) {
      const res = newResponse(query);
      res.aa = true;
      if (!first) res.questions = [];
      res.answers = records.slice(i, end);
      const buf = encodeMessage(res).buf;
      if (buf.length <= MESSAGE_LIMIT || end - i === 1) {
        yield buf;
        break;
      }
      end = i + Math.max(1, Math.floor((end - i) / 2));
    }
    i = end;
    first = false;
  }
}

function estimateSize(r: WireRecord): number {
  const d = r.data;
  const rdata = typeof d === 'string' ? d.length : Array.isArray(d) ? d.reduce((n: number, x: { length: number }) => n + x.length + 1, 0) : 64;
  return r.name.length + 12 + rdata;
}

/** Records a transfer served or refused for the dashboard. */
async function recordEvent(ctx: HandlerContext, event: ZoneEvent): Promise<void> {
  // A read-only worker (on a hot standby) writes nothing; its log has the transfer.
  if (ctx.readOnly) return;
  try {
    await recordZoneEvents([{ ...event, workerId: ctx.workerId ?? null }]);
  } catch {
    // Recording must never break a transfer; the log line above has the facts.
  }
}
