// UPDATE in (RFC 2136): a client adds or deletes records with a message
// signed by a TSIG key the zone's update policy grants. Read once
// (lib/dns/update-message.ts), checked here in the order below, and applied
// as one change by the change service (lib/zones/dns-update.ts), which
// checks the prerequisites and the zone's rules inside the change's
// transaction. The answer is signed with the request's key.
//
//   | failure                                                   | answer                           |
//   |-----------------------------------------------------------|----------------------------------|
//   | malformed (counts, zone section, class/TTL/rdata combos)  | FORMERR (§3.1.1, §3.4.1)          |
//   | zone class other than IN                                  | NOTIMP                           |
//   | TSIG that fails verification                              | NOTAUTH with the TSIG error (RFC 8945 §5.2) |
//   | not signed                                                | REFUSED: no address-only updates |
//   | a zone we do not serve                                    | NOTAUTH (§3.1.1)                 |
//   | a secondary zone, or a read-only worker                   | REFUSED                          |
//   | an update for a name outside the zone (§3.4.1.3)          | NOTZONE                          |
//   | an update the zone's policy does not grant the key (§3.3) | REFUSED                          |
//   | prerequisites, names outside the zone, the zone's rules   | lib/zones/dns-update.ts's table  |
//   | the database fails                                        | SERVFAIL                         |
//
// Refusals are logged and recorded as `update` events (rate limited like
// NOTIFY refusals); so is every applied update, with the key and the serial.
import { displayName, isInZone } from '../dns/names';
import { isWeakAlgorithm, signMessage, verifyMessage } from '../dns/tsig';
import { readUpdateMessage } from '../dns/update-message';
import type { UpdateMessage } from '../dns/update-types';
import { encodeMessage, OPCODE, peekHeader, RCODE, type Message } from '../dns/wire';
import { db } from '../db';
import { recordZoneEvents } from '../replication/zone-events';
import { getZoneHeader, readRecordsAt } from '../zones/data';
import { applyDnsUpdate } from '../zones/dns-update';
import { readUpdatePolicy, updateRefusal } from '../zones/update-policy';
import { RefusalLog } from './refusal-log';
import { replyEdns, withTsigError, type HandlerContext, type Peer, type Transport } from './request';

/** QR clear and opcode UPDATE, read from the header's third byte. */
export const isUpdate = (msg: Buffer): boolean => msg.length >= 12 && (msg[2]! & 0xf8) === OPCODE.UPDATE << 3;

const refusalLogs = new WeakMap<HandlerContext, RefusalLog>();
const refusals = (ctx: HandlerContext) => {
  let r = refusalLogs.get(ctx);
  if (!r) refusalLogs.set(ctx, (r = new RefusalLog(ctx.log, 20, 10_000, 'UPDATE refusals')));
  return r;
};

/**
 * The answer to an UPDATE: its ID, QR, opcode and rcode, the zone section copied as sent (§3.8),
 * and an OPT record when the request had one. Without a readable request: the header alone.
 */
function answer(ctx: HandlerContext, id: number, update: UpdateMessage | null, rcode: number): Buffer {
  const res: Message = {
    id, qr: true, opcode: OPCODE.UPDATE, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, rcode,
    questions: update ? [{ name: update.zoneAsSent, type: 'SOA', class: 'IN' }] : [],
    answers: [], authorities: [], additionals: [], ednsCount: 0,
    ...(update?.edns ? { edns: replyEdns(ctx, undefined) } : {}),
  };
  return encodeMessage(res).buf;
}

/** Serves one UPDATE; null for a message that gets no answer (a response, a runt). */
export async function serveUpdate(ctx: HandlerContext, buf: Buffer, transport: Transport, peer: Peer): Promise<Buffer | null> {
  const header = peekHeader(buf);
  if (!header || header.qr) return null;
  const read = readUpdateMessage(buf);
  if (!read.ok) {
    if (refusals(ctx).admit()) ctx.log.warn({ peer: peer.address, transport, reason: read.reason }, `UPDATE ${read.rcode}`);
    return answer(ctx, header.id, null, RCODE[read.rcode]);
  }
  const update = read.update;
  const tsig = verifyMessage(buf, (n) => ctx.store.tsigKeys.get(n));
  if (tsig.status === 'error') {
    refuse(ctx, update, peer, 'notauth', `TSIG ${tsig.tsigError}: ${tsig.message}`);
    return withTsigError(answer(ctx, update.id, update, RCODE.NOTAUTH), tsig);
  }
  if (tsig.status === 'unsigned') {
    refuse(ctx, update, peer, 'refused', 'not signed: updates must be signed with a TSIG key the zone\'s update policy grants');
    return answer(ctx, update.id, update, RCODE.REFUSED);
  }
  const signed = (rcode: number) => signMessage(answer(ctx, update.id, update, rcode), tsig.key, { requestMac: tsig.mac }).message;
  const keyName = tsig.key.name;
  if (isWeakAlgorithm(tsig.key.algorithm) && refusals(ctx).admit()) {
    ctx.log.warn({ key: keyName, algorithm: tsig.key.algorithm }, 'UPDATE signed with a weak TSIG algorithm; give the client a key of hmac-sha256 when it can use one');
  }
  // The database says which zones are ours and of what kind: a zone created a moment ago may not
  // be served yet, and a secondary never transferred is not served at all.
  const zone = await getZoneHeader(update.zone);
  if (!zone) {
    refuse(ctx, update, peer, 'notauth', `we are not authoritative for ${update.zone}`, keyName);
    return signed(RCODE.NOTAUTH);
  }
  if (zone.kind !== 'primary') {
    refuse(ctx, update, peer, 'refused', `${update.zone} is a secondary zone here; send updates to its primary`, keyName, zone.id);
    return signed(RCODE.REFUSED);
  }
  if (ctx.readOnly) {
    refuse(ctx, update, peer, 'refused', 'this worker is read-only (ZK_READ_ONLY); send updates to a worker that writes', keyName, zone.id);
    return signed(RCODE.REFUSED);
  }
  // Names outside the zone are NOTZONE before any permission is weighed (§3.4.1.3), as BIND answers.
  const outside = update.updates.find((r) => !isInZone(r.name, update.zone));
  if (outside) {
    refuse(ctx, update, peer, 'notzone', `${outside.name} is not in the zone ${update.zone}`, keyName, zone.id);
    return signed(RCODE.NOTZONE);
  }
  const policy = await readUpdatePolicy(update.zone);
  for (const record of update.updates) {
    // Deleting every RRset at a name is checked against each type there, as BIND does (update-policy.ts).
    const existing = record.type === 'ANY' ? await typesAt(zone.id, update.zone, record.name) : undefined;
    const why = updateRefusal(policy, keyName, update.zone, record, existing);
    if (why) {
      refuse(ctx, update, peer, 'refused', why, keyName, zone.id);
      return signed(RCODE.REFUSED);
    }
  }
  let outcome: Awaited<ReturnType<typeof applyDnsUpdate>>;
  try {
    outcome = await applyDnsUpdate(update, { name: `tsig key ${displayName(keyName)}` });
  } catch (err) {
    // The database failed (busy past its retries, gone): the client may retry; nothing was written.
    ctx.log.error({ zone: update.zone, key: keyName, err: (err as Error).message }, 'UPDATE failed; SERVFAIL');
    return signed(RCODE.SERVFAIL);
  }
  if (outcome.rcode !== 'NOERROR') {
    refuse(ctx, update, peer, outcome.rcode.toLowerCase(), outcome.reason, keyName, zone.id);
    return signed(RCODE[outcome.rcode]);
  }
  const r = outcome.result;
  ctx.log.info({ zone: update.zone, key: keyName, peer: peer.address, serial: r.newSerial, changed: r.changed }, 'UPDATE applied');
  record(ctx, { zoneId: zone.id, zone: update.zone, peer, serial: r.newSerial, outcome: r.changed ? 'ok' : 'unchanged', detail: `by key ${displayName(keyName)}: ${r.added.length} added, ${r.removed.length} removed` });
  return signed(RCODE.NOERROR);
}

/** The types of the records at `name`; the apex's SOA lives in the zone's row, not among them. */
async function typesAt(zoneId: number, zone: string, name: string): Promise<string[]> {
  const types = new Set((await readRecordsAt(db(), zoneId, [name])).map((r) => r.type));
  if (name === zone) types.add('SOA');
  return [...types];
}

function refuse(ctx: HandlerContext, update: UpdateMessage, peer: Peer, outcome: string, reason: string, key?: string, zoneId: number | null = null): void {
  if (!refusals(ctx).admit()) return;
  ctx.log.warn({ zone: update.zone, peer: peer.address, key, reason }, `UPDATE ${outcome}`);
  record(ctx, { zoneId, zone: update.zone, peer, serial: null, outcome, detail: key ? `key ${displayName(key)}: ${reason}` : reason });
}

function record(ctx: HandlerContext, e: { zoneId: number | null; zone: string; peer: Peer; serial: number | null; outcome: string; detail: string }): void {
  if (ctx.readOnly) return;
  recordZoneEvents([{ zoneId: e.zoneId, zoneName: e.zone, kind: 'update', peer: e.peer.address, serial: e.serial, outcome: e.outcome, detail: e.detail, workerId: ctx.workerId ?? null }]).catch((err: Error) =>
    ctx.log.warn({ zone: e.zone, err: err.message }, 'could not record an UPDATE event'),
  );
}
