// Shared record shapes. A record's name is absolute and canonical
// (lowercase, trailing dot); content is its rdata in canonical presentation
// format, as produced by normalizeContent() in rdata.ts.

export interface RR {
  name: string;
  type: string;
  ttl: number;
  content: string;
}

export interface SoaFields {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export type SerialPolicy = 'increment' | 'date' | 'unixtime';
export const SERIAL_POLICIES: readonly SerialPolicy[] = ['increment', 'date', 'unixtime'];
