// The QUERY operation: find the zone, resolve the question from memory, and
// encode the answer within the transport's size limit. Over UDP a response that
// does not fit loses whole RRsets and sets TC (RFC 2181 §9), including when a
// referral's in-domain glue does not all fit (RFC 9471 §3.1); optional
// additional data is dropped silently.
import { encodeMessage, RCODE, type Message } from '../dns/wire';
import { finish, type HandlerContext, type Request } from './request';
import { resolve } from './resolve';

export function answerQuery(ctx: HandlerContext, req: Request, res: Message): Buffer {
  const zone = ctx.store.findZoneFor(req.qname, req.qtype);
  if (!zone) return finish(res, RCODE.REFUSED, undefined);
  // A secondary copy past its expire must not be served as authoritative (RFC 1035 §4.3.5).
  if (zone.expired) return finish(res, RCODE.SERVFAIL, undefined);
  const r = resolve(zone, req.qname, req.qtype, req.msg.edns?.dnssecOk === true);
  res.rcode = r.rcode;
  res.aa = r.aa;
  res.answers = r.answers;
  res.authorities = r.authorities;
  res.additionals = r.additionals;
  return encodeMessage(res, { maxSize: req.maxSize, essentialAdditionals: r.requiredGlue }).buf;
}
