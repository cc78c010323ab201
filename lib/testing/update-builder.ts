// DNS UPDATE messages (RFC 2136 §2) for tests, written byte by byte: our
// encoder writes queries and answers, and an UPDATE's records of class ANY
// and NONE carry no rdata at all. Names are written uncompressed.
import { randomInt } from 'node:crypto';
import { contentToRdata } from '../dns/rdata-wire';
import { nameToWire, OPCODE, typeCodeOf } from '../dns/wire';

export interface UpdateRR {
  name: string;
  type: string;
  /** IN (the default) adds / "exists with these records"; ANY deletes / "exists"; NONE deletes one record / "does not exist". */
  cls?: 'IN' | 'ANY' | 'NONE';
  ttl?: number;
  /** Presentation rdata; none for class ANY and for the "does not exist" prerequisites. */
  content?: string;
}

const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;

/** The UPDATE for `zone` with these prerequisites and updates, unsigned. */
export function buildUpdate(zone: string, prerequisites: UpdateRR[], updates: UpdateRR[], id = randomInt(0, 0x10000)): Buffer {
  const out = Buffer.alloc(65535);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(OPCODE.UPDATE << 11, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(prerequisites.length, 6);
  out.writeUInt16BE(updates.length, 8);
  out.writeUInt16BE(0, 10);
  let at = nameToWire(zone, out, 12);
  out.writeUInt16BE(typeCodeOf('SOA'), at);
  out.writeUInt16BE(CLASS.IN, at + 2);
  at += 4;
  for (const rr of [...prerequisites, ...updates]) {
    at = nameToWire(rr.name, out, at);
    out.writeUInt16BE(typeCodeOf(rr.type), at);
    out.writeUInt16BE(CLASS[rr.cls ?? 'IN'], at + 2);
    out.writeUInt32BE(rr.ttl ?? 0, at + 4);
    const rdata = rr.content === undefined ? Buffer.alloc(0) : contentToRdata(rr.type, rr.content);
    out.writeUInt16BE(rdata.length, at + 8);
    at += 10;
    at += rdata.copy(out, at);
  }
  return Buffer.from(out.subarray(0, at));
}
