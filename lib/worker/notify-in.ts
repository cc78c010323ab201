// NOTIFY in (RFC 1996): a primary tells us a zone changed. Answered at once
// (§3.10: same ID and question, QR and AA set, NOERROR); the SOA check and the
// transfer it asks for run afterwards in the secondary engine. Guard checks,
// in order, each with its rcode:
//
//   | failure                                                 | answer  |
//   |---------------------------------------------------------|---------|
//   | not exactly one question, or QTYPE not SOA (§3.7)       | FORMERR |
//   | QCLASS not IN                                           | REFUSED |
//   | a zone we are primary for                               | REFUSED |
//   | a secondary zone, sender not one of its primaries       | REFUSED |
//   | an unknown zone, sender not a registered autoprimary    | REFUSED |
//   | an unknown zone inside one of ours, from an autoprimary | REFUSED |
//   | the zone has a TSIG key, NOTIFY not signed with it      | NOTAUTH |
//   | (a bad signature never gets here: handler.ts answers NOTAUTH with the TSIG error) |
//
// Senders are matched by address only: NOTIFY leaves from any source port.
// Refusals are logged and recorded as notify-in events. An autoprimary never
// creates a zone at or below one of ours (it would take over names we serve);
// the change service checks that again when it creates the zone.
import { canonicalIp } from '../dns/address';
import { ancestorNames } from '../dns/names';
import { encodeMessage, lowercased, RCODE, type Message } from '../dns/wire';
import { RefusalLog } from './refusal-log';
import type { HandlerContext, Request } from './request';

export function handleNotify(ctx: HandlerContext, req: Request, res: Message): Buffer {
  const { msg, peer } = req;
  const answer = (rcode: number) => {
    res.rcode = rcode;
    res.aa = rcode === RCODE.NOERROR;
    return encodeMessage(res).buf;
  };
  const q = msg.questions[0];
  if (msg.questions.length !== 1 || q!.type !== 'SOA') return answer(RCODE.FORMERR);
  const zone = lowercased(q!.name);
  const address = canonicalIp(peer.address) ?? peer.address;
  const soa = msg.answers.find((r) => r.type === 'SOA' && lowercased(r.name) === zone);
  const hint = soa ? ((soa.data as { serial?: number }).serial ?? null) : null;
  const inbox = ctx.notifyInbox;
  const refuse = (rcode: number, outcome: string, reason: string, zoneId: number | null) => {
    // A flood of unwanted NOTIFYs must not become a flood of log lines and rows.
    if (refusals(ctx).admit()) {
      ctx.log.warn({ zone, peer: address, reason }, `NOTIFY ${outcome}`);
      inbox?.record({ zoneId, zoneName: zone, kind: 'notify-in', peer: address, serial: hint, outcome, detail: reason });
    }
    return answer(rcode);
  };
  if (q!.class !== 'IN') return refuse(RCODE.REFUSED, 'refused', `class ${q!.class}`, null);

  const info = inbox?.zoneInfo(zone);
  if (!info) {
    if (inbox?.isAutoprimary(address)) {
      const inside = ancestorNames(zone).find((n) => inbox.zoneInfo(n));
      if (inside) {
        const reason = `${zone} lies inside our zone ${inside}; an autoprimary never creates a zone below an existing one`;
        return refuse(RCODE.REFUSED, 'refused', reason, null);
      }
      ctx.log.info({ zone, peer: address, serial: hint }, 'NOTIFY for an unknown zone from an autoprimary; checking its NS set');
      inbox.notifiedUnknown(zone, { address, port: peer.port }, hint);
      return answer(RCODE.NOERROR);
    }
    return refuse(RCODE.REFUSED, 'refused', `not a zone of ours, and ${address} is no autoprimary`, null);
  }
  if (info.kind === 'primary') return refuse(RCODE.REFUSED, 'refused', 'we are the primary for this zone', info.id);
  if (!info.primaries.some((p) => canonicalIp(p.address) === address)) {
    return refuse(RCODE.REFUSED, 'refused', `${address} is not a primary of the zone (${info.primaries.map((p) => p.address).join(', ')})`, info.id);
  }
  if (info.tsigKeyName) {
    // RFC 8945: with a key on the zone, only a NOTIFY signed with that key counts.
    // (The request's TSIG was verified when it was read; a failure never gets here.)
    const v = req.tsig;
    if (v.status !== 'ok' || v.key.name !== info.tsigKeyName) {
      const why = v.status === 'ok' ? `signed with ${v.key.name}` : v.status === 'unsigned' ? 'not signed' : `TSIG ${v.tsigError}`;
      return refuse(RCODE.NOTAUTH, 'notauth', `the zone needs TSIG key ${info.tsigKeyName}; the NOTIFY was ${why}`, info.id);
    }
  }
  // UDP sources can be forged: accepted NOTIFYs are logged and recorded within a budget too.
  // (The refreshes they cause coalesce per zone in the engine.)
  if (acceptances(ctx).admit()) {
    ctx.log.info({ zone, peer: address, serial: hint }, 'NOTIFY accepted; checking the primary');
    inbox!.record({ zoneId: info.id, zoneName: zone, kind: 'notify-in', peer: address, serial: hint, outcome: 'ok', detail: null });
  }
  inbox!.notified(zone, { address, port: peer.port }, hint);
  return answer(RCODE.NOERROR);
}

const refusalLogs = new WeakMap<HandlerContext, RefusalLog>();
function refusals(ctx: HandlerContext): RefusalLog {
  let r = refusalLogs.get(ctx);
  if (!r) refusalLogs.set(ctx, (r = new RefusalLog(ctx.log)));
  return r;
}

/** At most 50 accepted NOTIFYs logged and recorded per 10 s per worker; the rest are still acted on. */
const acceptanceWindows = new WeakMap<HandlerContext, { start: number; used: number }>();
function acceptances(ctx: HandlerContext): { admit(): boolean } {
  return {
    admit() {
      const now = Date.now();
      let w = acceptanceWindows.get(ctx);
      if (!w || now - w.start >= 10_000) acceptanceWindows.set(ctx, (w = { start: now, used: 0 }));
      return ++w.used <= 50;
    },
  };
}
