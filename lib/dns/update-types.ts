// The shapes of a DNS UPDATE (RFC 2136) as the parts of the worker and the
// change service share them: the message reader (lib/dns/update-message.ts)
// makes an UpdateMessage from the bytes; the update policy
// (lib/zones/update-policy.ts) decides whether a key may make each update;
// the change service (lib/zones/dns-update.ts) checks the prerequisites and
// applies the updates to the zone as one change.

/**
 * The class of a prerequisite or update record, which carries its meaning
 * (RFC 2136 §2.4, §2.5): IN adds (or, as a prerequisite, "this RRset exists
 * with exactly these records"); ANY deletes an RRset or every RRset at a name
 * (or, as a prerequisite, "exists"); NONE deletes one record (or "does not
 * exist").
 */
export type UpdateClass = 'IN' | 'ANY' | 'NONE';

export interface UpdateRecord {
  /** Absolute, lowercase, with the trailing dot. */
  name: string;
  /** Upper-case mnemonic (`A`, `TXT`, `ANY`), or `TYPEnnn` for types without one. */
  type: string;
  cls: UpdateClass;
  ttl: number;
  /**
   * The rdata in our presentation form (as lib/zones/validate.ts normalizeRecordContent
   * reads it; TXT quoted, names absolute); '' when the record has no rdata (RDLENGTH 0).
   */
  content: string;
}

export interface UpdateMessage {
  id: number;
  /** The zone section's name: absolute, lowercase, trailing dot. */
  zone: string;
  /** The zone section's name as the client wrote it, which the answer copies (RFC 2136 §3.8). */
  zoneAsSent: string;
  /** The request carried an OPT record: the answer carries one too (RFC 6891 §7). */
  edns: boolean;
  prerequisites: UpdateRecord[];
  updates: UpdateRecord[];
}

/**
 * The rcodes an UPDATE can be answered with (RFC 2136 §2.2), by name; the
 * worker turns them into numbers (lib/dns/wire.ts RCODE).
 */
export type UpdateRcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | 'YXDOMAIN' | 'YXRRSET' | 'NXRRSET' | 'NOTAUTH' | 'NOTZONE';
