// Reading a DNS UPDATE (RFC 2136) from the wire into an UpdateMessage (update-types.ts).
//
// The message has the layout of RFC 2136 §2: the header's four counts are ZOCOUNT, PRCOUNT,
// UPCOUNT and ADCOUNT, and the sections are the zone, the prerequisites, the updates and the
// additional data. The sections are walked here rather than through decodeMessage, because an
// UPDATE uses records decodeMessage rightly refuses in a query or answer (an A record with
// RDLENGTH 0 means "the A RRset" here), and because the checks below need the bytes as sent
// (RDLENGTH, TTL, class, where a TSIG or OPT record sits). Names and rdata are still read by
// the codec (wire.ts), so compression is handled in one place.
//
// Which failure gets which rcode:
//
// | failure                                                                | rcode   |
// | ---------------------------------------------------------------------- | ------- |
// | shorter than a header, a response (QR set)                             | FORMERR |
// | opcode other than UPDATE                                               | NOTIMP  |
// | ZOCOUNT != 1 or ZTYPE != SOA (§3.1.1)                                  | FORMERR |
// | zone class other than IN                                               | NOTIMP  |
// | a prerequisite or update breaking the §2.4/§2.5 shapes (§3.2.1, §3.4.1.2) | FORMERR |
// | a malformed name, rdata, a record past the end, trailing bytes         | FORMERR |
// | TSIG outside the additional section or not its last record; OPT outside it | FORMERR |
// | a name or rdata that is well formed but that our zones cannot hold     | NOTIMP  |
// |   (a type we do not serve, a name with characters we do not support,   |         |
// |   content lib/zones/validate.ts would refuse)                          |         |
//
// The whole message is read before answering NOTIMP: anything malformed anywhere in it is
// FORMERR, whatever comes first.
//
// What this module leaves to others: whether the names lie in the zone (NOTZONE, §3.4.1.3) and
// everything that needs the zone's data is the change service's (lib/zones/dns-update.ts); the
// TSIG record is the verifier's (tsig.ts verifyMessage reads the raw bytes); the rest of the
// additional section is ignored (§3.7 lets a requestor put glue there; we have no use for it).
import { absoluteName, DnsNameError } from './names.ts';
import { isGenericType, isStoredType, normalizeContent, RdataError, wireToContent } from './rdata.ts';
import { MAX_TTL } from './ttl.ts';
import type { UpdateClass, UpdateMessage, UpdateRecord } from './update-types.ts';
import { decodeMessageRdata, OPCODE, readMessageName, T_SOA, typeNameOf, WireError } from './wire.ts';

export type ReadUpdateResult =
  | { ok: true; update: UpdateMessage }
  | { ok: false; rcode: 'FORMERR' | 'NOTIMP'; reason: string };

/**
 * Reads an UPDATE request. Never throws for anything in `buf`: every problem comes back as
 * FORMERR or NOTIMP with a reason meant for a log line (see the table at the top of this file).
 * Names in the result are absolute and lowercase; types are mnemonics (`TYPEnnn` for types
 * without one, `ANY` for 255); content is in the form lib/zones/validate.ts
 * normalizeRecordContent accepts, or '' for a record without rdata.
 */
export function readUpdateMessage(buf: Buffer): ReadUpdateResult {
  try {
    return { ok: true, update: read(buf) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, rcode: err.rcode, reason: err.message };
    if (err instanceof WireError) return { ok: false, rcode: 'FORMERR', reason: err.message };
    throw err;
  }
}

class Refusal extends Error {
  constructor(
    readonly rcode: 'FORMERR' | 'NOTIMP',
    message: string,
  ) {
    super(message);
  }
}

const formerr = (why: string) => new Refusal('FORMERR', why);
const notimp = (why: string) => new Refusal('NOTIMP', why);

const HEADER = 12;
const CLASS_IN = 1;
const CLASS_NONE = 254; // RFC 2136 §1.3
const CLASS_ANY = 255;
const T_OPT = 41;
const T_TSIG = 250;
const T_ANY = 255;

/** One record as it sits in the message, before any meaning is given to it. */
interface RawRecord {
  name: string;
  type: number;
  cls: number;
  /** As sent: RFC 2136 compares it with 0, so the RFC 2181 §8 reading is applied later. */
  ttl: number;
  rdStart: number;
  rdEnd: number;
}

function read(buf: Buffer): UpdateMessage {
  if (buf.length < HEADER) throw formerr(`message of ${buf.length} bytes is shorter than the 12-byte header`);
  // A response is never a request to act on, and must not be answered as one.
  if (buf[2]! & 0x80) throw formerr('message is a response (QR set), not an UPDATE request');
  const opcode = (buf[2]! >> 3) & 0x0f;
  if (opcode !== OPCODE.UPDATE) throw notimp(`opcode ${opcode} is not UPDATE (${OPCODE.UPDATE})`);
  const zocount = buf.readUInt16BE(4);
  const prcount = buf.readUInt16BE(6);
  const upcount = buf.readUInt16BE(8);
  const adcount = buf.readUInt16BE(10);

  // RFC 2136 §3.1.1: exactly one zone, named by an SOA question.
  if (zocount !== 1) throw formerr(`ZOCOUNT is ${zocount}; an UPDATE names exactly one zone (RFC 2136 §3.1.1)`);
  const zoneName = readMessageName(buf, HEADER);
  let pos = zoneName.end;
  if (pos + 4 > buf.length) throw formerr('zone section runs past the end of the message');
  const ztype = buf.readUInt16BE(pos);
  const zclass = buf.readUInt16BE(pos + 2);
  pos += 4;

  // The whole message is framed before any record is given a meaning, so that a malformed
  // message is FORMERR whatever a record before the damage says.
  const sections: RawRecord[][] = [];
  for (const [count, section] of [[prcount, 'prerequisite'], [upcount, 'update'], [adcount, 'additional']] as const) {
    const list: RawRecord[] = [];
    for (let i = 0; i < count; i++) {
      const rr = readRecord(buf, pos, section);
      pos = rr.rdEnd;
      // RFC 8945 §5.1: the TSIG record comes last. Its contents are the verifier's business.
      if (rr.type === T_TSIG && section === 'additional' && i !== count - 1) {
        throw formerr('TSIG record is not the last record of the additional section (RFC 8945 §5.1)');
      }
      list.push(rr);
    }
    sections.push(list);
  }
  if (pos !== buf.length) throw formerr(`${buf.length - pos} trailing bytes after the last record`);

  if (ztype !== T_SOA) throw formerr(`zone section has type ${typeMnemonic(ztype)}; it must be SOA (RFC 2136 §3.1.1)`);
  // We serve class IN only. A zone of another class is not malformed, just nothing we
  // implement, and saying NOTIMP tells the client so instead of blaming its message.
  if (zclass !== CLASS_IN) throw notimp(`zone class ${classMnemonic(zclass)} is not supported; only IN zones are served`);
  const zone = canonical(zoneName.name, 'zone name');

  // A record we cannot hold does not stop the reading: a malformed one further on still makes
  // the answer FORMERR, whichever comes first. The first NOTIMP is kept for when none is.
  let unsupported: Refusal | undefined;
  const each = (rr: RawRecord, interpret: (buf: Buffer, rr: RawRecord, zone: string) => UpdateRecord): UpdateRecord[] => {
    try {
      return [interpret(buf, rr, zone)];
    } catch (err) {
      if (!(err instanceof Refusal && err.rcode === 'NOTIMP')) throw err;
      unsupported ??= err;
      return [];
    }
  };
  const prerequisites = sections[0]!.flatMap((rr) => each(rr, prerequisite));
  // The additional section (sections[2]) is ignored: see the top of this file.
  const updates = sections[1]!.flatMap((rr) => each(rr, update));
  if (unsupported) throw unsupported;
  const edns = sections[2]!.some((rr) => rr.type === T_OPT);
  return { id: buf.readUInt16BE(0), zone, zoneAsSent: zoneName.name, edns, prerequisites, updates };
}

/** The record at `pos`: owner, fixed fields and where its rdata lies, all inside the message. */
function readRecord(buf: Buffer, pos: number, section: string): RawRecord {
  const owner = readMessageName(buf, pos);
  const at = owner.end;
  if (at + 10 > buf.length) throw formerr(`${section} record runs past the end of the message`);
  const type = buf.readUInt16BE(at);
  const rdStart = at + 10;
  const rdEnd = rdStart + buf.readUInt16BE(at + 8);
  if (rdEnd > buf.length) throw formerr(`${section} record's rdata runs past the end of the message`);
  // RFC 6891 §6.1.1 and RFC 8945 §5.1: these live in the additional section only.
  if (section !== 'additional') {
    if (type === T_TSIG) throw formerr(`TSIG record in the ${section} section; it belongs last in the additional section (RFC 8945 §5.1)`);
    if (type === T_OPT) throw formerr(`OPT record in the ${section} section; it belongs in the additional section (RFC 6891 §6.1.1)`);
  }
  return { name: owner.name, type, cls: buf.readUInt16BE(at + 2), ttl: buf.readUInt32BE(at + 4), rdStart, rdEnd };
}

// RFC 2136 §2.4 and §3.2.1: every prerequisite has TTL 0;
//   ANY  ANY   empty  name is in use          ANY  rrset  empty  RRset exists
//   NONE ANY   empty  name is not in use      NONE rrset  empty  RRset does not exist
//   IN   rrset  rr    RRset exists with exactly these records
// Any other class is FORMERR (§3.2.1's final "else").
function prerequisite(buf: Buffer, rr: RawRecord, zone: string): UpdateRecord {
  const what = `prerequisite ${describe(rr)}`;
  if (rr.ttl !== 0) throw formerr(`${what} has TTL ${rr.ttl}; prerequisites must have TTL 0 (RFC 2136 §3.2.1)`);
  switch (rr.cls) {
    case CLASS_ANY:
    case CLASS_NONE:
      noRdata(rr, what, '§2.4');
      if (rr.type !== T_ANY) notMeta(rr, what);
      return record(rr, rr.cls === CLASS_ANY ? 'ANY' : 'NONE', 0, '');
    case CLASS_IN:
      if (rr.type === T_ANY) throw formerr(`${what}: type ANY with class IN has no meaning; "name is in use" is class ANY (RFC 2136 §2.4.4)`);
      notMeta(rr, what);
      return record(rr, 'IN', 0, content(buf, rr, zone, what));
    default:
      throw formerr(`${what} has class ${classMnemonic(rr.cls)}; a prerequisite has class IN, ANY or NONE (RFC 2136 §3.2.1)`);
  }
}

// RFC 2136 §2.5 and §3.4.1.2:
//   ANY  ANY   empty  delete all RRsets at a name   ANY  rrset  empty  delete an RRset
//   NONE rrset  rr    delete this record            IN   rrset  rr     add this record
// ANY and NONE have TTL 0; any other class is FORMERR.
function update(buf: Buffer, rr: RawRecord, zone: string): UpdateRecord {
  const what = `update ${describe(rr)}`;
  switch (rr.cls) {
    case CLASS_ANY:
      if (rr.ttl !== 0) throw formerr(`${what} has TTL ${rr.ttl}; a deletion must have TTL 0 (RFC 2136 §2.5.2)`);
      noRdata(rr, what, '§2.5.2');
      if (rr.type !== T_ANY) notMeta(rr, what);
      return record(rr, 'ANY', 0, '');
    case CLASS_NONE:
      if (rr.ttl !== 0) throw formerr(`${what} has TTL ${rr.ttl}; a deletion must have TTL 0 (RFC 2136 §2.5.4)`);
      if (rr.type === T_ANY) throw formerr(`${what}: type ANY cannot name one record to delete (RFC 2136 §3.4.1.2)`);
      notMeta(rr, what);
      return record(rr, 'NONE', 0, content(buf, rr, zone, what));
    case CLASS_IN: {
      if (rr.type === T_ANY) throw formerr(`${what}: type ANY cannot be added (RFC 2136 §3.4.1.2)`);
      notMeta(rr, what);
      // RFC 2181 §8: a TTL with the top bit set reads as zero, as the decoder reads it everywhere.
      return record(rr, 'IN', rr.ttl > MAX_TTL ? 0 : rr.ttl, content(buf, rr, zone, what));
    }
    default:
      throw formerr(`${what} has class ${classMnemonic(rr.cls)}; an update has class IN, ANY or NONE (RFC 2136 §3.4.1.2)`);
  }
}

function noRdata(rr: RawRecord, what: string, section: string): void {
  if (rr.rdEnd !== rr.rdStart) {
    throw formerr(`${what} carries ${rr.rdEnd - rr.rdStart} bytes of rdata; class ${classMnemonic(rr.cls)} needs RDLENGTH 0 (RFC 2136 ${section})`);
  }
}

// RFC 6895 §3.1: 128–255 are query and meta types (AXFR, IXFR, MAILA, MAILB, TSIG, TKEY, …),
// never data a zone holds; RFC 2136 §3.4.1.2 names AXFR, MAILA and MAILB as FORMERR.
function notMeta(rr: RawRecord, what: string): void {
  if (rr.type >= 128 && rr.type <= 255) throw formerr(`${what}: ${typeMnemonic(rr.type)} is a query or meta type, not record data`);
}

function record(rr: RawRecord, cls: UpdateClass, ttl: number, content: string): UpdateRecord {
  return { name: canonical(rr.name, 'owner name'), type: typeMnemonic(rr.type), cls, ttl, content };
}

// The rdata in our presentation form, checked as lib/zones/validate.ts normalizeRecordContent
// checks it (that calls the same normalizeContent; lib/dns cannot import lib/zones).
function content(buf: Buffer, rr: RawRecord, zone: string, what: string): string {
  const type = typeMnemonic(rr.type);
  // The signer's types are read too: a prerequisite may name them, and lib/zones/update-view.ts
  // refuses an update that would write them (RFC 3007 §4.3) with the reason. Generic TYPEnnn
  // data, which only a transfer brings in, is not for UPDATE.
  if (!isStoredType(type) || isGenericType(type)) throw notimp(`${what}: records of type ${type} are not supported`);
  // Every type we serve has rdata (a TXT record holds at least one string, RFC 1035 §3.3.14).
  if (rr.rdEnd === rr.rdStart) throw formerr(`${what} has no rdata; class ${classMnemonic(rr.cls)} needs the record's data (RFC 2136 §2.5)`);
  // rdataToContent (rdata-wire.ts) reads rdata on its own, where compression pointers into
  // the message cannot resolve; decodeMessageRdata reads it in place.
  const data = decodeMessageRdata(buf, rr.type, rr.rdStart, rr.rdEnd);
  try {
    return normalizeContent(type, wireToContent(type, data), zone);
  } catch (err) {
    if (err instanceof RdataError || err instanceof DnsNameError) throw notimp(`${what}: ${err.message}`);
    throw err;
  }
}

function canonical(name: string, what: string): string {
  // The decoder writes bytes outside printable ASCII, and dots inside a label, as escapes
  // (RFC 1035 §5.1); our names never hold them, and the client never typed a backslash.
  if (name.includes('\\')) {
    throw notimp(`${what} "${name}" has a byte our names cannot hold (shown escaped); names may only use letters, digits, hyphens, underscores and slashes`);
  }
  try {
    return absoluteName(name);
  } catch (err) {
    if (err instanceof DnsNameError) throw notimp(`${what}: ${err.message}`);
    throw err;
  }
}

function describe(rr: RawRecord): string {
  return `${rr.name} ${typeMnemonic(rr.type)}`;
}

/** The codec's mnemonic, or RFC 3597 §5's `TYPEnnn` for a type without one. */
function typeMnemonic(code: number): string {
  const name = typeNameOf(code);
  return name.startsWith('UNKNOWN_') ? `TYPE${code}` : name;
}

function classMnemonic(code: number): string {
  switch (code) {
    case CLASS_IN:
      return 'IN';
    case 3:
      return 'CH';
    case 4:
      return 'HS';
    case CLASS_NONE:
      return 'NONE';
    case CLASS_ANY:
      return 'ANY';
    default:
      return `CLASS${code}`;
  }
}
