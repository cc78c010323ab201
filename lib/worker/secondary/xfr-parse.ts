// Reads the records of an incoming zone transfer as they arrive and says when
// it is complete (RFC 5936 §2.2 for AXFR, RFC 1995 §4 for IXFR), then hands
// back what it was: the primary's note that we are current, the whole zone,
// or a chain of difference sequences. No sockets here; transfer-in.ts feeds it.
//
// The shapes it recognises, S being the primary's current serial:
//   SOA(S), alone in the first message     → up to date (IXFR only, S not newer than ours; RFC 1995 §2)
//   SOA(S) records… SOA(S)                  → the whole zone (AXFR, or IXFR answered AXFR-style)
//   SOA(S) [SOA(a) removed… SOA(b) added…]… SOA(S)
//                                           → incremental: a = our serial, each b the next a, the last b = S
// Records are converted to our canonical presentation form as they come.
// Every type we store is kept, DNSSEC's included (DNSKEY, RRSIG, NSEC, NSEC3,
// NSEC3PARAM, CDS, CDNSKEY, DS), and so is a type we have no codec for, as
// generic TYPEnnn rdata (RFC 3597): a signed zone comes in whole and goes out
// to our own secondaries unchanged, its NSEC bitmaps still true. Records
// outside the zone or of a class other than IN are counted and left out (and
// so would be a meta type, which no zone holds); a broken shape is an error.
import { serialGreater } from '../../dns/serial';
import type { RR } from '../../dns/types';
import { isGenericType, isStoredType, parseSoaContent, wireToContent } from '../../dns/rdata';
import { encodeRdata, lowercased, typeCodeOf, type WireRecord } from '../../dns/wire';
import type { ReceivedSoa, SecondaryDiff } from '../../zones/secondary-store';

export type TransferContent =
  | { style: 'up-to-date'; soa: ReceivedSoa }
  | { style: 'full'; soa: ReceivedSoa; records: RR[]; skipped: SkippedRecords }
  | { style: 'incremental'; soa: ReceivedSoa; diffs: SecondaryDiff[]; skipped: SkippedRecords };

export interface SkippedRecords {
  /** Owner outside the zone (RFC 5936 §3.3 wants them ignored). */
  outOfZone: number;
  /** Types we cannot store, by type (meta types: OPT, TSIG…, which no zone holds). */
  unsupported: Record<string, number>;
  otherClass: number;
}

/** The transfer's records do not form an AXFR or IXFR answer; nothing from it may be used. */
export class TransferFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferFormatError';
  }
}

type State = 'start' | 'first' | 'full' | 'removed' | 'added' | 'done';

export class TransferReader {
  private state: State = 'start';
  private serial = 0;
  private first: ReceivedSoa | null = null;
  private records: RR[] = [];
  private diffs: SecondaryDiff[] = [];
  private current: SecondaryDiff | null = null;
  /** Records seen, every SOA included. */
  count = 0;
  readonly skipped: SkippedRecords = { outOfZone: 0, unsupported: {}, otherClass: 0 };

  /**
   * @param zone the zone asked for, canonical (lowercase, trailing dot)
   * @param ixfrFrom our serial when the question was IXFR; undefined for AXFR
   */
  constructor(
    private readonly zone: string,
    private readonly ixfrFrom?: number,
  ) {}

  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds the answer records of one message; throws TransferFormatError on a broken shape. */
  addMessage(answers: readonly WireRecord[]): void {
    if (this.state === 'done' && answers.length) throw new TransferFormatError('records after the end of the transfer');
    for (const r of answers) this.add(r);
    // RFC 1995 §2, §4: a first message holding one SOA whose serial is not newer than ours means
    // we are current. With a newer serial it is only the start: PowerDNS 4.7 sends the first SOA
    // of its AXFR-style answer in a message of its own, and the next message says which style.
    if (this.state === 'first' && this.ixfrFrom !== undefined && this.count === 1 && !serialGreater(this.serial, this.ixfrFrom)) this.state = 'done';
  }

  private add(w: WireRecord): void {
    if (this.state === 'done') throw new TransferFormatError('records after the end of the transfer');
    this.count++;
    const soa = this.asSoa(w);
    switch (this.state) {
      case 'start':
        if (!soa) throw new TransferFormatError(`the transfer starts with ${w.type}, not the zone's SOA`);
        this.first = soa;
        this.serial = soa.soa.serial;
        this.state = 'first';
        return;
      case 'first':
        // The second record tells AXFR from IXFR style (RFC 1995 §4).
        if (soa && this.ixfrFrom !== undefined && soa.soa.serial !== this.serial) {
          this.startDiff(soa);
          return;
        }
        this.state = 'full';
        this.addFull(w, soa);
        return;
      case 'full':
        this.addFull(w, soa);
        return;
      case 'removed':
        if (soa) {
          this.current!.to = soa;
          this.state = 'added';
        } else this.keep(w, this.current!.removed);
        return;
      case 'added':
        if (!soa) return void this.keep(w, this.current!.added);
        this.diffs.push(this.current!);
        if (soa.soa.serial === this.serial && this.current!.to.soa.serial === this.serial) {
          this.current = null;
          this.state = 'done';
          return;
        }
        if (soa.soa.serial !== this.current!.to.soa.serial) {
          throw new TransferFormatError(`IXFR sequence from serial ${soa.soa.serial} does not follow the one to ${this.current!.to.soa.serial}`);
        }
        this.startDiff(soa);
        return;
    }
  }

  private startDiff(from: ReceivedSoa): void {
    if (this.diffs.length === 0 && from.soa.serial !== this.ixfrFrom) {
      throw new TransferFormatError(`IXFR starts from serial ${from.soa.serial}, we asked from ${this.ixfrFrom}`);
    }
    // `to` is filled by the SOA that ends the removals.
    this.current = { from, to: from, removed: [], added: [] };
    this.state = 'removed';
  }

  private addFull(w: WireRecord, soa: ReceivedSoa | null): void {
    if (!soa) return void this.keep(w, this.records);
    if (soa.soa.serial !== this.serial) throw new TransferFormatError(`the zone ends with serial ${soa.soa.serial}, it began with ${this.serial}`);
    this.state = 'done';
  }

  /** The SOA of the zone apex as a ReceivedSoa; null for any other record. */
  private asSoa(w: WireRecord): ReceivedSoa | null {
    if (w.type !== 'SOA') return null;
    if (lowercased(w.name) !== this.zone) throw new TransferFormatError(`an SOA record for ${w.name} inside the transfer of ${this.zone}`);
    let content: string;
    try {
      content = wireToContent('SOA', w.data);
    } catch (err) {
      throw new TransferFormatError(`a malformed SOA record: ${(err as Error).message}`);
    }
    return {
      soa: parseSoaContent(content),
      ttl: w.ttl,
    };
  }

  private keep(w: WireRecord, into: RR[]): void {
    const name = lowercased(w.name);
    if (name !== this.zone && !name.endsWith(`.${this.zone}`)) {
      this.skipped.outOfZone++;
      return;
    }
    if ((w.class ?? 'IN') !== 'IN') {
      this.skipped.otherClass++;
      return;
    }
    // A type we have no handler for (UNKNOWN_n, LOC, SPF, RP…) is kept as RFC 3597 writes it,
    // TYPEn with its rdata as it came (the decoder's fields written back, uncompressed).
    const generic = `TYPE${typeCodeOf(w.type)}`;
    const type = isStoredType(w.type) || !isGenericType(generic) ? w.type : generic;
    if (!isStoredType(type)) {
      this.skipped.unsupported[type] = (this.skipped.unsupported[type] ?? 0) + 1;
      return;
    }
    let content: string;
    try {
      content = wireToContent(type, type === generic ? encodeRdata(w.type, w.data) : w.data);
    } catch (err) {
      throw new TransferFormatError(`${w.name} ${type}: ${(err as Error).message}`);
    }
    into.push({ name, type, ttl: w.ttl, content });
  }

  /** What the transfer carried; only once `done`. */
  result(): TransferContent {
    if (this.state !== 'done') throw new TransferFormatError(`the transfer ended early, after ${this.count} records`);
    const soa = this.first!;
    if (this.diffs.length) return { style: 'incremental', soa, diffs: this.diffs, skipped: this.skipped };
    if (this.count === 1) return { style: 'up-to-date', soa };
    return { style: 'full', soa, records: this.records, skipped: this.skipped };
  }
}

/** "2 RRSIG, 1 NSEC outside …" for logs and events; empty when nothing was left out. */
export function describeSkipped(s: SkippedRecords): string {
  const parts: string[] = [];
  const unsupported = Object.entries(s.unsupported).map(([t, n]) => `${n} ${t}`);
  if (unsupported.length) parts.push(`left out types this server does not store: ${unsupported.join(', ')}`);
  if (s.outOfZone) parts.push(`${s.outOfZone} records outside the zone ignored`);
  if (s.otherClass) parts.push(`${s.otherClass} records of another class ignored`);
  return parts.join('; ');
}
