// AXFR (RFC 5936 §2.2): the zone's SOA, every other record once, the SOA
// again, in messages of at most 64 KiB. The messages are assembled straight
// from the records the snapshot holds in wire form (zone-snapshot.ts): each
// owner is its labels below the apex plus a pointer to the apex (RFC 1035
// §4.1.4), or one pointer when it owned the record before; type and class
// follow, then the stored TTL, RDLENGTH and rdata, copied as they are. Nothing
// is encoded or allocated per record, so the first transfer after a load costs
// what every later one does.
import { encodeMessage, MAX_MESSAGE, MAX_POINTER, nameToWire, newResponse, T_SOA, type Message } from '../dns/wire';
import type { ZoneSnapshot } from './zone-snapshot';

/**
 * The AXFR of `zone` in answer to `query` (its question names the zone): messages of at most
 * `limit` bytes (room left for a TSIG record is the caller's choice), the first carrying the
 * question (RFC 5936 §2.2.1). A record too big for `limit` alone goes in a message of its own
 * of up to 65535 bytes.
 */
export function* axfrMessages(zone: ZoneSnapshot, query: Message, limit: number): Generator<Buffer> {
  const res = newResponse(query);
  res.aa = true;
  const withQuestion = encodeMessage(res).buf;
  res.questions = [];
  const header = encodeMessage(res).buf;
  const apex = wireName(zone.name);
  const d = zone.data;

  let msg = Buffer.allocUnsafe(MAX_MESSAGE);
  let len = 0;
  let count = 0;
  // Where the apex's labels are in this message (the question's, in the first), or -1.
  let apexAt = -1;
  // The node that owned the previous record in this message, and where its name was written.
  let lastNode = -1;
  let lastOwnerAt = 0;
  let first = true;
  const start = () => {
    const prefix = first ? withQuestion : header;
    msg = Buffer.allocUnsafe(MAX_MESSAGE);
    prefix.copy(msg);
    len = prefix.length;
    apexAt = first ? 12 : -1;
    count = 0;
    lastNode = -1;
    first = false;
  };
  const finish = (): Buffer => {
    msg.writeUInt16BE(count, 6);
    return msg.subarray(0, len);
  };

  // Appends one record (`node`'s owner, `type`, the tail at `tail`); false when it does not fit under `cap`.
  const add = (node: number, type: number, tail: number, cap: number): boolean => {
    const tailLength = zone.recordLength(tail);
    const at = zone.nodeNameAt(node);
    const nameLength = zone.nodeNameLength(node);
    // The most the owner can take: its labels and the apex written out (or a pointer to it,
    // which is longer than the root's one byte).
    if (len + nameLength + Math.max(apex.length, 2) + 4 + tailLength > cap) return false;
    const ownerAt = len;
    if (node === lastNode && lastOwnerAt <= MAX_POINTER) {
      msg[len++] = 0xc0 | (lastOwnerAt >> 8);
      msg[len++] = lastOwnerAt & 0xff;
    } else {
      len += d.copy(msg, len, at, at + nameLength);
      if (apexAt >= 0 && apexAt <= MAX_POINTER) {
        msg[len++] = 0xc0 | (apexAt >> 8);
        msg[len++] = apexAt & 0xff;
      } else {
        apexAt = len;
        len += apex.copy(msg, len);
      }
      lastNode = node;
      lastOwnerAt = ownerAt;
    }
    msg[len++] = type >> 8;
    msg[len++] = type & 0xff;
    msg[len++] = 0; // class IN
    msg[len++] = 1;
    len += d.copy(msg, len, tail, tail + tailLength);
    count++;
    return true;
  };
  // Adds a record, starting a new message when this one is full: returns the full one, or null.
  const place = (node: number, type: number, tail: number): Buffer | null => {
    if (add(node, type, tail, limit)) return null;
    let full: Buffer | null = null;
    if (count > 0) {
      full = finish();
      start();
      if (add(node, type, tail, limit)) return full;
    }
    if (!add(node, type, tail, MAX_MESSAGE)) throw new Error(`a record of ${zone.name} is too big for a DNS message`);
    return full;
  };

  start();
  const soa = zone.setRecordsAt(zone.soaSet);
  let full = place(zone.apex, T_SOA, soa);
  if (full) yield full;
  for (let node = 0; node < zone.nodeCount; node++) {
    if (zone.isGone(node)) continue;
    const firstSet = zone.firstSet(node);
    const sets = zone.setsAtNode(node);
    for (let s = firstSet; s < firstSet + sets; s++) {
      const type = zone.setType(s);
      if (type === T_SOA) continue;
      let tail = zone.setRecordsAt(s);
      for (let i = zone.setSize(s); i > 0; i--) {
        full = place(node, type, tail);
        if (full) yield full;
        tail += zone.recordLength(tail);
      }
    }
  }
  full = place(zone.apex, T_SOA, soa);
  if (full) yield full;
  yield finish();
}

/** The wire form of a zone name. */
function wireName(name: string): Buffer {
  const out = Buffer.allocUnsafe(256);
  return out.subarray(0, nameToWire(name, out, 0));
}
