// The RFC 2136 semantics of a DNS UPDATE over the records at the names it
// touches: the prerequisites (§3.2), the prescan of the updates (§3.4.1) and
// the updates applied in order (§3.4.2). Pure: lib/zones/dns-update.ts reads
// those names inside its commit's transaction, runs these on them, and
// writes what they leave as one change. A failure is an UpdateFailure
// carrying the rcode to answer with; nothing has been written then.
import { isInZone } from '../dns/names';
import { isSignerType } from '../dns/dnssec/types';
import { isStoredType, mayAccompanyCname, parseSoaContent, soaContent } from '../dns/rdata';
import { serialGreater } from '../dns/serial';
import { MAX_TTL } from '../dns/ttl';
import type { RR, SoaFields } from '../dns/types';
import type { UpdateRcode, UpdateRecord } from '../dns/update-types';
import { typeCodeOf, typeNameOf, WireError } from '../dns/wire';
import type { RecordsByName } from './neighbourhood';
import { normalizeRecord, normalizeRecordContent, signerTypeMessage } from './validate';

/**
 * Why an UPDATE is answered with something other than NOERROR; thrown inside
 * the commit's transaction, before anything is written. The reason names
 * what the client sent, so it is kept out of `message`: the database layer
 * reads messages to tell a busy database (lib/db-errors.ts), and a name
 * chosen by a client must not be taken for one.
 */
export class UpdateFailure extends Error {
  constructor(
    readonly rcode: Exclude<UpdateRcode, 'NOERROR'>,
    readonly reason: string,
  ) {
    super(`the UPDATE is answered ${rcode}`);
    this.name = 'UpdateFailure';
  }
}

/** The zone's SOA as the Zone row holds it (never a Record row). */
export interface SoaState {
  fields: SoaFields;
  ttl: number;
}

/** One update of the Update section after the prescan, in the order given. */
export type UpdateOp =
  | { op: 'add'; rr: RR }
  | { op: 'add-soa'; soa: SoaState }
  | { op: 'delete-rrset'; name: string; type: string }
  | { op: 'delete-name'; name: string }
  | { op: 'delete-rr'; name: string; type: string; content: string }
  | { op: 'ignore' };

const T_ANY = 255;
const T_OPT = 41;

/**
 * Meta-types and QTYPEs (OPT, and 128–255: TKEY, TSIG, IXFR, AXFR, MAILB,
 * MAILA, ANY; RFC 6895 §3.1) name no data a zone can hold: RFC 2136 §3.4.1.3
 * forbids them in the Update section (ANY only as "delete"), and as a
 * prerequisite with data (§2.4.3).
 */
function isMetaType(code: number): boolean {
  return code === T_OPT || (code >= 128 && code <= 255);
}

/** RFC 2136 §3.2.3, §3.4.1.3: a class other than the zone's (IN), ANY or NONE is a format error. */
function checkClass(r: UpdateRecord, where: string): void {
  const cls: string = r.cls;
  if (cls !== 'IN' && cls !== 'ANY' && cls !== 'NONE') throw new UpdateFailure('FORMERR', `${where}: class ${JSON.stringify(cls)} is not IN, ANY or NONE`);
}

/** The type's mnemonic as stored (`TYPE1` is `A`) and its code; FORMERR for one that is no type at all. */
function typeOf(type: string, where: string): { type: string; code: number } {
  try {
    const code = typeCodeOf(type);
    return { type: typeNameOf(code), code };
  } catch (err) {
    if (err instanceof WireError) throw new UpdateFailure('FORMERR', `${where}: "${type}" is not a record type`);
    throw err;
  }
}

/**
 * The records at the names an UPDATE touches (the apex always among them),
 * first as stored, then as the updates leave them. Each record is held once;
 * the SOA is held apart, as the zone row holds it.
 */
export class UpdateView {
  private readonly names = new Map<string, RR[]>();
  private soaState: SoaState;
  private soaRaised = false;

  constructor(
    readonly zone: string,
    soa: SoaState,
    touched: Iterable<string>,
    records: readonly RR[],
  ) {
    this.soaState = soa;
    for (const name of touched) this.names.set(name, []);
    this.names.set(zone, this.names.get(zone) ?? []);
    for (const r of records) {
      const list = this.at(r.name);
      if (!list.some((x) => x.type === r.type && x.content === r.content)) list.push({ name: r.name, type: r.type, ttl: r.ttl, content: r.content });
    }
  }

  /** The SOA as it will be, and whether an update raised its serial (RFC 2136 §3.4.2.2). */
  get soa(): { state: SoaState; raised: boolean } {
    return { state: this.soaState, raised: this.soaRaised };
  }

  /** Every touched name with its records as they will be, empty names included (for checkChangeRules). */
  byName(): RecordsByName {
    return new Map([...this.names].map(([name, list]) => [name, [...list]]));
  }

  records(): RR[] {
    return [...this.names.values()].flat();
  }

  private at(name: string): RR[] {
    let list = this.names.get(name);
    if (!list) {
      list = [];
      this.names.set(name, list);
    }
    return list;
  }

  /** The RRset of `type` at `name`; the apex SOA is seen here though it is no Record row. */
  private rrset(name: string, type: string): RR[] {
    if (type === 'SOA' && name === this.zone) return [{ name, type, ttl: this.soaState.ttl, content: soaContent(this.soaState.fields) }];
    return this.at(name).filter((r) => r.type === type);
  }

  /** RFC 2136 §2.4.4: a name is in use when it owns at least one RR; the apex always owns its SOA. */
  private inUse(name: string): boolean {
    return name === this.zone || this.at(name).length > 0;
  }

  /** Content in the form stored records hold, for comparing; as given when we cannot read it (then it matches nothing). */
  private comparable(type: string, content: string): string {
    if (!isStoredType(type)) return content;
    const n = normalizeRecordContent(type, content, this.zone);
    return n.ok ? n.value : content;
  }

  private ownerOf(r: UpdateRecord, where: string): string {
    const name = r.name.toLowerCase();
    // RFC 2136 §3.2.1 and §3.4.1.1: every name must be in the zone.
    if (!isInZone(name, this.zone)) throw new UpdateFailure('NOTZONE', `${where}: ${name} is outside the zone ${this.zone}`);
    return name;
  }

  /**
   * RFC 2136 §3.2: checks the prerequisites in order against the zone as it
   * is; the first that fails decides the rcode. The "RRset exists (value
   * dependent)" ones are gathered and compared, as sets with the TTL
   * ignored, after all others passed (§3.2.3).
   */
  checkPrerequisites(prerequisites: readonly UpdateRecord[]): void {
    const wanted = new Map<string, { name: string; type: string; contents: Set<string> }>();
    prerequisites.forEach((p, i) => {
      const where = `prerequisite ${i + 1}`;
      // §3.2.1: the TTL of every prerequisite is 0.
      if (p.ttl !== 0) throw new UpdateFailure('FORMERR', `${where}: the TTL of a prerequisite must be 0, not ${p.ttl}`);
      const name = this.ownerOf(p, where);
      const { type, code } = typeOf(p.type, where);
      checkClass(p, where);
      if (p.cls === 'ANY' || p.cls === 'NONE') {
        // §2.4.1, §2.4.3, §2.4.4, §2.4.5: these carry no rdata.
        if (p.content !== '') throw new UpdateFailure('FORMERR', `${where}: a class ${p.cls} prerequisite carries no data`);
        const exists = code === T_ANY ? this.inUse(name) : this.rrset(name, type).length > 0;
        if (p.cls === 'ANY' && !exists) {
          throw code === T_ANY
            ? new UpdateFailure('NXDOMAIN', `${where}: ${name} is not in use`)
            : new UpdateFailure('NXRRSET', `${where}: there is no ${type} RRset at ${name}`);
        }
        if (p.cls === 'NONE' && exists) {
          throw code === T_ANY
            ? new UpdateFailure('YXDOMAIN', `${where}: ${name} is in use`)
            : new UpdateFailure('YXRRSET', `${where}: there is a ${type} RRset at ${name}`);
        }
        return;
      }
      if (isMetaType(code)) throw new UpdateFailure('FORMERR', `${where}: ${type} names no RRset that could exist with data`);
      const key = `${name} ${type}`;
      const entry = wanted.get(key) ?? { name, type, contents: new Set<string>() };
      entry.contents.add(this.comparable(type, p.content));
      wanted.set(key, entry);
    });
    for (const { name, type, contents } of wanted.values()) {
      const have = new Set(this.rrset(name, type).map((r) => r.content));
      const equal = have.size === contents.size && [...contents].every((c) => have.has(c));
      if (!equal) throw new UpdateFailure('NXRRSET', `the ${type} RRset at ${name} is not exactly the one the prerequisites give`);
    }
  }

  /**
   * RFC 2136 §3.4.1: checks every update before any is applied (names in
   * the zone, classes with the TTL, types and data they allow) and reads
   * each into what apply() does with it. Data we would not store (a type we
   * do not serve, rdata our validators refuse) is REFUSED with the reason.
   */
  prescan(updates: readonly UpdateRecord[]): UpdateOp[] {
    return updates.map((u, i) => {
      const where = `update ${i + 1}`;
      const name = this.ownerOf(u, where);
      const { type, code } = typeOf(u.type, where);
      checkClass(u, where);
      // RFC 3007 §4.3: the signer's records are its own; an UPDATE neither adds nor deletes them
      // (BIND 9.18 refuses RRSIG and NSEC alike; it takes DNSKEY, CDS and NSEC3PARAM, which
      // here the signer writes from the zone's keys and policy).
      if (isSignerType(type)) throw new UpdateFailure('REFUSED', `${where}: ${signerTypeMessage(type)}`);
      if (u.cls === 'IN') {
        if (isMetaType(code)) throw new UpdateFailure('FORMERR', `${where}: ${type} cannot be added to a zone`);
        if (type === 'SOA') return this.soaOp(u, name, where);
        const n = normalizeRecord({ name, type, ttl: u.ttl, content: u.content }, this.zone, u.ttl);
        if (!n.ok) throw new UpdateFailure('REFUSED', `${where}: ${name} ${type} ${u.content}: ${n.message}`);
        return { op: 'add', rr: n.value };
      }
      // §3.4.1.3: a delete has TTL 0; deleting an RRset carries no data.
      if (u.ttl !== 0) throw new UpdateFailure('FORMERR', `${where}: a delete (class ${u.cls}) must have TTL 0, not ${u.ttl}`);
      if (u.cls === 'ANY') {
        if (u.content !== '') throw new UpdateFailure('FORMERR', `${where}: deleting an RRset (class ANY) carries no data`);
        if (code === T_ANY) return { op: 'delete-name', name };
        if (isMetaType(code)) throw new UpdateFailure('FORMERR', `${where}: ${type} is not an RRset that can be deleted`);
        return { op: 'delete-rrset', name, type };
      }
      if (isMetaType(code)) throw new UpdateFailure('FORMERR', `${where}: deleting one record (class NONE) cannot name type ${type}`);
      return { op: 'delete-rr', name, type, content: this.comparable(type, u.content) };
    });
  }

  private soaOp(u: UpdateRecord, name: string, where: string): UpdateOp {
    const n = normalizeRecordContent('SOA', u.content, this.zone);
    if (!n.ok) throw new UpdateFailure('REFUSED', `${where}: ${name} SOA ${u.content}: ${n.message}`);
    if (!Number.isInteger(u.ttl) || u.ttl < 0 || u.ttl > MAX_TTL) {
      throw new UpdateFailure('REFUSED', `${where}: ${name} SOA: TTL must be a whole number of seconds from 0 to ${MAX_TTL}, got ${u.ttl}`);
    }
    // §3.4.2.2: an SOA anywhere but the apex would be a second one; BIND ignores it, and so do we.
    if (name !== this.zone) return { op: 'ignore' };
    return { op: 'add-soa', soa: { fields: parseSoaContent(n.value), ttl: u.ttl } };
  }

  /** RFC 2136 §3.4.2: applies the prescanned updates in order, each seeing what the ones before it left. */
  apply(ops: readonly UpdateOp[]): void {
    for (const op of ops) {
      switch (op.op) {
        case 'add':
          this.add(op.rr);
          break;
        case 'add-soa':
          // §3.4.2.2: a new SOA replaces the zone's only when its serial is greater (RFC 1982).
          if (serialGreater(op.soa.fields.serial, this.soaState.fields.serial)) {
            this.soaState = op.soa;
            this.soaRaised = true;
          }
          break;
        case 'delete-rrset':
          // §3.4.2.3: the apex SOA and NS RRsets are never deleted this way.
          if (op.name === this.zone && (op.type === 'SOA' || op.type === 'NS')) break;
          this.keep(op.name, (r) => r.type !== op.type);
          break;
        case 'delete-name':
          // §3.4.2.3: at the apex every RRset goes but the SOA (held apart) and the NS. The
          // signer's records stay for the signer to redo (RFC 3007 §4.3), as BIND's signer does.
          this.keep(op.name, (r) => isSignerType(r.type) || (op.name === this.zone && r.type === 'NS'));
          break;
        case 'delete-rr': {
          // §3.4.2.4: the SOA is never deleted, nor the apex's last NS.
          if (op.type === 'SOA') break;
          if (op.name === this.zone && op.type === 'NS' && this.rrset(op.name, 'NS').length <= 1) break;
          this.keep(op.name, (r) => r.type !== op.type || r.content !== op.content);
          break;
        }
        case 'ignore':
          break;
      }
    }
  }

  private keep(name: string, pred: (r: RR) => boolean): void {
    const list = this.at(name);
    const kept = list.filter(pred);
    list.splice(0, list.length, ...kept);
  }

  /** RFC 2136 §3.4.2.2, with BIND's readings where the RFC leaves room. */
  private add(rr: RR): void {
    const list = this.at(rr.name);
    // An NS RRset at a wildcard name, or a DS at the apex (it belongs in the parent, RFC 4034 §5):
    // BIND ignores both, and so do we.
    if (rr.type === 'NS' && rr.name.startsWith('*.')) return;
    if (rr.type === 'DS' && rr.name === this.zone) return;
    if (rr.type === 'CNAME') {
      // A CNAME beside other data is ignored (the apex always has its SOA); one beside a CNAME
      // replaces it. Its signature and NSEC may stay beside it (RFC 4035 §2.5).
      if (rr.name === this.zone || list.some((r) => r.type !== 'CNAME' && !mayAccompanyCname(r.type))) return;
      const old = list.find((r) => r.type === 'CNAME');
      if (old && old.content === rr.content && old.ttl === rr.ttl) return;
      list.splice(0, list.length, ...list.filter((r) => r.type !== 'CNAME'), rr);
      return;
    }
    // Other data beside a CNAME is ignored.
    if (list.some((r) => r.type === 'CNAME')) return;
    const same = list.find((r) => r.type === rr.type && r.content === rr.content);
    if (same && same.ttl === rr.ttl) return;
    // RFC 2181 §5.2: one TTL per RRset. BIND gives the whole set the added record's TTL; so do we.
    list.forEach((r, i) => {
      if (r.type === rr.type && r.ttl !== rr.ttl) list[i] = { ...r, ttl: rr.ttl };
    });
    if (!same) list.push(rr);
  }
}
